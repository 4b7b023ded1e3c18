"""Running imported items through the write path in batches: each batch is one transaction
that commits whole or not at all."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from customers import events
from customers.services import commerce

from .rows import Item

RECORD = {
    "customers": commerce.record_customer,
    "orders": commerce.record_order,
    "shipments": commerce.record_shipment,
}


@dataclass
class RowError:
    lines: list[int]
    key: str
    error: str


@dataclass
class ImportReport:
    dry_run: bool = False
    imported: int = 0  # items written (or, in a dry run, that would be)
    rolled_back: int = 0  # valid items not written because their batch had an error
    batches: int = 0
    failed_batches: int = 0
    errors: list[RowError] = field(default_factory=list)


def run_import(*, kind: str, items: Iterable[Item], batch_size: int = 500,
               dry_run: bool = False,
               on_item: Callable[[Item], None] | None = None) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if on_item:
            on_item(item)
        if len(batch) >= batch_size:
            _run_batch(kind, batch, dry_run, report)
            batch = []
    if batch:
        _run_batch(kind, batch, dry_run, report)
    return report


def _row_error(item: Item, exc: Exception) -> RowError:
    if isinstance(exc, DatabaseError):
        return RowError(item.lines, item.key, f"the database refused it: {exc}".strip())
    return RowError(item.lines, item.key, str(exc))


def _record_each(kind: str, items: list[Item]) -> list[RowError]:
    record = RECORD[kind]
    errors = []
    for item in items:
        try:
            # Each record_* is atomic: inside this batch it is a savepoint, so a bad row
            # is undone alone and the rest of the batch is still checked.
            record(data=item.data)
        except (commerce.CommerceDataError, DatabaseError) as exc:
            errors.append(_row_error(item, exc))
    return errors


def _record_orders(items: list[Item]) -> list[RowError]:
    results = commerce.record_orders(items=[item.data for item in items])
    return [_row_error(item, result) for item, result in zip(items, results, strict=True)
            if isinstance(result, Exception)]


def _run_batch(kind: str, batch: list[Item], dry_run: bool, report: ImportReport) -> None:
    errors: list[RowError] = []
    readable = []
    for item in batch:
        if item.errors:
            errors.append(RowError(item.lines, item.key, "; ".join(item.errors)))
        else:
            readable.append(item)
    with transaction.atomic():
        # The batch's order and shipment events go out together after it commits: for
        # loyalty, one tier recompute per customer of the batch instead of one per row.
        with events.collected():
            if kind == "orders":
                errors += _record_orders(readable)
            else:
                errors += _record_each(kind, readable)
        if errors or dry_run:
            transaction.set_rollback(True)
    errors.sort(key=lambda error: error.lines)
    report.batches += 1
    if errors:
        report.failed_batches += 1
        report.errors += errors
        report.rolled_back += len(batch) - len(errors)
    else:
        report.imported += len(batch)
