"""Running imported items through the write path in batches: each batch is one transaction
that commits whole or not at all."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

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


def _run_batch(kind: str, batch: list[Item], dry_run: bool, report: ImportReport) -> None:
    record = RECORD[kind]
    errors: list[RowError] = []
    with transaction.atomic():
        for item in batch:
            if item.errors:
                errors.append(RowError(item.lines, item.key, "; ".join(item.errors)))
                continue
            try:
                # Each record_* is atomic: inside this batch it is a savepoint, so a bad row
                # is undone alone and the rest of the batch is still checked.
                record(data=item.data)
            except commerce.NotYetKnown as exc:
                errors.append(RowError(item.lines, item.key, str(exc)))
            except commerce.CommerceDataError as exc:
                errors.append(RowError(item.lines, item.key, str(exc)))
            except DatabaseError as exc:
                errors.append(RowError(item.lines, item.key,
                                       f"the database refused it: {exc}".strip()))
        if errors or dry_run:
            transaction.set_rollback(True)
    report.batches += 1
    if errors:
        report.failed_batches += 1
        report.errors += errors
        report.rolled_back += len(batch) - len(errors)
    else:
        report.imported += len(batch)
