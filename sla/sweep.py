"""The minute sweep: record warnings and breaches of clocks whose time has come.

It reads only the clocks whose ``check_at`` has passed (a range of a partial index), in
batches, each batch set-based and in one transaction: a constant number of queries per
batch, whatever the number of open tickets. Rows are claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` (timers, then their tickets), so overlapping sweeps
share the work instead of doing it twice, and never wait on a ticket an agent is
changing; the unique constraint on (timer, kind) makes a second record of the same
warning or breach impossible. Escalation of each breach (priority, manager, reassignment)
runs in tasks enqueued after commit; the sweep retries those a lost task left undone.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from tickets.models import Ticket, TicketEvent

from . import timeline
from .models import SLAEvent, SLAEventKind, SLAPolicy, SLATimer, TimerState

BATCH_SIZE = 1000
# A breach whose escalation task has not run after this long is escalated again.
ESCALATION_RETRY = timedelta(minutes=5)
# Escalation task ids per enqueued task.
ESCALATION_CHUNK = 100
# What the sweep reads of a clock.
TIMER_FIELDS = ["id", "ticket_id", "metric", "cycle", "policy_id", "state", "anchor_at",
                "due_at", "warn_at", "warned_at", "escalated_at", "check_at"]


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    escalations: int = 0

    def add(self, other: "SweepResult") -> None:
        self.warned += other.warned
        self.breached += other.breached
        self.escalations += other.escalations


def sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE,
          max_batches: int = 1000) -> SweepResult:
    """Process every clock due by ``now``; returns what was recorded."""
    now = now or timezone.now()
    total = SweepResult()
    for _ in range(max_batches):
        claimed, processed, result = _sweep_batch(now=now, batch_size=batch_size)
        total.add(result)
        if claimed < batch_size or not processed:
            break
    return total


def due_timers(*, now: datetime, batch_size: int) -> QuerySet[SLATimer]:
    """The clocks to look at, claimed: a range of the partial index on check_at."""
    return (SLATimer.objects.filter(check_at__lte=now).order_by("check_at")
            .select_for_update(skip_locked=True).only(*TIMER_FIELDS)[:batch_size])


@transaction.atomic
def _sweep_batch(*, now: datetime, batch_size: int) -> tuple[int, int, SweepResult]:
    """One batch: (timers claimed, timers processed, what was recorded)."""
    result = SweepResult()
    timers = list(due_timers(now=now, batch_size=batch_size))
    if not timers:
        return 0, 0, result
    policies = SLAPolicy.objects.in_bulk({t.policy_id for t in timers})
    for timer in timers:
        timer.policy = policies[timer.policy_id]
    locked = set(Ticket.objects.select_for_update(skip_locked=True)
                 .filter(pk__in={t.ticket_id for t in timers}).values_list("pk", flat=True))
    events: list[SLAEvent] = []
    history: list[TicketEvent] = []
    to_escalate: list[int] = []
    breached_tickets: set[int] = set()
    # Timer ids by the change to make; one UPDATE per kind of change.
    warned: list[int] = []
    breached: list[int] = []
    retry: list[int] = []
    check_at_warning: list[int] = []
    check_at_due: list[int] = []
    nothing_to_check: list[int] = []
    processed = 0
    for timer in timers:
        if timer.ticket_id not in locked:
            continue  # an agent is changing this ticket; next minute
        processed += 1
        if timer.state == TimerState.BREACHED:
            if timer.escalated_at is None:  # the escalation task was lost: again
                to_escalate.append(timer.pk)
                retry.append(timer.pk)
            else:
                nothing_to_check.append(timer.pk)
            continue
        if timer.state != TimerState.ACTIVE or timer.due_at is None:
            nothing_to_check.append(timer.pk)
            continue
        if timer.warned_at is None and timer.warn_at is not None and timer.warn_at <= now:
            timer.warned_at = timer.warn_at
            warned.append(timer.pk)
            events.append(_event(timer, SLAEventKind.WARNED, at=timer.warn_at))
            history.append(timeline.timer_event(timer, timeline.WARNED, at=timer.warn_at))
            result.warned += 1
        if timer.due_at <= now:
            breached.append(timer.pk)
            events.append(_event(timer, SLAEventKind.BREACHED, at=timer.due_at))
            history.append(timeline.timer_event(timer, timeline.BREACHED, at=timer.due_at))
            breached_tickets.add(timer.ticket_id)
            to_escalate.append(timer.pk)
            result.breached += 1
        elif timer.next_check() == timer.due_at:
            check_at_due.append(timer.pk)
        else:
            check_at_warning.append(timer.pk)
    retry_at = now + ESCALATION_RETRY
    changes = [
        (warned, {"warned_at": F("warn_at"), "check_at": F("due_at")}),
        (check_at_due, {"check_at": F("due_at")}),
        (check_at_warning, {"check_at": F("warn_at")}),
        (nothing_to_check, {"check_at": None}),
        (retry, {"check_at": retry_at}),
        # Last: a timer warned and breached in one sweep ends up breached.
        (breached, {"state": TimerState.BREACHED, "breached_at": F("due_at"),
                    "check_at": retry_at}),
    ]
    for ids, values in changes:
        if ids:
            SLATimer.objects.filter(pk__in=ids).update(**values)
    if events:
        SLAEvent.objects.bulk_create(events, ignore_conflicts=True)
    if history:
        TicketEvent.objects.bulk_create(history)
    if breached_tickets:
        Ticket.objects.filter(pk__in=breached_tickets, sla_breached=False).update(
            sla_breached=True)
    if to_escalate:
        result.escalations = len(to_escalate)
        transaction.on_commit(lambda: _enqueue_escalations(to_escalate), robust=True)
    return len(timers), processed, result


def _event(timer: SLATimer, kind: str, *, at: datetime) -> SLAEvent:
    return SLAEvent(ticket_id=timer.ticket_id, timer_id=timer.pk, policy_id=timer.policy_id,
                    kind=kind, at=at, data={"metric": timer.metric, "cycle": timer.cycle})


def _enqueue_escalations(timer_ids: list[int]) -> None:
    from .tasks import escalate_breaches

    for start in range(0, len(timer_ids), ESCALATION_CHUNK):
        escalate_breaches.delay(timer_ids[start:start + ESCALATION_CHUNK])
