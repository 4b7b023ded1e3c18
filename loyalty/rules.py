"""Which tier a customer holds: pure rules over the numbers of their counting orders.

No database access here; the tier services load the numbers and apply the decision.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .models import Downgrade, Tier, TierChange


@dataclass(frozen=True)
class Numbers:
    """A customer's counting orders (not pending, cancelled or fully refunded), over the
    lifetime and over each window (in months) that some tier uses."""

    order_count: int = 0
    spend: Decimal = Decimal("0")
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    # window months -> (order count, spend, oldest order time inside the window)
    windows: dict[int, tuple[int, Decimal, datetime | None]] = field(default_factory=dict)

    def for_tier(self, tier: Tier) -> tuple[int, Decimal]:
        if tier.window_months:
            count, spend, _oldest = self.windows.get(tier.window_months, (0, Decimal("0"), None))
            return count, spend
        return self.order_count, self.spend


@dataclass(frozen=True)
class Decision:
    tier: Tier | None
    qualified: Tier | None
    grace_until: datetime | None
    review_at: datetime | None
    reason: str | None = None  # a TierChange.Reason when the tier changes

    def changes(self, current_tier_id: int | None) -> bool:
        return (self.tier.pk if self.tier is not None else None) != current_tier_id


def _rank(tier: Tier | None) -> int:
    return tier.rank if tier is not None else 0


def qualified_tier(tiers: list[Tier], numbers: Numbers) -> Tier | None:
    """The highest tier whose thresholds the numbers meet, each over its own window."""
    reached = None
    for tier in sorted(tiers, key=lambda t: t.rank):
        count, spend = numbers.for_tier(tier)
        if tier.qualifies(order_count=count, spend=spend):
            reached = tier
    return reached


def decide(*, current: Tier | None, numbers: Numbers, tiers: list[Tier],
           grace_until: datetime | None, now: datetime) -> Decision:
    """The tier the customer should hold now.

    Reaching a higher tier applies at once. Falling below the current tier applies at once
    when the customer no longer meets its thresholds even over their whole lifetime (orders
    were cancelled or refunded, or the thresholds were raised); when only older orders left
    the tier's window, the tier's downgrade rule decides: kept for good, or kept until a
    grace period ends.
    """
    qualified = qualified_tier(tiers, numbers)
    current = next((t for t in tiers if current is not None and t.pk == current.pk), None)
    if current is None or _rank(qualified) >= current.rank:
        reason = TierChange.Reason.QUALIFIED if _rank(qualified) != _rank(current) else None
        return Decision(qualified, qualified, None, _review_at(numbers, tiers, None), reason)
    earned = current.qualifies(order_count=numbers.order_count, spend=numbers.spend)
    if not earned:
        return Decision(qualified, qualified, None, _review_at(numbers, tiers, None),
                        TierChange.Reason.CORRECTION)
    if current.downgrade == Downgrade.NEVER:
        return Decision(current, qualified, None, _review_at(numbers, tiers, None))
    grace_until = grace_until or current.grace_end(now)
    if now >= grace_until:
        return Decision(qualified, qualified, None, _review_at(numbers, tiers, None),
                        TierChange.Reason.EXPIRED)
    return Decision(current, qualified, grace_until, _review_at(numbers, tiers, grace_until))


def _review_at(numbers: Numbers, tiers: list[Tier],
               grace_until: datetime | None) -> datetime | None:
    """The next moment passing time alone can change the decision: a grace period ends, or
    the oldest order inside a tier's window leaves it."""
    moments = [grace_until] if grace_until else []
    for months in {t.window_months for t in tiers if t.window_months}:
        _count, _spend, oldest = numbers.windows.get(months, (0, Decimal("0"), None))
        if oldest is not None:
            moments.append(oldest + relativedelta(months=months))
    return min(moments) if moments else None
