"""One row's rules: a calendar's schedule, a policy's conditions, a clock's arithmetic."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from sla.models import (
    BusinessCalendar,
    Holiday,
    OpeningInterval,
    SLAPolicy,
    SLATimer,
    TimerState,
    validate_time_zone,
)
from tests.factories import TeamFactory, tier

from .conftest import sh

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_seeded_calendar_is_open_09_to_21_every_day_in_the_shop_time_zone(shop_hours):
    schedule = shop_hours.schedule
    assert schedule.tz.key == "Asia/Shanghai"
    assert dict(schedule.weekly) == dict.fromkeys(range(7), ((540, 1260),))


def test_an_interval_closing_at_midnight_runs_to_the_end_of_the_day(db):
    calendar = BusinessCalendar.objects.create(name="Late shift", time_zone="Asia/Shanghai")
    interval = OpeningInterval.objects.create(calendar=calendar, weekday=4, start=time(18),
                                              end=time(0))
    assert interval.minutes == (1080, 1440)
    with pytest.raises(ValidationError):
        OpeningInterval(calendar=calendar, weekday=4, start=time(18), end=time(9)).clean()


def test_holidays_are_closed_all_day(db):
    calendar = BusinessCalendar.objects.create(name="Weekdays", time_zone="Asia/Shanghai")
    for weekday in range(5):
        OpeningInterval.objects.create(calendar=calendar, weekday=weekday, start=time(9),
                                       end=time(18))
    Holiday.objects.create(calendar=calendar, date=date(2025, 10, 1), name="National Day")
    assert date(2025, 10, 1) in calendar.schedule.holidays


def test_a_24_7_calendar_or_one_without_hours_counts_every_minute(db):
    always = BusinessCalendar.objects.create(name="Always", time_zone="UTC", always_open=True)
    empty = BusinessCalendar.objects.create(name="Nothing yet", time_zone="UTC")
    assert always.schedule.always_open and empty.schedule.always_open


def test_an_unknown_time_zone_is_rejected():
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus")
    validate_time_zone("Europe/Berlin")


def test_a_policy_matches_when_every_condition_holds(db):
    team = TeamFactory()
    policy = SLAPolicy.objects.create(
        name="Gold damaged", categories=["damaged"], priorities=["high", "urgent"],
        calendar=BusinessCalendar.objects.get(is_default=True))
    policy.tiers.set([tier("Gold")])
    policy.teams.set([team])
    values = {"priority": "high", "category": "damaged", "channel": "email",
              "tier_id": tier("Gold").pk, "team_id": team.pk}
    assert policy.matches(**values)
    assert not policy.matches(**{**values, "priority": "normal"})
    assert not policy.matches(**{**values, "category": "payment"})
    assert not policy.matches(**{**values, "tier_id": tier("Silver").pk})
    assert not policy.matches(**{**values, "tier_id": None})
    assert not policy.matches(**{**values, "team_id": None})
    policy.channels = ["chat"]
    assert not policy.matches(**values)


def test_the_catch_all_policy_matches_anything(db):
    default = SLAPolicy.objects.get(name="Default")
    assert default.matches(priority="low", category="other", channel="phone", tier_id=None,
                           team_id=None)


def _timer(calendar, **kwargs) -> SLATimer:
    values = {"target_minutes": 60, "business_hours": True, "warn_at_percent": 75,
              "state": TimerState.ACTIVE, "started_at": kwargs.get("anchor_at"),
              "elapsed_before": timedelta(0)}
    values.update(kwargs)
    timer = SLATimer(calendar=calendar, **values)
    timer.reschedule()
    return timer


def test_a_clock_counts_only_business_time_and_knows_its_time_left(shop_hours):
    timer = _timer(shop_hours, anchor_at=sh(2025, 3, 10, 20, 30))
    assert timer.due_at == sh(2025, 3, 11, 9, 30)
    assert timer.warn_at == sh(2025, 3, 11, 9, 15)
    assert timer.check_at == timer.warn_at
    assert timer.time_left(sh(2025, 3, 11, 8)) == timedelta(minutes=30)
    assert timer.time_left(sh(2025, 3, 11, 9, 40)) == timedelta(minutes=-10)


def test_time_counted_before_the_anchor_shortens_the_deadline(shop_hours):
    timer = _timer(shop_hours, anchor_at=sh(2025, 3, 10, 10),
                   elapsed_before=timedelta(minutes=50))
    assert timer.due_at == sh(2025, 3, 10, 10, 10)
    assert timer.warn_at == sh(2025, 3, 10, 10)  # 45 minutes were already past


def test_a_calendar_time_target_counts_nights_too(shop_hours):
    timer = _timer(shop_hours, anchor_at=sh(2025, 3, 10, 20, 30), business_hours=False)
    assert timer.due_at == sh(2025, 3, 10, 21, 30)


@pytest.mark.parametrize(("start", "due"), [
    # Spring forward (30 March 2025, 02:00 -> 03:00): the day is 23 hours long.
    (datetime(2025, 3, 29, 12, tzinfo=BERLIN), datetime(2025, 3, 30, 13, tzinfo=BERLIN)),
    # Fall back (26 October 2025, 03:00 -> 02:00): the day is 25 hours long.
    (datetime(2025, 10, 25, 12, tzinfo=BERLIN), datetime(2025, 10, 26, 11, tzinfo=BERLIN)),
])
def test_twenty_four_business_hours_are_real_hours_across_daylight_saving_changes(db, start,
                                                                                  due):
    calendar = BusinessCalendar.objects.create(name="Berlin round the clock",
                                               time_zone="Europe/Berlin")
    for weekday in range(7):
        OpeningInterval.objects.create(calendar=calendar, weekday=weekday, start=time(0),
                                       end=time(0))
    timer = _timer(calendar, anchor_at=start, target_minutes=24 * 60)
    assert timer.due_at == due
    assert timer.due_at - start == timedelta(hours=24)


def test_business_hours_on_a_daylight_saving_day_end_at_the_local_closing_time(db):
    calendar = BusinessCalendar.objects.create(name="Berlin shop", time_zone="Europe/Berlin")
    for weekday in range(7):
        OpeningInterval.objects.create(calendar=calendar, weekday=weekday, start=time(9),
                                       end=time(21))
    # Saturday 20:00 CET, 2 business hours: 1 h on Saturday, 1 h on Sunday (now CEST).
    timer = _timer(calendar, anchor_at=datetime(2025, 3, 29, 20, tzinfo=BERLIN),
                   target_minutes=120)
    assert timer.due_at == datetime(2025, 3, 30, 10, tzinfo=BERLIN)


def test_a_weekday_calendar_skips_the_weekend(db):
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Asia/Shanghai")
    for weekday in range(5):
        OpeningInterval.objects.create(calendar=calendar, weekday=weekday, start=time(9),
                                       end=time(18))
    # Friday 17:30 plus one business hour: 30 minutes on Friday, 30 on Monday.
    timer = _timer(calendar, anchor_at=sh(2025, 3, 14, 17, 30), target_minutes=60)
    assert timer.due_at == sh(2025, 3, 17, 9, 30)
