"""python manage.py import_commerce {customers,orders,shipments} FILE.csv [--dry-run]

Each batch (--batch-size items) is written whole or not at all; a row with an error rolls
its batch back and is listed in the error report (--errors FILE.csv, else on stderr).
Importing the same file again updates, never duplicates. Columns: customers/imports/rows.py.
"""

import csv
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from customers.imports.rows import COLUMNS, KINDS, HeaderError, check_header, read_items
from customers.imports.runner import run_import


class Command(BaseCommand):
    help = "Import customers, orders (one row per line item) or shipments from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check every row against the database, write nothing.")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--errors", help="Write the per-row error report to this CSV file.")
        parser.add_argument("--delimiter", default=",")
        parser.add_argument("--encoding", default="utf-8-sig")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, kind, path, dry_run, batch_size, errors, delimiter, encoding,
               no_progress, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            with open(path, newline="", encoding=encoding) as handle:
                total_rows = max(sum(1 for _ in handle) - 1, 0)
                handle.seek(0)
                reader = csv.DictReader(handle, delimiter=delimiter)
                try:
                    check_header(kind, reader.fieldnames)
                except HeaderError as exc:
                    raise CommandError(f"{path}: {exc}. Columns for {kind}: required "
                                       f"{', '.join(COLUMNS[kind]['required']) or '—'}; "
                                       f"optional {', '.join(COLUMNS[kind]['optional'])}") from exc
                with tqdm(total=total_rows, unit=" rows", desc=f"{kind}", file=sys.stderr,
                          disable=True if no_progress else None) as bar:
                    report = run_import(kind=kind, items=read_items(kind, reader),
                                        batch_size=batch_size, dry_run=dry_run,
                                        on_item=lambda item: bar.update(len(item.lines)))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"{path}: {exc}") from exc

        if errors:
            with open(errors, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "key", "error"])
                for error in report.errors:
                    writer.writerow([" ".join(map(str, error.lines)), error.key, error.error])
        else:
            for error in report.errors[:100]:
                self.stderr.write(f"line {', '.join(map(str, error.lines))} ({error.key}): "
                                  f"{error.error}")
            if len(report.errors) > 100:
                self.stderr.write(f"... and {len(report.errors) - 100} more errors "
                                  "(use --errors FILE for all of them)")
        verb = "would be imported" if dry_run else "imported"
        self.stdout.write(
            f"{kind}: {report.imported} {verb}; {len(report.errors)} with errors; "
            f"{report.rolled_back} not written because their batch had an error "
            f"({report.failed_batches} of {report.batches} batches rolled back)"
            + (" [dry run: nothing written]" if dry_run else ""))
        if report.errors:
            raise CommandError(f"{len(report.errors)} {kind} could not be imported")
