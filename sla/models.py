"""SLA data: business calendars, policies with their targets, and the clocks of each ticket.

A clock (``SLATimer``) counts *counted time* (business time of its calendar, or plain
calendar time) towards a target. It is stored as an anchor and the time counted before
it, so pausing, resuming, reopening and a change of policy are all the same operation:
fold the running segment into ``elapsed_before`` and move the anchor.
"""

from datetime import datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from helpdesk.config_validation import opening_hours_problems

from .business_time import MINUTES_PER_DAY, Schedule, add_business_time, business_time_between

ZERO = timedelta(0)


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("%(value)s is not a known time zone (e.g. Asia/Shanghai)."),
                              params={"value": value}) from exc


def default_time_zone() -> str:
    return settings.TIME_ZONE


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    """When the team works: a time zone, weekly opening hours and holidays, or 24/7."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone,
                                 validators=[validate_time_zone])
    always_open = models.BooleanField(
        _("open 24/7"), default=False,
        help_text=_("Business time equals calendar time; opening hours and holidays are ignored."))
    is_default = models.BooleanField(_("default calendar"), default=False)
    holiday_country = models.CharField(
        _("public holidays of"), max_length=8, blank=True,
        help_text=_("Country code (e.g. CN) for importing public holidays."))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="sla_one_default_calendar"),
        ]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self):
        return self.name

    @cached_property
    def schedule(self) -> Schedule:
        """The pure schedule for business-time arithmetic (uses prefetched hours and
        holidays when present). A calendar without any opening hours counts all time."""
        tz = ZoneInfo(self.time_zone)
        if self.always_open:
            return Schedule(tz=tz, weekly={}, always_open=True)
        weekly: dict[int, list[tuple[int, int]]] = {}
        for interval in self.intervals.all():
            weekly.setdefault(interval.weekday, []).append(interval.minutes)
        schedule = Schedule(tz=tz, weekly=weekly,
                            holidays=frozenset(h.date for h in self.holidays.all()))
        if not schedule.has_open_time:
            return Schedule(tz=tz, weekly={}, always_open=True)
        return schedule


def _minute_of_day(value: time) -> int:
    return value.hour * 60 + value.minute


class OpeningInterval(models.Model):
    """One span of opening hours on a weekday; an end of 00:00 means midnight (24:00)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE,
                                 related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def minutes(self) -> tuple[int, int]:
        end = _minute_of_day(self.end)
        return _minute_of_day(self.start), end or MINUTES_PER_DAY

    def clean(self):
        if self.start is None or self.end is None or self.weekday is None:
            return
        problems = opening_hours_problems([(self.weekday, self.start, self.end)])
        if problems:
            raise ValidationError(problems)


class Holiday(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE,
                                 related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"],
                                               name="sla_holiday_unique_date")]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


RESPONSE_METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)


class SLAPolicyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_order(self):
        return self.order_by("position", "id")


