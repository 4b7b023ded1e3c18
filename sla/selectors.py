"""Read paths: each target's due time, time left and state for the ticket page and the
API, and the managers' notifications, with a constant number of queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet

from tickets.models import Ticket

from .business_time import is_open, next_open
from .models import Metric, Notification, PauseReason, SLAPolicy, SLATimer, TimerState


class Level:
    """How the SLA strip colours a target."""

    OK = "ok"
    WARNING = "warning"      # amber: past the warning threshold
    BREACHED = "breached"    # red: overdue
    PAUSED = "paused"
    MET = "met"


@dataclass(frozen=True)
class TimerStatus:
    timer: SLATimer
    metric: str
    metric_label: str
    cycle: int
    state: str
    state_label: str
    level: str
    due_at: datetime | None
    warn_at: datetime | None
    time_left: timedelta | None      # counted (business) time; negative when overdue
    paused: bool
    pause_reason: str
    pause_reason_label: str
    resumes_at: datetime | None      # running but outside business hours: counting resumes
    stopped_at: datetime | None
    breached_at: datetime | None
    business_hours: bool
    policy: SLAPolicy

    @property
    def overdue(self) -> timedelta | None:
        if self.time_left is None or self.time_left >= timedelta(0):
            return None
        return -self.time_left


def timer_status(timer: SLATimer, *, now: datetime) -> TimerStatus:
    """What one clock shows at ``now`` (the calendar's hours must be loaded)."""
    running = timer.is_running
    left = timer.time_left(now) if not timer.is_stopped else None
    if timer.state == TimerState.BREACHED or (left is not None and left < timedelta(0)):
        level = Level.BREACHED
    elif timer.state == TimerState.MET:
        level = Level.MET
    elif timer.paused_since is not None:
        level = Level.PAUSED
    elif timer.warned_at is not None or (timer.warn_at is not None and now >= timer.warn_at):
        level = Level.WARNING
    else:
        level = Level.OK
    resumes_at = None
    if running and timer.business_hours:
        schedule = timer.calendar.schedule
        if not schedule.always_open and not is_open(schedule, now):
            resumes_at = next_open(schedule, now)
    return TimerStatus(
        timer=timer, metric=timer.metric, metric_label=str(Metric(timer.metric).label),
        cycle=timer.cycle, state=timer.state, state_label=str(TimerState(timer.state).label),
        level=level, due_at=timer.due_at, warn_at=timer.warn_at, time_left=left,
        paused=timer.paused_since is not None, pause_reason=timer.pause_reason,
        pause_reason_label=str(PauseReason(timer.pause_reason).label)
        if timer.pause_reason else "",
        resumes_at=resumes_at, stopped_at=timer.stopped_at, breached_at=timer.breached_at,
        business_hours=timer.business_hours, policy=timer.policy,
    )


def current_timers(timers: list[SLATimer]) -> list[SLATimer]:
    """First response, the latest next-response cycle and resolution, in that order."""
    latest: dict[str, SLATimer] = {}
    for timer in sorted(timers, key=lambda t: t.cycle):
        latest[timer.metric] = timer
    return [latest[m] for m in Metric.values if m in latest]


def share_calendars(timers: list[SLATimer]) -> None:
    """One calendar instance per id, so each schedule is built once."""
    seen: dict[int, object] = {}
    for timer in timers:
        timer.calendar = seen.setdefault(timer.calendar_id, timer.calendar)


def timers_prefetch() -> list:
    """Prefetches that load every clock of a set of tickets, with their calendars' hours."""
    return [
        Prefetch("sla_timers", queryset=SLATimer.objects.select_related("policy", "calendar")
                 .order_by("metric", "cycle")),
        "sla_timers__calendar__intervals",
        "sla_timers__calendar__holidays",
    ]


def with_sla(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets with their policy and clocks: a constant number of queries per page."""
    return queryset.select_related("sla__policy").prefetch_related(*timers_prefetch())


def ticket_policy(ticket: Ticket) -> SLAPolicy | None:
    try:
        return ticket.sla.policy
    except Ticket.sla.RelatedObjectDoesNotExist:
        return None


def is_breached(ticket: Ticket, timers: list[SLATimer]) -> bool:
    """Any target breached: from the clocks, so also right between the sweep recording a
    breach and its escalation flagging the ticket (``Ticket.sla_breached``)."""
    return ticket.sla_breached or any(t.state == TimerState.BREACHED for t in timers)


def ticket_sla(ticket: Ticket, *, now: datetime) -> dict:
    """Context for the SLA strip of the ticket page (``templates/sla/_ticket_sla.html``)
    for a ticket loaded with :func:`with_sla`."""
    timers = list(ticket.sla_timers.all())
    share_calendars(timers)
    return {
        "ticket": ticket,
        "policy": ticket_policy(ticket),
        "targets": [timer_status(t, now=now) for t in current_timers(timers)],
        "breached": is_breached(ticket, timers),
        "now": now,
    }


def ticket_for_strip(pk: int) -> Ticket:
    return with_sla(Ticket.objects.all()).get(pk=pk)


def notifications_for(user) -> QuerySet[Notification]:
    return (Notification.objects.filter(recipient=user)
            .select_related("ticket", "timer__policy").order_by("-created_at", "-id"))


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

