from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from customers.models import CustomerIdentity, ShipmentStatus
from notices import selectors, services
from notices.models import DelayEpisode, NoticeRules
from tests.factories import TicketFactory
from tickets.models import Category, DeliveryStatus, Message, Ticket

from .conftest import NOON, late_shipment, make_shipment, scan

pytestmark = pytest.mark.usefixtures("at_noon")


@pytest.fixture(autouse=True)
def no_enqueue(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        yield


def notify(shipment):
    for episode_id in services.check_shipments(shipment_ids=[shipment.pk]):
        services.send_delay_notice(episode_id=episode_id)


def test_delayed_shipments_are_those_with_an_open_delay_longest_first(db, at_noon):
    older = late_shipment()
    notify(older)
    at_noon.shift(timedelta(hours=1))
    newer = make_shipment(status=ShipmentStatus.EXCEPTION)
    notify(newer)
    on_time = make_shipment()
    notify(on_time)
    delivered = late_shipment()
    notify(delivered)
    delivered.status = ShipmentStatus.DELIVERED
    delivered.save()
    notify(delivered)

    assert list(selectors.delayed_shipments()) == [older, newer]
    first, second = selectors.delayed_shipments()
    # Since when each is delayed: the end of the promised day (9 March, Shanghai), and the
    # last scan before the exception status, not when Kefu noticed.
    assert first.delayed_since == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert second.delayed_since == NOON - timedelta(hours=5)


def test_tickets_about_an_order_with_an_open_delay_can_be_filtered(db):
    shipment = late_shipment()
    notify(shipment)
    about_it = TicketFactory(customer=shipment.customer, order=shipment.order)
    unrelated = TicketFactory(customer=shipment.customer)
    delayed = selectors.with_open_delay(Ticket.objects.exclude(delay_notices__isnull=False))
    assert list(delayed) == [about_it]
    assert unrelated not in delayed


def test_the_report_counts_delays_by_carrier_and_reason(db):
    notify(late_shipment())
    notify(late_shipment())
    exception = make_shipment()
    exception.carrier = "DHL"
    exception.save()
    scan(exception, "exception", "customs")
    notify(exception)
    report = selectors.notice_report(since=NOON - timedelta(days=1), until=NOON + timedelta(1))
    rows = {(row["shipment__carrier"], row["reason"]): row for row in report.by_cause}
    assert rows[("SF Express", "late")]["detected"] == 2
    assert rows[("SF Express", "late")]["notified"] == 2
    assert rows[("DHL", "exception")]["still_open"] == 1
    assert report.detected == 3
    assert report.written == 3
    assert report.waiting == 3  # not delivered yet in this test
    assert report.sent == 0


def test_the_repeat_contact_rate_compares_notified_customers_with_the_others(db, at_noon):
    NoticeRules.objects.filter(pk=1).update(holdout_percent=50)
    rules = NoticeRules.load()
    shipments = [late_shipment() for _ in range(16)]
    for shipment in shipments:
        notify(shipment)
    Message.objects.update(delivery_status=DeliveryStatus.SENT)
    held = [s for s in shipments if rules.is_held_out(s.pk)]
    told = [s for s in shipments if not rules.is_held_out(s.pk)]
    no_email = late_shipment()
    CustomerIdentity.objects.filter(customer=no_email.customer).delete()
    notify(no_email)
    untold = [*held, no_email]

    at_noon.shift(timedelta(days=2))
    # Every customer left in the dark asks where the parcel is; one notified customer does.
    for shipment in untold:
        TicketFactory(customer=shipment.customer, category=Category.ORDER_STATUS,
                      created_at=timezone.now())
    TicketFactory(customer=told[0].customer, order=told[0].order, created_at=timezone.now())
    # A ticket about something else, or long after, is not a repeat contact.
    TicketFactory(customer=told[1].customer, category=Category.FEEDBACK,
                  created_at=timezone.now())
    TicketFactory(customer=told[2].customer, order=told[2].order,
                  created_at=timezone.now() + timedelta(days=30))

    report = selectors.notice_report(since=NOON - timedelta(days=1), until=NOON + timedelta(1))
    assert (report.notified.shipments, report.notified.contacted) == (len(told), 1)
    assert (report.not_notified.shipments, report.not_notified.contacted) == (len(untold),
                                                                              len(untold))
    assert report.contacts_avoided == round((1 - 1 / len(told)) * len(told))
    assert DelayEpisode.objects.count() == 17


def test_contacts_avoided_needs_a_comparison_group(db):
    notify(late_shipment())
    report = selectors.notice_report(since=NOON - timedelta(days=1), until=NOON + timedelta(1))
    assert report.not_notified.shipments == 0
    assert report.contacts_avoided is None
