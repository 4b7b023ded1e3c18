"""The one write path for customers, orders, shipments and tracking events.

The REST API, the shop and carrier webhooks and the CSV import all call these functions;
none of them writes those rows itself. Each function is idempotent on the shop's or the
carrier's ids (recording the same order twice updates it, never duplicates it), runs in
one transaction, and publishes `order_changed` / `shipment_changed` after commit whenever
it changed something (customers.events).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from customers import events
from customers.models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Language,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    normalize_identity,
)
from customers.parsing import parse_time_zone

from .inputs import (
    CustomerIn,
    IdentityIn,
    OrderIn,
    OrderLineIn,
    Recorded,
    ShipmentIn,
    TrackingEventIn,
)


class CommerceDataError(ValueError):
    """Input that cannot be stored as given; the message says why."""


class NotYetKnown(CommerceDataError):
    """The input refers to an order or shipment Kefu has not received yet. Webhooks can
    arrive out of order, so this is worth retrying later."""


IDENTITY_KINDS = frozenset(IdentityKind.values)
ORDER_STATUSES = frozenset(OrderStatus.values)
LANGUAGES = frozenset(Language.values)
# Which identity decides who the customer is when several are given.
IDENTITY_PRIORITY = [IdentityKind.SHOP, IdentityKind.EMAIL, IdentityKind.PHONE]


# --- Customers ---------------------------------------------------------------------------

def _normalized_identities(identities: list[IdentityIn]) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for identity in identities:
        if identity.kind not in IDENTITY_KINDS:
            raise CommerceDataError(
                f"identity kind {identity.kind!r} is not one of {', '.join(IdentityKind.values)}")
        value = normalize_identity(identity.kind, str(identity.value or ""))
        if not value:
            continue
        if len(value) > 254:
            raise CommerceDataError(f"{identity.kind} identity is longer than 254 characters")
        if identity.kind == IdentityKind.EMAIL and "@" not in value:
            raise CommerceDataError(f"email {value!r} is not an email address")
        if (identity.kind, value) not in result:
            result.append((identity.kind, value))
    return result


def _owners(identities: list[tuple[str, str]]) -> dict[tuple[str, str], Customer]:
    """Who holds each of the identities already (one query, with the customers)."""
    query = Q()
    for kind, value in identities:
        query |= Q(kind=kind, value=value)
    return {(i.kind, i.value): i.customer for i in
            CustomerIdentity.objects.filter(query).select_related("customer")}


def _deciding_owner(identities: list[tuple[str, str]], owners: dict) -> Customer | None:
    def rank(item: tuple[str, str]) -> int:
        kind = item[0]
        if kind in IDENTITY_PRIORITY:
            return IDENTITY_PRIORITY.index(kind)
        return len(IDENTITY_PRIORITY)

    ranked = sorted(identities, key=rank)
    for key in ranked:
        if key in owners:
            return owners[key]
    return None


def _live(customer: Customer) -> Customer:
    """The record a merged customer now lives on."""
    while customer.merged_into_id:
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def _add_identities(customer: Customer, identities: list[tuple[str, str]],
                    primary_kinds: set[str]) -> None:
    rows = []
    for kind, value in identities:
        rows.append(CustomerIdentity(customer=customer, kind=kind, value=value,
                                     is_primary=kind not in primary_kinds))
        primary_kinds.add(kind)
    try:
        with transaction.atomic():
            CustomerIdentity.objects.bulk_create(rows)
    except IntegrityError:
        # Another process claimed one of them a moment ago: keep the ones still free.
        for row in rows:
            try:
                with transaction.atomic():
                    row.pk = None
                    row.save()
            except IntegrityError:
                continue


def _validate_customer_fields(data: CustomerIn) -> None:
    if data.language is not None and data.language not in LANGUAGES:
        raise CommerceDataError(
            f"language {data.language!r} is not one of {', '.join(Language.values)}")
    if data.time_zone is not None:
        try:
            parse_time_zone(data.time_zone, field="time_zone")
        except ValueError as exc:
            raise CommerceDataError(str(exc)) from exc
    if len(data.name or "") > 200:
        raise CommerceDataError("name is longer than 200 characters")


@transaction.atomic
def record_customer(*, data: CustomerIn) -> Recorded[Customer]:
    """Find the customer by their identities (shop id first, then email, then phone) and
    update them, or create them. Identities that belong to someone else stay there (merge
    the two records to bring them together) and are reported in `notes`."""
    _validate_customer_fields(data)
    identities = _normalized_identities(data.identities)
    if not identities:
        raise CommerceDataError(
            "a customer needs at least one identity: shop customer id, email or phone")
    owners = _owners(identities)
    owner = _deciding_owner(identities, owners)
    created = False
    if owner is None:
        name = (data.name or "").strip() or identities[0][1]
        try:
            with transaction.atomic():
                customer = Customer.objects.create(
                    name=name[:200], language=data.language or Language.EN,
                    **({"time_zone": data.time_zone} if data.time_zone else {}))
                CustomerIdentity.objects.bulk_create([
                    CustomerIdentity(customer=customer, kind=kind, value=value,
                                     is_primary=not any(k == kind for k, _ in identities[:i]))
                    for i, (kind, value) in enumerate(identities)])
            return Recorded(customer, created=True, changed=True)
        except IntegrityError:
            # Someone recorded this customer concurrently; update theirs below.
            owners = _owners(identities)
            owner = _deciding_owner(identities, owners)
            if owner is None:
                raise
    customer = _live(owner)
    changed_fields = []
    name = (data.name or "").strip()
    if name and name != customer.name:
        customer.name = name
        changed_fields.append("name")
    if data.language and data.language != customer.language:
        customer.language = data.language
        changed_fields.append("language")
    if data.time_zone and data.time_zone != customer.time_zone:
        customer.time_zone = data.time_zone
        changed_fields.append("time_zone")
    if changed_fields:
        customer.save(update_fields=[*changed_fields, "updated_at"])
    notes = []
    missing = []
    for key in identities:
        holder = owners.get(key)
        if holder is None:
            missing.append(key)
        elif holder.pk != customer.pk:
            notes.append(f"{key[0]} {key[1]} belongs to another customer (#{holder.pk}); "
                         "merge the two customers to bring it over")
    if missing:
        primary_kinds = set(customer.identities.filter(is_primary=True)
                            .values_list("kind", flat=True))
        _add_identities(customer, missing, primary_kinds)
    return Recorded(customer, created=created, changed=bool(changed_fields or missing),
                    notes=notes)


# --- Orders ------------------------------------------------------------------------------

def _find_order(number: str, shop_order_id: str | None) -> Order | None:
    """The order with the shop's id, else the one with the number (in one query)."""
    query = Q(number=number) | Q(shop_order_id=shop_order_id) if shop_order_id else Q(number=number)
    candidates = list(Order.objects.select_for_update().filter(query).order_by("pk"))
    by_shop_id = [o for o in candidates if shop_order_id and o.shop_order_id == shop_order_id]
    if by_shop_id:
        return by_shop_id[0]
    order = candidates[0] if candidates else None
    if order is not None and shop_order_id and order.shop_order_id not in (None, shop_order_id):
        raise CommerceDataError(f"order number {number} already belongs to shop order "
                                f"{order.shop_order_id}")
    return order


