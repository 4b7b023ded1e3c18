import pytest
from rest_framework.test import APIClient

from notices import services

from .conftest import late_shipment, make_shipment

pytestmark = pytest.mark.usefixtures("at_noon")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def notified(db, django_capture_on_commit_callbacks):
    shipment = late_shipment(number="50300")
    with django_capture_on_commit_callbacks(execute=False):
        [episode_id] = services.check_shipments(shipment_ids=[shipment.pk])
        notice = services.send_delay_notice(episode_id=episode_id)
    return shipment, notice


def test_a_shipment_shows_its_delay_state_and_the_notices_sent(api, agent, notified):
    shipment, notice = notified
    api.force_authenticate(agent)
    response = api.get(f"/api/v1/shipments/{shipment.pk}/notices/")
    assert response.status_code == 200
    data = response.json()
    assert data["shipment"] == shipment.pk
    assert data["order_number"] == "50300"
    assert data["delayed"] is True
    assert data["reasons"] == ["late"]
    [episode] = data["episodes"]
    assert episode["reason"] == "late"
    assert episode["is_open"] is True
    assert episode["notice_state"] == "notified"
    assert episode["notice"]["ticket"] == notice.ticket_id
    assert episode["notice"]["message"] == notice.message_id
    assert episode["notice"]["delivery_status"] == "queued"
    assert episode["began_at"] == "2026-03-10T00:00:00+08:00"  # the end of the promised day


def test_the_notice_is_a_message_of_the_proactive_ticket_in_the_tickets_api(api, agent,
                                                                          notified):
    _shipment, notice = notified
    api.force_authenticate(agent)
    response = api.get(f"/api/v1/tickets/{notice.ticket_id}/messages/")
    assert response.status_code == 200
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    [message] = [row for row in rows if row["id"] == notice.message_id]
    assert message["direction"] == "outbound"
    assert "I'm tracking your order #50300" in message["body_text"]


def test_a_shipment_on_time_is_not_delayed(api, agent, db):
    shipment = make_shipment()
    api.force_authenticate(agent)
    data = api.get(f"/api/v1/shipments/{shipment.pk}/notices/").json()
    assert (data["delayed"], data["reasons"], data["episodes"]) == (False, [], [])


def test_an_unknown_shipment_is_404(api, agent):
    api.force_authenticate(agent)
    assert api.get("/api/v1/shipments/999999/notices/").status_code == 404


def test_the_api_needs_a_staff_role(api, outsider, notified):
    shipment, _notice = notified
    assert api.get(f"/api/v1/shipments/{shipment.pk}/notices/").status_code in (401, 403)
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/shipments/{shipment.pk}/notices/").status_code == 403
    assert api.get("/api/v1/delay-notices/").status_code == 403


def test_notices_are_listed_newest_first_and_filtered(api, agent, notified,
                                                      django_capture_on_commit_callbacks):
    shipment, notice = notified
    other = late_shipment()
    with django_capture_on_commit_callbacks(execute=False):
        for episode_id in services.check_shipments(shipment_ids=[other.pk]):
            services.send_delay_notice(episode_id=episode_id)
    api.force_authenticate(agent)
    everything = api.get("/api/v1/delay-notices/").json()["results"]
    assert len(everything) == 2
    mine = api.get("/api/v1/delay-notices/", {"shipment": shipment.pk}).json()["results"]
    assert [n["id"] for n in mine] == [notice.pk]
    assert mine[0]["reason"] == "late"
    assert mine[0]["subject"] == "Your order #50300 is running late"
    assert api.get("/api/v1/delay-notices/", {"reason": "stalled"}).json()["results"] == []
    assert api.get("/api/v1/delay-notices/", {"reason": "nonsense"}).status_code == 400
