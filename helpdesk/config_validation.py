"""Checks for the admin console's configuration forms, as pure functions on plain data.

* ``opening_hours_problems``: a calendar's weekly opening hours, as (weekday, start, end)
  intervals, must not overlap nor end before they start.
* ``policy_match_problems``: an SLA policy whose conditions can never match a ticket
  (a value that does not exist, or an earlier policy that already takes every ticket it
  would match).

They return messages for the admin (empty when all is well); the forms raise them as a
ValidationError.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import time

from django.utils.translation import gettext as _

MINUTES_PER_DAY = 1440


def _weekday_name(weekday: int) -> str:
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
             _("Saturday"), _("Sunday")]
    return names[weekday] if 0 <= weekday < 7 else str(weekday)


def _minutes(value: time | int, *, is_end: bool) -> int:
    if isinstance(value, time):
        minutes = value.hour * 60 + value.minute
        return MINUTES_PER_DAY if is_end and minutes == 0 else minutes
    return int(value)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def opening_hours_problems(intervals: Iterable[tuple[int, time | int, time | int]]) -> list[str]:
    """Problems with weekly opening hours given as (weekday 0=Monday..6, start, end).

    Start and end are ``datetime.time`` or minutes after midnight; an end of 00:00 (or
    1440) is midnight at the end of the day. Intervals may touch (09:00-12:00 and
    12:00-18:00) but not overlap; hours past midnight are two intervals, one per day.
    """
    problems: list[str] = []
    by_day: dict[int, list[tuple[int, int]]] = {}
    for weekday, start, end in intervals:
        if not 0 <= weekday <= 6:
            problems.append(_("%(weekday)s is not a weekday (0 is Monday, 6 is Sunday).")
                            % {"weekday": weekday})
            continue
        start_min, end_min = _minutes(start, is_end=False), _minutes(end, is_end=True)
        if not (0 <= start_min < MINUTES_PER_DAY and 0 < end_min <= MINUTES_PER_DAY):
            problems.append(_("%(day)s: %(start)s-%(end)s is not a time of day.") % {
                "day": _weekday_name(weekday), "start": start, "end": end})
            continue
        if end_min <= start_min:
            problems.append(_("%(day)s: %(start)s-%(end)s ends before it starts. Hours past "
                              "midnight are two intervals: until 24:00, then from 00:00 the "
                              "next day.") % {"day": _weekday_name(weekday),
                                              "start": _clock(start_min),
                                              "end": _clock(end_min)})
            continue
        by_day.setdefault(weekday, []).append((start_min, end_min))
    for weekday in sorted(by_day):
        spans = sorted(by_day[weekday])
        for (a_start, a_end), (b_start, b_end) in zip(spans, spans[1:], strict=False):
            if b_start < a_end:
                problems.append(_("%(day)s: %(first)s and %(second)s overlap.") % {
                    "day": _weekday_name(weekday),
                    "first": f"{_clock(a_start)}-{_clock(a_end)}",
                    "second": f"{_clock(b_start)}-{_clock(b_end)}"})
    return problems


def _allowed(conditions: Mapping[str, Collection[str]], key: str,
             choices: Mapping[str, Collection[str]]) -> set[str]:
    """The values a policy accepts on one dimension (all of them when it sets none)."""
    values = {str(v) for v in conditions.get(key) or ()}
    return values & {str(c) for c in choices[key]} if values else {str(c) for c in choices[key]}


def policy_match_problems(
    name: str,
    conditions: Mapping[str, Collection[str]],
    choices: Mapping[str, Collection[str]],
    earlier: Sequence[tuple[str, Mapping[str, Collection[str]]]] = (),
) -> list[str]:
    """Why the policy `name` can never match a ticket (empty when it can).

    `conditions` maps a dimension (e.g. "priority", "category", "channel", "tier") to the
    values the policy requires; a missing or empty dimension accepts any value.
    `choices` maps each dimension to the values that exist. `earlier` lists the policies
    tried before this one, in order, as (name, conditions): the first match wins.
    """
    problems: list[str] = []
    for key in conditions:
        if key not in choices:
            problems.append(_("%(policy)s has a condition on %(key)s, which Kefu does not "
                              "know.") % {"policy": name, "key": key})
    never = False
    for key in choices:
        wanted = {str(v) for v in conditions.get(key) or ()}
        if not wanted:
            continue
        unknown = sorted(wanted - {str(c) for c in choices[key]})
        if unknown:
            problems.append(_("%(policy)s: %(key)s %(values)s does not exist.") % {
                "policy": name, "key": key, "values": ", ".join(unknown)})
        if not wanted - set(unknown):
            never = True
    if never:
        problems.append(_("%(policy)s can never match a ticket: none of the values it "
                          "requires exist.") % {"policy": name})
        return problems
    for earlier_name, earlier_conditions in earlier:
        if all(_allowed(conditions, key, choices) <= _allowed(earlier_conditions, key, choices)
               for key in choices):
            problems.append(_("%(policy)s can never match a ticket: %(earlier)s comes first "
                              "and already matches every ticket it would. Move it above "
                              "%(earlier)s or narrow %(earlier)s.") % {
                "policy": name, "earlier": earlier_name})
            break
    return problems
