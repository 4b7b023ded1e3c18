"""The minute sweep: record warnings and breaches of clocks whose time has come.

It reads only the clocks whose ``check_at`` has passed (a range of a partial index), in
batches, each batch set-based and in one transaction: a constant number of queries per
batch, whatever the number of open tickets; each clock row is updated once, and the SLA
events and timeline rows are built by the database from the clock rows.

Exactly once: the clocks are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED``, so
overlapping sweeps share the work instead of doing it twice and a sweep never waits on a
clock a ticket change is updating (the ticket services lock a ticket, then its clocks,
and wait; the sweep locks only clocks and never waits, so the two cannot deadlock); and
the unique constraint on (timer, kind) makes a second record of the same warning or
breach impossible.

The sweep writes clocks, the SLA event log and the timeline, not tickets. Each breach is
then escalated by a task enqueued after commit (priority, manager, reassignment, the
ticket's ``sla_breached`` flag); the sweep enqueues again what a lost task left undone.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import DateTimeField, F, QuerySet, Value
from django.db.models.functions import JSONObject
from django.utils import timezone

from tickets.models import TicketEvent

from . import timeline
from .models import SLAEvent, SLAEventKind, SLATimer, TimerState

BATCH_SIZE = 1000
# A breach whose escalation task has not run after this long is escalated again.
ESCALATION_RETRY = timedelta(minutes=5)
# Breaches per enqueued escalation task.
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
        claimed, result = _sweep_batch(now=now, batch_size=batch_size)
        total.add(result)
        if claimed < batch_size:
            break
    return total


def due_timers(*, now: datetime, batch_size: int) -> QuerySet[SLATimer]:
    """The clocks to look at, claimed: a range of the partial index on check_at."""
    return (SLATimer.objects.filter(check_at__lte=now).order_by("check_at")
            .select_for_update(skip_locked=True).only(*TIMER_FIELDS)[:batch_size])


@dataclass
class _Batch:
    """What one batch records, and the clock updates it makes (timer ids by update)."""

    now: datetime
    result: SweepResult = field(default_factory=SweepResult)
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)
    to_escalate: list[int] = field(default_factory=list)
    updates: dict[str, list[int]] = field(default_factory=dict)

    def update(self, kind: str, timer: SLATimer) -> None:
        self.updates.setdefault(kind, []).append(timer.pk)

    def values(self) -> dict[str, dict]:
        retry_at = self.now + ESCALATION_RETRY
        breached = {"state": TimerState.BREACHED, "breached_at": F("due_at"),
                    "check_at": retry_at}
        return {
            "warned": {"warned_at": F("warn_at"), "check_at": F("due_at")},
            "warned_and_breached": {"warned_at": F("warn_at"), **breached},
            "breached": breached,
            "check_due": {"check_at": F("due_at")},
            "check_warning": {"check_at": F("warn_at")},
            "retry": {"check_at": retry_at},
            "nothing": {"check_at": None},
        }


@transaction.atomic
def _sweep_batch(*, now: datetime, batch_size: int) -> tuple[int, SweepResult]:
    """One batch: (clocks claimed, what was recorded)."""
    timers = list(due_timers(now=now, batch_size=batch_size))
    batch = _Batch(now=now)
    if not timers:
        return 0, batch.result
    for timer in timers:
        _look_at(timer, batch)
    # The log and the timeline first, from the clocks as they were when they passed.
    for ids, kind, what, instant in (
            (batch.warned, SLAEventKind.WARNED, timeline.WARNED, "warn_at"),
            (batch.breached, SLAEventKind.BREACHED, timeline.BREACHED, "due_at")):
        if ids:
            _record(ids, kind=kind, what=what, instant=instant, now=now)
    values = batch.values()
    for kind, ids in batch.updates.items():
        SLATimer.objects.filter(pk__in=ids).update(**values[kind])
    if batch.to_escalate:
        to_escalate = batch.to_escalate
        batch.result.escalations = len(to_escalate)
        transaction.on_commit(lambda: _enqueue_escalations(to_escalate), robust=True)
    return len(timers), batch.result


def _look_at(timer: SLATimer, batch: _Batch) -> None:
    now = batch.now
    if timer.state == TimerState.BREACHED:
        if timer.escalated_at is None:  # the escalation task was lost: again
            batch.to_escalate.append(timer.pk)
            batch.update("retry", timer)
        else:
            batch.update("nothing", timer)
        return
    if timer.state != TimerState.ACTIVE or timer.due_at is None:
        batch.update("nothing", timer)  # paused or stopped since: nothing to check
        return
    warns = timer.warned_at is None and timer.warn_at is not None and timer.warn_at <= now
    if warns:
        batch.warned.append(timer.pk)
        batch.result.warned += 1
    if timer.due_at <= now:
        batch.breached.append(timer.pk)
        batch.update("warned_and_breached" if warns else "breached", timer)
        batch.to_escalate.append(timer.pk)
        batch.result.breached += 1
    elif warns:
        batch.update("warned", timer)
    elif timer.next_check() == timer.due_at:
        batch.update("check_due", timer)
    else:
        batch.update("check_warning", timer)


def _record(timer_ids: list[int], *, kind: str, what: str, instant: str,
            now: datetime) -> None:
    """One SLA event and one timeline row per clock, built by the database from the clock
    rows (INSERT ... SELECT): no Python object per row."""
    clocks = SLATimer.objects.filter(pk__in=timer_ids).order_by()
    _insert_from(SLAEvent, ["ticket", "timer", "kind", "at", "policy", "data", "recorded_at"],
                 clocks.annotate(
                     _kind=Value(kind), _at=F(instant),
                     _data=JSONObject(metric="metric", cycle="cycle"),
                     _recorded=Value(now, output_field=DateTimeField()),
                 ).values_list("ticket_id", "id", "_kind", "_at", "policy_id", "_data",
                               "_recorded"),
                 ignore_conflicts=True)
    _insert_from(TicketEvent, ["ticket", "kind", "data", "created_at"],
                 clocks.annotate(
                     _kind=Value(TicketEvent.Kind.SLA), _at=F(instant),
                     _data=JSONObject(sla=Value(what), metric="metric", cycle="cycle",
                                      due_at="due_at", policy="policy__name",
                                      policy_zh="policy__name_zh_hans"),
                 ).values_list("ticket_id", "_kind", "_data", "_at"))


def _insert_from(model, fields: list[str], rows: QuerySet, *,
                 ignore_conflicts: bool = False) -> None:
    """INSERT INTO <model> (<fields>) <the SELECT the ORM compiles for rows>."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    select, params = rows.query.sql_with_params()
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {select}"
                       f"{conflict}", params)


def _enqueue_escalations(timer_ids: list[int]) -> None:
    from .tasks import escalate_breaches

    for start in range(0, len(timer_ids), ESCALATION_CHUNK):
        escalate_breaches.delay(timer_ids[start:start + ESCALATION_CHUNK])
