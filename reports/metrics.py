"""Figures computed from summed rollup measures (pure: no database)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .histogram import percentile
from .models import FR_HISTOGRAM, MEASURES, RES_HISTOGRAM


def empty() -> dict[str, int]:
    return dict.fromkeys(MEASURES, 0)


def add(total: dict[str, int], row: Mapping) -> dict[str, int]:
    for name in MEASURES:
        total[name] += row.get(name) or 0
    return total


def summed(rows: Iterable[Mapping]) -> dict[str, int]:
    total = empty()
    for row in rows:
        add(total, row)
    return total


def rate(part: int, whole: int) -> float | None:
    """A percentage, or None when there is nothing to measure."""
    return None if not whole else round(100 * part / whole, 1)


@dataclass(frozen=True)
class Summary:
    """The headline figures of a set of tickets (a period, a team, an agent...)."""

    created: int
    resolved: int
    fr_met: int
    fr_breached: int
    nr_met: int
    nr_breached: int
    res_met: int
    res_breached: int
    fr_compliance: float | None
    nr_compliance: float | None
    res_compliance: float | None
    fr_p50: int | None
    fr_p90: int | None
    res_p50: int | None
    res_p90: int | None
    fr_average: int | None
    res_average: int | None
    first_contact_rate: float | None
    reopen_rate: float | None
    repeat_contact_rate: float | None
    complaints: int
    reordered: int
    recovery_rate: float | None

    @property
    def breaches(self) -> int:
        return self.fr_breached + self.nr_breached + self.res_breached


def summarize(m: Mapping[str, int]) -> Summary:
    fr_hist = [m[name] for name in FR_HISTOGRAM]
    res_hist = [m[name] for name in RES_HISTOGRAM]
    return Summary(
        created=m["created"], resolved=m["resolved"],
        fr_met=m["fr_met"], fr_breached=m["fr_breached"],
        nr_met=m["nr_met"], nr_breached=m["nr_breached"],
        res_met=m["res_met"], res_breached=m["res_breached"],
        fr_compliance=rate(m["fr_met"], m["fr_met"] + m["fr_breached"]),
        nr_compliance=rate(m["nr_met"], m["nr_met"] + m["nr_breached"]),
        res_compliance=rate(m["res_met"], m["res_met"] + m["res_breached"]),
        fr_p50=percentile(fr_hist, 0.5), fr_p90=percentile(fr_hist, 0.9),
        res_p50=percentile(res_hist, 0.5), res_p90=percentile(res_hist, 0.9),
        fr_average=round(m["fr_seconds"] / m["fr_timed"]) if m["fr_timed"] else None,
        res_average=round(m["res_seconds"] / m["res_timed"]) if m["res_timed"] else None,
        first_contact_rate=rate(m["first_contact"], m["resolved"]),
        reopen_rate=rate(m["reopened"], m["resolved"]),
        repeat_contact_rate=rate(m["repeat_contacts"], m["created"]),
        complaints=m["complaints"], reordered=m["reordered"],
        recovery_rate=rate(m["reordered"], m["complaints"]),
    )
