from datetime import datetime, timedelta

from django import template
from django.utils import formats, timezone

from sla import timeline

register = template.Library()


@register.filter
def sla_duration(value: timedelta | None) -> str:
    """Hours and minutes, e.g. 0:04 or 27:15 (the sign is for the words around it)."""
    if value is None:
        return ""
    minutes = int(abs(value).total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


@register.filter
def sla_time(value: datetime | None, now: datetime | None = None) -> str:
    """A due time as short as is clear: 14:05 today, "Tue 14:05" this week, else the date."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    today = timezone.localtime(now or timezone.now()).date()
    if local.date() == today:
        return formats.date_format(local, "H:i")
    if abs((local.date() - today).days) < 6:
        return formats.date_format(local, "D H:i")
    return formats.date_format(local, "Y-m-d H:i")


@register.simple_tag
def sla_event_text(event) -> str:
    """The wording of an SLA item (TicketEvent of kind "sla") on the ticket timeline."""
    return timeline.describe(event)