class SLAPolicy(models.Model):
    """Targets for tickets that match all of its conditions; an empty condition matches
    anything. Policies are tried in order and the first match applies."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("order"), default=100,
                                           help_text=_("Lower numbers are tried first."))
    is_active = models.BooleanField(_("active"), default=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    tiers = models.ManyToManyField("loyalty.Tier", verbose_name=_("customer tiers"), blank=True,
                                   related_name="+")
    teams = models.ManyToManyField("tickets.Team", verbose_name=_("teams"), blank=True,
                                   related_name="+")
    calendar = models.ForeignKey(BusinessCalendar, verbose_name=_("calendar"),
                                 on_delete=models.PROTECT, related_name="policies")
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warning at (percent of target)"), default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)])
    raise_priority_on_breach = models.BooleanField(_("raise priority on breach"), default=True)
    notify_manager_on_breach = models.BooleanField(
        _("notify the team's manager on breach"), default=True)
    reassign_on_breach_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reassign on breach to"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = SLAPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self):
        return self.name

    def display_name(self, language: str | None = None) -> str:
        language = language or get_language() or "en"
        if language.startswith("zh") and self.name_zh_hans:
            return self.name_zh_hans
        return self.name

    def matches(self, *, priority: str, category: str, channel: str, tier_id: int | None,
                team_id: int | None) -> bool:
        """True if a ticket with these values meets every condition (uses prefetched
        tiers and teams when present)."""
        if self.priorities and priority not in self.priorities:
            return False
        if self.categories and category not in self.categories:
            return False
        if self.channels and channel not in self.channels:
            return False
        tier_ids = {tier.pk for tier in self.tiers.all()}
        if tier_ids and tier_id not in tier_ids:
            return False
        team_ids = {team.pk for team in self.teams.all()}
        return not (team_ids and team_id not in team_ids)

    def target_for(self, metric: str) -> "SLATarget | None":
        for target in self.targets.all():
            if target.metric == metric:
                return target
        return None


class SLATarget(models.Model):
    policy = models.ForeignKey(SLAPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices)
    minutes = models.PositiveIntegerField(_("target (minutes)"), validators=[MinValueValidator(1)])
    business_hours = models.BooleanField(
        _("in business hours"), default=True,
        help_text=_("Count only the calendar's opening hours; otherwise count every minute."))

    class Meta:
        ordering = ["policy", "metric"]
        constraints = [models.UniqueConstraint(fields=["policy", "metric"],
                                               name="sla_target_one_per_metric")]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.get_metric_display()}: {self.minutes} min"


class TicketSLA(models.Model):
    """The policy a ticket is measured under now (timers keep the one they ran under)."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True,
                                  related_name="sla")
    policy = models.ForeignKey(SLAPolicy, verbose_name=_("SLA policy"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("applied"))

    class Meta:
        verbose_name = _("ticket SLA")
        verbose_name_plural = _("ticket SLAs")

    def __str__(self):
        return f"#{self.ticket_id}: {self.policy}"


class TimerState(models.TextChoices):
    ACTIVE = "active", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")


class PauseReason(models.TextChoices):
    NONE = "", _("Not paused")
    PENDING = "pending", _("Waiting on the customer")
    ON_HOLD = "on_hold", _("On hold")


class SLATimer(models.Model):
    """One clock: a ticket's metric in one cycle (each next-response cycle is a new row).

    Running means ``anchor_at`` is set: counted time so far is ``elapsed_before`` plus
    the counted time since ``anchor_at``. Paused or stopped clocks have no anchor.
    ``check_at`` is when the sweep must look at this row next (warning, deadline or an
    escalation retry); it is null when there is nothing to do, and indexed.
    """

    # Indexed by the unique constraint (ticket, metric, cycle).
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="sla_timers", db_index=False)
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices)
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    # Not indexed: only deleting a policy or calendar (rare) looks clocks up by them, and
    # the sweep's updates stay cheaper without two more indexes.
    policy = models.ForeignKey(SLAPolicy, verbose_name=_("SLA policy"),
                               on_delete=models.PROTECT, related_name="timers", db_index=False)
    calendar = models.ForeignKey(BusinessCalendar, verbose_name=_("calendar"),
                                 on_delete=models.PROTECT, related_name="timers",
                                 db_index=False)
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    business_hours = models.BooleanField(_("in business hours"), default=True)
    warn_at_percent = models.PositiveSmallIntegerField(_("warning at (percent of target)"),
                                                       default=75)
    state = models.CharField(_("state"), max_length=16, choices=TimerState.choices,
                             default=TimerState.ACTIVE)
    started_at = models.DateTimeField(_("started"))
    anchor_at = models.DateTimeField(null=True, blank=True)
    elapsed_before = models.DurationField(default=ZERO)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    pause_reason = models.CharField(_("pause reason"), max_length=16, blank=True,
                                    choices=PauseReason.choices, default=PauseReason.NONE)
    paused_duration = models.DurationField(_("paused time so far"), default=ZERO)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "metric", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric", "cycle"],
                                    name="sla_timer_one_per_cycle"),
        ]
        indexes = [
            models.Index(fields=["check_at"], name="sla_timer_check_at",
                         condition=Q(check_at__isnull=False)),
        ]
        verbose_name = _("SLA timer")
        verbose_name_plural = _("SLA timers")

    def __str__(self):
        return f"#{self.ticket_id} {self.metric} {self.cycle}: {self.state}"

    # --- one row's rules (pure: the calendar's hours must be prefetched) -------------

    @property
    def target(self) -> timedelta:
        return timedelta(minutes=self.target_minutes)

    @property
    def is_running(self) -> bool:
        return self.anchor_at is not None

    @property
    def is_stopped(self) -> bool:
        return self.stopped_at is not None

    def measure(self, start: datetime, end: datetime) -> timedelta:
        """Counted time between two instants under this clock's rules."""
        if end <= start:
            return ZERO
        if self.business_hours:
            return business_time_between(self.calendar.schedule, start, end)
        return end - start

    def advance(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of counted time has passed after ``start``."""
        if self.business_hours:
            return add_business_time(self.calendar.schedule, start, duration)
        return start + duration

    def elapsed(self, now: datetime) -> timedelta:
        total = self.elapsed_before
        if self.anchor_at is not None:
            total += self.measure(self.anchor_at, now)
        return total

    def time_left(self, now: datetime) -> timedelta:
        """Counted time left before the target; negative once overdue."""
        return self.target - self.elapsed(now)

    def next_check(self) -> datetime | None:
        """When the sweep has something to do for this clock (not for breached ones,
        whose escalation retries the sweep schedules itself)."""
        if self.anchor_at is None or self.state != TimerState.ACTIVE or self.due_at is None:
            return None
        if self.warned_at is None and self.warn_at is not None and self.warn_at < self.due_at:
            return self.warn_at
        return self.due_at

    def reschedule(self) -> None:
        """Recompute due and warning instants of a running clock from its anchor."""
        if self.state == TimerState.BREACHED:
            return
        if self.anchor_at is None:
            if self.stopped_at is None:
                self.due_at = self.warn_at = None
            self.check_at = None
            return
        self.due_at = self._instant_at(self.target)
        self.warn_at = self._instant_at(self.target * self.warn_at_percent / 100)
        self.check_at = self.next_check()

    def _instant_at(self, counted: timedelta) -> datetime:
        remaining = counted - self.elapsed_before
        if remaining <= ZERO:
            return self.anchor_at
        return self.advance(self.anchor_at, remaining)


class SLAEventKind(models.TextChoices):
    POLICY_APPLIED = "policy_applied", _("Policy applied")
    STARTED = "started", _("Started")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    WARNED = "warned", _("Warned")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    STOPPED = "stopped", _("Stopped after breach")
    ESCALATED = "escalated", _("Escalated")


ONCE_PER_TIMER = [SLAEventKind.WARNED, SLAEventKind.BREACHED, SLAEventKind.ESCALATED]


class SLAEvent(models.Model):
    """Append-only log of what happened to a ticket's clocks."""

    # Indexed by (ticket, at).
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="sla_events", db_index=False)
    timer = models.ForeignKey(SLATimer, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=SLAEventKind.choices)
    at = models.DateTimeField(_("at"))
    policy = models.ForeignKey(SLAPolicy, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_index=False)
    data = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["timer", "kind"], name="sla_event_once_per_timer",
                                    condition=Q(kind__in=ONCE_PER_TIMER)),
        ]
        indexes = [models.Index(fields=["ticket", "at"], name="sla_event_ticket")]
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")

    def __str__(self):
        return f"#{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class EmailStatus(models.TextChoices):
    NONE = "", _("Not emailed")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """An SLA alert for a staff member, shown in the app and emailed once."""

    class Kind(models.TextChoices):
        BREACHED = "breached", _("SLA breached")

    # Indexed by (recipient, -created_at).
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="sla_notifications", db_index=False)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    timer = models.ForeignKey(SLATimer, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BREACHED)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(max_length=16, choices=EmailStatus.choices, blank=True,
                                    default=EmailStatus.NONE)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "timer", "kind"],
                                    name="sla_notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="sla_notification_inbox"),
            models.Index(fields=["email_status", "created_at"], name="sla_notification_email"),
        ]
        verbose_name = _("SLA notification")
        verbose_name_plural = _("SLA notifications")

    def __str__(self):
        return f"{self.kind} #{self.ticket_id} for {self.recipient}"


class Acknowledgement(models.Model):
    """The automatic out-of-hours reply: at most one per ticket per closed period, the
    period being identified by the instant the calendar opens again."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    reopens_at = models.DateTimeField()
    message = models.ForeignKey("tickets.Message", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "reopens_at"],
                                               name="sla_ack_once_per_closed_period")]
        verbose_name = _("out-of-hours acknowledgement")
        verbose_name_plural = _("out-of-hours acknowledgements")

    def __str__(self):
        return f"#{self.ticket_id} until {self.reopens_at:%Y-%m-%d %H:%M}"

