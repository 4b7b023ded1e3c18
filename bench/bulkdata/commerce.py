"""Rows for the commerce side: customers and their identities, orders with their lines,
shipments and their tracking scans.

Each generator walks the plan in batches and yields {target: rows}; ids are counted
here, so the rows of one batch can point at each other before anything is stored.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from customers.models import (
    Customer,
    CustomerIdentity,
    Order,
    OrderLine,
    Shipment,
    TrackingEvent,
)

from . import corpus
from .pgload import NULL, Batch, Target
from .plan import (
    DAY,
    HOUR,
    MINUTE,
    ORDER_STATUSES,
    Plan,
    WeightedChoice,
    day_text,
    order_number,
    timestamp,
)

BATCH = 5_000
CURRENCY = "CNY"


@dataclass
class CommerceTargets:
    customers: Target
    identities: Target
    orders: Target
    lines: Target
    shipments: Target
    tracking: Target

    @classmethod
    def create(cls) -> "CommerceTargets":
        return cls(
            customers=Target(Customer, ("id", "name", "language", "time_zone", "notes",
                                        "tier_id", "created_at", "updated_at")),
            identities=Target(CustomerIdentity, ("id", "customer_id", "kind", "value",
                                                 "is_primary", "created_at")),
            orders=Target(Order, ("id", "customer_id", "number", "shop_order_id", "placed_at",
                                  "status", "currency", "total", "refunded_total",
                                  "created_at", "updated_at")),
            lines=Target(OrderLine, ("id", "order_id", "sku", "title", "quantity",
                                     "unit_price", "shop_line_id")),
            shipments=Target(Shipment, ("id", "order_id", "customer_id", "carrier",
                                        "tracking_number", "tracking_url",
                                        "shop_fulfillment_id", "status", "shipped_at",
                                        "promised_delivery_date", "estimated_delivery",
                                        "delivered_at", "last_event_at", "created_at",
                                        "updated_at")),
            tracking=Target(TrackingEvent, ("id", "shipment_id", "occurred_at", "status",
                                            "location", "description", "created_at")),
        )


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def customer_batches(plan: Plan, targets: CommerceTargets, tagged: Target,
                     tags: dict[str, int], content_type_id: int) -> Iterator[Batch]:
    rng = plan.rng("customer-rows")
    customers = plan.customers
    tag_ids = [tags[name] for name in corpus.CUSTOMER_TAGS]
    identity_id = 0
    for start in range(0, len(customers), BATCH):
        rows, identities, tag_rows = [], [], []
        for index in range(start, min(start + BATCH, len(customers))):
            customer_id = index + 1
            signed_up = timestamp(customers.signup[index])
            chinese = customers.chinese[index]
            zone = customers.time_zone[index]
            notes = rng.choice(corpus.CUSTOMER_NOTES) if rng.random() < 0.03 else ""
            rows.append((customer_id, customers.name[index], "zh-hans" if chinese else "en",
                         zone, notes, customers.tier[index] or NULL, signed_up, signed_up))
            # Values are unique by construction: each embeds the customer id (or a
            # bijection of it), and they are already normalised as the model stores them.
            identity_id += 2
            identities.append((identity_id - 1, customer_id, "email", customers.email[index],
                               True, signed_up))
            identities.append((identity_id, customer_id, "shop", f"SHOP-C{1000000 + customer_id}",
                               False, signed_up))
            if rng.random() < 0.6:
                identity_id += 1
                phone = (f"{corpus.PHONE_PREFIX[zone]}{rng.randint(3, 9)}"
                         f"{customer_id * 7919 % 10**8:08d}")
                identities.append((identity_id, customer_id, "phone", phone, False, signed_up))
            if chinese and rng.random() < 0.3:
                identity_id += 1
                wechat = f"wxid_{customer_id * 2654435761 % 10**10:010d}"
                identities.append((identity_id, customer_id, "wechat", wechat, False, signed_up))
            if rng.random() < 0.05:
                tag_rows.append((rng.choice(tag_ids), content_type_id, customer_id))
        yield {targets.customers: rows, targets.identities: identities, tagged: tag_rows}


def _catalogue() -> list[tuple[str, str, str, int]]:
    """(sku, English title, Chinese title, unit price in cents), best sellers first."""
    skus = []
    for stem, title, title_zh, cents, variants in corpus.PRODUCTS:
        for number, variant in enumerate(variants):
            price = round(cents * (1 + 0.6 * number) / 100) * 100
            skus.append((f"{stem}-{number + 1:02d}", f"{title} ({variant})",
                         f"{title_zh}（{variant}）", price))
    return skus


class OrderRows:
    """Orders with their lines, shipments and tracking scans, in placement order."""

    def __init__(self, plan: Plan, targets: CommerceTargets):
        self.plan = plan
        self.targets = targets
        self.rng = rng = plan.rng("order-rows")
        self.catalogue = _catalogue()
        self.product = WeightedChoice(rng, [(i, 1 / (i + 1) ** 0.7)
                                            for i in range(len(self.catalogue))])
        self.line_count = WeightedChoice(rng, [(1, 40), (2, 30), (3, 20), (4, 10)])
        self.quantity = WeightedChoice(rng, [(1, 75), (2, 18), (3, 4), (4, 2), (6, 1)])
        self.domestic_carrier = WeightedChoice(
            rng, [((name, link), share) for name, link, home, share in corpus.CARRIERS if home])
        self.international_carrier = WeightedChoice(
            rng, [((name, link), share) for name, link, home, share in corpus.CARRIERS
                  if not home])
        self.line_id = self.shipment_id = self.scan_id = 0

    def batches(self) -> Iterator[Batch]:
        orders = self.plan.orders
        t = self.targets
        for start in range(0, len(orders), BATCH):
            self.order_rows, self.line_rows = [], []
            self.shipment_rows, self.scan_rows = [], []
            for index in range(start, min(start + BATCH, len(orders))):
                self._order(index)
            yield {t.orders: self.order_rows, t.lines: self.line_rows,
                   t.shipments: self.shipment_rows, t.tracking: self.scan_rows}

    def _order(self, index: int) -> None:
        plan = self.plan
        orders, customers = plan.orders, plan.customers
        order_id = index + 1
        customer_id = orders.customer[index]
        placed = orders.placed[index]
        status = ORDER_STATUSES[orders.status[index]]
        chinese = customers.chinese[customer_id - 1]
        picked, total = set(), 0
        line_totals = []
        for _ in range(self.line_count()):
            product = self.product()
            if product in picked:
                continue
            picked.add(product)
            sku, title, title_zh, price = self.catalogue[product]
            quantity = self.quantity()
            self.line_id += 1
            self.line_rows.append((self.line_id, order_id, sku, title_zh if chinese else title,
                                   quantity, money(price), f"gid://shop/LineItem/{self.line_id}"))
            line_totals.append(price * quantity)
            total += price * quantity
        refunded = {"refunded": total,
                    "partially_refunded": min(line_totals)}.get(status, 0)
        updated = self._shipments(order_id, customer_id, placed, status)
        self.order_rows.append((order_id, customer_id, order_number(order_id),
                                f"gid://shop/Order/{5100000000 + order_id}", timestamp(placed),
                                status, CURRENCY, money(total), money(refunded),
                                timestamp(placed), timestamp(max(placed, updated))))

    def _shipments(self, order_id: int, customer_id: int, placed: int, status: str) -> int:
        """Writes the order's shipments; returns the time of its last scan (or 0)."""
        rng, now = self.rng, self.plan.now
        if status in ("pending", "paid", "cancelled"):
            return 0
        if status == "refunded":
            if rng.random() < 0.6:
                return 0  # refunded before it shipped
            outcomes = ["returned" if rng.random() < 0.5 else "delivered"]
        elif status in ("delivered", "partially_refunded"):
            outcomes = ["delivered"] * (2 if rng.random() < 0.06 else 1)
        elif status == "partially_fulfilled":
            outcomes = ["delivered" if rng.random() < 0.4 else "moving"]
        else:  # fulfilled: on its way, or lost on the way if the order is old
            outcomes = ["moving"] * (2 if rng.random() < 0.05 else 1)
        zone = self.plan.customers.time_zone[customer_id - 1]
        domestic = zone == "Asia/Shanghai"
        carrier, link = self.domestic_carrier() if domestic else self.international_carrier()
        last = 0
        for number, outcome in enumerate(outcomes):
            ready = placed + rng.randint(4 * HOUR, 48 * HOUR) + number * rng.randint(DAY, 3 * DAY)
            self.shipment_id += 1
            last = max(last, self._shipment(order_id, customer_id, placed, min(ready, now),
                                            outcome, carrier, link, domestic))
        return last

    def _shipment(self, order_id, customer_id, placed, shipped, outcome, carrier, link,
                  domestic) -> int:
        rng, now = self.rng, self.plan.now
        shipment_id = self.shipment_id
        tracking = _tracking_number(carrier, shipment_id)
        origin = rng.choice(corpus.ORIGINS)
        destination = rng.choice(corpus.DESTINATIONS[:10] if domestic
                                 else corpus.DESTINATIONS[9:])
        hub = rng.choice(corpus.HUBS)
        promise_days = (3 if domestic else 9) + rng.randint(0, 2)
        promised = shipped + promise_days * DAY
        estimated = promised
        label_at = max(placed + MINUTE, shipped - rng.randint(2 * HOUR, 8 * HOUR))
        scans = [(label_at, "label_created", origin)]
        delivered_at = None
        if shipped >= now - 2 * HOUR:  # a label is printed, the courier has not come yet
            status, shipped_at = "label_created", None
            scans = [(min(label_at, now - MINUTE), "label_created", origin)]
        elif outcome == "delivered":
            late = rng.random() < 0.12
            transit = (promise_days * DAY + rng.randint(DAY, 5 * DAY) if late
                       else rng.randint(DAY, promise_days * DAY))
            delivered_at = min(shipped + transit, now - MINUTE)
            status, shipped_at = "delivered", shipped
            scans.append((shipped, "picked_up", origin))
            if rng.random() < 0.2:
                scans.append((shipped + (delivered_at - shipped) // 2, "arrived", hub))
            if rng.random() < 0.15:
                scans.append((delivered_at - rng.randint(HOUR, 5 * HOUR), "out_for_delivery",
                              destination))
            scans.append((delivered_at, "delivered", destination))
        elif outcome == "returned":
            status, shipped_at = "returned", shipped
            attempted = shipped + rng.randint(2 * DAY, promise_days * DAY)
            scans += [(shipped, "picked_up", origin),
                      (attempted, "attempted_delivery", destination),
                      (min(now - MINUTE, attempted + rng.randint(5 * DAY, 15 * DAY)),
                       "returned", origin)]
        else:  # still moving: where it is now depends on how long it has been travelling
            status, shipped_at = "in_transit", shipped
            elapsed = now - shipped
            scans.append((shipped, "picked_up", origin))
            if elapsed > 30 * DAY:  # lost or stuck for weeks
                state = rng.choice(["in_transit", "in_transit", "exception", "exception_address"])
            else:
                state = rng.choices(["in_transit", "out_for_delivery", "attempted_delivery",
                                     "exception", "exception_address"],
                                    weights=[65, 12, 5, 12, 6])[0]
            if elapsed > DAY:
                scans.append((shipped + int(elapsed * rng.uniform(0.2, 0.5)), "arrived", hub))
            if state == "in_transit":
                scans.append((shipped + int(elapsed * rng.uniform(0.55, 0.95)), "departed", hub))
            elif state in ("out_for_delivery", "attempted_delivery"):
                status = state
                scans.append((now - rng.randint(10 * MINUTE, min(elapsed // 3, 20 * HOUR) + MINUTE),
                               state, destination))
            else:
                status = "exception"
                estimated = promised + rng.randint(2, 6) * DAY
                scans.append((shipped + int(elapsed * rng.uniform(0.55, 0.95)), state,
                              corpus.HUBS[0] if state == "exception" else destination))
        scans = _strictly_increasing(scans)
        language = 1 if domestic else 0
        for at, key, place in scans:
            self.scan_id += 1
            self.scan_rows.append((self.scan_id, shipment_id, timestamp(at), _SCAN_STATUS[key],
                                   place[language], corpus.SCANS[key][language], timestamp(at)))
        last = scans[-1][0]
        self.shipment_rows.append((
            shipment_id, order_id, customer_id, carrier, tracking, link.format(tracking),
            f"gid://shop/Fulfillment/{4100000000 + shipment_id}", status,
            timestamp(shipped_at) if shipped_at else NULL,
            day_text(promised) if shipped_at else NULL,
            day_text(estimated) if shipped_at else NULL,
            timestamp(delivered_at) if delivered_at else NULL,
            timestamp(last), timestamp(scans[0][0]), timestamp(last),
        ))
        return last


_SCAN_STATUS = {"label_created": "label_created", "picked_up": "in_transit",
                "arrived": "in_transit", "departed": "in_transit",
                "out_for_delivery": "out_for_delivery", "attempted_delivery": "attempted_delivery",
                "delivered": "delivered", "exception": "exception",
                "exception_address": "exception", "returned": "returned"}
_TRACKING_FORMAT = {  # prefix, digits, suffix: numbers are a bijection of the shipment id
    "SF Express": ("SF", 12, ""), "YTO Express": ("YT", 13, ""), "ZTO Express": ("", 12, ""),
    "JD Logistics": ("JD", 13, ""), "China Post EMS": ("E", 9, "CN"), "DHL": ("", 10, ""),
    "FedEx": ("", 12, ""), "UPS": ("1Z", 16, ""),
}


def _tracking_number(carrier: str, shipment_id: int) -> str:
    prefix, digits, suffix = _TRACKING_FORMAT[carrier]
    # 48271 is coprime with 10, so this maps distinct ids to distinct numbers.
    number = (shipment_id * 48271 + 7 * 10 ** (digits - 1)) % 10**digits
    return f"{prefix}{number:0{digits}d}{suffix}"


def _strictly_increasing(scans: list[tuple[int, str, tuple]]) -> list[tuple[int, str, tuple]]:
    """Scans in time order, each at least a minute after the previous one."""
    scans.sort(key=lambda scan: scan[0])
    result, previous = [], None
    for at, key, place in scans:
        if previous is not None and at <= previous:
            at = previous + MINUTE
        result.append((at, key, place))
        previous = at
    return result
