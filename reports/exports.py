"""CSV export of a dashboard table: raw figures, durations in minutes."""

import csv
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .tables import Table


class Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table) -> Iterable[str]:
    writer = csv.writer(Echo())
    header = []
    for column in table.columns:
        if column.kind in ("duration", "signed_duration"):
            header.append(_("%(title)s (minutes)") % {"title": column.title})
        elif column.kind == "percent":
            header.append(f"{column.title} (%)")
        else:
            header.append(column.title)
    yield "\ufeff" + writer.writerow(header)
    for row in table.rows:
        out = []
        for column, value in zip(table.columns, row, strict=True):
            if value is None:
                out.append("")
            elif column.kind in ("duration", "signed_duration"):
                out.append(round(value / 60, 1))
            elif column.kind == "datetime":
                out.append(value.isoformat())
            else:
                out.append(value)
        yield writer.writerow(out)
