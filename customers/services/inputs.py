"""What the write paths accept, independent of where it came from (API, shop webhook,
carrier webhook, CSV). Each source translates its own format into these and calls the
services in customers.services.commerce; none writes the rows itself.

A field left as None means "not given": an update keeps what is stored."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class IdentityIn:
    kind: str
    value: str


@dataclass
class CustomerIn:
    identities: list[IdentityIn]
    name: str = ""
    language: str | None = None
    time_zone: str | None = None


@dataclass
class OrderLineIn:
    title: str
    quantity: int
    unit_price: Decimal
    sku: str = ""
    shop_line_id: str = ""


@dataclass
class OrderIn:
    number: str
    placed_at: datetime | None = None
    customer: CustomerIn | None = None
    customer_id: int | None = None
    shop_order_id: str | None = None
    status: str | None = None
    currency: str | None = None
    total: Decimal | None = None
    refunded_total: Decimal | None = None
    # None keeps the stored lines; a list (even empty) replaces them.
    lines: list[OrderLineIn] | None = None
    source_updated_at: datetime | None = None


@dataclass
class ShipmentIn:
    carrier: str
    tracking_number: str = ""
    # The order, by one of: Kefu id, order number, shop order id.
    order_id: int | None = None
    order_number: str | None = None
    shop_order_id: str | None = None
    shop_fulfillment_id: str | None = None
    tracking_url: str | None = None
    status: str | None = None
    shipped_at: datetime | None = None
    promised_delivery_date: date | None = None
    estimated_delivery: date | None = None
    delivered_at: datetime | None = None
    source_updated_at: datetime | None = None


@dataclass
class TrackingEventIn:
    occurred_at: datetime
    status: str
    location: str = ""
    description: str = ""
    # The shipment, by Kefu id or by tracking number (and carrier when numbers collide).
    shipment_id: int | None = None
    carrier: str = ""
    tracking_number: str = ""
    estimated_delivery: date | None = None


@dataclass
class Recorded(Generic[T]):
    """The row a write path produced, whether it was new, and whether anything changed."""

    obj: T
    created: bool = False
    changed: bool = False
    notes: list[str] = field(default_factory=list)
