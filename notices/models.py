"""Proactive shipping-delay notices: the admin's rules and texts, the shipments being watched,
each delay episode found, and the one notice sent for it."""

import re
import zlib
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Language
from sla.business_time import Schedule, is_open, next_open


class Reason(models.TextChoices):
    EXCEPTION = "exception", _("Carrier exception")
    LATE = "late", _("Late")
    STALLED = "stalled", _("No tracking scan")


# A new problem gets its own notice unless an open episode of a higher priority already
# told the customer (a parcel held at customs is not announced again when it is also late).
REASON_PRIORITY = {Reason.EXCEPTION: 3, Reason.LATE: 2, Reason.STALLED: 1}


def zone_of(name: str) -> ZoneInfo:
    """The customer's time zone, or the shop's when the stored name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


class NoticeRules(models.Model):
    """What counts as a delay and when notices may be sent. One row, seeded by a migration."""

    late_enabled = models.BooleanField(
        _("notify late shipments"), default=True,
        help_text=_("Past the promised delivery date (customer's calendar) and not delivered."))
    exception_enabled = models.BooleanField(
        _("notify carrier exceptions"), default=True,
        help_text=_("A tracking event with one of the exception statuses below."))
    stalled_enabled = models.BooleanField(
        _("notify stalled shipments"), default=True,
        help_text=_("In transit with no tracking scan for longer than the hours below."))
    stalled_after_hours = models.PositiveIntegerField(
        _("stalled after (hours)"), default=72, validators=[MinValueValidator(1)])
    notify_within_days = models.PositiveSmallIntegerField(
        _("do not notify delays older than (days)"), null=True, blank=True, default=14,
        validators=[MinValueValidator(1)],
        help_text=_("A delay that began longer ago than this (a promised date weeks past that "
                    "nobody noticed) is shown to agents but gets no surprise apology. Empty: "
                    "no limit."))
    send_from = models.TimeField(
        _("send from"), default=time(9, 0),
        help_text=_("Notices are sent between these times in the customer's time zone; one "
                    "detected outside them waits until the next morning."))
    send_until = models.TimeField(_("send until"), default=time(21, 0))
    holdout_percent = models.PositiveSmallIntegerField(
        _("hold-out group (%)"), default=0, validators=[MaxValueValidator(50)],
        help_text=_("Share of delayed shipments that get no notice, to measure how many "
                    "'where is my order' contacts the notices avoid. 0 notifies everyone."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice rules")
        verbose_name_plural = _("notice rules")

    def __str__(self):
        return str(_("Notice rules"))

    @classmethod
    def load(cls) -> "NoticeRules":
        return cls.objects.get_or_create(pk=1)[0]

    def clean(self):
        if self.send_from and self.send_until and self.send_from >= self.send_until:
            raise ValidationError({"send_until": _("Must be later than the start time.")})

    def sending_hours(self, time_zone: str) -> Schedule:
        start = self.send_from.hour * 60 + self.send_from.minute
        end = self.send_until.hour * 60 + self.send_until.minute
        return Schedule.every_day(zone_of(time_zone), start, end)

    def deliver_after(self, now: datetime, time_zone: str) -> datetime | None:
        """None inside the customer's sending hours; otherwise when they next begin."""
        hours = self.sending_hours(time_zone)
        return None if is_open(hours, now) else next_open(hours, now)

    def is_held_out(self, shipment_id: int) -> bool:
        """A stable, evenly spread choice per shipment."""
        return zlib.crc32(str(shipment_id).encode()) % 100 < self.holdout_percent


class ExceptionStatus(models.Model):
    """A tracking status that means trouble. Carriers send the code as the event status; a
    generic exception is refined by keywords found in the event's description."""

    code = models.SlugField(_("status code"), max_length=32, unique=True)
    label = models.CharField(_("name"), max_length=100)
    description = models.CharField(
        _("wording in the notice (English)"), max_length=200,
        help_text=_("Completes \"the carrier reports that your parcel is …\"."))
    description_zh_hans = models.CharField(_("wording in the notice (Chinese)"), max_length=200)
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True,
        help_text=_("Comma-separated words that identify this problem in the description of "
                    "an exception event, e.g. customs, 海关."))
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("exception status")
        verbose_name_plural = _("exception statuses")

    def __str__(self):
        return self.label

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip().lower() for word in self.keywords.split(",") if word.strip()]

    def wording(self, language: str) -> str:
        if language.startswith("zh") and self.description_zh_hans:
            return self.description_zh_hans
        return self.description


PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")
PLACEHOLDERS = {
    "customer_name": _("the customer's name"),
    "order_number": _("the order number"),
    "carrier": _("the carrier"),
    "tracking_number": _("the tracking number"),
    "tracking_link": _("the tracking link"),
    "promised_date": _("the promised delivery date"),
    "new_estimate": _("the new estimated delivery date, when known"),
    "problem": _("what the carrier reported (exceptions)"),
    "last_scan": _("when the parcel was last scanned"),
    "coupon_value": _("the apology coupon's value, when the tier gets one"),
    "coupon_code": _("the apology coupon's code"),
    "coupon_expires": _("the apology coupon's expiry date"),
    "shop_name": _("the shop's name"),
}


class NoticeTemplate(models.Model):
    """The notice's text for one reason in one language. A line whose placeholders are all
    empty (no new estimate, no coupon) is left out."""

    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_("Placeholders: {{customer_name}}, {{order_number}}, {{carrier}}, "
                    "{{tracking_number}}, {{tracking_link}}, {{promised_date}}, "
                    "{{new_estimate}}, {{problem}}, {{last_scan}}, {{coupon_value}}, "
                    "{{coupon_code}}, {{coupon_expires}}, {{shop_name}}."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reason", "language"]
        constraints = [models.UniqueConstraint(fields=["reason", "language"],
                                               name="notice_template_once")]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")

    def __str__(self):
        return f"{self.get_reason_display()} · {self.get_language_display()}"

    def clean(self):
        for field in ("subject", "body"):
            used = set(PLACEHOLDER.findall(getattr(self, field) or ""))
            unknown = sorted(used - set(PLACEHOLDERS))
            if unknown:
                raise ValidationError({field: _("Unknown placeholder: %(names)s") % {
                    "names": ", ".join(unknown)}})


class ApologyCoupon(models.Model):
    """The apology coupon a delay notice carries for customers of a tier, granted through
    the loyalty service and counted against its notice budget (a notice goes without one
    when the budget is spent)."""

    tier = models.OneToOneField("loyalty.Tier", on_delete=models.CASCADE,
                                related_name="apology_coupon", verbose_name=_("tier"))
    percent_off = models.DecimalField(
        _("percent off"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)])
    amount_off = models.DecimalField(_("amount off"), max_digits=12, decimal_places=2,
                                     null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0.01"))])
    valid_days = models.PositiveSmallIntegerField(_("valid for (days)"), default=30,
                                                  validators=[MinValueValidator(1)])
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["tier__rank"]
        verbose_name = _("apology coupon")
        verbose_name_plural = _("apology coupons")

    def __str__(self):
        return str(self.tier)

    def clean(self):
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValidationError(_("Give either a percentage or an amount off."))


class ShipmentWatch(models.Model):
    """When to look at an undelivered shipment again: the moment it becomes late, and the
    last scan from which it counts as stalled. The sweep reads an index range of these, so
    its work grows with the shipments due, not with all shipments."""

    shipment = models.OneToOneField("customers.Shipment", primary_key=True,
                                    on_delete=models.CASCADE, related_name="delay_watch")
    late_at = models.DateTimeField(null=True, blank=True)
    last_scan_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["late_at"], condition=Q(late_at__isnull=False),
                         name="watch_late_at"),
            models.Index(fields=["last_scan_at"], condition=Q(last_scan_at__isnull=False),
                         name="watch_last_scan_at"),
        ]
        verbose_name = _("watched shipment")
        verbose_name_plural = _("watched shipments")

    def __str__(self):
        return f"watch {self.shipment_id}"


