"""Benchmarks of proactive shipping-delay notices (not part of the test run).

    export DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_notices_bench \\
           REDIS_URL=redis://127.0.0.1:6379/7
    python bench/notices_delay.py generate --shipments 1000000   # COPY, idempotent: extends
    python bench/notices_delay.py sweep --late 0,100,1000,10000 --runs 7
    python bench/notices_delay.py deliver --notices 1000 --concurrency 2

generate  Fills the database (its own; it is migrated first) with customers, orders,
          shipments, two or three tracking scans each, and the notices app's watch rows,
          by COPY. 90% of shipments are delivered, 9.5% in transit with a promised date
          still ahead, 0.5% already late with their episode and notice bookkeeping. Run it
          again with a larger --shipments to extend the same data set.
sweep     Makes --late in-transit shipments become late at a fixed instant (their
          promised day ends at midnight in the customer's zone) and times one run of the
          sweep (notices.services.sweep: read the due watch rows, detect, open episodes,
          update the watch rows), median and p95 over --runs, with its SQL query count.
          The episodes are removed between runs.
deliver   Starts a real Celery worker (prefork) and a local SMTP server, queues the notice
          tasks for --notices pending episodes and measures notices written and emailed
          per second, end to end, until the SMTP server has every email.
"""

import argparse
import io
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import backend_cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DEBUG", "true")

# The benchmark's clock: the sweep runs two minutes after midnight in Shanghai.
MIDNIGHT = datetime(2026, 3, 11, 0, 0, tzinfo=UTC) - timedelta(hours=8)
SWEEP_AT = MIDNIGHT + timedelta(minutes=2)
LATE_DAY = date(2026, 3, 10)  # promised for this day: late from MIDNIGHT in Shanghai
ZONES = ["Asia/Shanghai"] * 8 + ["Europe/Berlin", "America/New_York"]
CARRIERS = ["SF Express", "YTO Express", "ZTO Express", "JD Logistics", "DHL"]


def setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The notices bench loads with PostgreSQL's COPY: set DATABASE_URL.")
    return connection


class Rows(io.RawIOBase):
    """A file-like stream of COPY text lines, produced lazily."""

    def __init__(self, lines):
        self.lines = iter(lines)
        self.buffer = b""

    def readable(self):
        return True

    def readinto(self, target):
        parts, have = [self.buffer], len(self.buffer)
        while have < len(target):
            try:
                part = (next(self.lines) + "\n").encode()
            except StopIteration:
                break
            parts.append(part)
            have += len(part)
        self.buffer = b"".join(parts)
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def copy(cursor, table: str, columns: list[str], lines) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    cursor.copy_expert(sql, io.BufferedReader(Rows(lines), buffer_size=1 << 20))


def text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def line(*values) -> str:
    return "\t".join(text(value) for value in values)


def max_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
    return cursor.fetchone()[0]


