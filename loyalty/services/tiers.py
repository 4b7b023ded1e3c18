"""Tier membership: recompute one customer after an order event, many in bulk, all of them
from the command; write the history and award each tier (with its message) once.

One code path for every size: the numbers of many customers come from one grouped query,
and the rows whose tier or membership changes are rewritten under their membership locks,
so an incremental recompute and a full one running at the same moment cannot undo each
other.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Customer, Order

from ..models import Membership, Tier, TierAward, TierChange
from ..rules import Decision, Numbers, decide, qualified_tier

CHUNK = 2000
MEMBERSHIP_FIELDS = ["qualified_tier", "tier_since", "grace_until", "review_at", "order_count",
                     "spend", "first_order_at", "last_order_at", "computed_at"]


def tier_for(*, order_count: int, spend: Decimal, tiers: list[Tier] | None = None) -> Tier | None:
    """The highest tier these lifetime numbers reach (for demo data and previews)."""
    tiers = tiers if tiers is not None else list(Tier.objects.order_by("rank"))
    windows = {t.window_months: (order_count, spend, None) for t in tiers if t.window_months}
    return qualified_tier(tiers, Numbers(order_count=order_count, spend=spend, windows=windows))


@dataclass
class RecomputeResult:
    customers: int = 0
    written: int = 0
    up: int = 0
    down: int = 0
    awards: list[int] = field(default_factory=list)  # TierAward ids created

    def add(self, other: "RecomputeResult") -> None:
        self.customers += other.customers
        self.written += other.written
        self.up += other.up
        self.down += other.down
        self.awards += other.awards


def numbers_for(customers: Q, tiers: list[Tier], now: datetime) -> dict[int, Numbers]:
    """The numbers of every customer matched by `customers` (a Q on Order.customer...), in one
    grouped query over the customer's orders index."""
    net = F("total") - F("refunded_total")
    money = DecimalField(max_digits=14, decimal_places=2)
    aggregates = {
        "n": Count("id"),
        "spend": Coalesce(Sum(net, output_field=money), Decimal("0"), output_field=money),
        "first": Min("placed_at"),
        "last": Max("placed_at"),
    }
    windows = sorted({t.window_months for t in tiers if t.window_months})
    for months in windows:
        inside = Q(placed_at__gte=now - relativedelta(months=months))
        aggregates[f"n_{months}"] = Count("id", filter=inside)
        aggregates[f"spend_{months}"] = Coalesce(Sum(net, filter=inside, output_field=money),
                                                 Decimal("0"), output_field=money)
        aggregates[f"oldest_{months}"] = Min("placed_at", filter=inside)
    rows = (Order.objects.counting().filter(customers).order_by()
            .values("customer_id").annotate(**aggregates))
    return {
        row["customer_id"]: Numbers(
            order_count=row["n"], spend=row["spend"], first_order_at=row["first"],
            last_order_at=row["last"],
            windows={m: (row[f"n_{m}"], row[f"spend_{m}"], row[f"oldest_{m}"]) for m in windows},
        )
        for row in rows
    }


STATE_FIELDS = ["qualified_tier_id", "grace_until", "review_at", "order_count", "spend",
                "first_order_at", "last_order_at"]


def _state(membership: Membership | None) -> tuple:
    if membership is None:
        return ()
    return tuple(getattr(membership, name) for name in STATE_FIELDS)


def _target_state(decision: Decision, numbers: Numbers) -> tuple:
    return (decision.qualified.pk if decision.qualified else None, decision.grace_until,
            decision.review_at, numbers.order_count, numbers.spend, numbers.first_order_at,
            numbers.last_order_at)


def recompute_customer(*, customer_id: int, now: datetime | None = None,
                       send_messages: bool = True) -> RecomputeResult:
    """After an order event: the customer's tier from their counting orders."""
    return recompute_customers(customer_ids=[customer_id], now=now, send_messages=send_messages)


