"""How dashboard values read: counts, percentages and business-time durations, in the
active language. Used by the tables (pre-formatted cells) and the template filters."""

from datetime import datetime

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

NUMERIC = {"count", "percent", "duration", "signed_duration", "datetime"}


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return _("%(n)s min") % {"n": number_format(round(seconds / 60, 1))}
    if seconds < 86400:
        return _("%(n)s h") % {"n": number_format(round(seconds / 3600, 1))}
    return _("%(n)s d") % {"n": number_format(round(seconds / 86400, 1))}


def format_value(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "percent":
        return f"{number_format(value, 1)}%"
    if kind == "duration":
        return duration(value)
    if kind == "signed_duration":
        text = duration(abs(value))
        return f"−{text}" if value < 0 else text
    if kind == "datetime" and isinstance(value, datetime):
        return date_format(localtime(value), "SHORT_DATETIME_FORMAT")
    if kind == "count":
        return intcomma(value)
    return str(value)


def css_class(value, kind: str) -> str:
    classes = ["text-end"] if kind in NUMERIC else []
    if kind == "signed_duration" and value is not None and value < 0:
        classes.append("sla-breached")
    return " ".join(classes)
