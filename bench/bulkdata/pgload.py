"""Bulk loading into PostgreSQL with COPY.

The generators yield batches of rows (tuples) per table. A producer thread turns each
batch into an in-memory CSV chunk while the main thread streams the previous chunk to
the server with ``copy_expert``; psycopg2 releases the GIL while it talks to the
server, so Python and PostgreSQL work on the two cores at once.

Loading follows PostgreSQL's advice for populating a database: the tables are
truncated in the loading transaction (which lets ``COPY ... FREEZE`` write rows
already frozen and visible, so no later VACUUM rewrites them), secondary indexes,
unique and foreign-key constraints are dropped before the COPY and created again
after it. Re-adding each foreign key validates every row, so a generator bug that
breaks referential integrity fails the load instead of leaving bad data behind. All
of it happens in one transaction: a failure leaves the database as it was.
"""

import csv
import io
import json
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, models

NULL = r"\N"  # the NULL marker in the COPY stream; empty text stays empty text
CHUNK_QUEUE = 3  # CSV chunks waiting for COPY; bounds memory


@dataclass(eq=False)
class Target:
    """One table to fill: the model and the columns the generator writes, in order.

    Columns of the model that the generator does not write (added later by another app's
    migration, say) get the field's default, so the generator keeps working; an
    auto-increment primary key left out is numbered by its sequence.
    """

    model: type[models.Model]
    columns: tuple[str, ...]
    freeze: bool = True
    rows: int = 0
    extra_columns: tuple[str, ...] = field(init=False)
    extra_values: tuple = field(init=False)

    def __post_init__(self):
        pk = self.model._meta.pk
        extra = [f for f in self.model._meta.concrete_fields if f.column not in self.columns
                 and not (f is pk and isinstance(f, models.AutoField))]  # the sequence numbers
        unknown = set(self.columns) - {f.column for f in self.model._meta.concrete_fields}
        if unknown:
            raise ValueError(f"{self.table} has no column(s) {sorted(unknown)}")
        self.extra_columns = tuple(f.column for f in extra)
        self.extra_values = tuple(self._default_text(f) for f in extra)

    def _default_text(self, fld: models.Field):
        if fld.has_default():
            value = fld.get_default()
            if isinstance(fld, models.JSONField):
                return json.dumps(value)
            value = fld.get_db_prep_save(value, connection)
            return NULL if value is None else value
        if fld.null:
            return NULL
        raise ValueError(f"{self.table}.{fld.column} needs a value: no default and not null")

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def copy_sql(self) -> str:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns + self.extra_columns)
        freeze = ", FREEZE" if self.freeze else ""
        return (f"COPY {quote(self.table)} ({columns}) FROM STDIN "
                f"WITH (FORMAT csv, NULL '{NULL}'{freeze})")


Batch = dict[Target, list[tuple]]


def _csv_chunks(batches: Iterable[Batch],
                stop: threading.Event) -> Iterator[tuple[Target, io.StringIO]]:
    for batch in batches:
        for target, rows in batch.items():
            if not rows:
                continue
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            if target.extra_values:
                extra = target.extra_values
                writer.writerows(row + extra for row in rows)
            else:
                writer.writerows(rows)
            target.rows += len(rows)
            buffer.seek(0)
            yield target, buffer
        if stop.is_set():
            return


def copy_batches(cursor, batches: Iterable[Batch]) -> float:
    """COPY every batch, generating the next chunks in a thread while the server loads.

    Returns the seconds spent waiting for the generator: near zero when PostgreSQL is
    the bottleneck, most of the time when Python is."""
    chunks: queue.Queue = queue.Queue(maxsize=CHUNK_QUEUE)
    stop = threading.Event()
    done = object()

    def produce():
        try:
            for chunk in _csv_chunks(batches, stop):
                while not stop.is_set():
                    try:
                        chunks.put(chunk, timeout=0.5)
                        break
                    except queue.Full:
                        continue
            chunks.put(done)
        except BaseException as exc:  # handed to the main thread, which re-raises it
            chunks.put(exc)

    producer = threading.Thread(target=produce, name="csv-producer", daemon=True)
    producer.start()
    waited = 0.0
    try:
        while True:
            started = time.perf_counter()
            item = chunks.get()
            waited += time.perf_counter() - started
            if item is done:
                return waited
            if isinstance(item, BaseException):
                raise item
            target, buffer = item
            cursor.copy_expert(target.copy_sql(), buffer)
    finally:
        stop.set()
        while producer.is_alive():  # unblock a producer waiting on a full queue
            try:
                chunks.get_nowait()
            except queue.Empty:
                producer.join(0.1)


@dataclass
class DeferredSchema:
    """The secondary indexes and constraints of one table, dropped for the load."""

    table: str
    statements: list[str]  # to run after the load, in order

    def restore(self, cursor) -> float:
        started = time.perf_counter()
        for statement in self.statements:
            cursor.execute(statement)
        return time.perf_counter() - started


def defer_indexes_and_constraints(cursor, table: str) -> DeferredSchema:
    """Drop foreign keys, unique constraints and plain indexes of `table` (not its primary
    key, which other tables' foreign keys lean on); returns how to make them again."""
    quote = connection.ops.quote_name
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid "
        "AND k.conrelid = x.indrelid) ORDER BY c.relname",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _kind, _definition in constraints:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {quote(name)}")
    statements = [definition for _name, definition in indexes]
    # Unique constraints before the foreign keys that are checked against them.
    for name, _kind, definition in sorted(constraints, key=lambda c: c[1] != "u"):
        statements.append(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    return DeferredSchema(table=table, statements=statements)
