"""The teams, staff and tiers in the inbox's and the ticket page's menus are cached across
requests and forgotten as soon as one of them changes."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loyalty.models import Tier
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets import menus, services


@pytest.fixture
def ticket(db):
    return services.open_ticket(customer=CustomerFactory(), subject="Parcel stuck",
                                body_text="Where is my parcel?")


def ticket_page(client, ticket) -> str:
    return client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()


def assign_menu(html: str) -> str:
    menu = html[html.index('id="field-assignee"'):]
    return menu[:menu.index("</select>")]


def test_the_menus_are_read_once_then_served_from_the_cache(client, agent, ticket):
    client.force_login(agent)
    client.get(reverse("tickets:inbox"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("tickets:inbox")).content.decode()
    menu_queries = [q["sql"] for q in queries.captured_queries
                    if q["sql"].startswith(('SELECT "tickets_team"', 'SELECT "loyalty_tier"',
                                            'SELECT DISTINCT "auth_user"'))]
    assert menu_queries == []
    assert "Orders &amp; shipping" in html and "Ann Agent" in html


def test_a_new_team_and_a_new_agent_are_in_the_menus_at_once(client, agent, ticket):
    client.force_login(agent)
    assert "Returns desk" not in ticket_page(client, ticket)
    team = TeamFactory(name="Returns desk")
    newcomer = UserFactory(first_name="Nia", last_name="New", role="agent")
    html = ticket_page(client, ticket)
    assert f'<option value="{team.pk}">Returns desk</option>' in html
    assert f'<option value="{newcomer.pk}">Nia New</option>' in assign_menu(html)
    team.name = "Returns & exchanges"
    team.save()
    assert "Returns &amp; exchanges" in ticket_page(client, ticket)
    team.delete()
    assert "Returns &amp; exchanges" not in ticket_page(client, ticket)


def test_someone_who_loses_their_role_or_is_deactivated_leaves_the_assign_menu(
        client, agent, other_agent, manager, ticket):
    client.force_login(agent)
    assert "Bo Chen" in assign_menu(ticket_page(client, ticket))
    other_agent.groups.remove(Group.objects.get(name="agent"))
    assert "Bo Chen" not in assign_menu(ticket_page(client, ticket))
    assert "Mei Manager" in assign_menu(ticket_page(client, ticket))
    manager.is_active = False
    manager.save()
    assert "Mei Manager" not in assign_menu(ticket_page(client, ticket))


def test_a_renamed_tier_shows_in_the_filter_panel_at_once(client, agent):
    client.force_login(agent)
    url = reverse("tickets:inbox_filters")
    assert "Gold" in client.get(url).content.decode()
    gold = Tier.objects.get(name="Gold")
    gold.name = "Platinum"
    gold.save()
    html = client.get(url).content.decode()
    assert "Platinum" in html and ">Gold<" not in html


def test_logging_in_does_not_throw_the_menus_away(client, agent):
    menus.menus()
    response = client.post(reverse("login"), {"username": agent.username, "password": "pw"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.last_login is not None
    assert cache.get(menus.CACHE_KEY) is not None
