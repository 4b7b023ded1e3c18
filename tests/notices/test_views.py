from datetime import timedelta

import pytest
from django.urls import reverse

from notices import services

from .conftest import late_shipment

pytestmark = pytest.mark.usefixtures("at_noon")


@pytest.fixture
def delays(db, django_capture_on_commit_callbacks):
    def make(count: int):
        with django_capture_on_commit_callbacks(execute=False):
            for _ in range(count):
                shipment = late_shipment()
                for episode_id in services.check_shipments(shipment_ids=[shipment.pk]):
                    services.send_delay_notice(episode_id=episode_id)
    return make


# --- The manager's report ------------------------------------------------------------

def test_the_report_sends_anonymous_users_to_the_login_page(client, db):
    response = client.get(reverse("notices:report"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["agent", "other_agent", "outsider"])
def test_the_report_is_not_for_agents_or_users_without_a_role(client, who, request, db):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("notices:report")).status_code == 403


@pytest.mark.parametrize("who", ["manager", "admin_user"])
def test_managers_and_admins_see_the_report(client, who, request, delays):
    delays(3)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("notices:report"), {"days": 7})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="figure-detected">3<' in html
    assert "SF Express" in html
    assert response.context["report"].written == 3


def test_a_period_outside_the_choices_falls_back_to_30_days(client, manager, db):
    client.force_login(manager)
    assert client.get(reverse("notices:report"), {"days": "x"}).context["days"] == 30
    assert client.get(reverse("notices:report"), {"days": 5}).context["days"] == 30


def test_the_report_takes_the_same_queries_for_many_delays(client, manager, delays,
                                                           django_assert_max_num_queries):
    client.force_login(manager)
    delays(2)
    with django_assert_max_num_queries(8):
        client.get(reverse("notices:report"))
    delays(20)
    with django_assert_max_num_queries(8):
        client.get(reverse("notices:report"))


def test_the_report_shows_in_chinese(client, manager, db, settings):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("notices:report")).content.decode()
    assert "物流延误通知" in html


# --- Delayed orders for agents ---------------------------------------------------------

def test_delayed_orders_send_anonymous_users_to_the_login_page(client, db):
    assert client.get(reverse("notices:delayed")).status_code == 302


def test_delayed_orders_are_not_for_users_without_a_role(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("notices:delayed")).status_code == 403


@pytest.mark.parametrize("who", ["agent", "other_agent", "manager"])
def test_staff_see_delayed_orders_with_their_notices(client, who, request, delays):
    delays(2)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("notices:delayed"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="shipment-delay') == 2
    assert "Late" in html
    assert "Notice (late)" in html
    assert 'href="/tickets/?view=delayed"' in html  # the open tickets about them


def test_delayed_orders_take_the_same_queries_for_many_shipments(client, agent, delays,
                                                                  django_assert_max_num_queries,
                                                                  at_noon):
    client.force_login(agent)
    delays(2)
    with django_assert_max_num_queries(10):
        client.get(reverse("notices:delayed"))
    at_noon.shift(timedelta(minutes=1))
    delays(30)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notices:delayed"))
    assert response.content.decode().count('class="shipment-delay') == 32


def test_the_proactive_ticket_opens_in_the_workspace_with_the_notice(client, agent, delays):
    from notices.models import DelayNotice

    delays(1)
    notice = DelayNotice.objects.get()
    client.force_login(agent)
    response = client.get(reverse("tickets:detail", args=[notice.ticket_id]))
    assert response.status_code == 200
    assert "I&#x27;m tracking your order" in response.content.decode()
