"""The shape of the generated shop, decided before any row is written.

Who the customers are and when they signed up, how many orders each placed and when,
and which customer writes which ticket about which order, are planned first into
compact arrays (index 0 is id 1). The row generators then walk these plans, so every
foreign key points at a row that exists and every time follows the one it depends on
(signup, order, ticket, reply). Ids follow time: customers by signup, orders by
placement, tickets by creation, as in a real database.

Times are integer seconds since the Unix epoch (UTC) until they are written out.
"""

import math
import random
import unicodedata
from array import array
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import corpus

MINUTE = 60
HOUR = 3600
DAY = 86400
HISTORY_DAYS = 730  # tickets and orders spread over two years
_EPOCH = date(1970, 1, 1)

# Order statuses by the order's age: (max age in days, [(status, weight), ...]).
ORDER_STATUS_BY_AGE = [
    (1, [("pending", 8), ("paid", 60), ("fulfilled", 30), ("cancelled", 2)]),
    (3, [("pending", 1), ("paid", 15), ("partially_fulfilled", 4), ("fulfilled", 75),
         ("delivered", 2), ("cancelled", 3)]),
    (10, [("paid", 2), ("partially_fulfilled", 3), ("fulfilled", 45), ("delivered", 45),
          ("cancelled", 4), ("refunded", 1)]),
    (30, [("partially_fulfilled", 1), ("fulfilled", 3), ("delivered", 85), ("cancelled", 5),
          ("refunded", 3), ("partially_refunded", 3)]),
    (math.inf, [("fulfilled", 0.3), ("delivered", 87), ("cancelled", 5.5), ("refunded", 4),
                ("partially_refunded", 3.2)]),
]
ORDER_STATUSES = ["pending", "paid", "partially_fulfilled", "fulfilled", "delivered",
                  "cancelled", "partially_refunded", "refunded"]
NOT_COUNTING = {ORDER_STATUSES.index(s) for s in ("pending", "cancelled", "refunded")}

# Ticket categories, with weights for tickets about an order and for the others.
CATEGORIES = ["pre_sale", "order_status", "shipping_problem", "damaged", "wrong_item",
              "payment", "return_refund", "complaint", "feedback", "partnership", "other"]
ORDER_CATEGORY_WEIGHTS = {"order_status": 30, "shipping_problem": 17, "damaged": 8,
                          "wrong_item": 5, "payment": 6, "return_refund": 18, "complaint": 5,
                          "other": 5}
OTHER_CATEGORY_WEIGHTS = {"pre_sale": 50, "feedback": 15, "partnership": 5, "other": 20,
                          "complaint": 5, "payment": 5}
# Days after the order that a customer writes about it, per category.
CATEGORY_DELAY_DAYS = {"order_status": (1, 12), "shipping_problem": (3, 20), "damaged": (3, 15),
                       "wrong_item": (3, 15), "payment": (0, 2), "return_refund": (5, 35),
                       "complaint": (3, 30), "other": (0, 20)}
ORDER_TICKET_SHARE = 0.85


def order_number(order_id: int) -> str:
    return f"KF{100000 + order_id}"


class _HourPrefixes(dict):
    """"YYYY-MM-DD HH:" by hours since the epoch, made on first use."""

    def __missing__(self, hours: int) -> str:
        day, hour = divmod(hours, 24)
        text = self[hours] = f"{(_EPOCH + timedelta(days=day)).isoformat()} {hour:02d}:"
        return text


_HOURS = _HourPrefixes()
_MINUTES_SECONDS = tuple(f"{m:02d}:{s:02d}+00" for m in range(60) for s in range(60))


def timestamp(ts: int) -> str:
    """Epoch seconds as PostgreSQL timestamptz text. Two table look-ups, as the generators
    call it some 25 million times."""
    hours, rest = divmod(ts, HOUR)
    return _HOURS[hours] + _MINUTES_SECONDS[rest]


