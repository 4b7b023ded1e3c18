"""Benchmark: the manager dashboards on the large bench database (PostgreSQL).

    DATABASE_URL=postgres://USER@HOST:5432/kefu_bench \\
        python bench/reports_dashboard.py [--prepare] [--repeat 20]

`--prepare` (needed once, and again after bench/generate.py --reset) migrates the
database, fills `reports_ticketfact` for every ticket with one INSERT ... SELECT (the
bench data has no SLA clocks, so first-response and resolution times are the calendar
time from the ticket's own timestamps, judged against the seed targets by priority),
then builds the whole rollup with the real `services.rebuild_rollup()` and prints how
long each step took. It touches no other app's rows.

Then it times the three dashboard pages and a CSV export through Django's test client as
a bench manager (median and p95 wall time and CPU time over `--repeat` runs, SQL query
count), for the last 30 and 365 days, unfiltered, with one filter, two and three
filters together, prints the load average, and times the incremental refresh of 1,000
changed tickets (`--skip-refresh` leaves that out).
"""

import argparse
import sys
import time
from datetime import timedelta

from common import setup_django

TARGET_MS = 300


def prepare(log) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from reports import services
    from reports.histogram import EDGES

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.0f} s")
    edges = "ARRAY[" + ",".join(str(e) for e in EDGES) + "]"
    from django.conf import settings

    sql = f"""
    INSERT INTO reports_ticketfact (
        ticket_id, customer_id, order_id, team_id, assignee_id, tier_id, channel, category,
        priority, status, is_open, created_at, created_day, created_hour, created_weekday,
        resolved_at, resolved_day, first_response, first_response_seconds,
        first_response_bucket, next_responses_met, next_responses_breached, resolution,
        resolution_seconds, resolution_bucket, agent_replies, customer_messages, reopens,
        first_contact_resolution, repeat_contact, complaint, reordered, refreshed_at)
    SELECT t.id, t.customer_id, t.order_id, t.team_id, t.assignee_id, c.tier_id, t.channel,
        t.category, t.priority, t.status, t.status IN ('new', 'open', 'pending', 'on_hold'),
        t.created_at, (t.created_at AT TIME ZONE %(tz)s)::date,
        extract(hour FROM t.created_at AT TIME ZONE %(tz)s),
        extract(isodow FROM t.created_at AT TIME ZONE %(tz)s) - 1,
        r.resolved_at, (r.resolved_at AT TIME ZONE %(tz)s)::date,
        CASE WHEN f.seconds IS NULL THEN
                CASE WHEN t.sla_breached THEN 'breached' ELSE 'running' END
             WHEN f.seconds <= p.target THEN 'met' ELSE 'breached' END,
        f.seconds, width_bucket(f.seconds - 1, {edges}),
        (t.id %% 3 = 0)::int, (t.id %% 29 = 0)::int,
        CASE WHEN r.seconds IS NULL THEN 'running'
             WHEN r.seconds <= p.target * 12 THEN 'met' ELSE 'breached' END,
        r.seconds, width_bucket(r.seconds - 1, {edges}),
        1 + (t.id %% 3 = 0)::int, 1 + (t.id %% 4 = 0)::int, (t.id %% 17 = 0)::int,
        r.seconds IS NOT NULL AND t.id %% 3 <> 0 AND t.id %% 17 <> 0,
        t.id %% 11 = 0, t.category = 'complaint', t.category = 'complaint' AND t.id %% 5 < 2,
        now()
    FROM tickets_ticket t
    JOIN customers_customer c ON c.id = t.customer_id
    CROSS JOIN LATERAL (SELECT CASE t.priority WHEN 'urgent' THEN 900 WHEN 'high' THEN 3600
                                WHEN 'normal' THEN 7200 ELSE 86400 END AS target) p
    CROSS JOIN LATERAL (SELECT CASE WHEN t.first_responded_at IS NOT NULL THEN
        greatest(0, extract(epoch FROM t.first_responded_at - t.created_at))::int END
        AS seconds) f
    CROSS JOIN LATERAL (SELECT
        CASE WHEN t.status IN ('solved', 'closed')
             THEN coalesce(t.solved_at, t.closed_at, t.created_at) END AS resolved_at,
        CASE WHEN t.status IN ('solved', 'closed') THEN greatest(0, extract(epoch FROM
             coalesce(t.solved_at, t.closed_at, t.created_at) - t.created_at))::int END
        AS seconds) r
    ON CONFLICT (ticket_id) DO NOTHING
    """
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"tz": settings.TIME_ZONE})
        log(f"facts: {cursor.rowcount:,} inserted in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_ticketfact")
    from django.db.models import Max
    from django.utils import timezone

    from reports.models import RefreshState
    from tickets.models import Message, TicketEvent

    RefreshState.objects.update_or_create(name=services.STATE, defaults={
        "last_event_id": TicketEvent.objects.aggregate(m=Max("id"))["m"] or 0,
        "last_message_id": Message.objects.aggregate(m=Max("id"))["m"] or 0,
        "refreshed_at": timezone.now()})
    started = time.perf_counter()
    days = services.rebuild_rollup(log=log)
    log(f"rollup: {days} days rebuilt in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_rollup")
        cursor.execute("SELECT count(*), pg_size_pretty(pg_total_relation_size('reports_rollup')) "
                       "FROM reports_rollup")
        rows, size = cursor.fetchone()
    log(f"rollup: {rows:,} rows, {size}")