def generate(args) -> None:
    connection = setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from notices.detection import late_boundary

    connection.ensure_connection()
    raw = connection.connection
    cursor = raw.cursor()
    start = max_id(cursor, "customers_shipment")
    if start >= args.shipments:
        print(f"already {start} shipments")
        return
    count = args.shipments - start
    first_customer = max_id(cursor, "customers_customer") + 1
    customers = max(1, count // 5)
    rng = random.Random(args.seed + start)
    created = SWEEP_AT - timedelta(days=3)
    began = time.perf_counter()

    zones = [rng.choice(ZONES) for _ in range(customers)]
    copy(cursor, "customers_customer",
         ["id", "name", "language", "time_zone", "notes", "created_at", "updated_at"],
         (line(first_customer + i, f"Bench customer {first_customer + i}", "en", zones[i], "",
               created, created) for i in range(customers)))
    copy(cursor, "customers_customeridentity",
         ["customer_id", "kind", "value", "is_primary", "created_at"],
         (line(first_customer + i, "email", f"bench{first_customer + i}@example.com", "t",
               created) for i in range(customers)))
    print(f"customers {customers} in {time.perf_counter() - began:.1f}s", flush=True)

    plan = []  # (shipment id, customer id, kind)
    for offset in range(count):
        shipment_id = start + 1 + offset
        roll = rng.random()
        kind = "delivered" if roll < 0.90 else "transit" if roll < 0.995 else "late"
        plan.append((shipment_id, first_customer + rng.randrange(customers), kind))

    def order_rows():
        for shipment_id, customer_id, _kind in plan:
            placed = SWEEP_AT - timedelta(days=rng.randint(2, 365))
            yield line(shipment_id, customer_id, f"B{shipment_id}", f"bench-{shipment_id}",
                       placed, "paid", "CNY", "199.00", "0", created, created)

    copy(cursor, "customers_order",
         ["id", "customer_id", "number", "shop_order_id", "placed_at", "status", "currency",
          "total", "refunded_total", "created_at", "updated_at"], order_rows())
    print(f"orders {count} in {time.perf_counter() - began:.1f}s", flush=True)

    details = {}

    def shipment_rows():
        for shipment_id, customer_id, kind in plan:
            carrier = CARRIERS[shipment_id % len(CARRIERS)]
            if kind == "delivered":
                shipped = SWEEP_AT - timedelta(days=rng.randint(3, 360), hours=rng.randint(0, 23))
                promised = (shipped + timedelta(days=4)).date()
                delivered = shipped + timedelta(days=rng.randint(1, 4))
                status, last = "delivered", delivered
            else:
                last = SWEEP_AT - timedelta(hours=rng.randint(1, 48))
                shipped = last - timedelta(days=1)
                delivered = None
                status = "in_transit"
                promised = (LATE_DAY + timedelta(days=rng.randint(2, 10)) if kind == "transit"
                            else LATE_DAY - timedelta(days=rng.randint(1, 5)))
            details[shipment_id] = (promised, last)
            tracking = f"BN{shipment_id:012d}"
            yield line(shipment_id, shipment_id, customer_id, carrier, tracking,
                       f"https://track.example/{tracking}", None, status, shipped, promised,
                       promised, delivered, last, created, created)

    copy(cursor, "customers_shipment",
         ["id", "order_id", "customer_id", "carrier", "tracking_number", "tracking_url",
          "shop_fulfillment_id", "status", "shipped_at", "promised_delivery_date",
          "estimated_delivery", "delivered_at", "last_event_at", "created_at", "updated_at"],
         shipment_rows())
    print(f"shipments {count} in {time.perf_counter() - began:.1f}s", flush=True)

    def event_rows():
        for shipment_id, _customer_id, kind in plan:
            _promised, last = details[shipment_id]
            yield line(shipment_id, last - timedelta(days=1), "label_created", "Hangzhou",
                       "Shipment information received", created)
            yield line(shipment_id, last - timedelta(hours=1) if kind == "delivered" else last,
                       "in_transit", "Hangzhou hub", "Departed facility", created)
            if kind == "delivered":
                yield line(shipment_id, last, "delivered", "Destination", "Delivered", created)

    copy(cursor, "customers_trackingevent",
         ["shipment_id", "occurred_at", "status", "location", "description", "created_at"],
         event_rows())
    print(f"tracking events in {time.perf_counter() - began:.1f}s", flush=True)

    def watch_rows():
        for shipment_id, customer_id, kind in plan:
            if kind == "delivered":
                continue
            promised, last = details[shipment_id]
            zone = zones[customer_id - first_customer]
            late_at = late_boundary(promised, zone) if kind == "transit" else None
            yield line(shipment_id, late_at, last, created)

    copy(cursor, "notices_shipmentwatch",
         ["shipment_id", "late_at", "last_scan_at", "checked_at"], watch_rows())

    def episode_rows():
        for shipment_id, _customer_id, kind in plan:
            if kind != "late":
                continue
            promised, _last = details[shipment_id]
            yield line(shipment_id, "late", f"late:{promised.isoformat()}", "", promised, None,
                       MIDNIGHT - timedelta(days=1), None, "covered", "")

    copy(cursor, "notices_delayepisode",
         ["shipment_id", "reason", "key", "exception_code", "promised_date", "last_scan_at",
          "detected_at", "resolved_at", "notice_state", "skip_reason"], episode_rows())
    for table in ("customers_customer", "customers_order", "customers_shipment"):
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT max(id) FROM {table}))")
    cursor.execute("UPDATE notices_sweepstate SET last_shipment_id = "
                   "(SELECT max(id) FROM customers_shipment), last_event_id = "
                   "(SELECT max(id) FROM customers_trackingevent)")
    raw.commit()
    raw.autocommit = True
    for table in ("customers_shipment", "customers_trackingevent", "notices_shipmentwatch",
                  "notices_delayepisode", "customers_customer"):
        cursor.execute(f"VACUUM ANALYZE {table}")
    raw.autocommit = False
    cursor.execute("SELECT count(*) FROM customers_shipment")
    total = cursor.fetchone()[0]
    print(f"done: {total} shipments in the database, "
          f"{time.perf_counter() - began:.1f}s for this run", flush=True)