def _order_customer(data: OrderIn) -> Customer | None:
    if data.customer is not None:
        return record_customer(data=data.customer).obj
    if data.customer_id is not None:
        try:
            return _live(Customer.objects.get(pk=data.customer_id))
        except Customer.DoesNotExist as exc:
            raise CommerceDataError(f"customer {data.customer_id} does not exist") from exc
    return None


def _validate_order(data: OrderIn) -> str:
    number = str(data.number or "").strip().lstrip("#").strip()
    if not number:
        raise CommerceDataError("order number is required")
    if len(number) > 64:
        raise CommerceDataError("order number is longer than 64 characters")
    if data.shop_order_id is not None and len(data.shop_order_id) > 64:
        raise CommerceDataError("shop order id is longer than 64 characters")
    if data.status is not None and data.status not in ORDER_STATUSES:
        raise CommerceDataError(
            f"order status {data.status!r} is not one of {', '.join(OrderStatus.values)}")
    if data.currency is not None and not (len(data.currency) == 3 and data.currency.isalpha()):
        raise CommerceDataError(f"currency {data.currency!r} is not a three-letter code")
    if (data.total is not None and data.refunded_total is not None
            and data.refunded_total > data.total):
        raise CommerceDataError("refunded total is larger than the order total")
    for line in data.lines or []:
        if not str(line.title or "").strip():
            raise CommerceDataError("every order line needs a title")
        if line.quantity < 0 or line.unit_price < 0:
            raise CommerceDataError("order line quantity and price must not be negative")
    return number


