"""Loyalty tier rules."""

from decimal import Decimal

from .models import Tier


def tier_for(*, order_count: int, spend: Decimal, tiers: list[Tier] | None = None) -> Tier | None:
    """The highest tier whose thresholds the customer meets (order count and spend, where set)."""
    tiers = tiers if tiers is not None else list(Tier.objects.order_by("rank"))
    reached = None
    for tier in sorted(tiers, key=lambda t: t.rank):
        if tier.min_orders is not None and order_count < tier.min_orders:
            continue
        if tier.min_spend is not None and spend < tier.min_spend:
            continue
        if tier.min_orders is None and tier.min_spend is None:
            continue
        reached = tier
    return reached
