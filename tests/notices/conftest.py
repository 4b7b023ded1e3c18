"""Shipments in the situations the delay rules look for, on a frozen clock."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from customers.models import ShipmentStatus
from tests.factories import CustomerFactory, OrderFactory, ShipmentFactory, TrackingEventFactory

# Tuesday 10 March 2026, 12:00 in Shanghai: inside the sending hours.
NOON = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
# 23:30 in Shanghai the same day: quiet hours.
NIGHT = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def make_shipment(*, promised: date | None = date(2026, 3, 12), status=ShipmentStatus.IN_TRANSIT,
                  last_scan: datetime | None = None, customer=None, number: str | None = None,
                  estimate: date | None = None, **customer_fields):
    customer = customer or CustomerFactory(**customer_fields)
    order = OrderFactory(customer=customer, **({"number": number} if number else {}))
    last_scan = last_scan or NOON - timedelta(hours=5)
    return ShipmentFactory(
        order=order, status=status, promised_delivery_date=promised,
        estimated_delivery=estimate, shipped_at=last_scan - timedelta(hours=6),
        last_event_at=last_scan,
        tracking_url=f"https://www.sf-express.com/waybill/{order.number}")


def late_shipment(**fields):
    return make_shipment(promised=date(2026, 3, 9), **fields)


def scan(shipment, status: str, description: str = "", at: datetime | None = None):
    at = at or NOON - timedelta(minutes=30)
    event = TrackingEventFactory(shipment=shipment, status=status, description=description,
                                 occurred_at=at)
    shipment.last_event_at = at
    shipment.save(update_fields=["last_event_at"])
    return event