def _is_stale(incoming: datetime | None, stored: datetime | None) -> bool:
    return incoming is not None and stored is not None and incoming < stored


def _next_order_status(current: str, incoming: str) -> str:
    # The shop says "fulfilled" long after the carrier said "delivered": keep delivered.
    if current == OrderStatus.DELIVERED and incoming == OrderStatus.FULFILLED:
        return current
    return incoming


def _apply(obj, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if value is not None and getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def record_order(*, data: OrderIn) -> Recorded[Order]:
    """Create or update an order (found by shop order id, else by number) and its lines."""
    number = _validate_order(data)
    shop_order_id = (data.shop_order_id or "").strip() or None
    customer = _order_customer(data)
    order = _find_order(number, shop_order_id)
    created = False
    if order is None:
        if customer is None:
            raise CommerceDataError("a new order needs its customer (customer id or identities)")
        if data.placed_at is None:
            raise CommerceDataError("a new order needs placed_at")
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    customer=customer, number=number, shop_order_id=shop_order_id,
                    placed_at=data.placed_at, status=data.status or OrderStatus.PAID,
                    **({"currency": data.currency.upper()} if data.currency else {}),
                    **({"total": data.total} if data.total is not None else {}),
                    **({"refunded_total": data.refunded_total}
                       if data.refunded_total is not None else {}),
                    source_updated_at=data.source_updated_at,
                )
            created = True
        except IntegrityError:
            order = _find_order(number, shop_order_id)
            if order is None:
                raise CommerceDataError(
                    f"order number {number} or shop order id {shop_order_id} is already used "
                    "by another order") from None
    if created:
        if data.lines:
            OrderLine.objects.bulk_create(_line_rows(order, data.lines))
        events.order_changed(order)
        return Recorded(order, created=True, changed=True)

    if _is_stale(data.source_updated_at, order.source_updated_at):
        return Recorded(order, notes=["an older version of this order; the stored one is kept"])
    changed = _apply(order, {
        "number": number,
        "shop_order_id": shop_order_id,
        "placed_at": data.placed_at,
        "status": _next_order_status(order.status, data.status) if data.status else None,
        "currency": data.currency.upper() if data.currency else None,
        "total": data.total,
        "refunded_total": data.refunded_total,
        "source_updated_at": data.source_updated_at,
    })
    if customer is not None and customer.pk != order.customer_id:
        order.customer = customer
        changed.append("customer")
        Shipment.objects.filter(order=order).update(customer=customer)
    if changed:
        try:
            with transaction.atomic():
                order.save(update_fields=[*changed, "updated_at"])
        except IntegrityError:
            raise CommerceDataError(f"order number {number} is already used by another order") \
                from None
    lines_changed = data.lines is not None and _sync_lines(order, data.lines)
    if (changed and changed != ["source_updated_at"]) or lines_changed:
        events.order_changed(order)
    return Recorded(order, changed=bool(changed or lines_changed))


def _line_rows(order: Order, lines: list[OrderLineIn]) -> list[OrderLine]:
    return [OrderLine(order=order, sku=(line.sku or "")[:64], title=line.title.strip()[:255],
                      quantity=line.quantity, unit_price=line.unit_price,
                      shop_line_id=(line.shop_line_id or "")[:64]) for line in lines]


def _line_key(sku: str, title: str, shop_line_id: str) -> str:
    return f"id:{shop_line_id}" if shop_line_id else f"sku:{sku}|{title}"


