"""CSV rows read into the write path's inputs. One item is one customer, one order (its
consecutive rows, one per line item) or one shipment; a row that cannot be read becomes an
item carrying its error."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field

from customers.models import IdentityKind
from customers.parsing import (
    parse_datetime,
    parse_language,
    parse_money,
    parse_optional_date,
    parse_optional_datetime,
    parse_quantity,
    parse_time_zone,
)
from customers.services.inputs import CustomerIn, IdentityIn, OrderIn, OrderLineIn, ShipmentIn

SOCIAL_KINDS = [IdentityKind.WECHAT, IdentityKind.WEIBO, IdentityKind.WHATSAPP,
                IdentityKind.INSTAGRAM, IdentityKind.FACEBOOK, IdentityKind.X]

COLUMNS = {
    "customers": {
        "required": [],
        "optional": ["shop_customer_id", "name", "email", "phone", "language", "time_zone",
                     *SOCIAL_KINDS],
    },
    "orders": {
        "required": ["order_number", "placed_at", "total"],
        "optional": ["shop_order_id", "status", "currency", "refunded_total",
                     "customer_shop_id", "customer_email", "customer_phone", "customer_name",
                     "line_sku", "line_title", "line_quantity", "line_unit_price",
                     "line_shop_id"],
    },
    "shipments": {
        "required": ["order_number", "carrier"],
        "optional": ["tracking_number", "tracking_url", "shop_fulfillment_id", "status",
                     "shipped_at", "promised_delivery_date", "estimated_delivery",
                     "delivered_at"],
    },
}
KINDS = list(COLUMNS)


@dataclass
class Item:
    lines: list[int]  # line numbers in the file (the header is line 1)
    key: str
    data: CustomerIn | OrderIn | ShipmentIn | None = None
    errors: list[str] = field(default_factory=list)


class HeaderError(ValueError):
    pass


def check_header(kind: str, header: list[str] | None) -> None:
    if not header:
        raise HeaderError("the file is empty")
    known = set(COLUMNS[kind]["required"]) | set(COLUMNS[kind]["optional"])
    missing = [c for c in COLUMNS[kind]["required"] if c not in header]
    unknown = [c for c in header if c not in known]
    if missing:
        raise HeaderError(f"missing columns: {', '.join(missing)}")
    if unknown:
        raise HeaderError(f"unknown columns: {', '.join(unknown)} "
                          f"(expected: {', '.join(sorted(known))})")
    if kind == "customers" and not ({"shop_customer_id", "email", "phone"} & set(header)):
        raise HeaderError("a customers file needs a shop_customer_id, email or phone column")


def _cell(row: dict, name: str) -> str:
    return (row.get(name) or "").strip()


def _customer(row: dict, prefix: str = "") -> CustomerIn:
    identities = []
    shop_column = "customer_shop_id" if prefix else "shop_customer_id"
    for column, kind in [(shop_column, IdentityKind.SHOP),
                         (f"{prefix}email", IdentityKind.EMAIL),
                         (f"{prefix}phone", IdentityKind.PHONE)]:
        if _cell(row, column):
            identities.append(IdentityIn(kind, _cell(row, column)))
    if not prefix:
        identities += [IdentityIn(kind, _cell(row, kind)) for kind in SOCIAL_KINDS
                       if _cell(row, kind)]
    if not identities:
        raise ValueError("no identity: give a shop customer id, email or phone")
    language = None
    if _cell(row, "language"):
        language = parse_language(_cell(row, "language"))
        if language is None:
            raise ValueError(f"language: {_cell(row, 'language')!r} is not en or zh-hans")
    return CustomerIn(identities=identities, name=_cell(row, f"{prefix}name"),
                      language=language,
                      time_zone=parse_time_zone(_cell(row, "time_zone"), field="time_zone")
                      if not prefix else None)


def _customer_item(line: int, row: dict) -> Item:
    key = _cell(row, "shop_customer_id") or _cell(row, "email") or _cell(row, "phone")
    item = Item(lines=[line], key=key)
    try:
        item.data = _customer(row)
    except ValueError as exc:
        item.errors.append(str(exc))
    return item


def _order_line(row: dict) -> OrderLineIn | None:
    if not any(_cell(row, c) for c in ("line_title", "line_sku", "line_quantity",
                                       "line_unit_price")):
        return None
    if not _cell(row, "line_title"):
        raise ValueError("line_title is missing")
    return OrderLineIn(
        title=_cell(row, "line_title"), sku=_cell(row, "line_sku"),
        quantity=parse_quantity(_cell(row, "line_quantity") or "1", field="line_quantity"),
        unit_price=parse_money(_cell(row, "line_unit_price") or "0", field="line_unit_price"),
        shop_line_id=_cell(row, "line_shop_id"),
    )


def _order(row: dict) -> OrderIn:
    return OrderIn(
        number=_cell(row, "order_number"),
        shop_order_id=_cell(row, "shop_order_id") or None,
        placed_at=parse_datetime(_cell(row, "placed_at"), field="placed_at"),
        customer=_customer(row, prefix="customer_"),
        status=_cell(row, "status") or None,
        currency=_cell(row, "currency") or None,
        total=parse_money(_cell(row, "total"), field="total"),
        refunded_total=parse_money(_cell(row, "refunded_total") or "0", field="refunded_total"),
        lines=[],
    )


def _shipment_item(line: int, row: dict) -> Item:
    item = Item(lines=[line], key=_cell(row, "tracking_number") or _cell(row, "order_number"))
    try:
        item.data = ShipmentIn(
            order_number=_cell(row, "order_number") or None,
            carrier=_cell(row, "carrier"),
            tracking_number=_cell(row, "tracking_number"),
            tracking_url=_cell(row, "tracking_url") or None,
            shop_fulfillment_id=_cell(row, "shop_fulfillment_id") or None,
            status=_cell(row, "status") or None,
            shipped_at=parse_optional_datetime(_cell(row, "shipped_at"), field="shipped_at"),
            promised_delivery_date=parse_optional_date(_cell(row, "promised_delivery_date"),
                                                       field="promised_delivery_date"),
            estimated_delivery=parse_optional_date(_cell(row, "estimated_delivery"),
                                                   field="estimated_delivery"),
            delivered_at=parse_optional_datetime(_cell(row, "delivered_at"),
                                                 field="delivered_at"),
        )
    except ValueError as exc:
        item.errors.append(str(exc))
    return item


def _order_items(rows: Iterator[tuple[int, dict]]) -> Iterator[Item]:
    """Consecutive rows with the same order number are one order, one row per line item."""
    current: Item | None = None
    seen: set[str] = set()
    for line, row in rows:
        number = _cell(row, "order_number").lstrip("#")
        if current is not None and number == current.key:
            current.lines.append(line)
        else:
            if current is not None:
                yield current
            current = Item(lines=[line], key=number)
            if number in seen:
                current.errors.append(f"the rows of order {number} are not next to each other")
            seen.add(number)
            try:
                current.data = _order(row)
            except ValueError as exc:
                current.errors.append(str(exc))
        try:
            order_line = _order_line(row)
        except ValueError as exc:
            current.errors.append(f"line {line}: {exc}")
            continue
        if order_line is not None and current.data is not None:
            current.data.lines.append(order_line)
    if current is not None:
        yield current


def read_items(kind: str, reader: csv.DictReader) -> Iterator[Item]:
    numbered = ((reader.line_num, row) for row in reader)
    if kind == "orders":
        yield from _order_items(numbered)
    elif kind == "customers":
        for line, row in numbered:
            yield _customer_item(line, row)
    else:
        for line, row in numbered:
            yield _shipment_item(line, row)
