"""Rebuild rollup rows from the facts, a whole day (or month) at a time, with
``INSERT ... SELECT`` statements the ORM writes: the same SQL on SQLite and PostgreSQL.

Each fact counts on its created day (first and next responses, repeat contacts,
complaints) and, once resolved, on its resolution day (resolution, first-contact
resolution, reopens), in every combination of one filter (none, team, channel or tier)
and one breakdown (total, team, agent, channel, category, priority, tier, hour of week).
Month rows are sums of the month's day rows.

Filters combined (two or three of team, channel and tier) keep day rows of the total
only (the trend and the headline figures) and month rows of every breakdown, summed
from the month's facts; the days of a period outside its whole months are summed from
the facts at read time.
"""

from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import CharField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat

from .histogram import BUCKETS
from .models import (
    CREATED_MEASURES,
    FR_HISTOGRAM,
    MEASURES,
    RES_HISTOGRAM,
    RESOLVED_MEASURES,
    Grain,
    Rollup,
    Side,
    TicketFact,
)

# Dashboard filters with a rollup of their own, and the fact field each reads.
FILTERS = {"": None, "team": "team_id", "channel": "channel", "tier": "tier_id"}
# Breakdowns and the fact field (or expression) each groups by.
DIMS = {
    "total": None,
    "team": "team_id",
    "agent": "assignee_id",
    "channel": "channel",
    "category": "category",
    "priority": "priority",
    "tier": "tier_id",
    "hour": "hour_of_week",
}
CREATED_ONLY_DIMS = {"hour"}
# Filters combined, and the fact fields of each; the rollup value joins theirs with "|".
COMBOS = {
    "team+channel": ("team_id", "channel"),
    "team+tier": ("team_id", "tier_id"),
    "channel+tier": ("channel", "tier_id"),
    "team+channel+tier": ("team_id", "channel", "tier_id"),
}

HOUR_OF_WEEK = F("created_weekday") * 24 + F("created_hour")


def created_measures() -> dict:
    measures = {
        "created": Count("pk"),
        "fr_met": Count("pk", filter=Q(first_response="met")),
        "fr_breached": Count("pk", filter=Q(first_response="breached")),
        "fr_timed": Count("first_response_seconds"),
        "fr_seconds": Coalesce(Sum("first_response_seconds"), 0),
        "nr_met": Coalesce(Sum("next_responses_met"), 0),
        "nr_breached": Coalesce(Sum("next_responses_breached"), 0),
        "repeat_contacts": Count("pk", filter=Q(repeat_contact=True)),
        "complaints": Count("pk", filter=Q(complaint=True)),
        "reordered": Count("pk", filter=Q(complaint=True, reordered=True)),
    }
    measures.update({name: Count("pk", filter=Q(first_response_bucket=i))
                     for i, name in enumerate(FR_HISTOGRAM)})
    return measures


def resolved_measures() -> dict:
    measures = {
        "resolved": Count("pk"),
        "res_met": Count("pk", filter=Q(resolution="met")),
        "res_breached": Count("pk", filter=Q(resolution="breached")),
        "res_timed": Count("resolution_seconds"),
        "res_seconds": Coalesce(Sum("resolution_seconds"), 0),
        "first_contact": Count("pk", filter=Q(first_contact_resolution=True)),
        "reopened": Count("pk", filter=Q(reopens__gt=0)),
    }
    measures.update({name: Count("pk", filter=Q(resolution_bucket=i))
                     for i, name in enumerate(RES_HISTOGRAM)})
    return measures


def as_text(field: str | None):
    if field is None:
        return Value("")
    if field == "hour_of_week":
        return Cast(HOUR_OF_WEEK, CharField())
    return Coalesce(Cast(F(field), CharField()), Value(""))


def filter_key(filter_dim: str):
    """The rollup's filter value of a fact, as an expression."""
    if filter_dim in COMBOS:
        parts = []
        for field in COMBOS[filter_dim]:
            parts += [as_text(field), Value("|")]
        return Concat(*parts[:-1], output_field=CharField())
    return as_text(FILTERS[filter_dim])


def side_measures(side: str) -> dict:
    return created_measures() if side == Side.CREATED else resolved_measures()


def grouped(facts: QuerySet, *, side: str, filter_dim: str, dim_field: str | None,
            day: bool = True) -> QuerySet:
    """Facts summed by (day,) filter value and breakdown value for one side; the columns
    are named like the rollup's."""
    day_field = "created_day" if side == Side.CREATED else "resolved_day"
    keys = {"k_filter": filter_key(filter_dim), "k_value": as_text(dim_field)}
    if day:
        keys["k_start"] = F(day_field)
    names = list(keys)
    return facts.annotate(**keys).values(*names).annotate(**side_measures(side)).order_by()


