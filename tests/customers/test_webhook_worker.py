"""Webhooks through a real Celery worker, from the HTTP request to stored rows."""

import pytest

from customers.models import DeliveryStatus, Order, Shipment, WebhookDelivery
from tests.conftest import wait_until
from tests.customers.payloads import (
    CARRIER_SECRET,
    SHOPIFY_SECRET,
    carrier_event,
    post_carrier,
    post_shopify,
    shopify_fulfillment,
    shopify_order,
)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_turns_shop_and_carrier_webhooks_into_rows(client, settings,
                                                                  celery_worker_process):
    settings.SHOPIFY_WEBHOOK_SECRET = SHOPIFY_SECRET
    settings.CARRIER_WEBHOOK_SECRET = CARRIER_SECRET

    response = post_shopify(client, "orders/create", shopify_order(), webhook_id="w1")
    assert response.status_code == 200
    assert wait_until(lambda: Order.objects.filter(number="1042").exists())

    post_shopify(client, "fulfillments/create", shopify_fulfillment(), webhook_id="w2")
    assert wait_until(lambda: Shipment.objects.filter(tracking_number="SF1234567890").exists())

    post_carrier(client, carrier_event(status="out_for_delivery"))
    assert wait_until(lambda: Shipment.objects.filter(status="out_for_delivery").exists())
    assert wait_until(lambda: not WebhookDelivery.objects.exclude(
        status=DeliveryStatus.PROCESSED).exists())
    assert Order.objects.get().lines.count() == 2
