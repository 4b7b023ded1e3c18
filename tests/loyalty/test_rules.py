"""The pure tier rules, on unsaved tiers."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from loyalty.models import Downgrade, QualifyBy, Tier, TierChange
from loyalty.rules import Numbers, decide, qualified_tier

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def seed_tiers(**changes) -> list[Tier]:
    tiers = [
        Tier(pk=1, name="Bronze", rank=1, min_orders=1),
        Tier(pk=2, name="Silver", rank=2, min_orders=4),
        Tier(pk=3, name="Gold", rank=3, min_orders=11),
    ]
    for tier in tiers:
        for field, value in changes.items():
            setattr(tier, field, value)
    return tiers


def lifetime(count: int, spend: str = "0") -> Numbers:
    return Numbers(order_count=count, spend=Decimal(spend))


def test_the_seed_thresholds_at_their_edges():
    tiers = seed_tiers()
    assert qualified_tier(tiers, lifetime(0)) is None
    assert qualified_tier(tiers, lifetime(1)).name == "Bronze"
    assert qualified_tier(tiers, lifetime(3)).name == "Bronze"
    assert qualified_tier(tiers, lifetime(4)).name == "Silver"
    assert qualified_tier(tiers, lifetime(10)).name == "Silver"
    assert qualified_tier(tiers, lifetime(11)).name == "Gold"


def test_a_tier_needs_both_thresholds_unless_either_is_enough():
    gold = Tier(pk=3, name="Gold", rank=3, min_orders=11, min_spend=Decimal("5000"))
    assert not gold.qualifies(order_count=11, spend=Decimal("4999.99"))
    assert gold.qualifies(order_count=11, spend=Decimal("5000"))
    gold.qualify_by = QualifyBy.ANY
    assert gold.qualifies(order_count=2, spend=Decimal("5000"))
    assert gold.qualifies(order_count=11, spend=Decimal("0"))
    assert not gold.qualifies(order_count=10, spend=Decimal("4999.99"))


def test_a_tier_without_thresholds_is_never_reached():
    assert not Tier(name="Empty", rank=9).qualifies(order_count=100, spend=Decimal("1e6"))


def test_reaching_a_higher_tier_applies_at_once():
    tiers = seed_tiers()
    decision = decide(current=tiers[0], numbers=lifetime(4), tiers=tiers, grace_until=None,
                      now=NOW)
    assert decision.tier.name == "Silver"
    assert decision.reason == TierChange.Reason.QUALIFIED


def test_fewer_counting_orders_move_the_customer_down_at_once_even_if_status_never_expires():
    tiers = seed_tiers(downgrade=Downgrade.NEVER)
    decision = decide(current=tiers[1], numbers=lifetime(3), tiers=tiers, grace_until=None,
                      now=NOW)
    assert decision.tier.name == "Bronze"
    assert decision.reason == TierChange.Reason.CORRECTION


def windowed(count_in_window: int, lifetime_count: int, oldest: datetime | None = None):
    return Numbers(order_count=lifetime_count, spend=Decimal("0"),
                   windows={12: (count_in_window, Decimal("0"), oldest)})


def test_a_never_expiring_status_is_kept_when_orders_leave_the_window():
    tiers = seed_tiers(window_months=12, downgrade=Downgrade.NEVER)
    decision = decide(current=tiers[1], numbers=windowed(1, 6), tiers=tiers, grace_until=None,
                      now=NOW)
    assert decision.tier.name == "Silver"
    assert decision.qualified.name == "Bronze"
    assert decision.reason is None


def test_a_rolling_window_tier_is_kept_through_the_grace_period_then_dropped():
    tiers = seed_tiers(window_months=12, downgrade=Downgrade.GRACE, grace_days=30)
    first = decide(current=tiers[1], numbers=windowed(1, 6), tiers=tiers, grace_until=None,
                   now=NOW)
    assert first.tier.name == "Silver"
    assert first.grace_until == NOW + timedelta(days=30)
    assert first.review_at <= first.grace_until
    during = decide(current=tiers[1], numbers=windowed(1, 6), tiers=tiers,
                    grace_until=first.grace_until, now=NOW + timedelta(days=29))
    assert during.tier.name == "Silver" and during.grace_until == first.grace_until
    after = decide(current=tiers[1], numbers=windowed(1, 6), tiers=tiers,
                   grace_until=first.grace_until, now=NOW + timedelta(days=30))
    assert after.tier.name == "Bronze"
    assert after.reason == TierChange.Reason.EXPIRED
    assert after.grace_until is None


def test_qualifying_again_during_grace_ends_it():
    tiers = seed_tiers(window_months=12, downgrade=Downgrade.GRACE, grace_days=30)
    decision = decide(current=tiers[1], numbers=windowed(4, 9), tiers=tiers,
                      grace_until=NOW + timedelta(days=3), now=NOW)
    assert decision.tier.name == "Silver" and decision.grace_until is None


def test_review_is_due_when_the_oldest_order_leaves_the_window():
    tiers = seed_tiers(window_months=12)
    oldest = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    decision = decide(current=None, numbers=windowed(4, 4, oldest), tiers=tiers,
                      grace_until=None, now=NOW)
    assert decision.review_at == datetime(2027, 5, 1, 8, 0, tzinfo=UTC)


def test_lifetime_tiers_need_no_review():
    tiers = seed_tiers()
    assert decide(current=None, numbers=lifetime(5), tiers=tiers, grace_until=None,
                  now=NOW).review_at is None
