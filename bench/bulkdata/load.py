"""The whole load: plan the shop, make the staff, COPY every table in one transaction,
bring indexes and constraints back, reset the sequences, ANALYZE."""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import OperationalError, connection, transaction
from taggit.models import TaggedItem

from customers.models import Customer
from loyalty.models import Tier
from tickets.models import Attachment, Ticket

from . import commerce as commerce_rows
from . import support as support_rows
from .commerce import CommerceTargets, OrderRows, customer_batches
from .pgload import Batch, Target, copy_batches, defer_indexes_and_constraints
from .plan import Sizes, make_plan
from .staff import ensure_staff, ensure_tags
from .support import SupportTargets, TicketRows

Log = Callable[[str], None]
LOCK_TIMEOUT = "20s"


class CannotLoad(Exception):
    """The database is not in a state to load into; the message says why."""


@contextmanager
def phase(log: Log, label: str, detail: Callable[[], str] = lambda: ""):
    started = time.perf_counter()
    yield
    log(f"{label:<12} {time.perf_counter() - started:7.1f} s  {detail()}")


def _waited(seconds: float) -> str:
    return f"; {seconds:.1f} s of it waiting for Python to generate rows"


def _progress(batches: Iterable[Batch], log: Log, label: str, total: int,
              per_batch: int) -> Iterator[Batch]:
    """Passes the batches through, telling every tenth of the way how far it got."""
    step = max(1, total // per_batch // 10)
    started = time.perf_counter()
    for number, batch in enumerate(batches, 1):
        yield batch
        if number % step == 0:
            done = min(total, number * per_batch)
            log(f"  {label} {done:,}/{total:,} ({done / total:.0%}) "
                f"{time.perf_counter() - started:.0f} s")


def _rows(targets: Iterable[Target]) -> str:
    return ", ".join(f"{t.table} {t.rows:,}" for t in targets)


def fill(sizes: Sizes, *, seed: int, now: int, reset: bool, agents: int,
         log: Log = print) -> dict[str, int]:
    """Fill the shared schema; returns the row count per table."""
    commerce, support = CommerceTargets.create(), SupportTargets.create()
    tagged = Target(TaggedItem, ("tag_id", "content_type_id", "object_id"), freeze=False)
    loaded = [commerce.customers, commerce.identities, commerce.orders, commerce.lines,
              commerce.shipments, commerce.tracking, support.tickets, support.messages,
              support.events]
    existing = Ticket.objects.exists() or Customer.objects.exists()
    if existing and not reset:
        raise CannotLoad("The database already has customers or tickets: pass --reset to "
                         "replace them.")

    tiers = list(Tier.objects.order_by("rank").values_list("id", "min_orders"))
    with phase(log, "plan", lambda: f"{sizes.customers:,} customers, {sizes.orders:,} orders, "
               f"{sizes.tickets:,} tickets"):
        plan = make_plan(sizes, seed=seed, now=now, tiers=tiers)
    with phase(log, "staff", lambda: f"{agents} agents, teams, tags"):
        staff = ensure_staff(agents=agents)
        tags = ensure_tags()
    customer_type = ContentType.objects.get_for_model(Customer).pk
    ticket_type = ContentType.objects.get_for_model(Ticket).pk
    vip_tiers = set(Tier.objects.vip().values_list("id", flat=True))

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        tables = [t.table for t in loaded] + [Attachment._meta.db_table]
        # Truncated in this transaction, so COPY can write the rows frozen (see pgload).
        # Give up rather than queue: while TRUNCATE waits for a lock, every other query
        # on these tables waits behind it.
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        try:
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        except OperationalError as exc:
            raise CannotLoad(f"Other sessions are using the tables (a benchmark, psql, "
                             f"pg_dump... see pg_stat_activity): {exc}".strip()) from exc
        cursor.execute("SET LOCAL lock_timeout = 0")
        TaggedItem.objects.filter(content_type_id__in=[customer_type, ticket_type]).delete()
        deferred = [defer_indexes_and_constraints(cursor, t.table) for t in loaded]

        waited = 0.0
        with phase(log, "customers", lambda: _rows(loaded[:2]) + _waited(waited)):
            batches = customer_batches(plan, commerce, tagged, tags, customer_type)
            waited = copy_batches(cursor, _progress(batches, log, "customers",
                                                    sizes.customers, commerce_rows.BATCH))
        with phase(log, "orders", lambda: _rows(loaded[2:6]) + _waited(waited)):
            batches = OrderRows(plan, commerce).batches()
            waited = copy_batches(cursor, _progress(batches, log, "orders", sizes.orders,
                                                    commerce_rows.BATCH))
        with phase(log, "tickets", lambda: _rows(loaded[6:]) + _waited(waited)):
            rows = TicketRows(plan, support, staff, messages=sizes.messages, tagged=tagged,
                              tags=tags, content_type_id=ticket_type,
                              mail_domain=settings.KEFU_MAIL_DOMAIN, vip_tiers=vip_tiers)
            waited = copy_batches(cursor, _progress(rows.batches(), log, "tickets",
                                                    sizes.tickets, support_rows.BATCH))
        for schema in deferred:
            seconds = schema.restore(cursor)
            log(f"{'indexes':<12} {seconds:7.1f} s  {schema.table} "
                f"({len(schema.statements)} indexes and constraints, foreign keys checked)")
        for statement in connection.ops.sequence_reset_sql(no_style(), [t.model for t in loaded]):
            cursor.execute(statement)

    counts = {}
    with connection.cursor() as cursor:
        for target in [*loaded, tagged]:
            with phase(log, "analyze", lambda target=target: target.table):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(target.table)}")
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(target.table)}")
            counts[target.table] = cursor.fetchone()[0]
    return counts
