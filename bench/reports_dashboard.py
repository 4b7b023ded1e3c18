"""Benchmark: the manager dashboards on the large bench database (PostgreSQL).

    DATABASE_URL=postgres://USER@HOST:5432/kefu_bench \\
        python bench/reports_dashboard.py [--prepare] [--repeat 20]

`--prepare` (needed once, and again after bench/generate.py --reset) migrates the
database, fills `reports_ticketfact` for every ticket with one INSERT ... SELECT (the
bench data has no SLA clocks, so first-response and resolution times are the calendar
time from the ticket's own timestamps, judged against the seed targets by priority),
then builds the whole rollup with the real `services.rebuild_rollup()` and prints how
long each step took. It touches no other app's rows.

Then it times the dashboard pages through Django's test client as a bench manager
(median and p95 over `--repeat` runs, SQL query count), for the last 30 and 365 days,
unfiltered, with one filter (rollup) and with two filters (facts), and the incremental
refresh of 1,000 changed tickets.
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    setup_django()

    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on PostgreSQL (DATABASE_URL).")
    if args.prepare:
        prepare(print)

    from common import bench_user, measure, measure_page, print_table

    from reports import services
    from reports.models import Rollup, TicketFact
    from tickets.models import Team, Ticket

    facts = TicketFact.objects.count()
    if not facts:
        raise SystemExit("No ticket facts: run with --prepare first.")
    manager = bench_user("manager", 1)
    today = timezone.localdate()
    team = Team.objects.order_by("pk").first()
    rows = []
    for days in (30, 365):
        start = today - timedelta(days=days - 1)
        period = f"start={start}&end={today}"
        for page, url in (("SLA", "/dashboards/"), ("workload", "/dashboards/workload/"),
                          ("quality", "/dashboards/quality/")):
            for label, extra in (("", ""), (" · team", f"&team={team.pk}"),
                                 (" · team+email", f"&team={team.pk}&channel=email")):
                if page != "SLA" and extra:
                    continue
                timing = measure_page(f"{url}?{period}{extra}", user=manager,
                                      repeat=args.repeat, warmup=2)
                rows.append({"page": f"{page}{label}", "period": f"{days} days",
                             "median ms": timing.median_ms, "p95 ms": timing.p95_ms,
                             "queries": timing.queries, "KB": timing.kilobytes,
                             "under 300 ms": "yes" if timing.p95_ms < TARGET_MS else "NO"})
    print_table(rows, title=f"Dashboards, {facts:,} ticket facts, "
                            f"{Rollup.objects.count():,} rollup rows")
    changed = list(Ticket.objects.order_by("-pk").values_list("pk", flat=True)[:1000])
    refresh = measure(lambda: services.refresh_tickets(ticket_ids=changed, now=timezone.now()),
                      repeat=3, warmup=1)
    print_table([{"what": "refresh 1,000 changed tickets (facts + their rollup days)",
                  "median ms": refresh.median_ms, "p95 ms": refresh.p95_ms}])
    return 0


if __name__ == "__main__":
    sys.exit(main())
