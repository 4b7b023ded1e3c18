"""Formatting of dashboard cells: counts, percentages and business-time durations."""

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

register = template.Library()


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return _("%(n)s min") % {"n": number_format(round(seconds / 60, 1))}
    if seconds < 86400:
        return _("%(n)s h") % {"n": number_format(round(seconds / 3600, 1))}
    return _("%(n)s d") % {"n": number_format(round(seconds / 86400, 1))}


@register.filter
def business_duration(seconds):
    return duration(seconds)


@register.filter
def cell(value, kind: str) -> str:
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


@register.filter
def heat(value, maximum) -> str:
    """A background opacity for a heatmap cell (0 to 0.85)."""
    if not maximum:
        return "0"
    return f"{0.85 * (value or 0) / maximum:.2f}"


@register.filter
def percent(value) -> str:
    return cell(value, "percent")


@register.filter
def category_label(value: str) -> str:
    from tickets.models import Category

    return str(dict(Category.choices).get(value, value))


@register.filter
def change(now, before) -> str:
    """The change from last week, signed ("+3", "−2", "±0")."""
    delta = (now or 0) - (before or 0)
    if delta > 0:
        return f"+{intcomma(delta)}"
    if delta < 0:
        return f"−{intcomma(-delta)}"
    return "±0"