def _sync_lines(order: Order, lines: list[OrderLineIn]) -> bool:
    """Make the stored lines equal the given ones, matching by the shop's line id (else by
    SKU and title), so unchanged lines keep their ids."""
    stored: dict[str, list[OrderLine]] = {}
    for line in order.lines.all():
        stored.setdefault(_line_key(line.sku, line.title, line.shop_line_id), []).append(line)
    new_rows, changed = [], False
    for row in _line_rows(order, lines):
        matches = stored.get(_line_key(row.sku, row.title, row.shop_line_id))
        if not matches:
            new_rows.append(row)
            continue
        line = matches.pop(0)
        fields = _apply(line, {"sku": row.sku, "title": row.title, "quantity": row.quantity,
                               "unit_price": row.unit_price})
        if fields:
            line.save(update_fields=fields)
            changed = True
    leftover = [line.pk for group in stored.values() for line in group]
    if leftover:
        OrderLine.objects.filter(pk__in=leftover).delete()
        changed = True
    if new_rows:
        OrderLine.objects.bulk_create(new_rows)
        changed = True
    return changed


# --- Shipments ---------------------------------------------------------------------------

def _locate_order(data: ShipmentIn) -> Order:
    query = None
    if data.order_id is not None:
        query, label = Q(pk=data.order_id), f"id {data.order_id}"
    elif data.shop_order_id:
        query, label = Q(shop_order_id=data.shop_order_id), f"shop order {data.shop_order_id}"
    elif data.order_number:
        number = data.order_number.strip().lstrip("#")
        query, label = Q(number=number), f"number {number}"
    if query is None:
        raise CommerceDataError("a shipment needs its order (order id, number or shop order id)")
    order = Order.objects.filter(query).first()
    if order is None:
        raise NotYetKnown(f"order {label} is not known (yet)")
    return order


def _validate_shipment(data: ShipmentIn) -> tuple[str, str]:
    carrier = (data.carrier or "").strip()
    tracking_number = (data.tracking_number or "").strip()
    if len(carrier) > 64 or len(tracking_number) > 64:
        raise CommerceDataError("carrier and tracking number are at most 64 characters")
    if not tracking_number and not data.shop_fulfillment_id:
        raise CommerceDataError("a shipment needs a tracking number or a shop fulfilment id")
    if data.status is not None and data.status not in ShipmentStatus.values:
        raise CommerceDataError(
            f"shipment status {data.status!r} is not one of {', '.join(ShipmentStatus.values)}")
    if data.tracking_url and len(data.tracking_url) > 200:
        raise CommerceDataError("tracking URL is longer than 200 characters")
    return carrier, tracking_number


def _find_shipment(shop_fulfillment_id: str | None, carrier: str,
                   tracking_number: str) -> Shipment | None:
    if shop_fulfillment_id:
        shipment = (Shipment.objects.select_for_update()
                    .filter(shop_fulfillment_id=shop_fulfillment_id).first())
        if shipment is not None:
            return shipment
    if tracking_number:
        return (Shipment.objects.select_for_update()
                .filter(carrier=carrier, tracking_number=tracking_number).first())
    return None


