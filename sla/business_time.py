"""Business-time arithmetic for SLA clocks.

Pure Python (standard library only: no Django, no database).

Model
-----
A :class:`Schedule` lists, for each weekday, wall-clock intervals in the schedule's
time zone. On every local date that is not a holiday, each interval
``(start_minute, end_minute)`` of that date's weekday becomes one *open period*: the
half-open span of real time ``[instant(date, start_minute), instant(date, end_minute))``.
Minute 1440 is midnight at the start of the next date. Everything else is closed.

``instant(date, minute)`` is *the first instant at which the local clock reads that
wall time or later*. That gives the documented DST rules:

* a wall time that does not exist (spring-forward gap) maps to the instant the gap
  ends (e.g. Europe/Berlin 02:30 on the spring-forward day -> 03:00 CEST);
* an ambiguous wall time (fall-back) maps to its first occurrence (``fold=0``);
* the mapping never goes backwards, so open periods stay ordered and disjoint, and on
  DST days the *real* elapsed time is counted (a 00:00-24:00 day in Europe/Berlin is
  23 h long in spring and 25 h long in autumn).

All functions take aware datetimes in any time zone (naive ones raise ``ValueError``)
and return aware datetimes in UTC. Arithmetic is exact to the microsecond. Compare
results in UTC: Python never finds an ambiguous local time (e.g. 02:30 on a fall-back
day) equal to a datetime in another zone.

Intervals that cross midnight are written as two intervals, e.g. Monday
``(1320, 1440)`` plus Tuesday ``(0, 120)``; :func:`open_periods` reports them as one
period.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from types import MappingProxyType
from zoneinfo import ZoneInfo

__all__ = [
    "MINUTES_PER_DAY",
    "Schedule",
    "add_business_time",
    "business_time_between",
    "is_open",
    "next_open",
    "open_periods",
]

MINUTES_PER_DAY = 1440

Interval = tuple[int, int]
Period = tuple[datetime, datetime]

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Schedule:
    """Opening hours of a team, in the team's time zone.

    ``weekly`` maps weekday (0=Monday .. 6=Sunday) to ``(start_minute, end_minute)``
    pairs of local wall-clock minutes, ``0 <= start < end <= 1440``. Missing weekdays
    are closed. Several intervals per day are allowed; they may be given in any order
    (they are sorted) and may touch but not overlap. After construction ``weekly`` is
    a read-only mapping with all seven weekdays, each a tuple of sorted pairs.

    ``holidays`` are local dates that are closed all day. With ``always_open=True``
    the schedule is 24/7: ``weekly`` and ``holidays`` are ignored and business time
    equals calendar time.

    Invalid values raise ``ValueError`` (overlapping or out-of-range intervals, bad
    weekdays); values of the wrong type raise ``TypeError``. A schedule with no
    intervals at all is valid (a permanently closed team), but the functions that must
    find open time (:func:`next_open`, :func:`add_business_time`) raise ``ValueError``
    for it. Schedules are immutable, hashable and picklable.
    """

    tz: ZoneInfo
    weekly: Mapping[int, Sequence[tuple[int, int]]] = field(compare=False)
    holidays: frozenset[date] = frozenset()
    always_open: bool = False
    # Normalised copy of ``weekly``, indexed by weekday; used for equality and hashing.
    _days: tuple[tuple[Interval, ...], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            hint = " (pytz is not supported)" if hasattr(self.tz, "localize") else ""
            raise TypeError(
                f"Schedule.tz must be a zoneinfo.ZoneInfo, e.g. ZoneInfo('Asia/Shanghai') "
                f"or ZoneInfo('UTC'); got {self.tz!r}{hint}"
            )
        if not isinstance(self.always_open, bool):
            raise TypeError(f"Schedule.always_open must be a bool, got {self.always_open!r}")
        days = _normalise_weekly(self.weekly)
        object.__setattr__(self, "_days", days)
        object.__setattr__(self, "weekly", MappingProxyType(dict(enumerate(days))))
        object.__setattr__(self, "holidays", _normalise_holidays(self.holidays))

    @classmethod
    def every_day(
        cls,
        tz: ZoneInfo,
        start_minute: int,
        end_minute: int,
        holidays: Iterable[date] = frozenset(),
    ) -> Schedule:
        """Open from ``start_minute`` to ``end_minute`` on all seven weekdays."""
        return cls(
            tz=tz,
            weekly={weekday: [(start_minute, end_minute)] for weekday in range(7)},
            holidays=frozenset(holidays),
        )

    def __reduce__(self) -> tuple[type[Schedule], tuple[object, ...]]:
        # The read-only mapping proxy cannot be pickled; rebuild from plain values.
        return type(self), (self.tz, dict(self.weekly), self.holidays, self.always_open)

    @property
    def has_open_time(self) -> bool:
        """False if the schedule can never be open (no intervals and not 24/7)."""
        return self.always_open or any(self._days)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _normalise_weekly(weekly: object) -> tuple[tuple[Interval, ...], ...]:
    if not isinstance(weekly, Mapping):
        raise TypeError(
            f"Schedule.weekly must be a mapping weekday -> [(start_minute, end_minute), ...], "
            f"got {type(weekly).__name__}"
        )
    days: list[tuple[Interval, ...]] = [()] * 7
    for weekday, intervals in weekly.items():
        if not _is_int(weekday):
            raise TypeError(f"Schedule.weekly keys must be int weekdays, got {weekday!r}")
        if not 0 <= weekday <= 6:
            raise ValueError(
                f"Schedule.weekly keys must be weekdays 0 (Monday) .. 6 (Sunday), got {weekday!r}"
            )
        if isinstance(intervals, str | bytes) or not isinstance(intervals, Iterable):
            raise TypeError(
                f"Schedule.weekly[{weekday}] must be a list of (start_minute, end_minute) "
                f"pairs, got {intervals!r}"
            )
        parsed: list[Interval] = []
        for item in intervals:
            try:
                start, end = item
            except (TypeError, ValueError):
                raise ValueError(
                    f"Schedule.weekly[{weekday}]: expected a (start_minute, end_minute) pair, "
                    f"got {item!r}"
                ) from None
            if not (_is_int(start) and _is_int(end)):
                raise TypeError(f"Schedule.weekly[{weekday}]: minutes must be ints, got {item!r}")
            if not 0 <= start < end <= MINUTES_PER_DAY:
                raise ValueError(
                    f"Schedule.weekly[{weekday}]: interval {(start, end)} must satisfy "
                    f"0 <= start < end <= {MINUTES_PER_DAY}"
                )
            parsed.append((start, end))
        parsed.sort()
        for (start1, end1), (start2, end2) in pairwise(parsed):
            if start2 < end1:
                raise ValueError(
                    f"Schedule.weekly[{weekday}]: intervals {(start1, end1)} and "
                    f"{(start2, end2)} overlap"
                )
        days[weekday] = tuple(parsed)
    return tuple(days)


def _normalise_holidays(holidays: object) -> frozenset[date]:
    if isinstance(holidays, str | bytes) or not isinstance(holidays, Iterable):
        raise TypeError(f"Schedule.holidays must be a set of dates, got {holidays!r}")
    result = frozenset(holidays)
    for day in result:
        # datetime is a subclass of date but never compares equal to one.
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError(f"Schedule.holidays must contain datetime.date objects, got {day!r}")
    return result


# --------------------------------------------------------------------------- helpers


def _as_utc(value: object, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def _wall_to_utc(tz: ZoneInfo, wall: datetime) -> datetime:
    """The first instant (aware, UTC) at which the local clock in ``tz`` reads ``wall``
    (naive) or later: gaps map to the end of the gap, folds to the first occurrence."""
    offset_before = wall.replace(tzinfo=tz, fold=0).utcoffset()
    offset_after = wall.replace(tzinfo=tz, fold=1).utcoffset()
    assert offset_before is not None and offset_after is not None
    if offset_before >= offset_after:
        # Unambiguous (equal offsets) or a fold: fold=0 is the first occurrence.
        return (wall - offset_before).replace(tzinfo=UTC)
    # In a gap: the answer is the transition instant, which lies in (low, high].
    # Binary-search it to the microsecond (only happens on the rare gap days).
    low, high = wall - offset_after, wall - offset_before
    while high - low > _ONE_MICROSECOND:
        middle = low + (high - low) // 2
        if middle.replace(tzinfo=UTC).astimezone(tz).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high.replace(tzinfo=UTC)


def _day_periods(schedule: Schedule, day: date) -> Iterator[Period]:
    """The non-empty open periods of one local date (ignores holidays)."""
    midnight = datetime.combine(day, time())
    for start_minute, end_minute in schedule._days[day.weekday()]:
        start = _wall_to_utc(schedule.tz, midnight + timedelta(minutes=start_minute))
        end = _wall_to_utc(schedule.tz, midnight + timedelta(minutes=end_minute))
        if start < end:  # both ends inside one DST gap -> nothing left
            yield start, end


def _raw_periods(
    schedule: Schedule, after: datetime, before: datetime | None = None
) -> Iterator[Period]:
    """Open periods that end after ``after`` (and, if given, start before ``before``),
    unclipped, in chronological order; touching periods are not merged.

    Walks one local date at a time, starting at the local date of ``after`` (periods of
    earlier dates all end at or before it). Without ``before`` the iterator is
    infinite unless the schedule has no intervals at all.
    """
    if not any(schedule._days):
        return
    tz = schedule.tz
    days = schedule._days
    holidays = schedule.holidays
    try:
        day = after.astimezone(tz).date()
        # A date's periods start no earlier than its local midnight, so later dates
        # cannot matter (one spare day in case the clock is set back across midnight).
        last_day = None if before is None else before.astimezone(tz).date() + _ONE_DAY
        while last_day is None or day <= last_day:
            if days[day.weekday()] and day not in holidays:
                for start, end in _day_periods(schedule, day):
                    if before is not None and start >= before:
                        return
                    if end > after:
                        yield start, end
            day += _ONE_DAY
    except OverflowError:
        raise ValueError(
            "no open time found before the end of the supported calendar (year 9999)"
        ) from None


def _clipped_periods(schedule: Schedule, start: datetime, end: datetime) -> Iterator[Period]:
    """Raw periods clipped to ``[start, end)`` (both UTC, ``start < end``)."""
    for period_start, period_end in _raw_periods(schedule, start, end):
        yield max(period_start, start), min(period_end, end)


def _no_open_time_error(schedule: Schedule) -> ValueError:
    return ValueError(
        f"schedule has no open time at all (no weekly intervals and always_open=False): "
        f"{schedule!r}"
    )


# --------------------------------------------------------------------------- public API


def is_open(schedule: Schedule, at: datetime) -> bool:
    """True if ``at`` lies inside an open period (period starts count, ends do not)."""
    at = _as_utc(at, "at")
    if schedule.always_open:
        return True
    return any(True for _ in _raw_periods(schedule, at, at + _ONE_MICROSECOND))


def next_open(schedule: Schedule, at: datetime) -> datetime:
    """``at`` (in UTC) if the schedule is open then, else the start of the next open period.

    Raises ``ValueError`` if the schedule has no open time at all.
    """
    at = _as_utc(at, "at")
    if schedule.always_open:
        return at
    for start, _end in _raw_periods(schedule, at):
        return max(start, at)
    raise _no_open_time_error(schedule)


def open_periods(schedule: Schedule, start: datetime, end: datetime) -> Iterator[Period]:
    """The open periods intersecting ``[start, end)``, clipped to it, in UTC and in order.

    Adjacent periods (e.g. 22:00-24:00 followed by 00:00-02:00, or touching intervals
    of one day) are merged, so consecutive results are separated by closed time.
    Empty if ``end <= start``. Arguments are validated eagerly.
    """
    start = _as_utc(start, "start")
    end = _as_utc(end, "end")
    if end <= start:
        return iter(())
    if schedule.always_open:
        return iter([(start, end)])
    return _merge_touching(_clipped_periods(schedule, start, end))


def _merge_touching(periods: Iterator[Period]) -> Iterator[Period]:
    current: Period | None = None
    for start, end in periods:
        if current is not None and start == current[1]:
            current = (current[0], end)
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


def add_business_time(schedule: Schedule, start: datetime, duration: timedelta) -> datetime:
    """The instant (UTC) at which ``duration`` of open time has elapsed after ``start``.

    Only open time counts; the clock is paused while closed. The result is either an
    open instant or exactly the end of an open period: adding the rest of the day's
    opening hours lands on closing time (e.g. 21:00), not on the next opening.

    A zero ``duration`` returns ``start`` unchanged if the schedule is open then, and
    otherwise ``next_open(schedule, start)``: the clock can only start when open.
    Negative durations and schedules without any open time raise ``ValueError``.
    """
    start = _as_utc(start, "start")
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, got {type(duration).__name__}")
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration!r}")
    if schedule.always_open:
        return start + duration
    remaining = duration
    for period_start, period_end in _raw_periods(schedule, start):
        period_start = max(period_start, start)
        available = period_end - period_start
        if remaining <= available:
            return period_start + remaining
        remaining -= available
    raise _no_open_time_error(schedule)


def business_time_between(schedule: Schedule, start: datetime, end: datetime) -> timedelta:
    """Open time within ``[start, end)``; zero if ``end <= start``."""
    start = _as_utc(start, "start")
    end = _as_utc(end, "end")
    if end <= start:
        return _ZERO
    if schedule.always_open:
        return end - start
    total = _ZERO
    for period_start, period_end in _clipped_periods(schedule, start, end):
        total += period_end - period_start
    return total
