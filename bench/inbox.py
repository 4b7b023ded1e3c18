"""Server-side speed of the inbox and the ticket page on the large generated database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench \\
        REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/inbox.py --repeat 50

Pages are served with production settings (DEBUG off; sessions and cache in Redis when
REDIS_URL is set, as docker-compose.yml runs Kefu). First it migrates (the inbox's
indexes) and writes the search documents of tickets that bench/generate.py loaded with
COPY (`reindex_ticket_search`, once; minutes at 1M tickets), then ANALYZEs. Each page is
requested through Django in-process (middleware, view, template; no network) by a
generated agent, in rounds (every page once per round): median and p95 over --repeat rounds
after --warmup rounds, the CPU time of the same requests, and the SQL query count. Results
go into bench/README.md.
"""

import argparse
import os
import time

from common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--skip-index", action="store_true",
                        help="do not migrate, backfill search documents or ANALYZE")
    args = parser.parse_args()
    database = setup_django(production=True)

    from common import Page, bench_user, measure, measure_pages, print_table
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from customers.models import CustomerIdentity, Order
    from tickets import search, selectors
    from tickets.models import OPEN_STATUSES, Ticket

    if not args.skip_index:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        done = search.reindex_tickets(
            batch_size=5000, progress=lambda n: print(f"  search documents: {n:,}", flush=True))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tickets_ticket")
            cursor.execute("ANALYZE")  # a restored copy of the database has no statistics
        print(f"migrated, {done:,} search documents written, analysed in "
              f"{time.perf_counter() - started:.0f} s", flush=True)

    agent = bench_user("agent", 1)
    open_total = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    print(f"database {database}: {Ticket.objects.count():,} tickets, {open_total:,} open; "
          f"as {agent.username}", flush=True)

    ticket = (Ticket.objects.filter(status__in=OPEN_STATUSES, assignee=agent)
              .order_by("-last_message_at").first()
              or Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("-pk").first())
    busiest = Ticket.objects.filter(pk__in=Ticket.objects.filter(status__in=OPEN_STATUSES)
                                    .order_by("-pk").values("pk")[:2000])
    from django.db.models import Count

    busiest = busiest.annotate(n=Count("messages")).order_by("-n", "pk").first()
    order = Order.objects.filter(tickets__isnull=False).order_by("-pk").first()
    email = CustomerIdentity.objects.filter(kind="email",
                                            customer__tickets__isnull=False).first().value
    team_id = agent.kefu_teams.values_list("pk", flat=True).first()

    pages = [
        ("inbox, default view (all open, SLA order)", "/tickets/"),
        ("inbox rows partial (live refresh)", "/tickets/rows/"),
        ("inbox, My tickets", "/tickets/?view=mine"),
        ("inbox, search 'parcel'", "/tickets/?q=parcel"),
        ("inbox, search '包裹' (Chinese)", "/tickets/?q=%E5%8C%85%E8%A3%B9"),
        ("inbox, all tickets, search 'refund'", "/tickets/?view=all&q=refund"),
        ("inbox, search order number", f"/tickets/?view=all&q={order.number}"),
        ("inbox, search customer email", f"/tickets/?view=all&q={email}"),
        ("inbox, filtered (urgent email)", "/tickets/?view=open&priority=urgent&channel=email"),
        ("inbox, VIP view", "/tickets/?view=vip"),
        ("inbox, filtered (team, pending)", f"/tickets/?view=team-{team_id}&status=pending"),
        ("inbox, breaching soon", "/tickets/?view=breaching"),
        ("ticket page", f"/tickets/{ticket.pk}/"),
        (f"ticket page ({busiest.n} messages)", f"/tickets/{busiest.pk}/"),
        ("presence heartbeat", f"/tickets/{ticket.pk}/presence/"),
        ("API: open tickets", "/api/v1/tickets/?status=open"),
        ("API: conversation", f"/api/v1/tickets/{busiest.pk}/messages/"),
    ]
    pages = [Page(label, url, "post" if url.endswith("/presence/") else "get")
             for label, url in pages]
    rows = measure_pages(pages, user=agent, repeat=args.repeat, warmup=args.warmup)
    for row in rows:
        print(f"  {row['page']}: p95 {row['p95 ms']:.1f} ms, CPU p95 {row['CPU p95 ms']:.1f} ms",
              flush=True)

    def cold_counts():
        cache.delete_many(["kefu:inbox:counts", f"kefu:inbox:counts:mine:{agent.pk}"])
        return selectors.view_counts(user=agent)

    counts = measure(cold_counts, repeat=max(5, args.repeat // 5), warmup=1)
    rows.append({"page": "view counts, computed (shared by all agents for 10 s)",
                 "status": "", "median ms": counts.median_ms, "p95 ms": counts.p95_ms,
                 "queries": 9, "KB": "", "CPU median ms": "", "CPU p95 ms": ""})
    rows += measure_pages([Page("view counts partial (cached)", "/tickets/counts/")],
                          user=agent, repeat=args.repeat, warmup=args.warmup)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print_table(rows, title=f"{Ticket.objects.count():,} tickets, {args.repeat} runs after "
                            f"{args.warmup} warm-up runs; load average {load}; "
                            f"CPU yardstick {cpu_yardstick_ms():.0f} ms")


def cpu_yardstick_ms() -> float:
    """A fixed piece of pure-Python work timed at the end of the run: on a machine shared
    with others it shows how much CPU the run actually had, so runs can be compared."""
    started = time.perf_counter()
    sum(range(10_000_000))
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
