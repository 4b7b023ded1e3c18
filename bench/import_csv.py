"""CSV import speed: generate an orders file (one row per line item) and time
`import_commerce orders` on it, then the same file again (the idempotent re-import).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_<you> \
      REDIS_URL=redis://127.0.0.1:6379/<n> .venv/bin/python bench/import_csv.py --orders 100000

It creates and migrates the database if needed, and removes the customers and orders a
previous run imported (their shop ids start with "bench-csv-") before it starts, so runs
can be repeated. The order events the import publishes go to the configured broker; the
script purges its queues at the end (use a Redis db of your own).
"""

import argparse
import csv
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import REPO, print_table, setup_django

PREFIX = "bench-csv-"
HEADER = ["order_number", "shop_order_id", "placed_at", "status", "currency", "total",
          "customer_shop_id", "customer_email", "customer_name", "line_sku", "line_title",
          "line_quantity", "line_unit_price", "line_shop_id"]
PRODUCTS = [("TEA-001", "Longjing green tea 250g", 99), ("TEA-014", "Pu'er cake 357g", 268),
            ("CUP-220", "Celadon tea cup set", 159), ("POT-031", "Yixing clay teapot", 420),
            ("SILK-07", "Silk scarf, peony print", 199), ("FAN-002", "Sandalwood fan", 45)]
STATUSES = ["paid"] * 8 + ["delivered"] * 8 + ["fulfilled"] * 2 + ["cancelled", "refunded"]


def write_orders_csv(path: Path, *, orders: int, customers: int, seed: int = 7) -> int:
    """`orders` orders of `customers` customers, 1-3 lines each; returns the rows written."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(orders):
            customer = rng.randrange(customers)
            lines = rng.sample(PRODUCTS, rng.randint(1, 3))
            quantities = [rng.randint(1, 3) for _ in lines]
            total = sum(price * q for (_, _, price), q in zip(lines, quantities, strict=True))
            placed = start + timedelta(minutes=n * 5 + rng.randrange(5))
            for i, ((sku, title, price), quantity) in enumerate(zip(lines, quantities,
                                                                    strict=True)):
                writer.writerow([
                    f"B{700000 + n}", f"{PREFIX}o{n}", placed.isoformat(), STATUSES[n % 20],
                    "CNY", f"{total}.00", f"{PREFIX}c{customer}",
                    f"buyer{customer}@bench-csv.example", f"Buyer {customer}", sku, title,
                    quantity, f"{price}.00", f"{PREFIX}o{n}-l{i}"])
                rows += 1
    return rows


def clear_previous_run() -> None:
    from django.db import connection

    from customers.models import CustomerIdentity, Order

    customer_ids = list(CustomerIdentity.objects.filter(value__startswith=PREFIX)
                        .values_list("customer_id", flat=True))
    order_ids = list(Order.objects.filter(shop_order_id__startswith=PREFIX)
                     .values_list("pk", flat=True))
    if not customer_ids and not order_ids:
        return
    with connection.cursor() as cursor:
        # Every row that points at these orders or customers goes with them.
        cursor.execute("SET session_replication_role = replica")
        for table, column, ids in [
            ("customers_orderline", "order_id", order_ids),
            ("loyalty_ordersync", "order_id", order_ids),
            ("loyalty_pointsentry", "customer_id", customer_ids),
            ("loyalty_wallet", "customer_id", customer_ids),
            ("loyalty_membership", "customer_id", customer_ids),
            ("loyalty_tierchange", "customer_id", customer_ids),
            ("loyalty_tieraward", "customer_id", customer_ids),
            ("customers_order", "id", order_ids),
            ("customers_customeridentity", "customer_id", customer_ids),
            ("customers_customer", "id", customer_ids),
        ]:
            if ids:
                cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])
        cursor.execute("SET session_replication_role = DEFAULT")


def analyze() -> None:
    """Dead rows cleared and fresh planner statistics, as autovacuum keeps them in
    production. A bench server may run without it: then the rows a previous run deleted
    stay in the tables, the statistics say they are empty, and every lookup of a batch
    scans them all."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("customers_customer", "customers_customeridentity", "customers_order",
                      "customers_orderline"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def run_import(path: Path, *, batch_size: int, dry_run: bool = False) -> tuple[float, str]:
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    args = ["import_commerce", "orders", str(path), "--batch-size", str(batch_size),
            "--no-progress"]
    if dry_run:
        args.append("--dry-run")
    started = time.perf_counter()
    call_command(*args, stdout=out, stderr=err)
    return time.perf_counter() - started, out.getvalue().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100000)
    parser.add_argument("--customers", type=int, help="default: orders / 4")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--file", default=str(REPO / "var" / "bench-orders.csv"))
    parser.add_argument("--no-reimport", action="store_true",
                        help="Time the first import only.")
    parser.add_argument("--dry-run", action="store_true", help="Also time a dry run.")
    options = parser.parse_args()
    setup_django(create_database=True)

    from django.core.management import call_command

    from customers.models import Order
    from helpdesk.celery import app

    call_command("migrate", verbosity=0)
    clear_previous_run()
    path = Path(options.file)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = write_orders_csv(path, orders=options.orders,
                            customers=options.customers or max(options.orders // 4, 1))
    print(f"{path.name}: {options.orders:,} orders in {rows:,} rows", file=sys.stderr)
    results = []
    runs = [("import", False)]
    if options.dry_run:
        runs.insert(0, ("dry run", True))
    if not options.no_reimport:
        runs.append(("re-import (no change)", False))
    for label, dry_run in runs:
        analyze()
        seconds, summary = run_import(path, batch_size=options.batch_size, dry_run=dry_run)
        print(summary, file=sys.stderr)
        results.append({"run": label, "orders": options.orders, "rows": rows,
                        "seconds": seconds, "orders/s": options.orders / seconds})
    stored = Order.objects.filter(shop_order_id__startswith=PREFIX).count()
    if stored != options.orders:
        raise SystemExit(f"expected {options.orders} orders stored, found {stored}")
    app.control.purge()
    print_table(results)


if __name__ == "__main__":
    main()