def timed(client, url: str, repeat: int, warmup: int) -> dict:
    """Median and p95 wall time and CPU time (time.process_time: this process's own work,
    without waiting for a CPU or for PostgreSQL) of a page or CSV export, and its queries."""
    from common import _timing
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    wall, cpu, queries = [], [], 0
    for run in range(warmup + repeat):
        reset_queries()  # the query log keeps 9,000 queries, then CaptureQueriesContext miscounts
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            elapsed = (time.perf_counter() - started) * 1000
            elapsed_cpu = (time.process_time() - started_cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        if run >= warmup:
            wall.append(elapsed)
            cpu.append(elapsed_cpu)
            queries = max(queries, len(captured))
    w, c = _timing(wall), _timing(cpu)
    return {"median ms": w.median_ms, "p95 ms": w.p95_ms, "CPU median ms": c.median_ms,
            "CPU p95 ms": c.p95_ms, "queries": queries,
            "under 300 ms": "yes" if w.p95_ms < TARGET_MS else "NO"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--skip-refresh", action="store_true",
                        help="do not time the incremental refresh (it rewrites 1,000 facts)")
    args = parser.parse_args(argv)
    setup_django()

    import os

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on PostgreSQL (DATABASE_URL).")
    if args.prepare:
        prepare(print)

    from common import bench_user, measure, print_table

    from reports import services
    from reports.models import Rollup, TicketFact
    from tickets.models import Team, Ticket

    facts = TicketFact.objects.count()
    if not facts:
        raise SystemExit("No ticket facts: run with --prepare first.")
    client = Client()
    client.force_login(bench_user("manager", 1))
    today = timezone.localdate()
    team = Team.objects.order_by("pk").first()
    tier_id = (TicketFact.objects.exclude(tier_id=None).values("tier_id")
               .annotate(n=Count("pk")).order_by("-n")[0]["tier_id"])
    filters = [("none", ""), ("team", f"&team={team.pk}"),
               ("team + email", f"&team={team.pk}&channel=email"),
               ("team + email + tier", f"&team={team.pk}&channel=email&tier={tier_id}")]
    pages = [("SLA", "/dashboards/"), ("workload", "/dashboards/workload/"),
             ("quality", "/dashboards/quality/"),
             ("CSV by agent", "/dashboards/sla/export/by-agent.csv")]
    load_before = os.getloadavg()
    rows = []
    for days in (30, 365):
        start = today - timedelta(days=days - 1)
        for label, extra in filters:
            for page, url in pages:
                row = {"page": page, "period": f"{days} days", "filters": label}
                row |= timed(client, f"{url}?start={start}&end={today}{extra}",
                             args.repeat, args.warmup)
                rows.append(row)
                print(row, file=sys.stderr, flush=True)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    before = ", ".join(f"{n:.1f}" for n in load_before)
    print_table(rows, title=f"Dashboards, {facts:,} ticket facts, {Rollup.objects.count():,} "
                            f"rollup rows; {args.repeat} runs after {args.warmup} warm-up "
                            f"runs; load average {before} before, {load} after")
    if not args.skip_refresh:
        changed = list(Ticket.objects.order_by("-pk").values_list("pk", flat=True)[:1000])
        refresh = measure(lambda: services.refresh_tickets(ticket_ids=changed,
                                                           now=timezone.now()),
                          repeat=3, warmup=1)
        print_table([{"what": "refresh 1,000 changed tickets (facts + their rollup days)",
                      "median ms": refresh.median_ms, "p95 ms": refresh.p95_ms}])
    return 0


if __name__ == "__main__":
    sys.exit(main())
