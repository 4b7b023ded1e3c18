"""Tests for sla.business_time: worked examples with known answers, plus
property-based laws checked against an independent wall-clock oracle.

Pure Python: no Django, no database.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla import business_time
from sla.business_time import (
    Schedule,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
    open_periods,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")

MINUTE = timedelta(minutes=1)
MICROSECOND = timedelta(microseconds=1)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def local(
    tz: ZoneInfo,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    """A local wall-clock time in ``tz`` (``fold=1``: second occurrence)."""
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tz, fold=fold)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def wall_clock(instant: datetime, tz: ZoneInfo) -> tuple[datetime, int]:
    """Naive local wall time and fold of ``instant`` in ``tz``."""
    converted = instant.astimezone(tz)
    return converted.replace(tzinfo=None, fold=0), converted.fold


def weekdays(start: int, end: int, days: range = range(5)) -> dict[int, list[tuple[int, int]]]:
    return {day: [(start, end)] for day in days}


# Shanghai, 09:00-21:00 every day (no DST in China).
SHANGHAI_9_21 = Schedule.every_day(SHANGHAI, 9 * 60, 21 * 60)
# Shanghai, Monday-Friday 09:00-18:00.
SHANGHAI_OFFICE = Schedule(SHANGHAI, weekdays(9 * 60, 18 * 60))


# --------------------------------------------------------------------------- examples


class TestShanghaiExamples:
    def test_dates_used_below(self) -> None:
        assert date(2026, 3, 9).weekday() == 0  # Monday
        assert date(2026, 3, 13).weekday() == 4  # Friday
        assert date(2026, 10, 1).weekday() == 3  # Thursday, National Day

    def test_late_message_rolls_to_next_morning(self) -> None:
        # 20:50 + 15 min: 10 min today, 5 min after 09:00 tomorrow.
        due = add_business_time(SHANGHAI_9_21, local(SHANGHAI, 2026, 3, 9, 20, 50), minutes(15))
        assert due == local(SHANGHAI, 2026, 3, 10, 9, 5)
        assert due.tzinfo is UTC
        assert due == utc(2026, 3, 10, 1, 5)

    def test_night_message_starts_at_opening(self) -> None:
        due = add_business_time(SHANGHAI_9_21, local(SHANGHAI, 2026, 3, 9, 3, 0), minutes(120))
        assert due == local(SHANGHAI, 2026, 3, 9, 11, 0)

    def test_1440_business_minutes_are_two_twelve_hour_days(self) -> None:
        start = local(SHANGHAI, 2026, 3, 9, 10, 0)  # Monday
        due = add_business_time(SHANGHAI_9_21, start, minutes(1440))
        assert due == local(SHANGHAI, 2026, 3, 11, 10, 0)  # Wednesday
        assert business_time_between(SHANGHAI_9_21, start, due) == minutes(1440)

    def test_weekend_is_skipped(self) -> None:
        friday = local(SHANGHAI, 2026, 3, 13, 17, 30)
        due = add_business_time(SHANGHAI_OFFICE, friday, minutes(60))
        assert due == local(SHANGHAI, 2026, 3, 16, 9, 30)  # Monday
        assert business_time_between(SHANGHAI_OFFICE, friday, due) == minutes(60)
        saturday_noon = local(SHANGHAI, 2026, 3, 14, 12, 0)
        assert not is_open(SHANGHAI_OFFICE, saturday_noon)
        assert next_open(SHANGHAI_OFFICE, saturday_noon) == local(SHANGHAI, 2026, 3, 16, 9, 0)

    def test_national_day_holiday_is_skipped(self) -> None:
        schedule = Schedule.every_day(SHANGHAI, 9 * 60, 21 * 60, holidays={date(2026, 10, 1)})
        start = local(SHANGHAI, 2026, 9, 30, 20, 0)
        due = add_business_time(schedule, start, minutes(120))
        # 60 min on 30 Sep, 1 Oct closed, 60 min on 2 Oct.
        assert due == local(SHANGHAI, 2026, 10, 2, 10, 0)
        assert not is_open(schedule, local(SHANGHAI, 2026, 10, 1, 12, 0))
        assert business_time_between(
            schedule, local(SHANGHAI, 2026, 10, 1), local(SHANGHAI, 2026, 10, 2)
        ) == timedelta(0)
        # Without the holiday the same target would fall on 1 Oct.
        assert add_business_time(SHANGHAI_9_21, start, minutes(120)) == local(
            SHANGHAI, 2026, 10, 1, 10, 0
        )

    def test_golden_week(self) -> None:
        golden_week = {date(2026, 10, 1) + timedelta(days=n) for n in range(7)}
        schedule = Schedule.every_day(SHANGHAI, 9 * 60, 21 * 60, holidays=golden_week)
        due = add_business_time(schedule, local(SHANGHAI, 2026, 9, 30, 20, 0), minutes(120))
        assert due == local(SHANGHAI, 2026, 10, 8, 10, 0)

    def test_lunch_break_split_day(self) -> None:
        schedule = Schedule(
            SHANGHAI, {d: [(13 * 60, 18 * 60), (9 * 60, 12 * 60)] for d in range(5)}
        )
        assert schedule.weekly[0] == ((540, 720), (780, 1080))  # sorted
        monday = (2026, 3, 9)
        assert add_business_time(schedule, local(SHANGHAI, *monday, 11, 30), minutes(60)) == local(
            SHANGHAI, *monday, 13, 30
        )
        # Landing exactly on the start of lunch: 12:00, not 13:00.
        assert add_business_time(schedule, local(SHANGHAI, *monday, 11, 30), minutes(30)) == local(
            SHANGHAI, *monday, 12, 0
        )
        assert not is_open(schedule, local(SHANGHAI, *monday, 12, 30))
        assert is_open(schedule, local(SHANGHAI, *monday, 13, 0))
        assert business_time_between(
            schedule, local(SHANGHAI, *monday, 0, 0), local(SHANGHAI, *monday, 23, 59)
        ) == timedelta(hours=8)
        assert list(
            open_periods(schedule, local(SHANGHAI, *monday, 10, 0), local(SHANGHAI, *monday, 14, 0))
        ) == [
            (local(SHANGHAI, *monday, 10, 0), local(SHANGHAI, *monday, 12, 0)),
            (local(SHANGHAI, *monday, 13, 0), local(SHANGHAI, *monday, 14, 0)),
        ]

    def test_end_of_day_exact_landing(self) -> None:
        start = local(SHANGHAI, 2026, 3, 9, 20, 0)
        due = add_business_time(SHANGHAI_9_21, start, minutes(60))
        assert due == local(SHANGHAI, 2026, 3, 9, 21, 0)  # closing time, not 09:00 tomorrow
        assert not is_open(SHANGHAI_9_21, due)
        assert is_open(SHANGHAI_9_21, due - MICROSECOND)
        # One more minute spills over to the next morning.
        assert add_business_time(SHANGHAI_9_21, start, minutes(61)) == local(
            SHANGHAI, 2026, 3, 10, 9, 1
        )

    def test_zero_duration(self) -> None:
        open_instant = local(SHANGHAI, 2026, 3, 9, 10, 17, 3, 123)
        assert add_business_time(SHANGHAI_9_21, open_instant, timedelta(0)) == open_instant
        closed_instant = local(SHANGHAI, 2026, 3, 9, 22, 0)
        assert add_business_time(SHANGHAI_9_21, closed_instant, timedelta(0)) == local(
            SHANGHAI, 2026, 3, 10, 9, 0
        )
        # At closing time the clock is already stopped.
        closing = local(SHANGHAI, 2026, 3, 9, 21, 0)
        assert add_business_time(SHANGHAI_9_21, closing, timedelta(0)) == local(
            SHANGHAI, 2026, 3, 10, 9, 0
        )

    def test_interval_boundaries(self) -> None:
        assert is_open(SHANGHAI_9_21, local(SHANGHAI, 2026, 3, 9, 9, 0))
        assert not is_open(SHANGHAI_9_21, local(SHANGHAI, 2026, 3, 9, 9, 0) - MICROSECOND)
        assert is_open(SHANGHAI_9_21, local(SHANGHAI, 2026, 3, 9, 21, 0) - MICROSECOND)
        assert not is_open(SHANGHAI_9_21, local(SHANGHAI, 2026, 3, 9, 21, 0))

    def test_input_time_zone_does_not_matter(self) -> None:
        start = local(SHANGHAI, 2026, 3, 9, 20, 50)
        expected = local(SHANGHAI, 2026, 3, 10, 9, 5)
        for tz in (UTC_ZONE, BERLIN, NEW_YORK, ZoneInfo("Pacific/Kiritimati")):
            assert add_business_time(SHANGHAI_9_21, start.astimezone(tz), minutes(15)) == expected

    def test_business_time_between_is_zero_for_reversed_range(self) -> None:
        a = local(SHANGHAI, 2026, 3, 9, 10, 0)
        assert business_time_between(SHANGHAI_9_21, a, a) == timedelta(0)
        assert business_time_between(SHANGHAI_9_21, a, a - timedelta(hours=5)) == timedelta(0)
        assert list(open_periods(SHANGHAI_9_21, a, a - timedelta(hours=5))) == []


class TestBerlinDaylightSaving:
    """2026-03-29: 02:00 CET -> 03:00 CEST at 01:00Z. 2026-10-25: 03:00 CEST -> 02:00 CET
    at 01:00Z. Expected values are written in UTC to show real elapsed time."""

    def test_dates_used_below(self) -> None:
        assert date(2026, 3, 29).weekday() == date(2026, 10, 25).weekday() == 6
        assert local(BERLIN, 2026, 3, 29, 1, 59).utcoffset() == timedelta(hours=1)
        assert local(BERLIN, 2026, 3, 29, 3, 0).utcoffset() == timedelta(hours=2)

    def test_whole_day_lengths(self) -> None:
        schedule = Schedule.every_day(BERLIN, 0, 1440)
        spring = business_time_between(
            schedule, local(BERLIN, 2026, 3, 29), local(BERLIN, 2026, 3, 30)
        )
        autumn = business_time_between(
            schedule, local(BERLIN, 2026, 10, 25), local(BERLIN, 2026, 10, 26)
        )
        normal = business_time_between(
            schedule, local(BERLIN, 2026, 3, 28), local(BERLIN, 2026, 3, 29)
        )
        assert (spring, autumn, normal) == (
            timedelta(hours=23),
            timedelta(hours=25),
            timedelta(hours=24),
        )

    def test_round_the_clock_counts_real_hours(self) -> None:
        schedule = Schedule.every_day(BERLIN, 0, 1440)
        start = local(BERLIN, 2026, 3, 29)  # 2026-03-28 23:00Z
        assert add_business_time(schedule, start, timedelta(hours=23)) == utc(2026, 3, 29, 22, 0)
        assert add_business_time(schedule, start, timedelta(hours=23)) == local(BERLIN, 2026, 3, 30)
        assert add_business_time(schedule, start, timedelta(hours=24)) == local(
            BERLIN, 2026, 3, 30, 1, 0
        )
        autumn = local(BERLIN, 2026, 10, 25)  # 2026-10-24 22:00Z
        assert add_business_time(schedule, autumn, timedelta(hours=24)) == local(
            BERLIN, 2026, 10, 25, 23, 0
        )
        # Consecutive days touch, so open_periods reports one period.
        assert list(open_periods(schedule, start, start + timedelta(days=3))) == [
            (start, start + timedelta(days=3))
        ]

    def test_one_to_four_on_spring_forward_day_is_two_hours(self) -> None:
        schedule = Schedule.every_day(BERLIN, 60, 240)
        start = local(BERLIN, 2026, 3, 29, 1, 0)
        assert start == utc(2026, 3, 29, 0, 0)
        assert business_time_between(
            schedule, local(BERLIN, 2026, 3, 29), local(BERLIN, 2026, 3, 30)
        ) == timedelta(hours=2)
        # 60 real minutes after 01:00 CET is 03:00 CEST (02:xx does not exist).
        assert add_business_time(schedule, start, minutes(60)) == utc(2026, 3, 29, 1, 0)
        assert add_business_time(schedule, start, minutes(90)) == utc(2026, 3, 29, 1, 30)
        assert add_business_time(schedule, start, minutes(90)) == local(BERLIN, 2026, 3, 29, 3, 30)
        # All 120 minutes: closing time, 04:00 CEST.
        assert add_business_time(schedule, start, minutes(120)) == local(BERLIN, 2026, 3, 29, 4, 0)
        # 121 minutes: one minute into the next day (01:01 CEST = 23:01Z).
        assert add_business_time(schedule, start, minutes(121)) == utc(2026, 3, 29, 23, 1)
        # From the previous (normal, 3 h) day: 30 min left there, 30 min on the DST day.
        saturday = local(BERLIN, 2026, 3, 28, 3, 30)
        assert add_business_time(schedule, saturday, minutes(60)) == local(
            BERLIN, 2026, 3, 29, 1, 30
        )

    def test_one_to_four_on_fall_back_day_is_four_hours(self) -> None:
        schedule = Schedule.every_day(BERLIN, 60, 240)
        start = local(BERLIN, 2026, 10, 25, 1, 0)
        assert start == utc(2026, 10, 24, 23, 0)
        assert business_time_between(
            schedule, local(BERLIN, 2026, 10, 25), local(BERLIN, 2026, 10, 26)
        ) == timedelta(hours=4)
        # 02:30 happens twice; real minutes tell which one.
        first = add_business_time(schedule, start, minutes(90))
        second = add_business_time(schedule, start, minutes(150))
        assert first == utc(2026, 10, 25, 0, 30)
        assert second == utc(2026, 10, 25, 1, 30)
        # (Python never finds an ambiguous local time == a time in another zone, so
        # compare the Berlin wall clock and fold instead.)
        assert wall_clock(first, BERLIN) == (datetime(2026, 10, 25, 2, 30), 0)
        assert wall_clock(second, BERLIN) == (datetime(2026, 10, 25, 2, 30), 1)
        assert add_business_time(schedule, start, minutes(240)) == local(BERLIN, 2026, 10, 25, 4, 0)
        assert add_business_time(schedule, start, minutes(240)) == utc(2026, 10, 25, 3, 0)
        assert add_business_time(schedule, start, minutes(241)) == local(BERLIN, 2026, 10, 26, 1, 1)

    def test_interval_inside_the_gap_is_empty(self) -> None:
        schedule = Schedule.every_day(BERLIN, 120, 180)  # 02:00-03:00
        day = (local(BERLIN, 2026, 3, 29), local(BERLIN, 2026, 3, 30))
        assert business_time_between(schedule, *day) == timedelta(0)
        assert list(open_periods(schedule, *day)) == []
        # Wall times in the gap map to the instant after the gap (03:00 CEST = 01:00Z).
        assert next_open(schedule, local(BERLIN, 2026, 3, 29)) == local(BERLIN, 2026, 3, 30, 2, 0)
        # On the fall-back day 02:00 (first) to 03:00 (unique) is two real hours.
        autumn = (local(BERLIN, 2026, 10, 25), local(BERLIN, 2026, 10, 26))
        assert list(open_periods(schedule, *autumn)) == [
            (utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 2, 0))
        ]

    def test_interval_starting_in_the_gap_starts_after_it(self) -> None:
        schedule = Schedule.every_day(BERLIN, 150, 210)  # 02:30-03:30
        day = (local(BERLIN, 2026, 3, 29), local(BERLIN, 2026, 3, 30))
        assert list(open_periods(schedule, *day)) == [
            (utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 1, 30))
        ]

    def test_ambiguous_end_uses_first_occurrence(self) -> None:
        schedule = Schedule.every_day(BERLIN, 120, 150)  # 02:00-02:30
        assert is_open(schedule, local(BERLIN, 2026, 10, 25, 2, 15, fold=0))
        assert not is_open(schedule, local(BERLIN, 2026, 10, 25, 2, 15, fold=1))
        assert business_time_between(
            schedule, local(BERLIN, 2026, 10, 25), local(BERLIN, 2026, 10, 26)
        ) == minutes(30)

    def test_office_hours_unaffected_by_night_transition(self) -> None:
        schedule = Schedule(BERLIN, weekdays(9 * 60, 17 * 60))
        friday = local(BERLIN, 2026, 3, 27, 16, 0)
        assert add_business_time(schedule, friday, minutes(120)) == local(
            BERLIN, 2026, 3, 30, 10, 0
        )
        assert add_business_time(schedule, friday, minutes(120)) == utc(2026, 3, 30, 8, 0)


class TestMidnightTransitions:
    def test_santiago_spring_forward_at_midnight(self) -> None:
        # 2026-09-06: 00:00 (-04) jumps to 01:00 (-03); Sunday's midnight does not exist.
        tz = ZoneInfo("America/Santiago")
        schedule = Schedule(tz, {5: [(22 * 60, 1440)], 6: [(0, 120)]})
        window = (utc(2026, 9, 5), utc(2026, 9, 8))
        # Saturday 22:00 -04 = 02:00Z; Sunday 02:00 -03 = 05:00Z; merged into one period.
        assert list(open_periods(schedule, *window)) == [
            (utc(2026, 9, 6, 2, 0), utc(2026, 9, 6, 5, 0))
        ]

    def test_beirut_fall_back_at_midnight(self) -> None:
        # 2026-10-25: 00:00 (+03) goes back to 23:00 (+02) on Saturday.
        tz = ZoneInfo("Asia/Beirut")
        schedule = Schedule(tz, {5: [(23 * 60, 1440)]})
        window = (utc(2026, 10, 24), utc(2026, 10, 26))
        assert list(open_periods(schedule, *window)) == [
            (utc(2026, 10, 24, 20, 0), utc(2026, 10, 24, 22, 0))
        ]
        assert is_open(schedule, local(tz, 2026, 10, 24, 23, 30, fold=1))


class TestAlwaysOpen:
    def test_calendar_arithmetic(self) -> None:
        schedule = Schedule(BERLIN, {}, holidays=frozenset({date(2026, 3, 29)}), always_open=True)
        start = local(BERLIN, 2026, 3, 29)
        assert is_open(schedule, start)
        assert next_open(schedule, start) == start
        assert add_business_time(schedule, start, timedelta(hours=24)) == utc(2026, 3, 29, 23)
        assert business_time_between(schedule, start, local(BERLIN, 2026, 3, 30)) == timedelta(
            hours=23
        )
        assert list(open_periods(schedule, start, start + MINUTE)) == [(start, start + MINUTE)]


class TestValidation:
    @pytest.mark.parametrize(
        ("weekly", "message"),
        [
            ({0: [(600, 540)]}, "0 <= start < end <= 1440"),
            ({0: [(540, 540)]}, "0 <= start < end <= 1440"),
            ({0: [(-1, 540)]}, "0 <= start < end <= 1440"),
            ({0: [(540, 1441)]}, "0 <= start < end <= 1440"),
            ({0: [(540, 720), (700, 900)]}, "overlap"),
            ({0: [(700, 900), (540, 720)]}, "overlap"),
            ({0: [(540, 720), (540, 720)]}, "overlap"),
            ({7: [(540, 720)]}, "weekdays 0"),
            ({-1: [(540, 720)]}, "weekdays 0"),
            ({0: [(540, 720, 800)]}, "pair"),
            ({0: [540]}, "pair"),
        ],
    )
    def test_bad_weekly_values(self, weekly: object, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            Schedule(SHANGHAI, weekly)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("weekly", "message"),
        [
            ({"mon": [(540, 720)]}, "int weekdays"),
            ({0: [(540.0, 720)]}, "must be ints"),
            ({0: [(True, 720)]}, "must be ints"),
            ({0: "09:00-18:00"}, "list of"),
            ({0: None}, "list of"),
            ([(540, 720)], "mapping"),
        ],
    )
    def test_bad_weekly_types(self, weekly: object, message: str) -> None:
        with pytest.raises(TypeError, match=message):
            Schedule(SHANGHAI, weekly)  # type: ignore[arg-type]

    def test_touching_intervals_are_allowed_and_merged(self) -> None:
        schedule = Schedule(SHANGHAI, {0: [(720, 1080), (540, 720)]})
        monday = (2026, 3, 9)
        assert list(
            open_periods(schedule, local(SHANGHAI, *monday), local(SHANGHAI, 2026, 3, 10))
        ) == [(local(SHANGHAI, *monday, 9, 0), local(SHANGHAI, *monday, 18, 0))]
        assert is_open(schedule, local(SHANGHAI, *monday, 12, 0))

    def test_bad_time_zone(self) -> None:
        with pytest.raises(TypeError, match="ZoneInfo"):
            Schedule(UTC, {})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="ZoneInfo"):
            Schedule(timezone(timedelta(hours=8)), {})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="ZoneInfo"):
            Schedule("Asia/Shanghai", {})  # type: ignore[arg-type]

    def test_bad_holidays_and_flags(self) -> None:
        with pytest.raises(TypeError, match="date objects"):
            Schedule(SHANGHAI, {}, holidays={datetime(2026, 10, 1)})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="date objects"):
            Schedule(SHANGHAI, {}, holidays={"2026-10-01"})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="set of dates"):
            Schedule(SHANGHAI, {}, holidays=date(2026, 10, 1))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="bool"):
            Schedule(SHANGHAI, {}, always_open="yes")  # type: ignore[arg-type]
        schedule = Schedule(SHANGHAI, {}, holidays=[date(2026, 10, 1)])  # type: ignore[arg-type]
        assert schedule.holidays == frozenset({date(2026, 10, 1)})

    def test_naive_datetimes_rejected(self) -> None:
        naive = datetime(2026, 3, 9, 10, 0)
        aware = local(SHANGHAI, 2026, 3, 9, 10, 0)
        with pytest.raises(ValueError, match="timezone-aware"):
            is_open(SHANGHAI_9_21, naive)
        with pytest.raises(ValueError, match="timezone-aware"):
            next_open(SHANGHAI_9_21, naive)
        with pytest.raises(ValueError, match="timezone-aware"):
            add_business_time(SHANGHAI_9_21, naive, MINUTE)
        with pytest.raises(ValueError, match="timezone-aware"):
            business_time_between(SHANGHAI_9_21, naive, aware)
        with pytest.raises(ValueError, match="timezone-aware"):
            business_time_between(SHANGHAI_9_21, aware, naive)
        with pytest.raises(ValueError, match="timezone-aware"):
            open_periods(SHANGHAI_9_21, aware, naive)  # raised eagerly, before iterating

    def test_bad_durations(self) -> None:
        aware = local(SHANGHAI, 2026, 3, 9, 10, 0)
        with pytest.raises(ValueError, match="negative"):
            add_business_time(SHANGHAI_9_21, aware, -MINUTE)
        with pytest.raises(TypeError, match="timedelta"):
            add_business_time(SHANGHAI_9_21, aware, 15)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="datetime"):
            is_open(SHANGHAI_9_21, date(2026, 3, 9))  # type: ignore[arg-type]

    def test_schedule_without_open_time(self) -> None:
        closed = Schedule(SHANGHAI, {0: [], 3: []})
        assert not closed.has_open_time
        aware = local(SHANGHAI, 2026, 3, 9, 10, 0)
        with pytest.raises(ValueError, match="no open time"):
            add_business_time(closed, aware, MINUTE)
        with pytest.raises(ValueError, match="no open time"):
            add_business_time(closed, aware, timedelta(0))
        with pytest.raises(ValueError, match="no open time"):
            next_open(closed, aware)
        assert not is_open(closed, aware)
        assert business_time_between(closed, aware, aware + timedelta(days=400)) == timedelta(0)
        assert list(open_periods(closed, aware, aware + timedelta(days=400))) == []

    def test_holidays_until_the_end_of_time(self) -> None:
        # Every remaining date is a holiday: a clear error instead of an endless loop.
        holidays = {date(9999, 12, 31) - timedelta(days=n) for n in range(30)}
        schedule = Schedule.every_day(UTC_ZONE, 0, 1440, holidays=holidays)
        with pytest.raises(ValueError, match="no open time"):
            next_open(schedule, datetime(9999, 12, 2, tzinfo=UTC))

    def test_schedule_is_immutable_hashable_and_normalised(self) -> None:
        a = Schedule(
            SHANGHAI, {0: [(780, 1080), (540, 720)]}, holidays=frozenset({date(2026, 10, 1)})
        )
        b = Schedule(
            SHANGHAI, {0: ((540, 720), (780, 1080)), 1: []}, frozenset({date(2026, 10, 1)})
        )
        assert a == b
        assert hash(a) == hash(b)
        assert a.weekly[0] == ((540, 720), (780, 1080))
        assert a.weekly[6] == ()
        with pytest.raises(TypeError):
            a.weekly[0] = ()  # type: ignore[index]
        with pytest.raises(AttributeError):
            a.always_open = True  # type: ignore[misc]
        assert a != Schedule(SHANGHAI, {0: [(540, 720)]})

    def test_schedule_can_be_pickled_copied_and_replaced(self) -> None:
        schedule = Schedule(
            BERLIN, {0: [(540, 720)], 4: [(0, 1440)]}, frozenset({date(2026, 12, 25)})
        )
        assert pickle.loads(pickle.dumps(schedule)) == schedule
        assert copy.deepcopy(schedule) == schedule
        assert copy.copy(schedule) == schedule
        assert dataclasses.replace(schedule, holidays=frozenset()).weekly == schedule.weekly
        with pytest.raises(ValueError, match="overlap"):
            dataclasses.replace(schedule, weekly={0: [(540, 720), (600, 660)]})


class TestEfficiency:
    def test_iterates_by_interval_not_by_minute(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls = 0
        original = business_time._wall_to_utc

        def counting(tz: ZoneInfo, wall: datetime) -> datetime:
            nonlocal calls
            calls += 1
            return original(tz, wall)

        monkeypatch.setattr(business_time, "_wall_to_utc", counting)
        start = local(SHANGHAI, 2026, 3, 9, 10, 0)
        due = add_business_time(SHANGHAI_OFFICE, start, minutes(10_000))
        # 480 min on Monday + 17 days of 540 min + 340 min: 19 open days touched.
        assert due == local(SHANGHAI, 2026, 4, 2, 14, 40)
        assert calls == 2 * 19

    def test_large_durations_round_trip(self) -> None:
        sparse = Schedule(BERLIN, {2: [(600, 660)]})  # one hour a week
        start = local(BERLIN, 2026, 1, 1)
        due = add_business_time(sparse, start, minutes(20_000))  # ~333 weeks
        office_due = add_business_time(SHANGHAI_OFFICE, start, minutes(1_000_000))  # ~7 years
        assert business_time_between(sparse, start, due) == minutes(20_000)
        assert business_time_between(SHANGHAI_OFFICE, start, office_due) == minutes(1_000_000)


# --------------------------------------------------------------------------- properties

ZONE_NAMES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Shanghai",
    "UTC",
    # Less common DST shapes: 30-minute shift, transitions at midnight.
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Beirut",
    "America/Asuncion",
]
RANGE_START = datetime(2024, 1, 1, tzinfo=UTC)
RANGE_END = datetime(2028, 1, 1, tzinfo=UTC)


@cache
def transitions(zone_name: str) -> tuple[datetime, ...]:
    """UTC offset changes of a zone in 2023-12..2028-01, found by brute force."""
    tz = ZoneInfo(zone_name)

    def offset(instant: datetime) -> timedelta | None:
        return instant.astimezone(tz).utcoffset()

    found = []
    step = timedelta(hours=6)
    instant = RANGE_START - timedelta(days=31)
    while instant < RANGE_END + timedelta(days=31):
        if offset(instant) != offset(instant + step):
            low, high = instant, instant + step
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == offset(low):
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
        instant += step
    return tuple(found)


def oracle_is_open(schedule: Schedule, instant: datetime) -> bool:
    """Independent reference for is_open, from wall clocks only.

    An instant is open iff the *running maximum* of the local wall clock up to it
    falls inside an interval of its date. (``first instant whose clock reads >= w`` is
    exactly what the running maximum inverts.) The running maximum differs from the
    wall clock only during the repeated hour after a fall-back, where it stays at the
    last wall time shown before the transition.
    """
    if schedule.always_open:
        return True
    tz = schedule.tz
    wall = instant.astimezone(tz).replace(tzinfo=None)
    for transition in transitions(tz.key):
        if instant - timedelta(days=1) < transition <= instant:
            before = (transition - MICROSECOND).astimezone(tz).replace(tzinfo=None)
            wall = max(wall, before)
    if wall.date() in schedule.holidays:
        return False
    since_midnight = wall - datetime.combine(wall.date(), datetime.min.time())
    return any(
        minutes(start) <= since_midnight < minutes(end)
        for start, end in schedule.weekly[wall.weekday()]
    )


INTERESTING_MINUTES = [0, 30, 60, 90, 120, 150, 180, 210, 240, 1380, 1410, 1440]
boundary_minutes = st.one_of(st.integers(0, 1440), st.sampled_from(INTERESTING_MINUTES))


@st.composite
def day_intervals(draw: st.DrawFn) -> list[tuple[int, int]]:
    points = sorted(set(draw(st.lists(boundary_minutes, max_size=6))))
    if len(points) % 2:
        points.pop(draw(st.integers(0, len(points) - 1)))
    return list(zip(points[::2], points[1::2], strict=True))


@st.composite
def schedules(draw: st.DrawFn, near: date = date(2024, 1, 1)) -> Schedule:
    tz = ZoneInfo(draw(st.sampled_from(ZONE_NAMES)))
    weekly = {weekday: draw(day_intervals()) for weekday in range(7)}
    if not any(weekly.values()):
        weekly[draw(st.integers(0, 6))] = [(draw(st.integers(0, 1439)), 1440)]
    holidays = draw(
        st.frozensets(st.dates(date(2024, 1, 1), date(2027, 12, 31)), max_size=20)
        | st.frozensets(st.integers(-10, 90).map(lambda n: near + timedelta(days=n)), max_size=40)
    )
    return Schedule(tz, weekly, holidays)


@st.composite
def instants(draw: st.DrawFn, tz: ZoneInfo) -> datetime:
    """Aware instants in 2024-2027, often close to a DST transition of ``tz``,
    expressed in a random zone."""
    zone_transitions = transitions(tz.key)
    near_transition = draw(st.booleans())
    if zone_transitions and near_transition:
        instant = draw(st.sampled_from(zone_transitions)) + draw(
            st.timedeltas(-timedelta(days=3), timedelta(days=3))
            | st.integers(-3 * 1440, 3 * 1440).map(minutes)
        )
    else:
        instant = draw(
            st.datetimes(
                RANGE_START.replace(tzinfo=None),
                RANGE_END.replace(tzinfo=None) - timedelta(days=1),
                timezones=st.just(UTC),
            )
        )
        if draw(st.booleans()):
            instant = instant.replace(second=0, microsecond=0)
    return instant.astimezone(ZoneInfo(draw(st.sampled_from(ZONE_NAMES))))


durations = st.integers(0, 20_000).map(minutes) | st.timedeltas(timedelta(0), minutes(20_000))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Schedule, datetime]:
    tz = ZoneInfo(draw(st.sampled_from(ZONE_NAMES)))
    start = draw(instants(tz))
    schedule = draw(schedules(near=start.astimezone(tz).date()))
    schedule = Schedule(
        schedule.tz if draw(st.booleans()) else tz, schedule.weekly, schedule.holidays
    )
    return schedule, start


PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(scenarios(), durations)
def test_between_inverts_add(scenario: tuple[Schedule, datetime], duration: timedelta) -> None:
    schedule, start = scenario
    due = add_business_time(schedule, start, duration)
    assert due.tzinfo is UTC
    assert due >= start.astimezone(UTC)
    assert business_time_between(schedule, start, due) == duration


@PROPERTY_SETTINGS
@given(scenarios(), durations)
def test_result_never_inside_closed_time(
    scenario: tuple[Schedule, datetime], duration: timedelta
) -> None:
    schedule, start = scenario
    due = add_business_time(schedule, start, duration)
    assert is_open(schedule, due) or is_open(schedule, due - MICROSECOND)
    if duration:
        # Stronger: the last microsecond counted was open, so `due` is the earliest
        # instant at which `duration` has elapsed (closing time rather than next opening).
        assert is_open(schedule, due - MICROSECOND)
        assert oracle_is_open(schedule, due - MICROSECOND)
    else:
        assert due == next_open(schedule, start)
        if is_open(schedule, start):
            assert due == start.astimezone(UTC)
        else:
            assert due > start.astimezone(UTC)


@PROPERTY_SETTINGS
@given(scenarios(), durations, durations)
def test_add_is_monotonic(
    scenario: tuple[Schedule, datetime], first: timedelta, second: timedelta
) -> None:
    schedule, start = scenario
    small, large = sorted((first, second))
    assert add_business_time(schedule, start, small) <= add_business_time(schedule, start, large)


@PROPERTY_SETTINGS
@given(
    scenarios(), st.lists(st.timedeltas(timedelta(0), timedelta(days=40)), min_size=2, max_size=2)
)
def test_between_is_additive_and_bounded(
    scenario: tuple[Schedule, datetime], offsets: list[timedelta]
) -> None:
    schedule, a = scenario
    # Aware arithmetic in a local zone is wall-clock arithmetic: go through UTC.
    b, c = sorted(a.astimezone(UTC) + offset for offset in offsets)
    ab = business_time_between(schedule, a, b)
    bc = business_time_between(schedule, b, c)
    ac = business_time_between(schedule, a, c)
    assert ab + bc == ac
    assert timedelta(0) <= ab <= b - a
    assert ac <= c - a
    assert business_time_between(schedule, c, a) == timedelta(0)


@PROPERTY_SETTINGS
@given(scenarios(), st.timedeltas(timedelta(0), timedelta(days=10)))
def test_open_periods_are_consistent(scenario: tuple[Schedule, datetime], span: timedelta) -> None:
    schedule, start = scenario
    end = start.astimezone(UTC) + span
    periods = list(open_periods(schedule, start, end))
    total = timedelta(0)
    previous_end = None
    for period_start, period_end in periods:
        assert period_start.tzinfo is UTC and period_end.tzinfo is UTC
        assert start <= period_start < period_end <= end
        if previous_end is not None:
            assert previous_end < period_start  # ordered, disjoint, touching ones merged
            assert not is_open(schedule, previous_end)
            assert not oracle_is_open(schedule, previous_end + (period_start - previous_end) / 2)
        assert is_open(schedule, period_start)
        assert is_open(schedule, period_end - MICROSECOND)
        assert oracle_is_open(schedule, period_start + (period_end - period_start) / 2)
        if period_end < end:
            assert not is_open(schedule, period_end)
        previous_end = period_end
        total += period_end - period_start
    assert total == business_time_between(schedule, start, end)


@PROPERTY_SETTINGS
@given(scenarios())
def test_next_open(scenario: tuple[Schedule, datetime]) -> None:
    schedule, at = scenario
    opening = next_open(schedule, at)
    at = at.astimezone(UTC)
    assert opening.tzinfo is UTC
    assert opening >= at
    assert is_open(schedule, opening)
    assert business_time_between(schedule, at, opening) == timedelta(0)
    if opening > at:
        assert not is_open(schedule, at)
        assert not is_open(schedule, opening - MICROSECOND)


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.integers(-3, 3).map(minutes) | st.integers(-2, 2).map(timedelta))
def test_is_open_matches_wall_clock_oracle(
    scenario: tuple[Schedule, datetime], nudge: timedelta
) -> None:
    schedule, instant = scenario
    # Also probe exactly at (and a hair around) an interval boundary of that day.
    local_day = instant.astimezone(schedule.tz).date()
    probes = [instant]
    for start_minute, end_minute in schedule.weekly[local_day.weekday()]:
        for minute in (start_minute, end_minute):
            wall = datetime.combine(local_day, datetime.min.time()) + minutes(minute)
            probes.append(wall.replace(tzinfo=schedule.tz).astimezone(UTC) + nudge)
    for probe in probes:
        assert is_open(schedule, probe) == oracle_is_open(schedule, probe), probe


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.integers(0, 2 * 1440))
def test_between_matches_minute_count_oracle(
    scenario: tuple[Schedule, datetime], length: int
) -> None:
    # In these zones every period boundary and transition falls on a whole UTC minute,
    # so open time over a minute-aligned window is a count of open minutes.
    schedule, start = scenario
    start = start.astimezone(UTC).replace(second=0, microsecond=0)
    open_minutes = sum(oracle_is_open(schedule, start + minutes(n)) for n in range(length))
    assert business_time_between(schedule, start, start + minutes(length)) == minutes(open_minutes)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ZONE_NAMES), st.data(), durations)
def test_always_open_is_calendar_arithmetic(
    zone: str, data: st.DataObject, duration: timedelta
) -> None:
    tz = ZoneInfo(zone)
    schedule = Schedule(tz, {}, always_open=True)
    start = data.draw(instants(tz))
    end = data.draw(instants(tz))
    due = add_business_time(schedule, start, duration)
    # Aware arithmetic in a local zone is wall-clock arithmetic: compare in UTC.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    assert due == start + duration
    assert due.tzinfo is UTC
    assert due - start == duration  # real elapsed time, not wall-clock arithmetic
    assert business_time_between(schedule, start, end) == max(end - start, timedelta(0))
    assert is_open(schedule, start)
    assert next_open(schedule, start) == start


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ZONE_NAMES), st.data(), durations)
def test_round_the_clock_schedule_equals_always_open(
    zone: str, data: st.DataObject, duration: timedelta
) -> None:
    # 00:00-24:00 every day is continuous: business time is real elapsed time, DST or not.
    tz = ZoneInfo(zone)
    schedule = Schedule.every_day(tz, 0, 1440)
    start = data.draw(instants(tz)).astimezone(UTC)
    assert add_business_time(schedule, start, duration) == start + duration
    assert business_time_between(schedule, start, start + duration) == duration
