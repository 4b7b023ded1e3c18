"""The top navigation shows each role the pages it may open, and a manager's unread SLA alerts."""

from django.urls import reverse
from django.utils import timezone

from sla.models import Notification
from tests.factories import TicketFactory


def nav_links(client, user):
    client.force_login(user)
    html = client.get(reverse("tickets:inbox")).content.decode()
    return html[html.index("<nav"):html.index("</nav>")]


def test_an_agent_sees_the_agent_pages_and_no_manager_pages(client, agent):
    nav = nav_links(client, agent)
    for name in ("tickets:inbox", "notices:delayed", "customers:search", "replies:my_templates"):
        assert f'href="{reverse(name)}"' in nav
    for name in ("reports:sla", "loyalty:approvals", "sla:notifications", "loyalty:tiers"):
        assert f'href="{reverse(name)}"' not in nav


def test_a_manager_sees_the_manager_pages_but_not_the_admin_ones(client, manager):
    nav = nav_links(client, manager)
    for name in ("reports:sla", "loyalty:approvals", "loyalty:report", "notices:report",
                 "reports:reviews", "sla:notifications"):
        assert f'href="{reverse(name)}"' in nav
    assert f'href="{reverse("loyalty:tiers")}"' not in nav
    assert f'href="{reverse("admin:index")}"' not in nav


def test_an_admin_also_sees_tiers_and_the_admin_console(client, admin_user):
    nav = nav_links(client, admin_user)
    assert f'href="{reverse("loyalty:tiers")}"' in nav
    assert f'href="{reverse("admin:index")}"' in nav


def test_the_manager_nav_counts_unread_sla_alerts(client, manager):
    tickets = TicketFactory.create_batch(3)
    now = timezone.now()
    for ticket in tickets:
        Notification.objects.create(recipient=manager, ticket=ticket, created_at=now)
    Notification.objects.filter(ticket=tickets[0]).update(read_at=now)

    nav = nav_links(client, manager)
    alerts = nav[nav.index('id="nav-sla-notifications"'):]
    assert 'text-bg-danger">2</span>' in alerts[:alerts.index("</a>")]

    Notification.objects.update(read_at=now)
    nav = nav_links(client, manager)
    alerts = nav[nav.index('id="nav-sla-notifications"'):]
    assert "badge" not in alerts[:alerts.index("</a>")]