# --- The sweep -----------------------------------------------------------------------

def prepare_late(cursor, late: int) -> list[int]:
    """Make `late` in-transit Shanghai shipments due at MIDNIGHT; undo earlier runs."""
    cursor.execute("DELETE FROM notices_delayepisode WHERE detected_at = %s", [SWEEP_AT])
    cursor.execute(
        "SELECT s.id FROM customers_shipment s JOIN customers_customer c ON c.id = s.customer_id "
        "JOIN notices_shipmentwatch w ON w.shipment_id = s.id "
        "WHERE s.status = 'in_transit' AND c.time_zone = 'Asia/Shanghai' "
        "AND s.promised_delivery_date >= %s ORDER BY s.id LIMIT %s",
        [LATE_DAY, late])
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < late:
        raise SystemExit(f"only {len(ids)} in-transit shipments to make late; generate more")
    cursor.execute("UPDATE customers_shipment SET promised_delivery_date = %s "
                   "WHERE id = ANY(%s)", [LATE_DAY, ids])
    cursor.execute("UPDATE notices_shipmentwatch SET late_at = %s WHERE shipment_id = ANY(%s)",
                   [MIDNIGHT, ids])
    cursor.execute("UPDATE notices_sweepstate SET last_shipment_id = "
                   "(SELECT max(id) FROM customers_shipment), last_event_id = "
                   "(SELECT max(id) FROM customers_trackingevent)")
    return ids


def restore(cursor, ids: list[int]) -> None:
    later = LATE_DAY + timedelta(days=5)
    cursor.execute("DELETE FROM notices_delayepisode WHERE detected_at = %s", [SWEEP_AT])
    cursor.execute("UPDATE customers_shipment SET promised_delivery_date = %s "
                   "WHERE id = ANY(%s)", [later, ids])
    cursor.execute("UPDATE notices_shipmentwatch SET late_at = %s WHERE shipment_id = ANY(%s)",
                   [MIDNIGHT + timedelta(days=5), ids])


def vacuum(connection) -> None:
    raw = connection.connection
    autocommit, raw.autocommit = raw.autocommit, True
    with raw.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notices_shipmentwatch")
        cursor.execute("VACUUM ANALYZE notices_delayepisode")
    raw.autocommit = autocommit


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def sweep(args) -> None:
    connection = setup()
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from notices import services

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_shipment")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM notices_shipmentwatch")
        watched = cursor.fetchone()[0]
    print(f"{total} shipments, {watched} watched; sweep at {SWEEP_AT:%Y-%m-%d %H:%M} UTC")
    for late in [int(n) for n in args.late.split(",")]:
        timings, cpu, loads, queries = [], [], [], 0
        for _ in range(args.runs):
            with transaction.atomic(), connection.cursor() as cursor:
                ids = prepare_late(cursor, late)
            vacuum(connection)  # as autovacuum would, after the set-up's churn
            backend_before = backend_cpu_seconds(connection)
            process_before = time.process_time()
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                report = services.sweep(now=SWEEP_AT)
                timings.append((time.perf_counter() - began) * 1000)
            process_after = time.process_time()
            backend_after = backend_cpu_seconds(connection)
            if backend_before is not None and backend_after is not None:
                cpu.append((backend_after - backend_before
                            + process_after - process_before) * 1000)
            loads.append(os.getloadavg()[0])
            queries = len(captured.captured_queries)
            if report.due != late or len(report.to_notify) != late:
                raise SystemExit(f"expected {late} newly late, got {report}")
            with transaction.atomic(), connection.cursor() as cursor:
                restore(cursor, ids)
        print(f"newly late {late:>6}: median {statistics.median(timings):8.1f} ms  "
              f"p95 {percentile(timings, 0.95):8.1f} ms  max {max(timings):8.1f} ms  "
              + (f"CPU (Python + PostgreSQL backend) median {statistics.median(cpu):7.1f} ms  "
                 if cpu else "")
              + f"queries {queries}  load average {min(loads):.1f}-{max(loads):.1f}",
              flush=True)
    explain(connection)


