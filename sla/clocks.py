"""Transitions of one clock: start, pause, resume, stop, reopen and a change of policy.

Each function changes the ``SLATimer`` instance (nothing is saved here) and returns the
SLA events to log, unsaved. The services load the rows, call these and save.
"""

from datetime import datetime

from .models import (
    ZERO,
    Metric,
    PauseReason,
    SLAEvent,
    SLAEventKind,
    SLAPolicy,
    SLATarget,
    SLATimer,
    TimerState,
)


def _event(timer: SLATimer, kind: str, at: datetime, **data) -> SLAEvent:
    return SLAEvent(ticket_id=timer.ticket_id, timer=timer, kind=kind, at=at,
                    policy=timer.policy, data={"metric": timer.metric, "cycle": timer.cycle,
                                               **data})


def start(*, ticket_id: int, metric: str, cycle: int, policy: SLAPolicy, target: SLATarget,
          at: datetime) -> tuple[SLATimer, list[SLAEvent]]:
    timer = SLATimer(
        ticket_id=ticket_id, metric=metric, cycle=cycle, policy=policy,
        calendar=policy.calendar, target_minutes=target.minutes,
        business_hours=target.business_hours, warn_at_percent=policy.warn_at_percent,
        state=TimerState.ACTIVE, started_at=at, anchor_at=at, elapsed_before=ZERO,
    )
    timer.reschedule()
    return timer, [_event(timer, SLAEventKind.STARTED, at, due_at=_iso(timer.due_at))]


def pause(timer: SLATimer, *, at: datetime, reason: str) -> list[SLAEvent]:
    """Stop counting until resumed. A paused clock has no deadline (a breached one keeps
    the deadline it missed)."""
    if timer.is_stopped:
        return []
    if timer.paused_since is not None:
        if timer.pause_reason == reason:
            return []
        timer.pause_reason = reason
        return [_event(timer, SLAEventKind.PAUSED, at, reason=reason)]
    _fold(timer, at)
    timer.paused_since = at
    timer.pause_reason = reason
    if timer.state == TimerState.ACTIVE:
        timer.state = TimerState.PAUSED
    timer.reschedule()
    return [_event(timer, SLAEventKind.PAUSED, at, reason=reason)]


def resume(timer: SLATimer, *, at: datetime) -> list[SLAEvent]:
    if timer.is_stopped or timer.paused_since is None:
        return []
    timer.paused_duration += max(at - timer.paused_since, ZERO)
    timer.paused_since = None
    timer.pause_reason = PauseReason.NONE
    timer.anchor_at = at
    if timer.state == TimerState.PAUSED:
        timer.state = TimerState.ACTIVE
    timer.reschedule()
    return [_event(timer, SLAEventKind.RESUMED, at, due_at=_iso(timer.due_at))]


def stop(timer: SLATimer, *, at: datetime) -> list[SLAEvent]:
    """The metric is achieved (reply sent, ticket solved): met if within the target,
    else breached, recorded now if no sweep has recorded it yet."""
    if timer.is_stopped:
        return []
    if timer.paused_since is not None:
        timer.paused_duration += max(at - timer.paused_since, ZERO)
        timer.paused_since = None
        timer.pause_reason = PauseReason.NONE
    _fold(timer, at)
    timer.stopped_at = at
    events = []
    if timer.state == TimerState.BREACHED:
        events.append(_event(timer, SLAEventKind.STOPPED, at))
    elif timer.elapsed_before <= timer.target:
        timer.state = TimerState.MET
        events.append(_event(timer, SLAEventKind.MET, at))
    else:
        timer.state = TimerState.BREACHED
        timer.breached_at = timer.due_at if timer.due_at and timer.due_at <= at else at
        # Found late, after the fact: recorded, not escalated (the answer has gone out).
        timer.escalated_at = None
        events.append(_event(timer, SLAEventKind.BREACHED, timer.breached_at, found="stop"))
        events.append(_event(timer, SLAEventKind.STOPPED, at))
    timer.check_at = None
    return events


def reopen(timer: SLATimer, *, at: datetime) -> list[SLAEvent]:
    """A solved ticket is open again: the resolution clock goes on from where it stopped;
    the time it spent solved does not count."""
    if not timer.is_stopped or timer.metric != Metric.RESOLUTION:
        return []
    timer.stopped_at = None
    timer.anchor_at = at
    if timer.state == TimerState.MET:
        timer.state = TimerState.ACTIVE
    timer.reschedule()
    return [_event(timer, SLAEventKind.RESUMED, at, reopened=True, due_at=_iso(timer.due_at))]


def apply_policy(timer: SLATimer, *, at: datetime, policy: SLAPolicy,
                 target: SLATarget) -> None:
    """Measure a running or paused clock under another policy from now on, keeping the
    time already counted (a breached or stopped clock keeps the policy it ran under)."""
    if timer.is_stopped or timer.state == TimerState.BREACHED:
        return
    if timer.anchor_at is not None:
        _fold(timer, at)
        timer.anchor_at = at
    timer.policy = policy
    timer.calendar = policy.calendar
    timer.target_minutes = target.minutes
    timer.business_hours = target.business_hours
    timer.warn_at_percent = policy.warn_at_percent
    timer.reschedule()


def _fold(timer: SLATimer, at: datetime) -> None:
    """Add the running segment to ``elapsed_before`` and drop the anchor."""
    if timer.anchor_at is not None:
        timer.elapsed_before += timer.measure(timer.anchor_at, at)
        timer.anchor_at = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
