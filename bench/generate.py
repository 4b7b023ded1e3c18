"""Fill a PostgreSQL database with a large, realistic Kefu shop for the benchmarks.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench \\
        .venv/bin/python bench/generate.py --tickets 1000000 --customers 200000 \\
        --messages 3000000

Creates the database if it is missing, migrates it, then loads customers, identities,
orders and lines, shipments and tracking scans, tickets, messages and their history
with COPY (see bench/bulkdata/). The same seed and --now give the same data. See
bench/README.md for sizes and timings.
"""

import argparse
import sys
import time
from datetime import UTC, datetime

from common import setup_django


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, help="default: tickets / 5")
    parser.add_argument("--orders", type=int, help="default: as many as tickets")
    parser.add_argument("--messages", type=int, help="default: 3 per ticket")
    parser.add_argument("--agents", type=int, default=50, help="agent users (default 50)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--now", type=_utc, help="the moment the data ends, ISO 8601 "
                        "(default: the current hour); with --seed it fixes the data")
    parser.add_argument("--reset", action="store_true",
                        help="replace the customers, orders and tickets already there")
    args = parser.parse_args(argv)
    args.customers = args.customers or max(1, args.tickets // 5)
    args.orders = args.orders if args.orders is not None else args.tickets
    args.messages = args.messages if args.messages is not None else 3 * args.tickets
    if args.now is None:
        args.now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if args.tickets < 1 or args.customers < 1 or args.agents < 1:
        parser.error("--tickets, --customers and --agents must be at least 1")
    if args.messages < args.tickets:
        parser.error("every ticket has at least one message: --messages >= --tickets")
    return args


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def log(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    database = setup_django(create_database=True)

    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/generate.py loads with PostgreSQL's COPY: set DATABASE_URL.")
    log(f"database {database}: migrating")
    call_command("migrate", interactive=False, verbosity=0)

    from bulkdata.load import CannotLoad, fill
    from bulkdata.plan import Sizes

    sizes = Sizes(customers=args.customers, orders=args.orders, tickets=args.tickets,
                  messages=args.messages)
    log(f"seed {args.seed}, data up to {args.now:%Y-%m-%d %H:%M} UTC")
    try:
        counts = fill(sizes, seed=args.seed, now=int(args.now.timestamp()), reset=args.reset,
                      agents=args.agents, log=log)
    except CannotLoad as exc:
        raise SystemExit(str(exc)) from exc
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    log("")
    for table, rows in counts.items():
        log(f"  {table:<30} {rows:>12,}")
    log(f"done in {time.perf_counter() - started:.0f} s; database {database} is {size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