def recompute_customers(*, customer_ids: Iterable[int], now: datetime | None = None,
                        send_messages: bool = True,
                        tiers: list[Tier] | None = None) -> RecomputeResult:
    """Recompute these customers, writing only what changed, in one transaction."""
    now = now or timezone.now()
    tiers = tiers if tiers is not None else list(Tier.objects.order_by("rank"))
    ids = sorted(set(customer_ids))
    result = RecomputeResult()
    if not ids:
        return result
    with transaction.atomic():
        Membership.objects.bulk_create(
            [Membership(customer_id=i) for i in Customer.objects.filter(pk__in=ids)
             .values_list("pk", flat=True)], ignore_conflicts=True)
        memberships = {m.customer_id: m for m in Membership.objects.select_for_update()
                       .filter(customer_id__in=ids).order_by("customer_id")}
        current = dict(Customer.objects.filter(pk__in=memberships).values_list("pk", "tier_id"))
        numbers = numbers_for(Q(customer_id__in=ids), tiers, now)
        _apply(current=current, memberships=memberships, numbers=numbers, tiers=tiers, now=now,
               send_messages=send_messages, result=result)
    return result


def _apply(*, current: dict[int, int | None], memberships: dict[int, Membership],
           numbers: dict[int, Numbers], tiers: list[Tier], now: datetime, send_messages: bool,
           result: RecomputeResult) -> None:
    by_id = {t.pk: t for t in tiers}
    moves: dict[int | None, list[int]] = defaultdict(list)
    changes, upgrades, dirty = [], [], []
    for customer_id, tier_id in current.items():
        membership = memberships[customer_id]
        mine = numbers.get(customer_id, Numbers())
        decision = decide(current=by_id.get(tier_id), numbers=mine, tiers=tiers,
                          grace_until=membership.grace_until, now=now)
        result.customers += 1
        moved = decision.changes(tier_id)
        if moved:
            new_id = decision.tier.pk if decision.tier else None
            moves[new_id].append(customer_id)
            old_rank = by_id[tier_id].rank if tier_id in by_id else 0
            up = (decision.tier.rank if decision.tier else 0) > old_rank
            changes.append(TierChange(
                customer_id=customer_id, from_tier_id=tier_id, to_tier_id=new_id, at=now,
                direction=TierChange.Direction.UP if up else TierChange.Direction.DOWN,
                reason=decision.reason or TierChange.Reason.QUALIFIED))
            if up:
                result.up += 1
                upgrades.append((customer_id, decision.tier))
            else:
                result.down += 1
            membership.tier_since = now if decision.tier else None
        elif membership.tier_since is None and decision.tier is not None:
            membership.tier_since = now
        if moved or _state(membership) != _target_state(decision, mine) or (
                membership.computed_at is None):
            membership.qualified_tier = decision.qualified
            membership.grace_until = decision.grace_until
            membership.review_at = decision.review_at
            membership.order_count = mine.order_count
            membership.spend = mine.spend
            membership.first_order_at = mine.first_order_at
            membership.last_order_at = mine.last_order_at
            membership.computed_at = now
            dirty.append(membership)
    for new_id, customer_ids in moves.items():
        Customer.objects.filter(pk__in=customer_ids).update(tier_id=new_id, updated_at=now)
    _rechoose_sla_policies([cid for ids in moves.values() for cid in ids], now=now)
    if dirty:
        # One INSERT ... ON CONFLICT UPDATE per batch: the rows exist and are locked; this is
        # much faster than bulk_update's CASE expressions.
        Membership.objects.bulk_create(dirty, update_conflicts=True,
                                       unique_fields=["customer"],
                                       update_fields=MEMBERSHIP_FIELDS, batch_size=1000)
        result.written += len(dirty)
    TierChange.objects.bulk_create(changes, batch_size=1000)
    for customer_id, tier in upgrades:
        award = award_tier(customer_id=customer_id, tier=tier, now=now,
                           send_message=send_messages)
        if award is not None:
            result.awards.append(award.pk)


