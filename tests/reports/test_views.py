"""Who may see the dashboards, what they show, the CSV exports and the query count."""

import csv
import io

import pytest
from django.urls import reverse

from reports import services
from tests.factories import CustomerFactory, UserFactory, tier
from tickets import services as ticket_services
from tickets.models import Category

from .conftest import NOW, at, sh

PAGES = ["reports:sla", "reports:workload", "reports:quality", "reports:reviews"]
WEEK = "?start=2026-03-02&end=2026-03-04"


@pytest.mark.parametrize("name", PAGES)
def test_a_manager_sees_each_dashboard(client, manager, name):
    client.force_login(manager)
    response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_an_admin_sees_each_dashboard(client, admin_user, name):
    client.force_login(admin_user)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_an_agent_is_refused(client, agent, name):
    client.force_login(agent)
    assert client.get(reverse(name)).status_code == 403


def test_an_agent_cannot_export_either(client, agent):
    client.force_login(agent)
    url = reverse("reports:export", args=["sla", "trend"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_go_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_nav_links_the_dashboards_for_managers_only(client, manager, agent):
    client.force_login(manager)
    assert reverse("reports:sla") in client.get(reverse("reports:reviews")).content.decode()
    client.force_login(agent)
    page = client.get(reverse("tickets:inbox")).content.decode()
    assert reverse("reports:sla") not in page


def test_the_sla_dashboard_shows_the_weeks_figures(client, manager, refreshed):
    client.force_login(manager)
    with at(NOW):
        page = client.get(reverse("reports:sla") + WEEK).content.decode()
    assert "60.0%" in page                           # first response met
    assert "Very unhappy" in page                    # D is breaching, linked
    assert reverse("tickets:detail", args=[refreshed.d.pk]) in page
    assert "Order status?" in page                   # F is at risk
    assert "chart-trend" in page and "chart.umd.min.js" in page


def test_the_filters_stay_in_the_links(client, manager, refreshed):
    client.force_login(manager)
    url = reverse("reports:sla") + WEEK + f"&team={refreshed.team.pk}&trend=week"
    page = client.get(url).content.decode()
    assert f"team={refreshed.team.pk}" in page
    assert "trend=week" in page
    assert "50.0%" in page                           # Orders team: A met, B breached


def test_a_bad_period_is_explained_and_the_default_shown(client, manager):
    client.force_login(manager)
    page = client.get(reverse("reports:sla") + "?period=custom&start=2026-03-05&end=2026-03-01")
    assert page.status_code == 200
    assert "The period must start before it ends." in page.content.decode()


def test_the_csv_export_has_the_tables_rows(client, manager, refreshed):
    client.force_login(manager)
    url = reverse("reports:export", args=["sla", "by-channel"]) + WEEK
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()
                                       .lstrip("\ufeff"))))
    assert rows[0][0] == "Group" and "Median first response (minutes)" in rows[0]
    by_group = {row[0]: row for row in rows[1:]}
    assert by_group["Email"][1] == "3"


def test_an_unknown_table_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("reports:export", args=["sla", "nope"])).status_code == 404
    assert client.get(reverse("reports:export", args=["nope", "trend"])).status_code == 404


def test_the_dashboard_in_chinese(client, manager, refreshed):
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("reports:sla") + WEEK).content.decode()
    assert "SLA 仪表板" in page and "首次响应" in page


@pytest.mark.parametrize("filters", ["", "team+channel", "team+channel+tier"])
@pytest.mark.parametrize("name", ["reports:sla", "reports:workload", "reports:quality"])
def test_the_query_count_does_not_grow_with_tickets(client, manager, team, name, filters,
                                                    django_assert_max_num_queries):
    """Unfiltered or one filter (the rollup) and filters combined (the facts)."""
    client.force_login(manager)
    agents = [UserFactory(username=f"agent{i}", role="agent") for i in range(3)]
    gold = tier("Gold")
    query = WEEK + {"": "", "team+channel": f"&team={team.pk}&channel=email",
                    "team+channel+tier": f"&team={team.pk}&channel=email&tier={gold.pk}",
                    }[filters]

    def add_tickets(count):
        for i in range(count):
            when = sh(3, 10, i)
            with at(when):
                ticket = ticket_services.open_ticket(
                    customer=CustomerFactory(tier=gold), subject=f"Q{i}", body_text="?",
                    category=Category.ORDER_STATUS, team=team, at=when)
                ticket_services.assign(ticket=ticket, agent=agents[i % 3], by=manager,
                                       at=when)
        services.refresh_changed(now=NOW)

    add_tickets(3)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse(name) + query).context["summary"].created == 3
    add_tickets(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name) + query).context["summary"].created == 15
