"""Editable, per-language texts of the tier-up and milestone messages, and the record of
milestone messages sent (unique, so each goes out once)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Language

from .tiers import Tier


class MessageKind(models.TextChoices):
    TIER_UP = "tier_up", _("Tier reached")
    NTH_ORDER = "nth_order", _("Nth order")
    ANNIVERSARY = "anniversary", _("First-order anniversary")
    BIRTHDAY = "birthday", _("Birthday")


class MessageTemplate(models.Model):
    """Placeholders: {{customer_name}}, {{tier_name}}, {{discount_percent}}, {{perks}},
    {{order_count}}, {{years}}, {{shop_name}}."""

    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="message_templates",
                             help_text=_("For a tier-up message: the tier reached."))
    nth_order = models.PositiveIntegerField(
        _("order number"), null=True, blank=True,
        help_text=_("For an Nth-order message: N."))
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "tier__rank", "nth_order", "language"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "language"], condition=Q(kind="tier_up"),
                                    name="msgtemplate_one_per_tier"),
            models.UniqueConstraint(fields=["nth_order", "language"],
                                    condition=Q(kind="nth_order"),
                                    name="msgtemplate_one_per_nth_order"),
            models.UniqueConstraint(fields=["kind", "language"],
                                    condition=Q(kind__in=["anniversary", "birthday"]),
                                    name="msgtemplate_one_per_date_kind"),
            models.CheckConstraint(
                condition=(Q(kind="tier_up", tier__isnull=False, nth_order__isnull=True)
                           | Q(kind="nth_order", tier__isnull=True, nth_order__gt=0)
                           | Q(kind__in=["anniversary", "birthday"], tier__isnull=True,
                               nth_order__isnull=True)),
                name="msgtemplate_kind_fields"),
        ]
        verbose_name = _("loyalty message template")
        verbose_name_plural = _("loyalty message templates")

    def __str__(self):
        detail = self.tier or (f"#{self.nth_order}" if self.nth_order else "")
        return f"{self.get_kind_display()} {detail} ({self.language})".replace("  ", " ")


class MilestoneSent(models.Model):
    """A milestone message went to a customer: the 10th order, the 2027 anniversary or
    birthday. Unique per customer, kind and occurrence."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
    occurrence = models.CharField(_("occurrence"), max_length=16,
                                  help_text=_("The order number N, or the year."))
    message = models.ForeignKey("tickets.Message", verbose_name=_("message"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "occurrence"],
                                    name="milestone_once"),
        ]
        verbose_name = _("milestone message sent")
        verbose_name_plural = _("milestone messages sent")

    def __str__(self):
        return f"{self.customer_id} {self.kind} {self.occurrence}"