@transaction.atomic
def record_shipment(*, data: ShipmentIn, now: datetime | None = None) -> Recorded[Shipment]:
    """Create or update a shipment (found by shop fulfilment id, else carrier and tracking
    number) of a known order."""
    now = now or timezone.now()
    carrier, tracking_number = _validate_shipment(data)
    shop_fulfillment_id = (data.shop_fulfillment_id or "").strip() or None
    order = _locate_order(data)
    shipment = _find_shipment(shop_fulfillment_id, carrier, tracking_number)
    if shipment is not None and shipment.order_id != order.pk:
        raise CommerceDataError(f"shipment {carrier} {tracking_number} belongs to another order")
    values = {
        "carrier": carrier, "tracking_number": tracking_number or None,
        "tracking_url": data.tracking_url, "shop_fulfillment_id": shop_fulfillment_id,
        "status": data.status, "shipped_at": data.shipped_at,
        "promised_delivery_date": data.promised_delivery_date,
        "estimated_delivery": data.estimated_delivery, "delivered_at": data.delivered_at,
        "source_updated_at": data.source_updated_at,
    }
    created = False
    if shipment is None:
        shipment = Shipment(order=order, customer_id=order.customer_id,
                            status=ShipmentStatus.LABEL_CREATED, tracking_number="")
        _apply(shipment, values)
        _mark_delivered(shipment, data, now)
        try:
            with transaction.atomic():
                shipment.save()
            created = True
        except IntegrityError:
            shipment = _find_shipment(shop_fulfillment_id, carrier, tracking_number)
            if shipment is None or shipment.order_id != order.pk:
                raise CommerceDataError(
                    f"shipment {carrier} {tracking_number} is already recorded") from None
    if created:
        changed = ["status"]
    else:
        if _is_stale(data.source_updated_at, shipment.source_updated_at):
            return Recorded(shipment,
                            notes=["an older version of this shipment; the stored one is kept"])
        changed = _apply(shipment, values)
        changed += _mark_delivered(shipment, data, now)
        if changed:
            try:
                with transaction.atomic():
                    shipment.save(update_fields=[*changed, "updated_at"])
            except IntegrityError:
                raise CommerceDataError(
                    f"tracking number {tracking_number} of {carrier} belongs to another "
                    "shipment") from None
    if changed and changed != ["source_updated_at"]:
        events.shipment_changed(shipment)
        if "status" in changed:
            _roll_up_order_status(order)
    return Recorded(shipment, created=created, changed=bool(changed))


def _mark_delivered(shipment: Shipment, data: ShipmentIn, now: datetime) -> list[str]:
    if shipment.status == ShipmentStatus.DELIVERED and shipment.delivered_at is None:
        shipment.delivered_at = data.delivered_at or data.source_updated_at or now
        return ["delivered_at"]
    return []


def _roll_up_order_status(order: Order) -> None:
    """A shipped order whose every shipment has arrived is delivered."""
    if order.status != OrderStatus.FULFILLED:
        return
    statuses = set(order.shipments.exclude(status=ShipmentStatus.CANCELLED)
                   .values_list("status", flat=True))
    if statuses == {ShipmentStatus.DELIVERED}:
        order.status = OrderStatus.DELIVERED
        order.save(update_fields=["status", "updated_at"])
        events.order_changed(order)


# --- Tracking events ---------------------------------------------------------------------

def _locate_shipment(data: TrackingEventIn) -> Shipment:
    if data.shipment_id is not None:
        shipment = Shipment.objects.select_for_update().filter(pk=data.shipment_id).first()
        label = f"id {data.shipment_id}"
    else:
        tracking_number = (data.tracking_number or "").strip()
        if not tracking_number:
            raise CommerceDataError(
                "a tracking event needs its shipment (shipment id or tracking number)")
        label = f"{data.carrier} {tracking_number}".strip()
        candidates = list(Shipment.objects.select_for_update()
                          .filter(tracking_number=tracking_number)[:10])
        if len(candidates) > 1 and data.carrier:
            candidates = [s for s in candidates
                          if s.carrier.casefold() == data.carrier.strip().casefold()]
        if len(candidates) > 1:
            raise CommerceDataError(
                f"tracking number {tracking_number} is used by several carriers; give the carrier")
        shipment = candidates[0] if candidates else None
    if shipment is None:
        raise NotYetKnown(f"shipment {label} is not known (yet)")
    return shipment


