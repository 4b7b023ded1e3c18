"""Reporting data: one fact row per ticket, a rollup of those facts by day and month,
the refresh watermark, and the weekly reviews.

The dashboards read the rollup (and, for what is open right now, the facts and the SLA
clocks through their indexes), never the whole ticket table.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .histogram import BUCKETS


class ClockResult(models.TextChoices):
    NONE = "", _("No target")
    RUNNING = "running", _("Running")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")


TEAM = Q(team_id__isnull=False)
TIER = Q(tier_id__isnull=False)
RESOLVED = Q(resolved_day__isnull=False)


class TicketFact(models.Model):
    """What the reports need to know about one ticket, refreshed when it changes.

    Durations are counted time of the ticket's SLA clocks: business time of the policy's
    calendar (or calendar time for a 24/7 target), with paused time left out. The tier is
    the customer's tier when the fact was last refreshed. Days are the shop's local days.
    """

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE,
                                  primary_key=True, related_name="+")
    customer_id = models.BigIntegerField()
    order_id = models.BigIntegerField(null=True, blank=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    assignee_id = models.BigIntegerField(null=True, blank=True)
    tier_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=16)
    category = models.CharField(max_length=24)
    priority = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_day = models.DateField()
    created_hour = models.PositiveSmallIntegerField()      # 0-23, shop time
    created_weekday = models.PositiveSmallIntegerField()   # Monday 0 .. Sunday 6
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_day = models.DateField(null=True, blank=True)
    first_response = models.CharField(max_length=8, choices=ClockResult.choices, blank=True)
    first_response_seconds = models.IntegerField(null=True, blank=True)
    first_response_bucket = models.SmallIntegerField(null=True, blank=True)
    next_responses_met = models.PositiveSmallIntegerField(default=0)
    next_responses_breached = models.PositiveSmallIntegerField(default=0)
    resolution = models.CharField(max_length=8, choices=ClockResult.choices, blank=True)
    resolution_seconds = models.IntegerField(null=True, blank=True)
    resolution_bucket = models.SmallIntegerField(null=True, blank=True)
    agent_replies = models.PositiveIntegerField(default=0)
    customer_messages = models.PositiveIntegerField(default=0)
    reopens = models.PositiveSmallIntegerField(default=0)
    first_contact_resolution = models.BooleanField(default=False)
    repeat_contact = models.BooleanField(default=False)
    complaint = models.BooleanField(default=False)
    reordered = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["created_day"], name="fact_created_day"),
            models.Index(fields=["resolved_day"], name="fact_resolved_day",
                         condition=Q(resolved_day__isnull=False)),
            models.Index(fields=["status", "created_at", "assignee_id"], name="fact_open",
                         condition=Q(is_open=True)),
            models.Index(fields=["created_at"], name="fact_complaint_waiting",
                         condition=Q(complaint=True, reordered=False)),
            # Filters combined (the rollup keeps one filter at a time): each pair of
            # filters with each side's day, so a filtered period reads only its own
            # facts; three filters read the team and channel index.
            models.Index(fields=["team_id", "channel", "created_day"],
                         name="fact_team_channel_created", condition=TEAM),
            models.Index(fields=["team_id", "tier_id", "created_day"],
                         name="fact_team_tier_created", condition=TEAM & TIER),
            models.Index(fields=["channel", "tier_id", "created_day"],
                         name="fact_channel_tier_created", condition=TIER),
            models.Index(fields=["team_id", "channel", "resolved_day"],
                         name="fact_team_channel_resolved", condition=TEAM & RESOLVED),
            models.Index(fields=["team_id", "tier_id", "resolved_day"],
                         name="fact_team_tier_resolved", condition=TEAM & TIER & RESOLVED),
            models.Index(fields=["channel", "tier_id", "resolved_day"],
                         name="fact_channel_tier_resolved", condition=TIER & RESOLVED),
        ]
        verbose_name = _("ticket fact")
        verbose_name_plural = _("ticket facts")

    def __str__(self):
        return f"#{self.ticket_id} {self.created_day}"


class Grain(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class Side(models.TextChoices):
    """Which date a row counts by: the day tickets were created (first and next
    responses, repeat contacts, complaints) or the day they were resolved."""

    CREATED = "created", _("Created")
    RESOLVED = "resolved", _("Resolved")


# The measures of a rollup row (besides the histograms), each a sum over facts.
CREATED_MEASURES = ("created", "fr_met", "fr_breached", "fr_timed", "fr_seconds", "nr_met",
                    "nr_breached", "repeat_contacts", "complaints", "reordered")
RESOLVED_MEASURES = ("resolved", "res_met", "res_breached", "res_timed", "res_seconds",
                     "first_contact", "reopened")
FR_HISTOGRAM = tuple(f"fr_h{i}" for i in range(BUCKETS))
RES_HISTOGRAM = tuple(f"res_h{i}" for i in range(BUCKETS))
MEASURES = CREATED_MEASURES + RESOLVED_MEASURES + FR_HISTOGRAM + RES_HISTOGRAM


class Rollup(models.Model):
    """Sums of ticket facts for one day or month, one side, one filter value and one
    group: e.g. (day 2026-03-02, created, channel=email, by agent 7).

    ``filter_dim``/``filter_value`` is the dashboard filter the row is restricted to
    ("" for none; "team+channel"/"3|email" for filters combined, which keep day rows of
    the total only), so a filtered dashboard reads as few rows as an unfiltered one;
    ``dim``/``value`` is the breakdown ("total" for the whole). Rows are rebuilt from the
    facts for whole days (and the months holding them), never edited in place.
    """

    grain = models.CharField(max_length=5, choices=Grain.choices)
    start = models.DateField()
    side = models.CharField(max_length=8, choices=Side.choices)
    filter_dim = models.CharField(max_length=20, blank=True)   # e.g. team+channel
    filter_value = models.CharField(max_length=24, blank=True)
    dim = models.CharField(max_length=8)
    value = models.CharField(max_length=24, blank=True)
    created = models.IntegerField(default=0)
    fr_met = models.IntegerField(default=0)
    fr_breached = models.IntegerField(default=0)
    fr_timed = models.IntegerField(default=0)
    fr_seconds = models.BigIntegerField(default=0)
    nr_met = models.IntegerField(default=0)
    nr_breached = models.IntegerField(default=0)
    repeat_contacts = models.IntegerField(default=0)
    complaints = models.IntegerField(default=0)
    reordered = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    res_met = models.IntegerField(default=0)
    res_breached = models.IntegerField(default=0)
    res_timed = models.IntegerField(default=0)
    res_seconds = models.BigIntegerField(default=0)
    first_contact = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["filter_dim", "filter_value", "dim", "grain", "start", "side", "value"],
                name="rollup_one_row_per_group"),
        ]
        verbose_name = _("rollup row")
        verbose_name_plural = _("rollup rows")

    def __str__(self):
        return f"{self.grain} {self.start} {self.side} {self.filter_dim}={self.filter_value} " \
               f"{self.dim}={self.value}"


for _name in FR_HISTOGRAM + RES_HISTOGRAM:
    Rollup.add_to_class(_name, models.IntegerField(default=0))


class RefreshState(models.Model):
    """How far the incremental refresh has read the ticket history and messages."""

    name = models.CharField(max_length=32, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    last_message_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refresh state")
        verbose_name_plural = _("refresh states")

    def __str__(self):
        return f"{self.name}: events {self.last_event_id}, messages {self.last_message_id}"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class WeeklyReview(models.Model):
    """The weekly review of one shop week (Monday to Sunday), kept as a page and emailed
    to the managers once."""

    week_start = models.DateField(_("week starting"), unique=True)
    week_end = models.DateField(_("week ending"))
    content = models.JSONField(_("content"), default=dict)
    created_at = models.DateTimeField(_("created"))
    email_status = models.CharField(max_length=8, choices=EmailStatus.choices,
                                    default=EmailStatus.QUEUED)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly review")
        verbose_name_plural = _("weekly reviews")

    def __str__(self):
        return f"{self.week_start:%Y-%m-%d} – {self.week_end:%Y-%m-%d}"
