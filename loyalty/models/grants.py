"""Service recovery: apology coupons and store-credit grants, the authority limits that
decide when a manager must approve one, and the budget for automatic notice coupons."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.roles import Role


class Limits:
    """The rule shared by a role's authority limit and the notice budget."""

    def allows(self, *, percent: Decimal | None, amount: Decimal | None,
               used_amount: Decimal, used_grants: int) -> bool:
        """Whether one more grant (a percent coupon, or an amount) fits this month's usage."""
        if percent is not None and self.max_percent_per_grant is not None and (
                percent > self.max_percent_per_grant):
            return False
        if amount is not None:
            if self.max_amount_per_grant is not None and amount > self.max_amount_per_grant:
                return False
            if self.max_amount_per_month is not None and (
                    used_amount + amount > self.max_amount_per_month):
                return False
        return self.max_grants_per_month is None or used_grants < self.max_grants_per_month


class AuthorityLimit(Limits, models.Model):
    """What a role may grant without approval. An empty limit means no limit."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, unique=True)
    max_amount_per_grant = models.DecimalField(
        _("max amount per grant"), max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("Store credit or a fixed-amount coupon. Empty: no limit."))
    max_percent_per_grant = models.DecimalField(
        _("max percent off per coupon"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Empty: no limit."))
    max_amount_per_month = models.DecimalField(
        _("max amount per month"), max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("Sum of store credit and fixed-amount coupons one person grants without "
                    "approval in a calendar month. Empty: no limit."))
    max_grants_per_month = models.PositiveIntegerField(
        _("max grants per month"), null=True, blank=True,
        help_text=_("Coupons and credit grants one person makes without approval in a calendar "
                    "month. Empty: no limit."))

    class Meta:
        ordering = ["role"]
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")

    def __str__(self):
        return self.get_role_display()


class NoticeBudget(Limits, models.Model):
    """The monthly budget for apology coupons and credit that shipping-delay notices grant
    automatically (source "notice"), in place of a person's authority limit. One row."""

    max_amount_per_grant = models.DecimalField(
        _("max amount per grant"), max_digits=12, decimal_places=2, default=Decimal("20"))
    max_percent_per_grant = models.DecimalField(
        _("max percent off per coupon"), max_digits=5, decimal_places=2, default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    max_amount_per_month = models.DecimalField(
        _("amount per month"), max_digits=12, decimal_places=2, default=Decimal("3000"))
    max_grants_per_month = models.PositiveIntegerField(_("grants per month"), default=300)

    class Meta:
        verbose_name = _("notice coupon budget")
        verbose_name_plural = _("notice coupon budget")

    def __str__(self):
        return str(_("Notice coupon budget"))

    @classmethod
    def load(cls) -> "NoticeBudget":
        return cls.objects.get_or_create(pk=1)[0]


class LoyaltySettings(models.Model):
    """Points earning and expiry, and coupon defaults. One row."""

    points_per_unit = models.DecimalField(
        _("points per currency unit spent"), max_digits=6, decimal_places=2,
        default=Decimal("1"), validators=[MinValueValidator(0)])
    points_valid_months = models.PositiveSmallIntegerField(
        _("points expire after (months)"), null=True, blank=True, default=12,
        help_text=_("Empty: points never expire."))
    coupon_valid_days = models.PositiveSmallIntegerField(
        _("coupons valid for (days)"), default=30, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("loyalty settings")
        verbose_name_plural = _("loyalty settings")

    def __str__(self):
        return str(_("Loyalty settings"))

    @classmethod
    def load(cls) -> "LoyaltySettings":
        return cls.objects.get_or_create(pk=1)[0]


class GrantSource(models.TextChoices):
    AGENT = "agent", _("Agent or manager")
    NOTICE = "notice", _("Shipping notice")
    SYSTEM = "system", _("System")


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REDEEMED = "redeemed", _("Redeemed")


class Grant(models.Model):
    """What coupons and credit grants share: who granted it for which customer and ticket,
    whether it needed a manager's approval, and the decision."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("customer"))
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=255)
    source = models.CharField(_("source"), max_length=8, choices=GrantSource.choices,
                              default=GrantSource.AGENT)
    status = models.CharField(_("status"), max_length=10, choices=GrantStatus.choices)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    needs_approval = models.BooleanField(_("needed approval"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("granted at"))

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_pending(self) -> bool:
        return self.status == GrantStatus.PENDING


class Coupon(Grant):
    grant_type = "coupon"

    code = models.CharField(_("code"), max_length=32, unique=True)
    percent_off = models.DecimalField(
        _("percent off"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)])
    amount_off = models.DecimalField(_("amount off"), max_digits=12, decimal_places=2,
                                     null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    expires_at = models.DateTimeField(_("expires"))
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    redeemed_order = models.ForeignKey("customers.Order", verbose_name=_("redeemed on order"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")

    class Meta(Grant.Meta):
        constraints = [
            models.CheckConstraint(
                condition=(Q(percent_off__isnull=False, amount_off__isnull=True, percent_off__gt=0,
                             percent_off__lte=100)
                           | Q(percent_off__isnull=True, amount_off__isnull=False,
                               amount_off__gt=0)),
                name="coupon_percent_xor_amount"),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="coupon_customer"),
            models.Index(fields=["ticket"], name="coupon_ticket"),
            models.Index(fields=["status", "created_at"], name="coupon_status"),
            models.Index(fields=["granted_by", "created_at"], name="coupon_granted_by"),
            models.Index(fields=["source", "created_at"], name="coupon_source"),
        ]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")

    def __str__(self):
        return self.code

    @property
    def money_value(self) -> Decimal:
        """What counts against a money limit: the amount off (percent coupons count as 0)."""
        return self.amount_off or Decimal("0")

    def is_usable(self, now: datetime) -> bool:
        return self.status == GrantStatus.APPROVED and now < self.expires_at

    def is_expired(self, now: datetime) -> bool:
        return self.status == GrantStatus.APPROVED and now >= self.expires_at


class StoreCreditGrant(Grant):
    """Store credit granted to a customer; its ledger entry is posted once it is approved."""

    grant_type = "credit"

    class Kind(models.TextChoices):
        GOODWILL = "goodwill", _("Goodwill")
        REFUND = "refund", _("Refund as credit")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.GOODWILL)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    order = models.ForeignKey("customers.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    entry = models.OneToOneField("loyalty.StoreCreditEntry", verbose_name=_("ledger entry"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="grant")

    class Meta(Grant.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_grant_positive"),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="creditgrant_customer"),
            models.Index(fields=["ticket"], name="creditgrant_ticket"),
            models.Index(fields=["status", "created_at"], name="creditgrant_status"),
            models.Index(fields=["granted_by", "created_at"], name="creditgrant_granted_by"),
            models.Index(fields=["source", "created_at"], name="creditgrant_source"),
        ]
        verbose_name = _("store credit grant")
        verbose_name_plural = _("store credit grants")

    def __str__(self):
        return f"{self.amount} → {self.customer_id}"

    @property
    def money_value(self) -> Decimal:
        return self.amount
