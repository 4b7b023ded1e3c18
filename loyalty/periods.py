"""Calendar periods in the shop's time zone (authority limits and budgets are per month)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings


def shop_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of the shop's calendar month that contains `now`."""
    local = now.astimezone(shop_zone())
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, start + relativedelta(months=1)
