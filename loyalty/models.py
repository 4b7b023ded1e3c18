from decimal import Decimal

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TierQuerySet(models.QuerySet):
    def vip(self):
        """Tiers with priority service (Silver and Gold by default)."""
        return self.filter(priority_service=True)


class Tier(models.Model):
    """A loyalty tier. A customer reaches a tier by order count and/or spend."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=64, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True,
                                            help_text=_("Higher rank is a better tier."))
    min_orders = models.PositiveIntegerField(_("minimum orders"), null=True, blank=True)
    min_spend = models.DecimalField(_("minimum spend"), max_digits=12, decimal_places=2,
                                    null=True, blank=True)
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2,
                                           default=Decimal("0"))
    perks = models.JSONField(_("perks"), default=list, blank=True)
    perks_zh_hans = models.JSONField(_("perks (Chinese)"), default=list, blank=True)
    priority_service = models.BooleanField(_("priority service"), default=False)
    badge_colour = models.CharField(_("badge colour"), max_length=7, default="#6c757d")

    objects = TierQuerySet.as_manager()

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self):
        return self.name

    def display_name(self, language: str | None = None) -> str:
        language = language or get_language() or "en"
        if language.startswith("zh") and self.name_zh_hans:
            return self.name_zh_hans
        return self.name

    def display_perks(self, language: str | None = None) -> list[str]:
        language = language or get_language() or "en"
        if language.startswith("zh") and self.perks_zh_hans:
            return list(self.perks_zh_hans)
        return list(self.perks)
