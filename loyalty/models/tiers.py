"""Tiers, each customer's membership state and the history of tier changes."""

from datetime import datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class QualifyBy(models.TextChoices):
    ALL = "all", _("Every threshold that is set")
    ANY = "any", _("Any threshold that is set")


class Downgrade(models.TextChoices):
    NEVER = "never", _("Never: a status once earned is kept")
    GRACE = "grace", _("After a grace period")


class TierQuerySet(models.QuerySet):
    def vip(self):
        """Tiers with priority service (Silver and Gold by default)."""
        return self.filter(priority_service=True)


class Tier(models.Model):
    """A loyalty tier. A customer reaches a tier by order count and/or spend, counted over a
    rolling window of months or over the customer's lifetime."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=64, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True,
                                            help_text=_("Higher rank is a better tier."))
    min_orders = models.PositiveIntegerField(_("minimum orders"), null=True, blank=True)
    min_spend = models.DecimalField(_("minimum spend"), max_digits=12, decimal_places=2,
                                    null=True, blank=True)
    qualify_by = models.CharField(
        _("qualifies by"), max_length=8, choices=QualifyBy.choices, default=QualifyBy.ALL,
        help_text=_("With both thresholds set: must the customer meet both, or either?"))
    window_months = models.PositiveSmallIntegerField(
        _("window (months)"), null=True, blank=True,
        help_text=_("Count orders and spend over this many past months. Empty: the customer's "
                    "whole lifetime."))
    downgrade = models.CharField(
        _("downgrade"), max_length=8, choices=Downgrade.choices, default=Downgrade.NEVER,
        help_text=_("What happens when a member no longer meets the thresholds because older "
                    "orders left the window. Cancelled and refunded orders always correct the "
                    "tier at once."))
    grace_days = models.PositiveIntegerField(
        _("grace period (days)"), default=0,
        help_text=_("With a grace period: how long the member keeps the tier after falling "
                    "below its thresholds."))
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

    def clean(self):
        if self.min_orders is None and self.min_spend is None:
            raise ValidationError(_("Set a minimum order count, a minimum spend, or both."))

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

    def window_start(self, now: datetime) -> datetime | None:
        """The earliest order time that counts for this tier; None for a lifetime tier."""
        if not self.window_months:
            return None
        return now - relativedelta(months=self.window_months)

    def qualifies(self, *, order_count: int, spend: Decimal) -> bool:
        """Whether these numbers (counted over this tier's window) meet its thresholds."""
        checks = []
        if self.min_orders is not None:
            checks.append(order_count >= self.min_orders)
        if self.min_spend is not None:
            checks.append(spend >= self.min_spend)
        if not checks:
            return False
        return all(checks) if self.qualify_by == QualifyBy.ALL else any(checks)

    def expires_after_grace(self) -> bool:
        return self.downgrade == Downgrade.GRACE

    def grace_end(self, since: datetime) -> datetime:
        return since + timedelta(days=self.grace_days)


class Membership(models.Model):
    """A customer's loyalty state beside `Customer.tier` (the current tier, which only the
    loyalty services change): the numbers behind it, a running grace period, and when the
    tier must be looked at again because time alone can change it."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE,
                                    primary_key=True, related_name="loyalty_membership",
                                    verbose_name=_("customer"))
    qualified_tier = models.ForeignKey(
        Tier, verbose_name=_("qualifies for"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("The tier the current numbers reach; lower than the "
                                      "customer's tier while a status is kept or in grace."))
    tier_since = models.DateTimeField(_("tier since"), null=True, blank=True)
    grace_until = models.DateTimeField(_("grace until"), null=True, blank=True)
    review_at = models.DateTimeField(
        _("review at"), null=True, blank=True,
        help_text=_("When passing time alone may change the tier (an order leaves a window, "
                    "a grace period ends)."))
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    spend = models.DecimalField(_("spend"), max_digits=14, decimal_places=2,
                                default=Decimal("0"))
    first_order_at = models.DateTimeField(_("first order"), null=True, blank=True)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["review_at"], name="membership_review_at")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.customer_id}"


class TierChange(models.Model):
    """One move between tiers. Append-only; the manager report counts movement from it."""

    class Reason(models.TextChoices):
        QUALIFIED = "qualified", _("Reached the thresholds")
        CORRECTION = "correction", _("Orders cancelled or refunded, or thresholds changed")
        EXPIRED = "expired", _("Window or grace period ended")

    class Direction(models.TextChoices):
        UP = "up", _("Up")
        DOWN = "down", _("Down")

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="tier_changes", verbose_name=_("customer"))
    from_tier = models.ForeignKey(Tier, verbose_name=_("from"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    to_tier = models.ForeignKey(Tier, verbose_name=_("to"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"], name="tierchange_at"),
            models.Index(fields=["customer", "-at"], name="tierchange_customer"),
        ]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")

    def __str__(self):
        return f"{self.customer_id}: {self.from_tier_id} → {self.to_tier_id}"


class TierAward(models.Model):
    """A customer reached a tier for the first time. The unique constraint makes the tier-up
    message go out once per tier, however often the recompute runs."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="tier_awards", verbose_name=_("customer"))
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="awards",
                             verbose_name=_("tier"))
    awarded_at = models.DateTimeField(_("awarded at"))
    message = models.ForeignKey("tickets.Message", verbose_name=_("message"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "tier"], name="tieraward_once_per_tier"),
        ]
        verbose_name = _("tier award")
        verbose_name_plural = _("tier awards")

    def __str__(self):
        return f"{self.customer_id}: {self.tier_id}"



class OrderSync(models.Model):
    """The version (`updated_at`) of an order whose change the loyalty handler has finished
    (points, tier, milestones). The sweep re-runs the handler for orders changed since, which
    is how a lost `order_changed` task gets done anyway."""

    order = models.OneToOneField("customers.Order", on_delete=models.CASCADE, primary_key=True,
                                 related_name="+", verbose_name=_("order"))
    order_updated_at = models.DateTimeField(_("order version"))
    synced_at = models.DateTimeField(_("synced at"))

    class Meta:
        verbose_name = _("order sync")
        verbose_name_plural = _("order syncs")

    def __str__(self):
        return f"{self.order_id} @ {self.order_updated_at:%Y-%m-%d %H:%M:%S}"
