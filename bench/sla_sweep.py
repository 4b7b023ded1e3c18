"""Benchmark: the SLA sweep over many open tickets, of which a few are due (PostgreSQL).

It creates (once, then reuses; bench/generate.py is not needed) open tickets under one
bench customer, each with a first-response and a resolution clock due in the coming
month, then makes K of the first-response clocks overdue (by default warning and deadline
both passed, so each gets two SLA events and two timeline rows; `--warned` for the steady
state where an earlier sweep recorded the warning) and times ``sla.sweep.sweep()`` until
it has recorded them all, escalation tasks enqueued included. Between runs the same
clocks are put back.

    DATABASE_URL=postgres://USER@HOST:5432/DB REDIS_URL=redis://HOST:6379/N \\
        python bench/sla_sweep.py --open 100000 1000000 --due 1000 10000 100000 --repeat 5

Prints, per (open, due): median and p95 wall time, the number of SQL queries of one
sweep, and the query plan of the claiming query (an index range scan on check_at).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from common import backend_cpu_seconds

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.models import Customer  # noqa: E402
from helpdesk.celery import app  # noqa: E402
from sla import escalation  # noqa: E402
from sla.models import BusinessCalendar, SLAPolicy, SLATimer, TimerState  # noqa: E402
from sla.sweep import BATCH_SIZE, due_timers, sweep  # noqa: E402

BENCH_CUSTOMER = "SLA sweep bench"
INSERT_CHUNK = 200_000
# Future deadlines are spread over 30 days starting this far ahead, so none falls due
# while the benchmark runs.
FUTURE = timedelta(days=2)


def bench_customer() -> Customer:
    customer, _ = Customer.objects.get_or_create(name=BENCH_CUSTOMER)
    return customer


def ensure_open_tickets(customer: Customer, count: int) -> None:
    """At least `count` open bench tickets, each with two future clocks."""
    existing = customer.tickets.count()
    if existing >= count:
        return
    policy = SLAPolicy.objects.get(name="Default")
    calendar = BusinessCalendar.objects.get(is_default=True)
    base = timezone.now() + FUTURE
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for first in range(existing + 1, count + 1, INSERT_CHUNK):
            last = min(count, first + INSERT_CHUNK - 1)
            with transaction.atomic():
                cursor.execute(
                    """
                    INSERT INTO tickets_ticket (subject, status, priority, category, channel,
                        customer_id, created_at, updated_at, sla_due_at, sla_breached)
                    SELECT 'SLA bench ' || g, 'open', 'normal', 'other', 'email', %s,
                        %s, %s, %s + make_interval(mins => (g %% 43200)::int), false
                    FROM generate_series(%s, %s) AS g
                    """,
                    [customer.pk, base - FUTURE, base - FUTURE, base, first, last])
                cursor.execute(
                    """
                    INSERT INTO sla_slatimer (ticket_id, metric, cycle, policy_id, calendar_id,
                        target_minutes, business_hours, warn_at_percent, state, started_at,
                        anchor_at, elapsed_before, pause_reason, paused_duration, due_at,
                        warn_at, check_at)
                    SELECT t.id, m.metric, 1, %s, %s, m.minutes, true, 75, 'active',
                        t.created_at, t.created_at, interval '0', '', interval '0',
                        t.sla_due_at + m.later, t.sla_due_at + m.later - interval '30 minutes',
                        t.sla_due_at + m.later - interval '30 minutes'
                    FROM tickets_ticket t
                    CROSS JOIN (VALUES ('first_response', 120, interval '0'),
                                       ('resolution', 2160, interval '1 day'))
                        AS m(metric, minutes, later)
                    WHERE t.customer_id = %s
                      AND NOT EXISTS (SELECT 1 FROM sla_slatimer s WHERE s.ticket_id = t.id)
                    """,
                    [policy.pk, calendar.pk, customer.pk])
            print(f"  created bench tickets up to {last:,}", flush=True)
        cursor.execute("ANALYZE tickets_ticket")
        cursor.execute("ANALYZE sla_slatimer")
    print(f"  population of {count:,} open tickets ready in "
          f"{time.perf_counter() - started:.0f} s", flush=True)


def due_ticket_ids(customer: Customer, count: int) -> list[int]:
    return list(customer.tickets.order_by("pk").values_list("pk", flat=True)[:count])


def make_due(ticket_ids: list[int], now, *, warned: bool = False) -> None:
    """The first-response clocks of these tickets: warning and deadline passed (with
    `warned`, the warning was recorded by an earlier sweep, as in the steady state)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM sla_slaevent WHERE ticket_id = ANY(%s)", [ticket_ids])
        cursor.execute("DELETE FROM tickets_ticketevent WHERE ticket_id = ANY(%s)",
                       [ticket_ids])
        cursor.execute("UPDATE tickets_ticket SET sla_breached = false, priority = 'normal' "
                       "WHERE id = ANY(%s)", [ticket_ids])
        cursor.execute(
            """
            UPDATE sla_slatimer SET state = 'active', warned_at = %s, breached_at = NULL,
                escalated_at = NULL, due_at = %s, warn_at = %s, check_at = %s
            WHERE metric = 'first_response' AND ticket_id = ANY(%s)
            """, [now - timedelta(minutes=5) if warned else None, now - timedelta(minutes=1),
                  now - timedelta(minutes=5),
                  now - timedelta(minutes=1 if warned else 5), ticket_ids])