def _insert(selects: list[tuple[str, list]], columns: list[str]) -> None:
    if not selects:
        return
    table = connection.ops.quote_name(Rollup._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = " UNION ALL ".join(s for s, _ in selects)
    params = [p for _, ps in selects for p in ps]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({quoted}) {sql}", params)


def _wrap(queryset: QuerySet, *, constants: dict, computed: list[str],
          measures: Iterable[str]) -> tuple[str, list]:
    """SELECT the rollup's columns from a grouped queryset: constants as parameters,
    the other side's measures as zero."""
    inner, params = queryset.query.sql_with_params()
    present = set(measures)
    parts, values = [], []
    for name, value in constants.items():
        parts.append(f"%s AS {connection.ops.quote_name(name)}")
        values.append(value)
    parts += [f"sub.{connection.ops.quote_name(c)}" for c in computed]
    parts += [f"sub.{connection.ops.quote_name(m)}" if m in present else "0" for m in MEASURES]
    return f"SELECT {', '.join(parts)} FROM ({inner}) sub", [*values, *params]


DAY_COLUMNS = ["grain", "side", "filter_dim", "dim", "start", "filter_value", "value", *MEASURES]


def rebuild_days(days: Iterable[date]) -> int:
    """Replace the day rows of ``days`` (and the month rows of their months)."""
    days = sorted(set(days))
    if not days:
        return 0
    Rollup.objects.filter(grain=Grain.DAY, start__in=days).delete()
    for side in Side.values:
        day_field = "created_day" if side == Side.CREATED else "resolved_day"
        facts = TicketFact.objects.filter(**{f"{day_field}__in": days})
        measures = CREATED_MEASURES + FR_HISTOGRAM if side == Side.CREATED else \
            RESOLVED_MEASURES + RES_HISTOGRAM
        wanted = [(filter_dim, dim) for filter_dim in FILTERS for dim in DIMS
                  if not (side == Side.RESOLVED and dim in CREATED_ONLY_DIMS)]
        wanted += [(filter_dim, "total") for filter_dim in COMBOS]
        selects = []
        for filter_dim, dim in wanted:
            queryset = grouped(facts, side=side, filter_dim=filter_dim, dim_field=DIMS[dim])
            selects.append(_wrap(
                queryset, computed=["k_start", "k_filter", "k_value"], measures=measures,
                constants={"grain": Grain.DAY, "side": side, "filter_dim": filter_dim,
                           "dim": dim}))
        _insert(selects, DAY_COLUMNS)
    rebuild_months({d.replace(day=1) for d in days})
    return len(days)


def rebuild_months(months: Iterable[date]) -> None:
    for month in sorted(set(months)):
        end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        Rollup.objects.filter(grain=Grain.MONTH, start=month).delete()
        rows = (Rollup.objects.filter(grain=Grain.DAY, start__gte=month, start__lt=end)
                .values("side", "filter_dim", "filter_value", "dim", "value")
                .annotate(**{f"s_{m}": Sum(m) for m in MEASURES}).order_by())
        inner, params = rows.query.sql_with_params()
        qn = connection.ops.quote_name
        columns = ["grain", "start", "side", "filter_dim", "filter_value", "dim", "value",
                   *MEASURES]
        select = ", ".join(["%s", "%s", *(f"sub.{qn(c)}" for c in columns[2:7]),
                            *(f"sub.{qn('s_' + m)}" for m in MEASURES)])
        table = qn(Rollup._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "
                           f"SELECT {select} FROM ({inner}) sub", [Grain.MONTH, month, *params])
        _rebuild_combined_month(month, end)


MONTH_COLUMNS = ["grain", "start", "side", "filter_dim", "dim", "filter_value", "value",
                 *MEASURES]


def _rebuild_combined_month(month: date, end: date) -> None:
    """Month rows of every breakdown for the filters combined, from the month's facts
    (their totals are sums of day rows, like every other month row). On PostgreSQL one
    scan per side with a grouping set per filter combination and breakdown (about a
    second for a month of 80,000 tickets, where a query per set took nearly a minute);
    elsewhere one grouped query per set."""
    for side in Side.values:
        day_field = "created_day" if side == Side.CREATED else "resolved_day"
        facts = TicketFact.objects.filter(**{f"{day_field}__gte": month,
                                             f"{day_field}__lt": end})
        measures = CREATED_MEASURES + FR_HISTOGRAM if side == Side.CREATED else \
            RESOLVED_MEASURES + RES_HISTOGRAM
        dims = [dim for dim in DIMS
                if dim != "total" and not (side == Side.RESOLVED and dim in CREATED_ONLY_DIMS)]
        constants = {"grain": Grain.MONTH, "start": month, "side": side}
        if connection.vendor == "postgresql":
            _insert([_grouping_sets(facts, side=side, dims=dims, constants=constants,
                                    measures=measures)], MONTH_COLUMNS)
            continue
        _insert([
            _wrap(grouped(facts, side=side, filter_dim=filter_dim, dim_field=DIMS[dim],
                          day=False),
                  computed=["k_filter", "k_value"], measures=measures,
                  constants={**constants, "filter_dim": filter_dim, "dim": dim})
            for filter_dim in COMBOS for dim in dims], MONTH_COLUMNS)


def _grouping_sets(facts: QuerySet, *, side: str, dims: list[str], constants: dict,
                   measures: Iterable[str]) -> tuple[str, list]:
    """SELECT the rollup's columns for every (filter combination, breakdown) pair of the
    facts in one scan (PostgreSQL ``GROUPING SETS``): in each set exactly one filter key
    and one breakdown key is not null, which names the row's filter and breakdown."""
    qn = connection.ops.quote_name
    keys = {f"f_{i}": filter_key(name) for i, name in enumerate(COMBOS)}
    keys |= {f"d_{i}": as_text(DIMS[dim]) for i, dim in enumerate(dims)}
    queryset = facts.annotate(**keys).values(*keys).annotate(**side_measures(side)).order_by()
    inner, params = queryset.query.sql_with_params()
    clause = f" GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}"
    if not inner.endswith(clause):  # pragma: no cover - a change in Django's SQL
        raise RuntimeError(f"unexpected grouping in {inner[-200:]}")
    sets = ", ".join(f"({i + 1}, {len(COMBOS) + j + 1})"
                     for i in range(len(COMBOS)) for j in range(len(dims)))
    inner = inner[:-len(clause)] + f" GROUP BY GROUPING SETS ({sets})"

    def which(prefix: str, names: list[str]) -> tuple[str, list]:
        whens = " ".join(f"WHEN sub.{qn(f'{prefix}_{i}')} IS NOT NULL THEN %s"
                         for i in range(len(names)))
        return f"CASE {whens} END", list(names)

    filter_dim, filter_params = which("f", list(COMBOS))
    dim, dim_params = which("d", dims)
    present = set(measures)
    parts = [f"%s AS {qn(name)}" for name in constants]
    values = list(constants.values())
    parts += [filter_dim, dim,
              "COALESCE(" + ", ".join(f"sub.{qn(f'f_{i}')}" for i in range(len(COMBOS))) + ")",
              "COALESCE(" + ", ".join(f"sub.{qn(f'd_{i}')}" for i in range(len(dims))) + ")"]
    parts += [f"sub.{qn(m)}" if m in present else "0" for m in MEASURES]
    return (f"SELECT {', '.join(parts)} FROM ({inner}) sub",
            [*values, *filter_params, *dim_params, *params])


def fact_sets(facts: QuerySet, *, side: str, dims: Iterable[str], day: bool) -> list[dict]:
    """Rows shaped like the rollup's, summed straight from facts (for filters the rollup
    does not keep, e.g. a team and a channel together): one row per value of each
    breakdown in ``dims`` and, with ``day``, per day (``dim`` "day", ``value`` the date).

    On PostgreSQL this is one scan of the facts with ``GROUPING SETS`` (each set is one
    breakdown, so the matching facts are read and filtered once); elsewhere one grouped
    query per breakdown gives the same rows.
    """
    dims = [dim for dim in dims if not (side == Side.RESOLVED and dim in CREATED_ONLY_DIMS)]
    day_field = "created_day" if side == Side.CREATED else "resolved_day"
    keys = {f"k_{dim}": as_text(DIMS[dim]) for dim in dims}
    if day:
        keys["k_day"] = F(day_field)
    if not keys:
        return []
    names = list(keys)
    measures = side_measures(side)
    if connection.vendor == "postgresql" and len(names) > 1:
        queryset = facts.annotate(**keys).values(*names).annotate(**measures).order_by()
        sql, params = queryset.query.sql_with_params()
        positions = ", ".join(str(i + 1) for i in range(len(names)))
        clause = f" GROUP BY {positions}"
        if not sql.endswith(clause):  # pragma: no cover - a change in Django's SQL
            raise RuntimeError(f"unexpected grouping in {sql[-200:]}")
        sets = ", ".join(f"({i + 1})" for i in range(len(names)))
        sql = sql[:-len(clause)] + f" GROUP BY GROUPING SETS ({sets})"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            columns = [c.name for c in cursor.description]
            found = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    else:
        found = []
        for name, key in keys.items():
            queryset = facts.annotate(**{name: key}).values(name).annotate(**measures)
            found += list(queryset.order_by())
    rows = []
    for row in found:
        # The one key that is not null tells which set (breakdown) the row belongs to;
        # a breakdown's own "none" value is "", never null.
        name = next(n for n in names if row.get(n) is not None)
        rows.append({m: row.get(m, 0) or 0 for m in MEASURES}
                    | {"dim": name[2:], "value": row[name], "side": side})
    return rows


__all__ = ["BUCKETS", "COMBOS", "DIMS", "FILTERS", "fact_sets", "rebuild_days", "rebuild_months"]
