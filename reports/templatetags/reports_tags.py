"""Formatting of dashboard cells: counts, percentages and business-time durations."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from reports.formatting import duration, format_value

register = template.Library()


@register.filter
def business_duration(seconds):
    return duration(seconds)


@register.filter
def cell(value, kind: str) -> str:
    return format_value(value, kind)


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
