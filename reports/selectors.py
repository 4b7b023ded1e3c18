"""Read paths of the dashboards. Period figures come from the rollup (month rows for the
whole months of the period, day rows for the rest), so a year costs about as much as a
month; what is open right now comes from the open facts and, for SLA deadlines, the
tickets' indexed ``sla_due_at``, always with a LIMIT."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from loyalty.models import Tier
from sla.models import SLATimer
from tickets.models import OPEN_STATUSES, Team, Ticket

from . import metrics
from .filters import Filters
from .models import MEASURES, Grain, RefreshState, Rollup, Side, TicketFact
from .rollup import DIMS, fact_sets

LIST_LIMIT = 20
COUNT_CAP = 1000
# "At risk" looks at clocks due this soon: a warning comes at 75% of the target by
# default, so even a 7-day target warns less than two days before its deadline.
AT_RISK_HORIZON = timedelta(days=3)
AGE_BUCKETS = [  # (key, older than, younger than) in days
    ("lt1", None, 1), ("1to3", 1, 3), ("3to7", 3, 7), ("7to30", 7, 30), ("gt30", 30, None),
]


def segments(start: date, end: date) -> tuple[list[date], list[date]]:
    """The whole months inside [start, end] and the remaining days."""
    months, days = [], []
    day = start
    while day <= end:
        if day.day == 1:
            following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            if following - timedelta(days=1) <= end:
                months.append(day)
                day = following
                continue
        days.append(day)
        day += timedelta(days=1)
    return months, days


def _rollup_rows(filters: Filters, rollup_filter: tuple[str, str]) -> QuerySet[Rollup]:
    months, days = segments(filters.start, filters.end)
    filter_dim, filter_value = rollup_filter
    return Rollup.objects.filter(filter_dim=filter_dim, filter_value=filter_value).filter(
        Q(grain=Grain.MONTH, start__in=months) | Q(grain=Grain.DAY, start__in=days))


def _facts(filters: Filters, side: str, days: list[date]) -> QuerySet[TicketFact]:
    day = "created_day" if side == Side.CREATED else "resolved_day"
    return TicketFact.objects.filter(**filters.fact_filter(), **{f"{day}__in": days})


@dataclass
class Figures:
    """Summed measures of a period: per day (both sides) and per breakdown value."""

    by_day: dict[date, dict[str, int]]
    groups: dict[str, dict[str, dict[str, int]]]   # {dim: {value: measures}}


def figures(filters: Filters, dims: list[str], *, days: bool = True) -> Figures:
    """The period's figures per day and per value of each breakdown in ``dims``.

    Per day: the rollup's day rows of the total. Per breakdown: the rollup's month rows
    for the period's whole months and its day rows for the other days; with filters
    combined, whose rollup keeps no breakdown per day, those other days are summed from
    the matching facts (through the index of the filter pair and the side's day, one
    scan per side for every breakdown together)."""
    by_day: dict[date, dict[str, int]] = defaultdict(metrics.empty)
    groups: dict[str, dict[str, dict[str, int]]] = {dim: {} for dim in dims}
    filter_dim, filter_value = filters.rollup_filter()
    if days:
        rows = (Rollup.objects.filter(filter_dim=filter_dim, filter_value=filter_value,
                                      dim="total", grain=Grain.DAY,
                                      start__range=(filters.start, filters.end))
                .values("start").annotate(**{m: Sum(m) for m in MEASURES}).order_by())
        for row in rows:
            metrics.add(by_day[_as_date(row["start"])], row)
    if not dims:
        return Figures(by_day=by_day, groups=groups)
    months, other_days = segments(filters.start, filters.end)
    rows: list = []
    if filters.combined:
        if months:
            rows = list(Rollup.objects.filter(
                filter_dim=filter_dim, filter_value=filter_value, grain=Grain.MONTH,
                start__in=months, dim__in=dims,
            ).values("dim", "value").annotate(**{m: Sum(m) for m in MEASURES}).order_by())
        if other_days:
            for side in Side.values:
                rows += fact_sets(_facts(filters, side, other_days), side=side, dims=dims,
                                  day=False)
    else:
        rows = (_rollup_rows(filters, (filter_dim, filter_value)).filter(dim__in=dims)
                .values("dim", "value").annotate(**{m: Sum(m) for m in MEASURES}).order_by())
    for row in rows:
        metrics.add(groups[row["dim"]].setdefault(row["value"], metrics.empty()), row)
    return Figures(by_day=by_day, groups=groups)


def breakdowns(filters: Filters, dims: list[str]) -> dict[str, dict[str, dict[str, int]]]:
    """Summed measures per breakdown value: {dim: {value: measures}}, for the period."""
    return figures(filters, dims, days=False).groups


def daily(filters: Filters) -> dict[date, dict[str, int]]:
    """Summed measures per day of the period (both sides)."""
    return figures(filters, [], days=True).by_day


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def trend_key(day: date, trend: str) -> date:
    if trend == "week":
        return day - timedelta(days=day.weekday())
    if trend == "month":
        return day.replace(day=1)
    return day


def trend(filters: Filters, by_day: dict[date, dict[str, int]] | None = None
          ) -> list[tuple[date, dict[str, int]]]:
    """Measures per trend step (day, week or month) of the period, empty steps included."""
    by_day = daily(filters) if by_day is None else by_day
    steps: dict[date, dict[str, int]] = {}
    day = filters.start
    while day <= filters.end:
        steps.setdefault(trend_key(day, filters.trend), metrics.empty())
        day += timedelta(days=1)
    for day, measures in by_day.items():
        metrics.add(steps[trend_key(day, filters.trend)], measures)
    return sorted(steps.items())


# --- right now ---------------------------------------------------------------------------

def _open_tickets(filters: Filters) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all()
    if filters.team_id is not None:
        tickets = tickets.filter(team_id=filters.team_id)
    if filters.channel:
        tickets = tickets.filter(channel=filters.channel)
    if filters.tier_id is not None:
        tickets = tickets.filter(customer__tier_id=filters.tier_id)
    return tickets


@dataclass
class TicketList:
    tickets: list[Ticket]
    count: int
    capped: bool


def _listed(tickets: QuerySet[Ticket]) -> TicketList:
    """The first tickets by deadline and how many there are (up to a cap): ids from the
    (status, sla_due_at, id) index alone, then those few rows with what they show."""
    open_ = tickets.filter(status__in=OPEN_STATUSES)
    ids = list(open_.order_by("sla_due_at", "id").values_list("pk", flat=True)[:LIST_LIMIT])
    shown = sorted(Ticket.objects.filter(pk__in=ids).select_related(
        "customer", "customer__tier", "assignee", "team"), key=lambda t: (t.sla_due_at, t.pk))
    count = len(ids)
    if count == LIST_LIMIT:
        count = len(open_.order_by().values_list("pk", flat=True)[:COUNT_CAP])
    return TicketList(shown, count, count >= COUNT_CAP)


def breaching_now(filters: Filters, *, now: datetime) -> TicketList:
    """Open tickets past their nearest SLA deadline, most overdue first."""
    return _listed(_open_tickets(filters).filter(sla_due_at__lte=now))


def at_risk(filters: Filters, *, now: datetime) -> TicketList:
    """Open tickets due within the next days whose running clock has passed its warning
    point, soonest first."""
    warned = SLATimer.objects.filter(ticket_id=OuterRef("pk"), anchor_at__isnull=False,
                                     warn_at__lte=now, due_at__gt=now)
    return _listed(_open_tickets(filters).filter(
        sla_due_at__gt=now, sla_due_at__lte=now + AT_RISK_HORIZON).filter(Exists(warned)))


# --- backlog and workload ----------------------------------------------------------------

@dataclass
class Backlog:
    by_status: dict[str, dict[str, int]]   # status -> age bucket -> count
    by_agent: dict[int | None, int]        # assignee id (None: unassigned) -> open tickets
    open: int
    unassigned: int
    as_of: datetime | None


def backlog(filters: Filters, *, now: datetime) -> Backlog:
    """Open tickets by status and age, and per agent (from the open facts: one indexed
    query, as fresh as the last refresh)."""
    ages = {}
    for key, older, younger in AGE_BUCKETS:
        condition = Q()
        if older is not None:
            condition &= Q(created_at__lte=now - timedelta(days=older))
        if younger is not None:
            condition &= Q(created_at__gt=now - timedelta(days=younger))
        ages[key] = Count("pk", filter=condition)
    rows = (TicketFact.objects.filter(is_open=True, **filters.fact_filter())
            .values("status", "assignee_id").annotate(**ages).order_by())
    by_status: dict[str, dict[str, int]] = {}
    by_agent: dict[int | None, int] = defaultdict(int)
    for row in rows:
        status = by_status.setdefault(row["status"], dict.fromkeys(ages, 0))
        count = 0
        for key in ages:
            status[key] += row[key]
            count += row[key]
        by_agent[row["assignee_id"]] += count
    state = RefreshState.objects.filter(name="facts").values_list("refreshed_at", flat=True)
    return Backlog(by_status=by_status, by_agent=dict(by_agent),
                   open=sum(by_agent.values()), unassigned=by_agent.get(None, 0),
                   as_of=state.first())


# --- labels ------------------------------------------------------------------------------

def names(dims: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """Display names of the team, agent and tier ids that appear (one query each)."""
    result: dict[str, dict[str, str]] = {}
    wanted = {dim: {int(v) for v in values if v and v.isdigit()} for dim, values in dims.items()}
    if wanted.get("team"):
        result["team"] = {str(pk): name for pk, name in
                          Team.objects.filter(pk__in=wanted["team"]).values_list("pk", "name")}
    if wanted.get("agent"):
        result["agent"] = {
            str(user.pk): user.get_full_name() or user.get_username()
            for user in get_user_model().objects.filter(pk__in=wanted["agent"]).only(
                "first_name", "last_name", "username")}
    if wanted.get("tier"):
        result["tier"] = {str(tier.pk): tier.display_name()
                          for tier in Tier.objects.filter(pk__in=wanted["tier"])}
    return result


__all__ = ["DIMS", "at_risk", "backlog", "breaching_now", "breakdowns", "daily", "figures",
           "names",
           "segments", "trend"]