def explain(connection) -> None:
    from django.db.models import Q

    from notices.models import ShipmentWatch

    due = ShipmentWatch.objects.filter(Q(late_at__lte=SWEEP_AT) | Q(
        last_scan_at__lte=SWEEP_AT - timedelta(hours=72))).values_list("shipment_id")[:20000]
    print("plan of the due query:")
    print("  " + due.explain(analyze=True).replace("\n", "\n  "))


# --- Delivery through a real worker ------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def deliver(args) -> None:
    connection = setup()
    from aiosmtpd.controller import Controller
    from django.db import transaction
    from django.db.models import Count

    from helpdesk.celery import app
    from notices import services
    from notices.models import DelayNotice, NoticeRules
    from notices.tasks import enqueue_notices
    from tickets.models import DeliveryStatus, Message

    class Sink:
        def __init__(self):
            self.count = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.count += 1
            return "250 OK"

    with transaction.atomic(), connection.cursor() as cursor:
        ids = prepare_late(cursor, args.notices)
    report = services.sweep(now=SWEEP_AT)
    episodes = report.to_notify
    # The notices are written now, in real time: send at any hour for the measurement.
    rules = NoticeRules.load()
    hours = (rules.send_from, rules.send_until)
    NoticeRules.objects.filter(pk=1).update(send_from="00:00", send_until="23:59:59.999999")

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    hostname = f"notices-bench-{os.getpid()}@127.0.0.1"
    log = open(ROOT / "var" / "notices-bench-worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-Q", "notices,default",
         "--concurrency", str(args.concurrency), "-n", hostname, "--loglevel=WARNING",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port),
                 EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"))
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[hostname], timeout=1.0):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit("the worker did not start; see var/notices-bench-worker.log")
        began = time.perf_counter()
        enqueue_notices(episodes)
        queued = time.perf_counter() - began
        deadline = time.monotonic() + args.timeout
        while sink.count < len(episodes) and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.perf_counter() - began
        notices = DelayNotice.objects.filter(episode_id__in=episodes)
        states = dict(Message.objects.filter(delay_notice__in=notices).values_list(
            "delivery_status").annotate(n=Count("id")))
        print(f"{len(episodes)} notices queued in {queued * 1000:.0f} ms; "
              f"{sink.count} emails received in {elapsed:.1f} s = "
              f"{sink.count / elapsed:.1f} notices/s written and delivered "
              f"(worker prefork concurrency {args.concurrency}); messages {states}")
        if sink.count != len(episodes) or states.get(DeliveryStatus.SENT) != len(episodes):
            raise SystemExit("not every notice arrived exactly once")
    finally:
        os.kill(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        log.close()
        controller.stop()
        NoticeRules.objects.filter(pk=1).update(send_from=hours[0], send_until=hours[1])
        notice_rows = DelayNotice.objects.filter(episode_id__in=episodes)
        tickets = list(notice_rows.values_list("ticket_id", flat=True))
        notice_rows.delete()
        from tickets.models import Ticket

        Ticket.objects.filter(pk__in=tickets).delete()
        with transaction.atomic(), connection.cursor() as cursor:
            restore(cursor, ids)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("generate")
    make.add_argument("--shipments", type=int, default=1_000_000)
    make.add_argument("--seed", type=int, default=7)
    run = commands.add_parser("sweep")
    run.add_argument("--late", default="0,100,1000,10000")
    run.add_argument("--runs", type=int, default=7)
    send = commands.add_parser("deliver")
    send.add_argument("--notices", type=int, default=1000)
    send.add_argument("--concurrency", type=int, default=2)
    send.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    {"generate": generate, "sweep": sweep, "deliver": deliver}[args.command](args)


if __name__ == "__main__":
    main()
