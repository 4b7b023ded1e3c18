"""Loyalty on the generated shop: the full tier recompute of every customer, the incremental
work per order event, the sweeps behind them, and the loyalty pages.

    DEBUG=true .venv/bin/python bench/loyalty_recompute.py [--events 200] [--cold]

The database needs loyalty's migrations (`manage.py migrate loyalty`). The full recompute
commits, as the command does: it fixes the generator's ~2% stale tiers and writes every
customer's membership; `--cold` first empties loyalty's own membership tables so the run
starts from nothing. Each order event runs in its own transaction that is rolled back, so
the generated orders stay as they are (the figures leave out the commit).
"""

import argparse
import random
import sys
import time

from common import setup_django

setup_django()

from common import bench_user, measure_page, print_table  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.models import Customer, Order, OrderStatus  # noqa: E402
from loyalty import services  # noqa: E402
from loyalty.models import Tier  # noqa: E402
from loyalty.services import ledgers, orders, tiers  # noqa: E402
from tickets.models import Ticket  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def loyalty_is_migrated() -> bool:
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes("loyalty"))


def empty_memberships() -> None:
    """Forget every membership, history row and order sync (loyalty's own tables only)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE loyalty_membership, loyalty_tierchange, loyalty_tieraward, "
                       "loyalty_ordersync")


def timed(func):
    connection.queries_log.clear()  # the log keeps 9,000 queries; count from empty
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    return result, elapsed, len(queries.captured_queries)


def full_recompute(label: str) -> dict:
    result, seconds, queries = timed(lambda: services.recompute_all(send_messages=False))
    return {"what": label, "customers": f"{result.customers:,}", "seconds": f"{seconds:.1f}",
            "customers/s": f"{result.customers / seconds:,.0f}", "queries": queries,
            "memberships written": f"{result.written:,}", "up": result.up, "down": result.down}


def per_event(label: str, keys: list[int], prepare=None, handle_first: bool = False) -> dict:
    """Handle one order event per key, each in a transaction rolled back afterwards.
    `prepare(key)` makes the change and returns the order id."""
    times, counts = [], []
    for key in keys:
        with transaction.atomic():
            order_id = prepare(key) if prepare is not None else key
            if handle_first:
                services.handle_order_changed(order_id=order_id)
            _result, seconds, queries = timed(
                lambda order_id=order_id: services.handle_order_changed(order_id=order_id))
            transaction.set_rollback(True)
        times.append(seconds * 1000)
        counts.append(queries)
    return {"what": label, "events": len(keys),
            "median ms": f"{percentile(times, 0.5):.1f}",
            "p95 ms": f"{percentile(times, 0.95):.1f}",
            "queries (median / max)": f"{percentile(counts, 0.5)} / {max(counts)}"}


def once(label: str, func) -> dict:
    result, seconds, queries = timed(func)
    size = len(result) if hasattr(result, "__len__") else result
    return {"what": label, "ms": f"{seconds * 1000:.0f}", "queries": queries, "rows": size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200, help="order events per scenario")
    parser.add_argument("--cold", action="store_true",
                        help="empty loyalty's membership tables first")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not loyalty_is_migrated():
        raise SystemExit("Run `manage.py migrate loyalty` on this database first.")
    rng = random.Random(args.seed)
    if args.cold:
        empty_memberships()
    customers = Customer.objects.count()
    print(f"{customers:,} customers, {Order.objects.count():,} orders, "
          f"{Tier.objects.count()} tiers; {timezone.now():%Y-%m-%d %H:%M} UTC\n")

    print_table([full_recompute("full recompute" + (", cold (no memberships)" if args.cold
                                                    else "")),
                 full_recompute("full recompute again (nothing to change)")],
                title="Full recompute (recompute_tiers --no-messages)")

    max_id = Order.objects.order_by("-pk").values_list("pk", flat=True).first()
    some_orders = list(Order.objects.filter(
        pk__in=[rng.randint(1, max_id) for _ in range(args.events * 2)])
        .values_list("pk", flat=True))[:args.events]
    counting = list(Order.objects.counting().filter(
        pk__in=[rng.randint(1, max_id) for _ in range(args.events * 2)])
        .values_list("pk", flat=True))[:args.events]
    buyers = list(Customer.objects.filter(
        pk__in=[rng.randint(1, customers) for _ in range(args.events * 2)])
        .values_list("pk", flat=True))[:args.events]

    def new_order(customer_id: int) -> int:
        return Order.objects.create(
            customer_id=customer_id, number=f"BENCH-{customer_id}-{rng.random()}",
            placed_at=timezone.now(), status=OrderStatus.PAID, total="268.00").pk

    def cancel(order_id: int) -> int:
        Order.objects.filter(pk=order_id).update(status=OrderStatus.CANCELLED,
                                                 updated_at=timezone.now())
        return order_id

    print_table([
        per_event("event for an existing order (first sync)", some_orders),
        per_event("the same event again (nothing changes)", some_orders, handle_first=True),
        per_event("a new paid order", buyers, prepare=new_order),
        per_event("a counting order cancelled", counting, prepare=cancel),
    ], title="Incremental work per order_changed event (points, tier, milestone)")

    now = timezone.now()
    print_table([
        once("orders whose event was lost (sweep query)",
             lambda: orders.unsynced_orders(now=now)),
        once("memberships due for review", lambda: tiers.due_for_review(now=now)),
        once("wallets with expiring points",
             lambda: ledgers.customers_with_expiring_points(now=now)),
    ], title="Sweeps")

    def page(url: str, label: str, user, repeat: int) -> dict:
        connection.queries_log.clear()
        return measure_page(url, user=user, repeat=repeat).row(label)

    manager, agent = bench_user("manager"), bench_user("agent")
    bronze = Tier.objects.get(name="Bronze")
    members = Customer.objects.filter(tier=bronze).count()
    ticket_id, customer_id = Ticket.objects.order_by("-pk").values_list("pk", "customer_id")[0]
    print_table([
        page("/loyalty/", "manager report", manager, 10),
        page(f"/loyalty/tiers/{bronze.pk}/members/", "Bronze members, page 1", manager, 10),
        page(f"/loyalty/tiers/{bronze.pk}/members/?page={members // 50}",
             "Bronze members, last page", manager, 10),
        page(f"/loyalty/tickets/{ticket_id}/panel/", "ticket panel", agent, 20),
        page(f"/loyalty/customers/{customer_id}/balances/", "customer balances (360)", agent,
             20),
        page(f"/loyalty/customers/{customer_id}/", "customer ledger", agent, 20),
        page("/loyalty/approvals/", "approvals", manager, 10),
    ], title="Loyalty pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