def day_text(ts: int) -> str:
    return (_EPOCH + timedelta(days=ts // DAY)).isoformat()


class FastRandom(random.Random):
    """random.Random whose randint and choice take a single random() call: slightly less
    uniform (53-bit floats) and several times faster, which is plenty for made-up data."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class WeightedChoice:
    """rng.choices for one draw at a time, with the cumulative weights computed once."""

    def __init__(self, rng: random.Random, pairs):
        pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        self.values = [value for value, _weight in pairs]
        total, self.cumulative = 0.0, []
        for _value, weight in pairs:
            total += weight
            self.cumulative.append(total)
        self.total = total
        self.rng = rng

    def __call__(self):
        return self.values[bisect(self.cumulative, self.rng.random() * self.total)]


@dataclass
class Sizes:
    customers: int
    orders: int
    tickets: int
    messages: int


@dataclass
class Customers:
    signup: array = field(default_factory=lambda: array("q"))
    chinese: bytearray = field(default_factory=bytearray)  # writes in Chinese (zh-hans)
    time_zone: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    greeting: list[str] = field(default_factory=list)  # how an agent addresses them
    email: list[str] = field(default_factory=list)
    tier: array = field(default_factory=lambda: array("q"))  # tier id, 0 for none
    orders: array = field(default_factory=lambda: array("i"))  # orders placed

    def __len__(self):
        return len(self.signup)


@dataclass
class Orders:
    customer: array = field(default_factory=lambda: array("i"))
    placed: array = field(default_factory=lambda: array("q"))
    status: bytearray = field(default_factory=bytearray)  # index in ORDER_STATUSES

    def __len__(self):
        return len(self.placed)


@dataclass
class Tickets:
    created: array = field(default_factory=lambda: array("q"))
    customer: array = field(default_factory=lambda: array("i"))
    order: array = field(default_factory=lambda: array("i"))  # 0: not about an order
    category: bytearray = field(default_factory=bytearray)  # index in CATEGORIES

    def __len__(self):
        return len(self.created)


@dataclass
class Plan:
    now: int
    seed: int
    customers: Customers
    orders: Orders
    tickets: Tickets

    def rng(self, purpose: str) -> FastRandom:
        """A random stream per purpose, so changing one generator leaves the others alone."""
        return FastRandom(f"{self.seed}:{purpose}")


def make_plan(sizes: Sizes, *, seed: int, now: int, tiers: list[tuple[int, int | None]]) -> Plan:
    """`tiers`: (tier id, minimum counting orders) by rank, as seeded in loyalty."""
    plan = Plan(now=now, seed=seed, customers=Customers(), orders=Orders(), tickets=Tickets())
    _plan_customers(plan, sizes.customers)
    _plan_orders(plan, sizes.orders, tiers)
    _plan_tickets(plan, sizes.tickets)
    return plan


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch == "-")


def _plan_customers(plan: Plan, count: int) -> None:
    rng = plan.rng("customers")
    start = plan.now - (HISTORY_DAYS + 30) * DAY
    span = plan.now - HOUR - start
    # A growing shop: more sign-ups lately (density rises linearly over the period).
    signups = sorted(start + int(span * math.sqrt(rng.random())) for _ in range(count))
    zh_zone = WeightedChoice(rng, corpus.ZH_TIME_ZONES)
    en_zone = WeightedChoice(rng, corpus.EN_TIME_ZONES)
    c = plan.customers
    c.signup.extend(signups)
    for customer_id in range(1, count + 1):
        roll = rng.random()
        if roll < 0.55:  # a Chinese name, written in characters
            (surname, sur_py), (given, given_py) = (rng.choice(corpus.ZH_SURNAMES),
                                                    rng.choice(corpus.ZH_GIVEN))
            name, greeting = surname + given, surname + given
            chinese = rng.random() < 0.92
            email = f"{sur_py}.{given_py}{customer_id}@{rng.choice(corpus.ZH_EMAIL_DOMAINS)}"
        elif roll < 0.95:  # a Western name
            first, last = rng.choice(corpus.EN_FIRST), rng.choice(corpus.EN_LAST)
            name, greeting, chinese = f"{first} {last}", first, rng.random() < 0.03
            email = (f"{_ascii(first)}.{_ascii(last)}.{customer_id}"
                     f"@{rng.choice(corpus.EN_EMAIL_DOMAINS)}")
        else:  # a Chinese name in pinyin, given name first
            (_, sur_py), (_, given_py) = (rng.choice(corpus.ZH_SURNAMES),
                                          rng.choice(corpus.ZH_GIVEN))
            name = f"{given_py.title()} {sur_py.title()}"
            greeting, chinese = given_py.title(), rng.random() < 0.3
            email = f"{given_py}.{sur_py}.{customer_id}@{rng.choice(corpus.EN_EMAIL_DOMAINS)}"
        c.chinese.append(chinese)
        c.time_zone.append(zh_zone() if chinese else en_zone())
        c.name.append(name)
        c.greeting.append(greeting)
        c.email.append(email)


def _order_counts(rng: random.Random, customers: int, orders: int) -> list[int]:
    """Orders per customer: many buy once, some come back, a few buy very often; the
    long tail is stretched so the counts add up to exactly `orders`."""
    buckets = WeightedChoice(rng, [("none", 10), ("one", 37), ("few", 25), ("regular", 22),
                             ("loyal", 6)])
    fixed_mean = 0.37 * 1 + 0.25 * 2.5 + 0.22 * 7
    tail_mean = max(14.0, (orders / max(customers, 1) - fixed_mean) / 0.06)
    counts = []
    for _ in range(customers):
        bucket = buckets()
        if bucket == "none":
            counts.append(0)
        elif bucket == "one":
            counts.append(1)
        elif bucket == "few":
            counts.append(rng.randint(2, 3))
        elif bucket == "regular":
            counts.append(rng.randint(4, 10))
        else:
            counts.append(min(400, 11 + int(rng.expovariate(1 / (tail_mean - 11)))))
    difference = orders - sum(counts)
    while difference:
        index = rng.randint(0, customers - 1)
        if difference > 0 and counts[index] >= 1:
            counts[index] += 1
            difference -= 1
        elif difference < 0 and counts[index] > 0:
            counts[index] -= 1
            difference += 1
    # Long-standing customers (the first ones) tend to have ordered more.
    return sorted(counts, key=lambda n: n * rng.uniform(0.2, 1.0), reverse=True)


def _plan_orders(plan: Plan, count: int, tiers: list[tuple[int, int | None]]) -> None:
    rng = plan.rng("orders")
    customers, now = plan.customers, plan.now
    status_by_age = [(limit * DAY, WeightedChoice(rng, pairs))
                     for limit, pairs in ORDER_STATUS_BY_AGE]
    counts = _order_counts(rng, len(customers), count)
    placed: list[tuple[int, int, int]] = []
    for index, orders in enumerate(counts):  # customers are in sign-up order, oldest first
        signup = customers.signup[index]
        for n in range(orders):
            if n == 0:
                at = signup + rng.randint(10 * MINUTE, 2 * DAY)
            else:
                at = signup + int((now - signup) * rng.random())
            at = min(at, now - rng.randint(MINUTE, 6 * HOUR))
            placed.append((at, index + 1, _status_for_age(status_by_age, now - at)))
    placed.sort()
    o = plan.orders
    counting = [0] * len(customers)
    for at, customer_id, status in placed:
        o.placed.append(at)
        o.customer.append(customer_id)
        o.status.append(status)
        if status not in NOT_COUNTING:
            counting[customer_id - 1] += 1
    customers.orders.extend(counts)
    customers.tier.extend(_tiers(rng, counting, tiers))


def _status_for_age(status_by_age, age: int) -> int:
    for limit, choose in status_by_age:
        if age < limit:
            return ORDER_STATUSES.index(choose())
    raise AssertionError("the last age bracket is unbounded")


def _tiers(rng: random.Random, counting: list[int], tiers: list[tuple[int, int | None]]):
    """Each customer's tier by counting orders, except ~2% not recomputed since their last
    order or a cancellation (so a loyalty recompute has something to do)."""
    ranked = [tier_id for tier_id, _minimum in tiers]

    def reached(orders: int) -> int:
        tier = 0
        for tier_id, minimum in tiers:
            if minimum is not None and orders >= minimum:
                tier = tier_id
        return tier

    by_count = {}
    for orders in counting:
        tier = by_count.get(orders)
        if tier is None:
            tier = by_count[orders] = reached(orders)
        if rng.random() < 0.02 and ranked:
            position = ranked.index(tier) if tier else -1
            position = max(-1, min(len(ranked) - 1, position + rng.choice((-1, 1))))
            tier = ranked[position] if position >= 0 else 0
        yield tier


def _plan_tickets(plan: Plan, count: int) -> None:
    rng = plan.rng("tickets")
    customers, orders, now = plan.customers, plan.orders, plan.now
    about_order = WeightedChoice(rng, ORDER_CATEGORY_WEIGHTS)
    not_about_order = WeightedChoice(rng, OTHER_CATEGORY_WEIGHTS)
    specs: list[tuple[int, int, int, int]] = []
    for _ in range(count):
        if orders and rng.random() < ORDER_TICKET_SHARE:
            order_index = rng.randint(0, len(orders) - 1)
            category = about_order()
            placed = orders.placed[order_index]
            low, high = CATEGORY_DELAY_DAYS[category]
            at = placed + rng.randint(low * DAY, high * DAY) + rng.randint(MINUTE, DAY)
            if at >= now:
                at = placed + int((now - placed) * rng.random())
            specs.append((max(at, placed + MINUTE), orders.customer[order_index],
                          order_index + 1, CATEGORIES.index(category)))
        else:
            customer_index = rng.randint(0, len(customers) - 1)
            signup = customers.signup[customer_index]
            at = signup + int((now - signup) * rng.random())
            specs.append((at, customer_index + 1, 0, CATEGORIES.index(not_about_order())))
    specs.sort()
    t = plan.tickets
    for at, customer_id, order_id, category in specs:
        t.created.append(min(at, now - MINUTE))
        t.customer.append(customer_id)
        t.order.append(order_id)
        t.category.append(category)
