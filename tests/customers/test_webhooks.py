"""Shop and carrier webhooks: verified, stored once, processed by the ingest task."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from customers.models import (
    Customer,
    DeliveryStatus,
    Order,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    WebhookDelivery,
    WebhookSecret,
    WebhookSource,
)
from customers.tasks import ingest_sweep_webhook_deliveries, ingest_webhook_delivery
from customers.webhooks import receipt
from helpdesk.models import AuditEntry
from tests.customers.payloads import (
    CARRIER_SECRET,
    SHOPIFY_SECRET,
    carrier_event,
    post_carrier,
    post_shopify,
    shopify_fulfillment,
    shopify_order,
    shopify_signature,
)
from tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.SHOPIFY_WEBHOOK_SECRET = SHOPIFY_SECRET
    settings.CARRIER_WEBHOOK_SECRET = CARRIER_SECRET


def process_all():
    for pk in WebhookDelivery.objects.filter(status=DeliveryStatus.RECEIVED).order_by("pk") \
            .values_list("pk", flat=True):
        ingest_webhook_delivery(pk)


def test_an_order_webhook_is_stored_answered_and_then_processed_into_rows(
        client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as enqueued:
        response = post_shopify(client, "orders/create", shopify_order())

    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert len(enqueued) == 1  # the ingest task, sent after commit
    assert not Order.objects.exists()  # nothing processed in the request
    delivery = WebhookDelivery.objects.get()
    assert delivery.topic == "orders/create" and delivery.status == DeliveryStatus.RECEIVED

    assert ingest_webhook_delivery(delivery.pk) == DeliveryStatus.PROCESSED

    order = Order.objects.get()
    assert order.number == "1042" and order.shop_order_id == "820982911946154508"
    assert order.total == Decimal("398.00") and order.status == OrderStatus.PAID
    assert order.placed_at == datetime(2025, 3, 1, 2, 2, tzinfo=UTC)
    assert order.customer.name == "林伟" and order.customer.language == "zh-hans"
    assert order.customer.identities.filter(kind="shop", value="115310627314723954").exists()
    assert order.lines.count() == 2


def test_a_retried_delivery_is_stored_once(client):
    post_shopify(client, "orders/create", shopify_order(), webhook_id="same-id")
    response = post_shopify(client, "orders/create", shopify_order(), webhook_id="same-id")

    assert response.status_code == 200 and response.json()["status"] == "duplicate"
    assert WebhookDelivery.objects.count() == 1


def test_the_same_order_in_two_deliveries_updates_one_order(client):
    post_shopify(client, "orders/create", shopify_order(), webhook_id="a")
    post_shopify(client, "orders/updated", shopify_order(
        fulfillment_status="fulfilled", updated_at="2025-03-02T09:00:00+08:00"), webhook_id="b")
    post_shopify(client, "orders/updated", shopify_order(), webhook_id="c")  # an older one, late
    process_all()

    assert Order.objects.count() == 1 and Customer.objects.count() == 1
    assert Order.objects.get().status == OrderStatus.FULFILLED


def test_a_cancelled_order_is_cancelled(client):
    post_shopify(client, "orders/create", shopify_order(), webhook_id="a")
    post_shopify(client, "orders/cancelled", shopify_order(
        cancelled_at="2025-03-01T11:00:00+08:00", cancel_reason="customer",
        financial_status="refunded", updated_at="2025-03-01T11:00:00+08:00",
        refunds=[{"id": 509562969, "transactions": [
            {"id": 179259969, "amount": "398.00", "kind": "refund", "status": "success"}]}]),
        webhook_id="b")
    process_all()

    order = Order.objects.get()
    assert order.status == OrderStatus.CANCELLED and order.refunded_total == Decimal("398.00")


def test_a_fulfilment_becomes_a_shipment_and_its_update_changes_it(client):
    post_shopify(client, "orders/create", shopify_order(), webhook_id="a")
    post_shopify(client, "fulfillments/create", shopify_fulfillment(), webhook_id="b")
    post_shopify(client, "fulfillments/update", shopify_fulfillment(
        shipment_status="delivered", updated_at="2025-03-04T15:00:00+08:00"), webhook_id="c")
    process_all()

    shipment = Shipment.objects.get()
    assert shipment.order.number == "1042" and shipment.carrier == "SF Express"
    assert shipment.tracking_number == "SF1234567890"
    assert shipment.tracking_url.startswith("https://www.sf-express.com/")
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.delivered_at == datetime(2025, 3, 4, 7, tzinfo=UTC)


def test_a_fulfilment_before_its_order_is_retried_until_the_order_arrives(client):
    now = datetime(2025, 3, 2, 1, 0, tzinfo=UTC)
    post_shopify(client, "fulfillments/create", shopify_fulfillment(), webhook_id="early")
    early = WebhookDelivery.objects.get()

    assert receipt.process(delivery_id=early.pk, now=now) == DeliveryStatus.RECEIVED
    early.refresh_from_db()
    assert "not known" in early.error and early.attempts == 1
    assert early.next_attempt_at == now + timedelta(minutes=2)

    post_shopify(client, "orders/create", shopify_order(), webhook_id="order")
    receipt.process(delivery_id=WebhookDelivery.objects.get(delivery_id="order").pk, now=now)
    assert receipt.process(delivery_id=early.pk, now=now + timedelta(minutes=3)) == "processed"
    assert Shipment.objects.get().order.number == "1042"


def test_a_delivery_that_keeps_waiting_fails_after_the_last_attempt(client):
    post_shopify(client, "fulfillments/create", shopify_fulfillment(), webhook_id="orphan")
    delivery = WebhookDelivery.objects.get()
    for _ in range(receipt.MAX_ATTEMPTS):
        status = receipt.process(delivery_id=delivery.pk)
    assert status == DeliveryStatus.FAILED


@pytest.mark.parametrize("signature", ["", "bm90IHRoZSBzaWduYXR1cmU=",
                                       shopify_signature(b"another body")])
def test_a_bad_shopify_signature_is_401_and_stores_nothing(client, signature):
    response = post_shopify(client, "orders/create", shopify_order(), signature=signature)

    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists() and not Order.objects.exists()


def test_a_body_signed_with_another_secret_is_401(client):
    body = json.dumps(shopify_order()).encode()
    response = post_shopify(client, "orders/create", None, body=body,
                            signature=shopify_signature(body, "someone-else"))
    assert response.status_code == 401


def test_without_a_configured_secret_every_delivery_is_refused(client, settings):
    settings.SHOPIFY_WEBHOOK_SECRET = ""
    response = post_shopify(client, "orders/create", shopify_order())
    assert response.status_code == 401 and "no shopify webhook secret" in response.json()["error"]


def test_secrets_set_in_the_admin_take_precedence_and_may_be_rotated(client):
    WebhookSecret.objects.create(source=WebhookSource.SHOPIFY, secret="new-secret")
    WebhookSecret.objects.create(source=WebhookSource.SHOPIFY, secret="old-secret")
    body = json.dumps(shopify_order()).encode()

    for secret, webhook_id in [("new-secret", "1"), ("old-secret", "2")]:
        response = post_shopify(client, "orders/create", None, body=body, webhook_id=webhook_id,
                                signature=shopify_signature(body, secret))
        assert response.status_code == 200
    # The settings secret no longer applies once the admin has set one.
    response = post_shopify(client, "orders/create", None, body=body, webhook_id="3",
                            signature=shopify_signature(body, SHOPIFY_SECRET))
    assert response.status_code == 401


@pytest.mark.parametrize(("topic", "body", "message"), [
    ("orders/create", b"{not json", "not valid JSON"),
    ("orders/create", b"", "empty"),
    ("orders/create", b"[1, 2]", "JSON object"),
    ("orders/create", json.dumps(shopify_order(total_price="a lot")).encode(), "total_price"),
    ("orders/create", json.dumps(shopify_order(id=None)).encode(), "id is missing"),
    ("orders/create", json.dumps(shopify_order(created_at=None, processed_at=None)).encode(),
     "created_at"),
    ("orders/create", json.dumps(shopify_order(customer=None, email=None, contact_email=None,
                                               phone=None)).encode(), "no customer"),
    ("orders/create", json.dumps(shopify_order(line_items=[{"title": "Tea", "quantity": "x",
                                                            "price": "1.00"}])).encode(),
     "quantity"),
    ("fulfillments/create", json.dumps(shopify_fulfillment(order_id=None)).encode(),
     "order_id is missing"),
    ("products/create", json.dumps({"id": 1}).encode(), "unsupported topic"),
])
def test_a_malformed_shopify_body_is_400_with_a_clear_message_and_stores_nothing(
        client, topic, body, message):
    response = post_shopify(client, topic, None, body=body)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


def test_only_post_is_accepted(client):
    assert client.get("/webhooks/shopify/").status_code == 405


def test_a_carrier_scan_is_verified_stored_and_added_to_the_timeline(client):
    shipment = ShipmentFactory(carrier="SF Express", tracking_number="SF1234567890",
                               status=ShipmentStatus.LABEL_CREATED)
    response = post_carrier(client, carrier_event(estimated_delivery="2025-03-04"))
    assert response.status_code == 200
    assert WebhookDelivery.objects.get().delivery_id == "evt_0001"

    process_all()

    event = TrackingEvent.objects.get()
    assert event.shipment == shipment and event.status == "in_transit"
    assert event.location == "Hangzhou hub"
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert str(shipment.estimated_delivery) == "2025-03-04"


def test_a_batch_of_scans_stores_the_known_ones_and_retries_the_rest(client):
    ShipmentFactory(carrier="SF Express", tracking_number="SF1234567890")
    post_carrier(client, {"events": [carrier_event(), carrier_event(tracking_number="UNKNOWN1")]},
                 delivery_id="batch-1")
    process_all()

    assert TrackingEvent.objects.count() == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RECEIVED and "UNKNOWN1" in delivery.error


def test_a_repeated_carrier_delivery_is_a_duplicate(client):
    post_carrier(client, carrier_event())
    response = post_carrier(client, carrier_event())
    assert response.json()["status"] == "duplicate"
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize("signature", ["", "sha256=00", "deadbeef"])
def test_a_bad_carrier_signature_is_401(client, signature):
    response = post_carrier(client, carrier_event(), signature=signature)
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(("payload", "message"), [
    (carrier_event(status="lost_in_space"), "status 'lost_in_space' is not one of"),
    (carrier_event(occurred_at="yesterday"), "occurred_at"),
    (carrier_event(tracking_number=None), "tracking_number is missing"),
    (carrier_event(estimated_delivery="soon"), "estimated_delivery"),
    ({"events": []}, "non-empty list"),
    ({"events": [carrier_event(), "nope"]}, "events[1]: an event must be a JSON object"),
])
def test_a_malformed_carrier_body_is_400(client, payload, message):
    response = post_carrier(client, payload)
    assert response.status_code == 400 and message in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


def test_processing_twice_does_nothing_the_second_time(client):
    post_shopify(client, "orders/create", shopify_order())
    delivery = WebhookDelivery.objects.get()
    assert ingest_webhook_delivery(delivery.pk) == "processed"
    assert ingest_webhook_delivery(delivery.pk) == "skipped"
    assert Order.objects.count() == 1


def test_the_sweep_resends_a_delivery_whose_task_was_lost_and_frees_a_dead_workers_claim(
        client, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2025, 3, 1, 2, 0, tzinfo=UTC), tick=False):
        post_shopify(client, "orders/create", shopify_order(), webhook_id="lost")
        post_shopify(client, "orders/updated", shopify_order(), webhook_id="stuck")
    WebhookDelivery.objects.filter(delivery_id="stuck").update(
        status=DeliveryStatus.PROCESSING, claimed_at=datetime(2025, 3, 1, 2, 0, tzinfo=UTC))

    with time_machine.travel(datetime(2025, 3, 1, 2, 1, tzinfo=UTC), tick=False), \
            django_capture_on_commit_callbacks() as early:
        assert ingest_sweep_webhook_deliveries() == 0  # still within the task's grace period
    with time_machine.travel(datetime(2025, 3, 1, 2, 15, tzinfo=UTC), tick=False), \
            django_capture_on_commit_callbacks() as sent:
        assert ingest_sweep_webhook_deliveries() == 2
        assert ingest_sweep_webhook_deliveries() == 0  # not re-sent before the grace period
    assert not early and len(sent) == 2
    process_all()
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.PROCESSED).count() == 2


def test_a_secret_added_in_the_admin_works_at_once_and_is_audited_without_its_value(
        client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/customers/webhooksecret/add/", {
        "source": WebhookSource.SHOPIFY, "name": "tea.myshopify.com",
        "secret": "rotated-secret", "is_active": "on"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.add")
    assert entry.actor == admin_user
    assert entry.after["secret"] == "[redacted]" and "rotated-secret" not in str(entry.after)

    client.logout()
    body = json.dumps(shopify_order()).encode()
    response = post_shopify(client, "orders/create", None, body=body, webhook_id="77",
                            signature=shopify_signature(body, "rotated-secret"))
    assert response.status_code == 200
