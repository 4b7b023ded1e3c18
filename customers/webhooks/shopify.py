"""Shopify's order and fulfilment webhooks, read into Kefu's write-path inputs.

One endpoint, POST /webhooks/shopify/, for the topics below (header `X-Shopify-Topic`).
Shopify signs the raw body: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of it with
the app's secret. `X-Shopify-Webhook-Id` identifies a delivery: a retry carries the same
id and is stored once. The bodies are Shopify's REST order and fulfillment resources.
"""

from decimal import Decimal
from typing import Any

from customers.models import IdentityKind, OrderStatus, ShipmentStatus
from customers.parsing import (
    parse_datetime,
    parse_language,
    parse_money,
    parse_optional_datetime,
    parse_quantity,
)
from customers.services.inputs import CustomerIn, IdentityIn, OrderIn, OrderLineIn, ShipmentIn

from .errors import PayloadError

ORDER_TOPICS = {"orders/create", "orders/updated", "orders/cancelled"}
FULFILLMENT_TOPICS = {"fulfillments/create", "fulfillments/update"}
TOPICS = ORDER_TOPICS | FULFILLMENT_TOPICS

# Shopify's fulfillment.shipment_status -> Kefu's shipment status.
SHIPMENT_STATUSES = {
    "label_printed": ShipmentStatus.LABEL_CREATED,
    "label_purchased": ShipmentStatus.LABEL_CREATED,
    "confirmed": ShipmentStatus.LABEL_CREATED,
    "in_transit": ShipmentStatus.IN_TRANSIT,
    "out_for_delivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "ready_for_pickup": ShipmentStatus.OUT_FOR_DELIVERY,
    "attempted_delivery": ShipmentStatus.ATTEMPTED,
    "delivered": ShipmentStatus.DELIVERED,
    "failure": ShipmentStatus.EXCEPTION,
}


def translate(topic: str, payload: Any) -> OrderIn | ShipmentIn:
    if topic not in TOPICS:
        raise PayloadError(
            f"unsupported topic {topic!r}; expected one of {', '.join(sorted(TOPICS))}")
    if not isinstance(payload, dict):
        raise PayloadError("the body must be a JSON object")
    try:
        if topic in ORDER_TOPICS:
            return order_from(payload)
        return shipment_from(payload)
    except ValueError as exc:  # parsing helpers say which field and why
        raise PayloadError(str(exc)) from exc


def _id(payload: dict, key: str, *, required: bool = True) -> str | None:
    value = payload.get(key)
    if value is None or str(value).strip() == "":
        if required:
            raise PayloadError(f"{key} is missing")
        return None
    if not isinstance(value, (int, str)) or isinstance(value, bool):
        raise PayloadError(f"{key} must be a number or a string")
    text = str(value).strip()
    if len(text) > 64:
        raise PayloadError(f"{key} is longer than 64 characters")
    return text


def _text(payload: dict, key: str) -> str:
    value = payload.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise PayloadError(f"{key} must be a string")
    return str(value).strip()


def _object(payload: dict, key: str) -> dict:
    value = payload.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"{key} must be an object")
    return value


def _list(payload: dict, key: str) -> list:
    value = payload.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{key} must be a list")
    return value


def _order_status(payload: dict) -> str:
    if payload.get("cancelled_at"):
        return OrderStatus.CANCELLED
    financial = payload.get("financial_status")
    if financial == "voided":
        return OrderStatus.CANCELLED
    if financial == "refunded":
        return OrderStatus.REFUNDED
    if financial == "partially_refunded":
        return OrderStatus.PARTIALLY_REFUNDED
    if financial in ("pending", "partially_paid"):
        return OrderStatus.PENDING
    fulfillment = payload.get("fulfillment_status")
    if fulfillment == "fulfilled":
        return OrderStatus.FULFILLED
    if fulfillment == "partial":
        return OrderStatus.PARTIALLY_FULFILLED
    return OrderStatus.PAID


def _refunded_total(payload: dict, total, status: str):
    refunded = Decimal("0")
    for refund in _list(payload, "refunds"):
        if not isinstance(refund, dict):
            raise PayloadError("refunds must be a list of objects")
        for transaction in _list(refund, "transactions"):
            if not isinstance(transaction, dict):
                raise PayloadError("refund transactions must be objects")
            succeeded = transaction.get("status") in (None, "success")
            if transaction.get("kind") == "refund" and succeeded:
                refunded += parse_money(transaction.get("amount"),
                                        field="refunds.transactions.amount")
    if status == OrderStatus.REFUNDED and not refunded:
        refunded = total
    return min(refunded, total)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _person_name(first: str, last: str) -> str:
    if _has_cjk(first + last):
        return f"{last}{first}"  # 林 + 伟 -> 林伟
    return f"{first} {last}".strip()


