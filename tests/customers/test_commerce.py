"""The one write path: idempotent on the shop's and carrier's ids, events on every change."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from customers.models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)
from customers.services import commerce
from customers.services.inputs import (
    CustomerIn,
    IdentityIn,
    OrderIn,
    OrderLineIn,
    ShipmentIn,
    TrackingEventIn,
)
from tests.factories import CustomerFactory, OrderFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

PLACED = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def subscribers(settings):
    settings.KEFU_EVENT_SUBSCRIBERS = {"order_changed": ["loyalty.tasks.on_order_changed"],
                                       "shipment_changed": ["notices.tasks.on_shipment_changed"]}


def lin_wei(**changes) -> CustomerIn:
    data = CustomerIn(identities=[IdentityIn(IdentityKind.SHOP, "115310627314723954"),
                                  IdentityIn(IdentityKind.EMAIL, "Lin.Wei@Example.com"),
                                  IdentityIn(IdentityKind.PHONE, "+86 139 0000 1042")],
                      name="林伟", language="zh-hans")
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def order_1042(**changes) -> OrderIn:
    data = OrderIn(number="#1042", shop_order_id="820982911946154508", placed_at=PLACED,
                   customer=lin_wei(), status=OrderStatus.PAID, currency="CNY",
                   total=Decimal("398.00"), refunded_total=Decimal("0"),
                   lines=[OrderLineIn("Longjing green tea 250g", 1, Decimal("199.00"),
                                      sku="TEA-LJ-250", shop_line_id="866550311766439020"),
                          OrderLineIn("Celadon teapot", 1, Decimal("199.00"), sku="POT-CEL-1",
                                      shop_line_id="141249953214522974")],
                   source_updated_at=PLACED)
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_a_new_order_creates_its_customer_identities_and_lines():
    result = commerce.record_order(data=order_1042())

    assert result.created
    order = result.obj
    assert order.number == "1042" and order.total == Decimal("398.00")
    assert order.customer.name == "林伟" and order.customer.language == "zh-hans"
    assert set(order.customer.identities.values_list("kind", "value")) == {
        ("shop", "115310627314723954"), ("email", "lin.wei@example.com"),
        ("phone", "+8613900001042")}
    assert list(order.lines.values_list("title", flat=True)) == [
        "Longjing green tea 250g", "Celadon teapot"]


def test_recording_the_same_order_twice_updates_it_and_never_duplicates():
    first = commerce.record_order(data=order_1042()).obj
    line_ids = list(first.lines.values_list("pk", flat=True))

    second = commerce.record_order(data=order_1042(
        status=OrderStatus.FULFILLED, source_updated_at=PLACED + timedelta(hours=1)))

    assert not second.created and second.changed
    assert second.obj.pk == first.pk
    assert Order.objects.count() == 1 and Customer.objects.count() == 1
    assert CustomerIdentity.objects.count() == 3
    assert second.obj.status == OrderStatus.FULFILLED
    assert list(second.obj.lines.values_list("pk", flat=True)) == line_ids


def test_changed_lines_replace_the_stored_ones():
    order = commerce.record_order(data=order_1042()).obj
    kept = order.lines.get(sku="TEA-LJ-250")

    commerce.record_order(data=order_1042(lines=[
        OrderLineIn("Longjing green tea 250g", 2, Decimal("199.00"), sku="TEA-LJ-250",
                    shop_line_id="866550311766439020")]))

    assert list(order.lines.values_list("pk", "quantity")) == [(kept.pk, 2)]


def test_an_older_update_arriving_late_is_ignored():
    commerce.record_order(data=order_1042(status=OrderStatus.FULFILLED,
                                          source_updated_at=PLACED + timedelta(hours=2)))

    result = commerce.record_order(data=order_1042(status=OrderStatus.PAID,
                                                   source_updated_at=PLACED + timedelta(hours=1)))

    assert not result.changed
    assert Order.objects.get().status == OrderStatus.FULFILLED


def test_an_order_without_shop_id_is_found_by_number_and_adopts_the_shop_id():
    existing = OrderFactory(number="1042", shop_order_id=None)

    result = commerce.record_order(data=order_1042())

    assert result.obj.pk == existing.pk
    assert Order.objects.get().shop_order_id == "820982911946154508"


def test_an_order_number_of_another_shop_order_is_refused():
    OrderFactory(number="1042", shop_order_id="999")

    with pytest.raises(commerce.CommerceDataError, match="already belongs to shop order 999"):
        commerce.record_order(data=order_1042())
    assert Order.objects.count() == 1


def test_a_new_order_needs_a_customer_and_a_time():
    with pytest.raises(commerce.CommerceDataError, match="needs its customer"):
        commerce.record_order(data=order_1042(customer=None))
    with pytest.raises(commerce.CommerceDataError, match="placed_at"):
        commerce.record_order(data=order_1042(placed_at=None))
    assert not Customer.objects.filter(orders__isnull=False).exists()


def test_a_returning_customer_is_recognised_by_email_whatever_its_case():
    known = CustomerFactory(email="lin.wei@example.com")

    result = commerce.record_customer(data=CustomerIn(
        identities=[IdentityIn(IdentityKind.EMAIL, " LIN.WEI@example.COM ")], name="Lin Wei"))

    assert result.obj.pk == known.pk and not result.created
    assert Customer.objects.get().name == "Lin Wei"


def test_an_identity_of_someone_else_stays_with_them_and_is_reported():
    other = CustomerFactory(email="shared@example.com")
    result = commerce.record_customer(data=CustomerIn(identities=[
        IdentityIn(IdentityKind.SHOP, "77"), IdentityIn(IdentityKind.EMAIL, "shared@example.com")]))

    assert result.obj.pk == other.pk  # the email decides: no shop id was known yet
    result = commerce.record_customer(data=CustomerIn(identities=[
        IdentityIn(IdentityKind.SHOP, "88"), IdentityIn(IdentityKind.EMAIL, "shared@example.com"),
        IdentityIn(IdentityKind.SHOP, "77")]))
    assert result.obj.pk == other.pk


def test_a_customer_found_by_shop_id_keeps_an_email_owned_by_another_record_there():
    shop_customer = commerce.record_customer(data=CustomerIn(
        identities=[IdentityIn(IdentityKind.SHOP, "77")], name="Shop Lin")).obj
    email_customer = CustomerFactory(email="lin@example.com")

    result = commerce.record_customer(data=CustomerIn(identities=[
        IdentityIn(IdentityKind.SHOP, "77"), IdentityIn(IdentityKind.EMAIL, "lin@example.com")]))

    assert result.obj.pk == shop_customer.pk
    assert CustomerIdentity.objects.get(value="lin@example.com").customer_id == email_customer.pk
    assert "merge" in result.notes[0]


def test_bad_identities_are_refused():
    with pytest.raises(commerce.CommerceDataError, match="at least one identity"):
        commerce.record_customer(data=CustomerIn(identities=[IdentityIn(IdentityKind.EMAIL, " ")]))
    with pytest.raises(commerce.CommerceDataError, match="not an email"):
        commerce.record_customer(data=CustomerIn(identities=[IdentityIn(IdentityKind.EMAIL, "x")]))
    with pytest.raises(commerce.CommerceDataError, match="time zone"):
        commerce.record_customer(data=CustomerIn(
            identities=[IdentityIn(IdentityKind.EMAIL, "a@b.c")], time_zone="Mars/Olympus"))
    assert not Customer.objects.exists()


def test_a_shipment_of_an_unknown_order_waits():
    with pytest.raises(commerce.NotYetKnown):
        commerce.record_shipment(data=ShipmentIn(carrier="SF Express", tracking_number="SF1",
                                                 shop_order_id="404"))
    assert not Shipment.objects.exists()


def test_a_shipment_is_recorded_once_per_fulfilment_and_gets_its_tracking_number_later():
    order = commerce.record_order(data=order_1042()).obj
    first = commerce.record_shipment(data=ShipmentIn(
        carrier="SF Express", shop_order_id=order.shop_order_id, shop_fulfillment_id="255858046"))

    second = commerce.record_shipment(data=ShipmentIn(
        carrier="SF Express", tracking_number="SF1234567890", shop_order_id=order.shop_order_id,
        shop_fulfillment_id="255858046", status=ShipmentStatus.IN_TRANSIT))

    assert first.created and not second.created
    shipment = Shipment.objects.get()
    assert shipment.tracking_number == "SF1234567890"
    assert shipment.customer_id == order.customer_id


def test_two_fulfilments_without_tracking_numbers_can_coexist():
    order = OrderFactory()
    for fulfillment in ("1", "2"):
        commerce.record_shipment(data=ShipmentIn(carrier="Manual", order_id=order.pk,
                                                 shop_fulfillment_id=fulfillment))
    assert Shipment.objects.filter(tracking_number="").count() == 2


def test_a_tracking_number_of_another_order_is_refused():
    ShipmentFactory(carrier="SF Express", tracking_number="SF9")
    other = OrderFactory()
    with pytest.raises(commerce.CommerceDataError, match="another order"):
        commerce.record_shipment(data=ShipmentIn(carrier="SF Express", tracking_number="SF9",
                                                 order_id=other.pk))


def scan(status, hour, **changes) -> TrackingEventIn:
    data = TrackingEventIn(occurred_at=datetime(2025, 3, 2, hour, tzinfo=UTC), status=status,
                           carrier="SF Express", tracking_number="SF1234567890",
                           location="Hangzhou hub")
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_a_carrier_scan_moves_the_shipment_forward_and_a_repeat_is_a_no_op():
    shipment = ShipmentFactory(carrier="SF Express", tracking_number="SF1234567890",
                               status=ShipmentStatus.LABEL_CREATED, shipped_at=None)

    first = commerce.record_tracking_event(data=scan("in_transit", 10,
                                                     estimated_delivery=date(2025, 3, 4)))
    again = commerce.record_tracking_event(data=scan("in_transit", 10))

    assert first.created and not again.created
    assert TrackingEvent.objects.count() == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert shipment.last_event_at == datetime(2025, 3, 2, 10, tzinfo=UTC)
    assert shipment.shipped_at == datetime(2025, 3, 2, 10, tzinfo=UTC)
    assert shipment.estimated_delivery == date(2025, 3, 4)


def test_an_older_scan_arriving_late_joins_the_timeline_without_moving_the_status_back():
    shipment = ShipmentFactory(carrier="SF Express", tracking_number="SF1234567890")
    commerce.record_tracking_event(data=scan("out_for_delivery", 12))

    commerce.record_tracking_event(data=scan("in_transit", 9))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 2


def test_the_last_delivered_shipment_makes_a_shipped_order_delivered():
    order = OrderFactory(status=OrderStatus.FULFILLED)
    ShipmentFactory(order=order, carrier="SF Express", tracking_number="SF1234567890")

    commerce.record_tracking_event(data=scan("delivered", 15))

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.shipments.get().delivered_at == datetime(2025, 3, 2, 15, tzinfo=UTC)
    # The shop's later "fulfilled" does not undo "delivered".
    commerce.record_order(data=OrderIn(number=order.number, status=OrderStatus.FULFILLED))
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_a_scan_for_an_unknown_shipment_waits():
    with pytest.raises(commerce.NotYetKnown):
        commerce.record_tracking_event(data=scan("in_transit", 10))


def test_every_change_publishes_one_event_after_commit_and_a_repeat_none(
        subscribers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as created:
        order = commerce.record_order(data=order_1042()).obj
    with django_capture_on_commit_callbacks() as repeated:
        commerce.record_order(data=order_1042())
    with django_capture_on_commit_callbacks() as shipped:
        commerce.record_shipment(data=ShipmentIn(
            carrier="SF Express", tracking_number="SF1234567890", order_id=order.pk))
    with django_capture_on_commit_callbacks() as scanned:
        commerce.record_tracking_event(data=scan("in_transit", 10))

    assert (len(created), len(repeated), len(shipped), len(scanned)) == (1, 0, 1, 1)


def test_lines_of_a_stored_order_are_untouched_when_none_are_given():
    order = commerce.record_order(data=order_1042()).obj
    commerce.record_order(data=OrderIn(number="1042", total=Decimal("500.00")))
    assert OrderLine.objects.filter(order=order).count() == 2
    assert Order.objects.get().total == Decimal("500.00")