@transaction.atomic
def record_tracking_event(*, data: TrackingEventIn) -> Recorded[TrackingEvent]:
    """Add a carrier scan to a shipment (once: the same time and status again is a no-op)
    and move the shipment's status, last scan and estimate forward."""
    status = (data.status or "").strip().lower()
    if not status or len(status) > 32:
        raise CommerceDataError("a tracking event needs a status of at most 32 characters")
    if data.occurred_at is None:
        raise CommerceDataError("a tracking event needs occurred_at")
    shipment = _locate_shipment(data)
    try:
        with transaction.atomic():
            event = TrackingEvent.objects.create(
                shipment=shipment, occurred_at=data.occurred_at, status=status,
                location=(data.location or "")[:200], description=(data.description or "")[:500])
    except IntegrityError:
        event = TrackingEvent.objects.get(shipment=shipment, occurred_at=data.occurred_at,
                                          status=status)
        return Recorded(event)
    changed = []
    if shipment.last_event_at is None or data.occurred_at >= shipment.last_event_at:
        shipment.last_event_at = data.occurred_at
        changed.append("last_event_at")
        if status in ShipmentStatus.values and status != shipment.status:
            shipment.status = status
            changed.append("status")
    if shipment.shipped_at is None and status != ShipmentStatus.LABEL_CREATED:
        shipment.shipped_at = data.occurred_at
        changed.append("shipped_at")
    if status == ShipmentStatus.DELIVERED and shipment.delivered_at is None:
        shipment.delivered_at = data.occurred_at
        changed.append("delivered_at")
    if data.estimated_delivery and data.estimated_delivery != shipment.estimated_delivery:
        shipment.estimated_delivery = data.estimated_delivery
        changed.append("estimated_delivery")
    if changed:
        shipment.save(update_fields=[*changed, "updated_at"])
    events.shipment_changed(shipment)
    if "status" in changed:
        _roll_up_order_status(shipment.order)
    return Recorded(event, created=True, changed=True)


# --- Orders in bulk (the CSV import) -------------------------------------------------------

@dataclass
class _NewCustomer:
    """A customer none of whose identities is known yet, to be inserted with the batch."""

    data: CustomerIn
    identities: list[tuple[str, str]]
    customer: Customer


def _chunks(values, size: int = 5000) -> list[list]:
    """Keys to look up, a few thousand per query (SQLite limits a query's parameters)."""
    values = list(values)
    return [values[start:start + size] for start in range(0, len(values), size)]


class _Batch:
    """What one batch of record_orders knows: the customers behind the identities given and
    the orders (with their lines) by number and shop id, read with a few queries up front and
    kept current as the batch writes; and the customers and orders it will insert."""

    def __init__(self, items: list[OrderIn]):
        by_kind: dict[str, set[str]] = {}
        numbers, shop_ids = set(), set()
        for data in items:
            for identity in (data.customer.identities if data.customer else []):
                if identity.kind in IDENTITY_KINDS:
                    value = normalize_identity(identity.kind, str(identity.value or ""))
                    if value:
                        by_kind.setdefault(identity.kind, set()).add(value)
            numbers.add(str(data.number or "").strip().lstrip("#").strip())
            if (data.shop_order_id or "").strip():
                shop_ids.add(data.shop_order_id.strip())
        # Simple lookups on the unique indexes, one per column: an OR of IN lists can make
        # PostgreSQL scan the whole table.
        self.owner_of: dict[tuple[str, str], Customer] = {}
        values = set().union(*by_kind.values()) if by_kind else set()
        found = [(kind, value, customer_id) for part in _chunks(values)
                 for kind, value, customer_id in
                 CustomerIdentity.objects.filter(value__in=part).order_by()
                 .values_list("kind", "value", "customer_id")
                 if value in by_kind.get(kind, ())]
        customers = {}
        for part in _chunks({customer_id for _, _, customer_id in found}):
            customers.update(Customer.objects.in_bulk(part))
        for kind, value, customer_id in found:
            self.owner_of[(kind, value)] = customers[customer_id]
        self.by_number: dict[str, Order] = {}
        self.by_shop_id: dict[str, Order] = {}
        self.lines: dict[int, list[OrderLine]] = {}
        orders: dict[int, Order] = {}
        for column, keys in (("number", numbers), ("shop_order_id", shop_ids)):
            for part in _chunks(keys):
                orders.update((order.pk, order) for order in Order.objects.select_for_update()
                              .filter(**{f"{column}__in": part}).order_by())
        for order in orders.values():
            self.by_number[order.number] = order
            if order.shop_order_id:
                self.by_shop_id[order.shop_order_id] = order
        for part in _chunks(orders):
            for line in OrderLine.objects.filter(order_id__in=part).order_by("pk"):
                self.lines.setdefault(line.order_id, []).append(line)
        self.touched: set[str] = set()  # numbers and shop ids written in this batch
        self.new_customers: list[_NewCustomer] = []

    def remember_customer(self, customer: Customer, identities: list[tuple[str, str]]) -> None:
        for key, holder in _owners(identities).items():
            self.owner_of[key] = customer if holder.pk == customer.pk else holder

    def add_customer(self, data: CustomerIn, identities: list[tuple[str, str]]) -> Customer:
        name = (data.name or "").strip() or identities[0][1]
        customer = Customer(name=name[:200], language=data.language or Language.EN,
                            **({"time_zone": data.time_zone} if data.time_zone else {}))
        self.new_customers.append(_NewCustomer(data, identities, customer))
        for key in identities:
            self.owner_of[key] = customer
        return customer

    def find_order(self, number: str, shop_order_id: str | None) -> Order | None:
        """_find_order on what was read up front."""
        if shop_order_id and shop_order_id in self.by_shop_id:
            return self.by_shop_id[shop_order_id]
        order = self.by_number.get(number)
        if order is not None and shop_order_id and order.shop_order_id not in (None,
                                                                               shop_order_id):
            raise CommerceDataError(f"order number {number} already belongs to shop order "
                                    f"{order.shop_order_id}")
        return order