class NoticeState(models.TextChoices):
    PENDING = "pending", _("Notice to send")
    NOTIFIED = "notified", _("Notice written")
    COVERED = "covered", _("Covered by an earlier notice")
    SKIPPED = "skipped", _("No notice")


class SkipReason(models.TextChoices):
    NONE = "", _("—")
    NO_EMAIL = "no_email", _("No email address")
    HOLDOUT = "holdout", _("Hold-out group")
    TOO_OLD = "too_old", _("Began too long ago to notify")
    RESOLVED = "resolved", _("Over before the notice was written")
    WITHDRAWN = "withdrawn", _("Over before the notice went out")


class DelayEpisodeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class DelayEpisode(models.Model):
    """One delay of one shipment: a missed promised date, a carrier exception or a stall.

    `key` names the problem (late:<promised date>, exception:<code>, stalled:<last scan>);
    the unique constraint on (shipment, key) makes a second detection of the same problem,
    by any number of sweeps and tasks at once, find the existing episode instead.
    """

    shipment = models.ForeignKey("customers.Shipment", on_delete=models.CASCADE,
                                 related_name="delay_episodes", verbose_name=_("shipment"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    key = models.CharField(max_length=100)
    exception_code = models.CharField(_("exception"), max_length=32, blank=True)
    promised_date = models.DateField(_("promised delivery"), null=True, blank=True)
    last_scan_at = models.DateTimeField(_("last scan"), null=True, blank=True)
    began_at = models.DateTimeField(
        _("began"), null=True, blank=True,
        help_text=_("When the delay itself began: the end of the promised day, the exception "
                    "scan, or the last scan plus the stall threshold."))
    detected_at = models.DateTimeField(_("detected"))
    resolved_at = models.DateTimeField(_("over"), null=True, blank=True)
    notice_state = models.CharField(_("notice"), max_length=16, choices=NoticeState.choices,
                                    default=NoticeState.PENDING)
    skip_reason = models.CharField(_("why no notice"), max_length=16, blank=True,
                                   choices=SkipReason.choices, default=SkipReason.NONE)

    objects = DelayEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "key"], name="delay_episode_once"),
        ]
        indexes = [
            models.Index(fields=["detected_at"], name="episode_detected"),
            models.Index(fields=["shipment"], condition=Q(resolved_at__isnull=True),
                         name="episode_open"),
            models.Index(fields=["detected_at"], condition=Q(notice_state="pending"),
                         name="episode_pending"),
        ]
        verbose_name = _("delay episode")
        verbose_name_plural = _("delay episodes")

    def __str__(self):
        return f"{self.get_reason_display()} · {self.shipment_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def priority(self) -> int:
        return REASON_PRIORITY[self.reason]


class DelayNotice(models.Model):
    """The one notice written for an episode: a proactive ticket with its outbound message.
    The one-to-one link to the episode is the guarantee that there is never a second."""

    episode = models.OneToOneField(DelayEpisode, on_delete=models.CASCADE,
                                   related_name="notice", verbose_name=_("delay"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="delay_notices", verbose_name=_("ticket"))
    message = models.OneToOneField("tickets.Message", on_delete=models.CASCADE,
                                   related_name="delay_notice", verbose_name=_("message"))
    language = models.CharField(_("language"), max_length=10)
    deliver_after = models.DateTimeField(_("held until"), null=True, blank=True)
    coupon = models.OneToOneField("loyalty.Coupon", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="delay_notice",
                                  verbose_name=_("apology coupon"))
    created_at = models.DateTimeField(_("written"), db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delay notice")
        verbose_name_plural = _("delay notices")

    def __str__(self):
        return f"notice {self.pk} · ticket {self.ticket_id}"


class SweepState(models.Model):
    """Where the sweep got to: the newest shipment and tracking event it has checked."""

    last_shipment_id = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("sweep state")
        verbose_name_plural = _("sweep state")

    def __str__(self):
        return str(_("Sweep state"))

    @classmethod
    def load(cls) -> "SweepState":
        return cls.objects.get_or_create(pk=1)[0]