def _customer(payload: dict) -> CustomerIn:
    person = _object(payload, "customer")
    address = _object(person, "default_address") or _object(payload, "billing_address")
    identities = []
    shop_id = _id(person, "id", required=False)
    if shop_id:
        identities.append(IdentityIn(IdentityKind.SHOP, shop_id))
    email = _text(person, "email") or _text(payload, "email") or _text(payload, "contact_email")
    if email:
        identities.append(IdentityIn(IdentityKind.EMAIL, email))
    phone = _text(person, "phone") or _text(payload, "phone") or _text(address, "phone")
    if phone:
        identities.append(IdentityIn(IdentityKind.PHONE, phone))
    if not identities:
        raise PayloadError("the order has no customer: no customer id, email or phone")
    name = (_person_name(_text(person, "first_name"), _text(person, "last_name"))
            or _text(address, "name"))
    language = parse_language(payload.get("customer_locale") or person.get("locale"))
    return CustomerIn(identities=identities, name=name[:200], language=language)


def _line(item: Any) -> OrderLineIn:
    if not isinstance(item, dict):
        raise PayloadError("line_items must be a list of objects")
    title = _text(item, "title") or _text(item, "name")
    if not title:
        raise PayloadError("a line item has no title")
    return OrderLineIn(
        title=title[:255], sku=_text(item, "sku")[:64],
        quantity=parse_quantity(item.get("quantity"), field="line_items.quantity"),
        unit_price=parse_money(item.get("price"), field="line_items.price"),
        shop_line_id=_id(item, "id", required=False) or "",
    )


def order_from(payload: dict) -> OrderIn:
    shop_order_id = _id(payload, "id")
    number = (_text(payload, "name") or _text(payload, "order_number")).lstrip("#").strip()
    if not number:
        raise PayloadError("the order has no name or order_number")
    created = payload.get("processed_at") or payload.get("created_at")
    if not created:
        raise PayloadError("created_at is missing")
    total = parse_money(payload.get("total_price"), field="total_price")
    status = _order_status(payload)
    currency = _text(payload, "currency").upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        raise PayloadError(f"currency {currency!r} is not a three-letter code")
    return OrderIn(
        number=number[:64],
        shop_order_id=shop_order_id,
        placed_at=parse_datetime(created, field="created_at"),
        customer=_customer(payload),
        status=status,
        currency=currency or None,
        total=total,
        refunded_total=_refunded_total(payload, total, status),
        lines=[_line(item) for item in _list(payload, "line_items")],
        source_updated_at=parse_optional_datetime(payload.get("updated_at"), field="updated_at"),
    )


def _shipment_status(payload: dict) -> str:
    if payload.get("status") in ("cancelled", "error", "failure"):
        return ShipmentStatus.CANCELLED
    mapped = SHIPMENT_STATUSES.get(payload.get("shipment_status") or "")
    if mapped:
        return mapped
    if payload.get("status") == "success":
        return ShipmentStatus.IN_TRANSIT
    return ShipmentStatus.LABEL_CREATED


def shipment_from(payload: dict) -> ShipmentIn:
    fulfillment_id = _id(payload, "id")
    order_id = _id(payload, "order_id")
    numbers = [str(n) for n in _list(payload, "tracking_numbers") if n]
    urls = [str(u) for u in _list(payload, "tracking_urls") if u]
    tracking_number = _text(payload, "tracking_number") or (numbers[0] if numbers else "")
    tracking_url = _text(payload, "tracking_url") or (urls[0] if urls else "")
    if len(tracking_number) > 64:
        raise PayloadError("tracking_number is longer than 64 characters")
    if len(tracking_url) > 200 or (tracking_url and not tracking_url.startswith(("http://", "https://"))):
        raise PayloadError("tracking_url must be an http(s) URL of at most 200 characters")
    status = _shipment_status(payload)
    updated = parse_optional_datetime(payload.get("updated_at"), field="updated_at")
    return ShipmentIn(
        carrier=_text(payload, "tracking_company")[:64],
        tracking_number=tracking_number,
        shop_order_id=order_id,
        shop_fulfillment_id=fulfillment_id,
        tracking_url=tracking_url,
        status=status,
        shipped_at=parse_optional_datetime(payload.get("created_at"), field="created_at"),
        delivered_at=updated if status == ShipmentStatus.DELIVERED else None,
        source_updated_at=updated,
    )