def _rechoose_sla_policies(customer_ids: list[int], *, now: datetime) -> None:
    """A new tier can mean a new SLA policy (priority service) for the open tickets."""
    from sla.services import on_customer_changed
    from tickets.models import OPEN_STATUSES, Ticket

    with_open_tickets = set(
        Ticket.objects.filter(customer_id__in=customer_ids, status__in=OPEN_STATUSES)
        .values_list("customer_id", flat=True))
    for customer_id in sorted(with_open_tickets):
        on_customer_changed(customer=Customer(pk=customer_id), at=now)


def award_tier(*, customer_id: int, tier: Tier, now: datetime,
               send_message: bool = True) -> TierAward | None:
    """The customer reached `tier`: record it once (a unique constraint) and send the tier-up
    message from the tier's template. None if it was awarded before."""
    from .messages import send_tier_up

    try:
        with transaction.atomic():
            award = TierAward.objects.create(customer_id=customer_id, tier=tier, awarded_at=now)
    except IntegrityError:
        return None
    if send_message:
        award.message = send_tier_up(customer_id=customer_id, tier=tier, now=now)
        if award.message is not None:
            award.save(update_fields=["message"])
    return award


def recompute_range(*, first_id: int, last_id: int, now: datetime | None = None,
                    send_messages: bool = True,
                    tiers: list[Tier] | None = None) -> RecomputeResult:
    """Customers with first_id <= id <= last_id: read everyone's numbers without locks, then
    rewrite only the customers whose tier or membership changed, under their locks."""
    now = now or timezone.now()
    tiers = tiers if tiers is not None else list(Tier.objects.order_by("rank"))
    result = RecomputeResult()
    current = dict(Customer.objects.filter(pk__gte=first_id, pk__lte=last_id)
                   .values_list("pk", "tier_id"))
    if not current:
        return result
    # Plain tuples, not model instances: this reads every customer of the range.
    states = {row[0]: row[1:] for row in Membership.objects.filter(
        customer_id__gte=first_id, customer_id__lte=last_id).values_list(
        "customer_id", *STATE_FIELDS)}
    numbers = numbers_for(Q(customer_id__gte=first_id, customer_id__lte=last_id), tiers, now)
    stale = []
    by_id = {t.pk: t for t in tiers}
    grace_index = STATE_FIELDS.index("grace_until")
    for customer_id, tier_id in current.items():
        state = states.get(customer_id)
        mine = numbers.get(customer_id, Numbers())
        decision = decide(current=by_id.get(tier_id), numbers=mine, tiers=tiers,
                          grace_until=state[grace_index] if state else None, now=now)
        if state is None or decision.changes(tier_id) or (
                state != _target_state(decision, mine)):
            stale.append(customer_id)
    result.customers = len(current)
    for start in range(0, len(stale), CHUNK):
        part = recompute_customers(customer_ids=stale[start:start + CHUNK], now=now,
                                   send_messages=send_messages, tiers=tiers)
        part.customers = 0
        result.add(part)
    return result


def customer_id_ranges(*, chunk: int = CHUNK * 5) -> list[tuple[int, int]]:
    """Consecutive id ranges of `chunk` customers each, covering every customer."""
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    return [(ids[i], ids[min(i + chunk, len(ids)) - 1]) for i in range(0, len(ids), chunk)]


def recompute_all(*, now: datetime | None = None, send_messages: bool = True,
                  chunk: int = CHUNK * 5, progress=None) -> RecomputeResult:
    """Every customer, a range at a time (the command; the task fans ranges out instead)."""
    now = now or timezone.now()
    tiers = list(Tier.objects.order_by("rank"))
    result = RecomputeResult()
    for first_id, last_id in customer_id_ranges(chunk=chunk):
        result.add(recompute_range(first_id=first_id, last_id=last_id, now=now,
                                   send_messages=send_messages, tiers=tiers))
        if progress is not None:
            progress(result)
    return result


def due_for_review(*, now: datetime, limit: int = 5000) -> list[int]:
    """Customers whose tier passing time may have changed (window or grace ended)."""
    return list(Membership.objects.filter(review_at__lte=now).order_by("review_at")
                .values_list("customer_id", flat=True)[:limit])