def restore(ticket_ids: list[int]) -> None:
    """Put the clocks back in the future, so later runs see only their own due rows."""
    future = timezone.now() + FUTURE
    SLATimer.objects.filter(ticket_id__in=ticket_ids, metric="first_response").update(
        state=TimerState.ACTIVE, warned_at=None, breached_at=None, escalated_at=None,
        due_at=future, warn_at=future - timedelta(minutes=30),
        check_at=future - timedelta(minutes=30))


def purge_escalation_tasks() -> None:
    """The sweep enqueues escalation tasks; no worker runs here, so drop them."""
    try:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("sla")
    except Exception as exc:  # the queue may not exist yet
        print(f"  (queue purge: {exc})")


def claim_plan(now) -> str:
    with transaction.atomic():
        return due_timers(now=now, batch_size=BATCH_SIZE).explain(analyze=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(customer: Customer, open_count: int, due: int, repeat: int,
            show_plan: bool, warned: bool) -> dict:
    ids = due_ticket_ids(customer, due)
    timings = []
    cpu = []
    queries = 0
    for run in range(repeat + 1):
        now = timezone.now()
        make_due(ids, now, warned=warned)
        connection.cursor().execute("ANALYZE sla_slatimer")
        if run == 0 and show_plan:
            print(claim_plan(now))
        if run == 0:
            # One run with the queries counted (not timed: capturing costs time).
            with CaptureQueriesContext(connection) as captured:
                result = sweep(now=now)
            queries = len(captured)
        else:
            backend_before, process_before = backend_cpu_seconds(), time.process_time()
            started = time.perf_counter()
            result = sweep(now=now)
            timings.append((time.perf_counter() - started) * 1000)
            backend_after = backend_cpu_seconds()
            if backend_before is not None and backend_after is not None:
                cpu.append((backend_after - backend_before
                            + time.process_time() - process_before) * 1000)
        assert result.breached == due and result.warned == (0 if warned else due), result
        purge_escalation_tasks()
        restore(ids)
    return {"open": open_count, "due": due, "median_ms": statistics.median(timings),
            "p95_ms": percentile(timings, 0.95), "queries": queries, "runs": repeat,
            "cpu_ms": statistics.median(cpu) if cpu else None}


def measure_escalation(customer: Customer, count: int) -> dict:
    """Per-breach cost of the escalation task (priority raise and policy re-choice)."""
    ids = due_ticket_ids(customer, count)
    now = timezone.now()
    make_due(ids, now)
    sweep(now=now)
    purge_escalation_tasks()
    timer_ids = list(SLATimer.objects.filter(ticket_id__in=ids, metric="first_response")
                     .values_list("pk", flat=True))
    timings = []
    for timer_id in timer_ids:
        started = time.perf_counter()
        escalation.escalate(timer_id=timer_id)
        timings.append((time.perf_counter() - started) * 1000)
    restore(ids)
    return {"escalations": len(timings), "median_ms": statistics.median(timings),
            "p95_ms": percentile(timings, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, nargs="+", default=[1_000_000],
                        help="open-ticket populations to measure at, ascending")
    parser.add_argument("--due", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    parser.add_argument("--warned", action="store_true",
                        help="the due clocks were warned by an earlier sweep (steady state); "
                             "by default each due clock gets its warning and breach at once")
    parser.add_argument("--escalate", type=int, default=200,
                        help="escalations to time one by one (0: skip)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    customer = bench_customer()
    rows = []
    for open_count in sorted(args.open):
        ensure_open_tickets(customer, open_count)
        for index, due in enumerate(sorted(args.due)):
            if due > open_count // 2:
                continue
            repeat = args.repeat if due <= 10_000 else max(1, args.repeat // 2)
            row = measure(customer, open_count, due, repeat, show_plan=index == 0,
                          warned=args.warned)
            rows.append(row)
            print(f"open {row['open']:>9,}  due {row['due']:>7,}"
                  f"{' (warned before)' if args.warned else ''}  "
                  f"median {row['median_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
                  f"{row['queries']} queries  ({row['runs']} runs)"
                  + (f"  CPU (Python + PostgreSQL backend) median {row['cpu_ms']:.0f} ms"
                     if row["cpu_ms"] is not None else "")
                  + f"  load average {os.getloadavg()[0]:.1f}", flush=True)
    if args.escalate:
        esc = measure_escalation(customer, args.escalate)
        print(f"escalation task: {esc['escalations']} breaches, median {esc['median_ms']:.1f} ms"
              f", p95 {esc['p95_ms']:.1f} ms each")


if __name__ == "__main__":
    main()
