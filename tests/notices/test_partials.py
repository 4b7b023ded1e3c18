"""templates/notices/_shipment_delay.html, the partial the customer sidebar includes."""

from datetime import timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from customers.models import Shipment, ShipmentStatus
from notices import selectors, services

from .conftest import NIGHT, late_shipment, make_shipment

pytestmark = pytest.mark.usefixtures("at_noon")


@pytest.fixture(autouse=True)
def no_enqueue(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        yield


def notify(shipment):
    for episode_id in services.check_shipments(shipment_ids=[shipment.pk]):
        services.send_delay_notice(episode_id=episode_id)


def render(shipment) -> str:
    return render_to_string("notices/_shipment_delay.html", {"shipment": shipment})


def test_a_delayed_shipment_shows_a_badge_and_its_notice_with_a_link_to_the_ticket(db):
    shipment = late_shipment()
    notify(shipment)
    html = render(shipment)
    notice = shipment.delay_episodes.get().notice
    assert "badge text-bg-warning" in html
    assert "Late" in html
    assert f'href="/tickets/{notice.ticket_id}/"' in html
    assert "sending" in html


def test_a_notice_held_for_quiet_hours_says_until_when(db):
    with time_machine.travel(NIGHT, tick=False):
        shipment = late_shipment()
        notify(shipment)
    assert "held for quiet hours until" in render(shipment)


def test_an_on_time_shipment_shows_nothing(db):
    html = render(make_shipment())
    assert "badge" not in html
    assert "<li" not in html


def test_a_delay_that_is_over_keeps_its_notice_but_loses_the_badge(db, at_noon):
    shipment = late_shipment()
    notify(shipment)
    shipment.status = ShipmentStatus.DELIVERED
    shipment.save()
    at_noon.shift(timedelta(hours=1))
    notify(shipment)
    html = render(shipment)
    assert "badge" not in html
    assert "Notice (late)" in html


def test_the_partial_is_in_chinese_for_a_chinese_agent(db):
    shipment = late_shipment()
    notify(shipment)
    with translation.override("zh-hans"):
        assert "延误" in render(shipment)


def test_with_the_prefetch_a_list_of_shipments_renders_in_a_fixed_number_of_queries(
        db, django_assert_max_num_queries):
    for _ in range(12):
        notify(late_shipment())
    shipments = Shipment.objects.prefetch_related(selectors.delay_prefetch())
    with django_assert_max_num_queries(2):
        for shipment in shipments:
            render(shipment)
