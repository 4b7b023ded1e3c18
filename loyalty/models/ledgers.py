"""Points and store-credit ledgers: append-only entries with a reason, an actor and a link to
the ticket or order, and one wallet row per customer holding the checked balances."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Wallet(models.Model):
    """The customer's balances. Each equals the sum of the customer's ledger entries and the
    `balance_after` of the latest one; services change it only while holding its row lock,
    which is what keeps two concurrent spends from overdrawing it."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE,
                                    primary_key=True, related_name="loyalty_wallet",
                                    verbose_name=_("customer"))
    points = models.IntegerField(_("points"), default=0)
    store_credit = models.DecimalField(_("store credit"), max_digits=12, decimal_places=2,
                                       default=Decimal("0"))
    points_expired_through = models.DateTimeField(
        _("points expiry checked until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")

    def __str__(self):
        return f"{self.customer_id}: {self.points} / {self.store_credit}"


class LedgerEntry(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("customer"))
    reason = models.CharField(_("reason"), max_length=255)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    order = models.ForeignKey("customers.Order", verbose_name=_("order"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("overdraft allowed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("An admin who allowed this entry to take the balance below zero."))
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class PointsEntry(LedgerEntry):
    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        REVERSAL = "reversal", _("Earning reversed")
        ADJUST = "adjust", _("Adjusted")
        REDEEM = "redeem", _("Redeemed")
        EXPIRE = "expire", _("Expired")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta(LedgerEntry.Meta):
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0) | Q(override_by__isnull=False),
                name="points_entry_no_overdraft"),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="points_customer"),
            models.Index(fields=["order"], name="points_order"),
            models.Index(fields=["kind", "expires_at"], name="points_expiry"),
        ]
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")

    def __str__(self):
        return f"{self.customer_id} {self.points:+d} ({self.kind})"


class StoreCreditEntry(LedgerEntry):
    class Kind(models.TextChoices):
        GOODWILL = "goodwill", _("Goodwill")
        REFUND = "refund", _("Refund as credit")
        SPEND = "spend", _("Spent")
        ADJUST = "adjust", _("Adjusted")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    balance_after = models.DecimalField(_("balance after"), max_digits=12, decimal_places=2)

    class Meta(LedgerEntry.Meta):
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="credit_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0) | Q(override_by__isnull=False),
                name="credit_entry_no_overdraft"),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="credit_customer"),
            models.Index(fields=["order"], name="credit_order"),
        ]
        verbose_name = _("store credit entry")
        verbose_name_plural = _("store credit ledger")

    def __str__(self):
        return f"{self.customer_id} {self.amount:+} ({self.kind})"