def _batch_customer(data: OrderIn, batch: _Batch, flush) -> Customer | None:
    """The customer record_customer would give: one known with nothing to update, or a new
    one (inserted with the batch); anything else through record_customer itself."""
    if data.customer is None:
        return _order_customer(data)
    _validate_customer_fields(data.customer)
    identities = _normalized_identities(data.customer.identities)
    if not identities:
        raise CommerceDataError(
            "a customer needs at least one identity: shop customer id, email or phone")
    owners = {key: batch.owner_of[key] for key in identities if key in batch.owner_of}
    if not owners:
        return batch.add_customer(data.customer, identities)
    owner = _deciding_owner(identities, owners)
    name = (data.customer.name or "").strip()
    if (not owner.merged_into_id and len(owners) == len(identities)
            and not (name and name != owner.name)
            and not (data.customer.language and data.customer.language != owner.language)
            and not (data.customer.time_zone and data.customer.time_zone != owner.time_zone)):
        return owner
    flush()
    customer = record_customer(data=data.customer).obj  # its own savepoint
    batch.remember_customer(customer, identities)
    return customer


def _lines_differ(stored: list[OrderLine], order: Order, lines: list[OrderLineIn]) -> bool:
    """Whether _sync_lines would change anything."""
    by_key: dict[str, list[OrderLine]] = {}
    for line in stored:
        by_key.setdefault(_line_key(line.sku, line.title, line.shop_line_id), []).append(line)
    for row in _line_rows(order, lines):
        matches = by_key.get(_line_key(row.sku, row.title, row.shop_line_id))
        if not matches:
            return True
        line = matches.pop(0)
        if (line.sku, line.title, line.quantity, line.unit_price) != (
                row.sku, row.title, row.quantity, row.unit_price):
            return True
    return any(by_key.values())


def _order_differs(order: Order, data: OrderIn, number: str, shop_order_id: str | None,
                   customer: Customer | None, batch: _Batch) -> bool:
    """Whether record_order would change this stored order (or its lines)."""
    if _is_stale(data.source_updated_at, order.source_updated_at):
        return False
    values = {
        "number": number, "shop_order_id": shop_order_id, "placed_at": data.placed_at,
        "status": _next_order_status(order.status, data.status) if data.status else None,
        "currency": data.currency.upper() if data.currency else None,
        "total": data.total, "refunded_total": data.refunded_total,
        "source_updated_at": data.source_updated_at,
    }
    if any(value is not None and getattr(order, name) != value
           for name, value in values.items()):
        return True
    if customer is not None and customer.pk != order.customer_id:
        return True
    return data.lines is not None and _lines_differ(batch.lines.get(order.pk, []), order,
                                                    data.lines)


def _one(record, *args, **kwargs):
    """Run one write path call; its error instead of raising it."""
    try:
        return record(*args, **kwargs)
    except (CommerceDataError, DatabaseError) as exc:
        return exc


def _identity_rows(new: _NewCustomer) -> list[CustomerIdentity]:
    return [CustomerIdentity(customer=new.customer, kind=kind, value=value,
                             is_primary=not any(k == kind for k, _ in new.identities[:i]))
            for i, (kind, value) in enumerate(new.identities)]


