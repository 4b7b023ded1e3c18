"""Helpers for the SLA tests: wall-clock times in the shop's time zone, the seeded
calendar and policies, and a ticket's clocks by metric."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sla.models import BusinessCalendar, SLATimer
from tests.factories import CustomerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
       second: int = 0) -> datetime:
    """A wall-clock time in Asia/Shanghai (the seeded calendar's zone)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def clocks(ticket) -> dict[tuple[str, int], SLATimer]:
    return {(t.metric, t.cycle): t for t in SLATimer.objects.filter(ticket=ticket)}


def clock(ticket, metric: str, cycle: int = 1) -> SLATimer:
    return SLATimer.objects.select_related("policy").get(ticket=ticket, metric=metric,
                                                        cycle=cycle)


@pytest.fixture
def shop_hours(db) -> BusinessCalendar:
    return BusinessCalendar.objects.get(is_default=True)


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Lin Wei", email="lin.wei@example.cn")
