"""Tier thresholds that make sense together: no gap and no overlap between tiers.

A tier is reached from its minimum order count (and/or minimum spend) up to the next
tier's minimum. ``tier_threshold_problems`` is pure (plain data in, messages out); the
Tier admin form runs it on all tiers as they would be after the save.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from .models import Tier


@dataclass(frozen=True)
class TierBand:
    name: str
    rank: int
    min_orders: int | None = None
    max_orders: int | None = None  # inclusive; None: up to the next tier's minimum
    min_spend: Decimal | None = None


def tier_threshold_problems(bands: list[TierBand]) -> list[str]:
    """Why these tiers leave customers without a tier or with two (empty when fine)."""
    problems = []
    ordered = sorted(bands, key=lambda b: b.rank)
    ranks = [b.rank for b in ordered]
    for rank in sorted({r for r in ranks if ranks.count(r) > 1}):
        names = ", ".join(b.name for b in ordered if b.rank == rank)
        problems.append(_("%(names)s share rank %(rank)s: give each tier its own rank.") % {
            "names": names, "rank": rank})
    for band in ordered:
        if band.min_orders is None and band.min_spend is None:
            problems.append(_("%(tier)s has no minimum order count or spend: no customer can "
                              "reach it.") % {"tier": band.name})
        if band.max_orders is not None and band.min_orders is not None \
                and band.max_orders < band.min_orders:
            problems.append(_("%(tier)s ends at %(max)s orders, before it starts at %(min)s.")
                            % {"tier": band.name, "max": band.max_orders,
                               "min": band.min_orders})
    by_orders = [b for b in ordered if b.min_orders is not None]
    if by_orders and by_orders[0].min_orders > 1:
        first = by_orders[0]
        problems.append(_("Customers with 1 to %(last)s orders reach no tier: the lowest tier, "
                          "%(tier)s, starts at %(min)s orders.") % {
            "last": first.min_orders - 1, "tier": first.name, "min": first.min_orders})
    for lower, higher in zip(by_orders, by_orders[1:], strict=False):
        if higher.min_orders <= lower.min_orders:
            problems.append(_("%(higher)s starts at %(higher_min)s orders, not above %(lower)s "
                              "(%(lower_min)s orders), a lower tier: their order counts "
                              "overlap.") % {
                "higher": higher.name, "higher_min": higher.min_orders,
                "lower": lower.name, "lower_min": lower.min_orders})
            continue
        if lower.max_orders is None:
            continue
        if higher.min_orders <= lower.max_orders:
            problems.append(_("%(lower)s (up to %(lower_max)s orders) and %(higher)s (from "
                              "%(higher_min)s orders) overlap.") % {
                "lower": lower.name, "lower_max": lower.max_orders,
                "higher": higher.name, "higher_min": higher.min_orders})
        elif higher.min_orders > lower.max_orders + 1:
            problems.append(_("Customers with %(first)s to %(last)s orders fall between "
                              "%(lower)s and %(higher)s and reach no tier.") % {
                "first": lower.max_orders + 1, "last": higher.min_orders - 1,
                "lower": lower.name, "higher": higher.name})
    by_spend = [b for b in ordered if b.min_spend is not None]
    for lower, higher in zip(by_spend, by_spend[1:], strict=False):
        if higher.min_spend <= lower.min_spend:
            problems.append(_("%(higher)s needs a spend of %(higher_min)s, not more than "
                              "%(lower)s (%(lower_min)s), a lower tier: their spends "
                              "overlap.") % {
                "higher": higher.name, "higher_min": higher.min_spend,
                "lower": lower.name, "lower_min": lower.min_spend})
    return problems


def band_of(tier: Tier) -> TierBand:
    return TierBand(name=tier.name, rank=tier.rank, min_orders=tier.min_orders,
                    max_orders=getattr(tier, "max_orders", None), min_spend=tier.min_spend)


class TierAdminForm(forms.ModelForm):
    """The Tier admin's form: refuses thresholds that leave a gap or an overlap."""

    class Meta:
        model = Tier
        fields = "__all__"  # noqa: DJ007 (the Tier admin decides which fields it shows)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        edited = TierBand(
            name=cleaned.get("name") or self.instance.name, rank=cleaned.get("rank"),
            min_orders=cleaned.get("min_orders"), max_orders=cleaned.get("max_orders"),
            min_spend=cleaned.get("min_spend"))
        others = Tier.objects.exclude(pk=self.instance.pk) if self.instance.pk else \
            Tier.objects.all()
        problems = tier_threshold_problems([edited, *(band_of(t) for t in others)])
        if problems:
            raise forms.ValidationError(problems)
        return cleaned