def record_orders(*, items: list[OrderIn]) -> list[Recorded[Order] | Exception]:
    """record_order for many orders (a CSV import batch), with the same results: an order
    recorded, or the error (CommerceDataError or DatabaseError) that kept it out, per item,
    a failed item undone alone. Call it inside a transaction. Customers and orders are read
    a batch at a time; an order already stored as given is left alone; new customers, new
    orders and their lines are inserted together; anything else (a customer or an order
    that changes) goes through record_customer / record_order one at a time."""
    results: list[Recorded[Order] | Exception | None] = [None] * len(items)
    batch = _Batch(items)
    pending: list[tuple[int, OrderIn, Order]] = []

    def flush_customers() -> None:
        new_customers, batch.new_customers = batch.new_customers, []
        if not new_customers:
            return
        try:
            with transaction.atomic():
                Customer.objects.bulk_create([new.customer for new in new_customers])
                CustomerIdentity.objects.bulk_create(
                    [row for new in new_customers for row in _identity_rows(new)])
        except DatabaseError:
            # Recorded by someone else meanwhile: one at a time, as record_customer does.
            for new in new_customers:
                new.customer.pk = None
                recorded = _one(record_customer, data=new.data)
                for entry in list(pending):
                    if entry[2].customer is new.customer:
                        if isinstance(recorded, Exception):
                            results[entry[0]] = recorded
                            pending.remove(entry)
                        else:
                            entry[2].customer = recorded.obj
                if isinstance(recorded, Exception):
                    # Not stored: a later row with these identities starts afresh.
                    for key in new.identities:
                        if batch.owner_of.get(key) is new.customer:
                            del batch.owner_of[key]
                else:
                    batch.remember_customer(recorded.obj, new.identities)

    def flush() -> None:
        flush_customers()
        if not pending:
            return
        try:
            with transaction.atomic():
                Order.objects.bulk_create([order for _, _, order in pending])
                OrderLine.objects.bulk_create(
                    [line for _, data, order in pending for line in _line_rows(order,
                                                                               data.lines or [])])
        except DatabaseError:
            # Someone else wrote one of them meanwhile, or the database refuses a value:
            # one at a time, for the right result (or error) of each.
            for index, data, order in pending:
                order.pk = None
                results[index] = _one(record_order, data=data)
        else:
            for index, _, order in pending:
                events.order_changed(order)
                results[index] = Recorded(order, created=True, changed=True)
        pending.clear()

    for index, data in enumerate(items):
        try:
            number = _validate_order(data)
            shop_order_id = (data.shop_order_id or "").strip() or None
            keys = {number, *([f"shop:{shop_order_id}"] if shop_order_id else [])}
            if keys & batch.touched:
                # The same order twice in a batch: after the first is written, as record_order.
                flush()
                results[index] = _one(record_order, data=data)
                continue
            batch.touched |= keys
            customer = _batch_customer(data, batch, flush)
            order = batch.find_order(number, shop_order_id)
        except (CommerceDataError, DatabaseError) as exc:
            results[index] = exc
            continue
        if order is not None:
            if _order_differs(order, data, number, shop_order_id, customer, batch):
                flush()
                results[index] = _one(record_order, data=data)
            else:
                notes = (["an older version of this order; the stored one is kept"]
                         if _is_stale(data.source_updated_at, order.source_updated_at) else [])
                results[index] = Recorded(order, notes=notes)
            continue
        if customer is None:
            results[index] = CommerceDataError(
                "a new order needs its customer (customer id or identities)")
            continue
        if data.placed_at is None:
            results[index] = CommerceDataError("a new order needs placed_at")
            continue
        pending.append((index, data, Order(
            customer=customer, number=number, shop_order_id=shop_order_id,
            placed_at=data.placed_at, status=data.status or OrderStatus.PAID,
            **({"currency": data.currency.upper()} if data.currency else {}),
            **({"total": data.total} if data.total is not None else {}),
            **({"refunded_total": data.refunded_total}
               if data.refunded_total is not None else {}),
            source_updated_at=data.source_updated_at)))
    flush()
    return results
