"""What each dashboard shows: tables of figures, each with the chart drawn from it and
the same rows for its CSV export. Views render these; the export writes one of them."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sla.models import Metric
from tickets.models import Category, Channel, Priority, Status

from . import metrics, selectors
from .filters import Filters
from .formatting import css_class, format_value
from .metrics import Summary

WEEKDAYS = [gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"), gettext_lazy("Thu"),
            gettext_lazy("Fri"), gettext_lazy("Sat"), gettext_lazy("Sun")]
BREAKDOWNS = ["team", "agent", "channel", "category", "priority", "tier"]
DIM_TITLES = {
    "team": gettext_lazy("By team"), "agent": gettext_lazy("By agent"),
    "channel": gettext_lazy("By channel"), "category": gettext_lazy("By category"),
    "priority": gettext_lazy("By priority"), "tier": gettext_lazy("By tier"),
}
NONE_LABELS = {"team": gettext_lazy("No team"), "agent": gettext_lazy("Unassigned"),
               "tier": gettext_lazy("No tier")}
CHOICES = {"channel": dict(Channel.choices), "category": dict(Category.choices),
           "priority": dict(Priority.choices)}


@dataclass
class Column:
    title: str
    kind: str = "count"   # text, count, percent, duration, link


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    chart: dict | None = None
    note: str = ""
    links: list[str | None] = field(default_factory=list)

    def lines(self) -> list[tuple[str | None, list[tuple[str, str]]]]:
        """Each row with its link (if any) and each cell as (text, CSS class), formatted
        here rather than in the template (dozens of rows of a dozen cells each)."""
        links = self.links or [None] * len(self.rows)
        heat = self.chart is not None and self.chart.get("type") == "heatmap"
        top = self.chart.get("max", 1) if heat else 1
        result = []
        for link, row in zip(links, self.rows, strict=True):
            cells = []
            for index, (value, column) in enumerate(zip(row, self.columns, strict=True)):
                if heat and index:
                    style = f"heat-{min(9, round(9 * (value or 0) / top))}"
                    cells.append((format_value(value, column.kind), f"text-end {style}"))
                else:
                    cells.append((format_value(value, column.kind),
                                  css_class(value, column.kind)))
            result.append((link, cells))
        return result


def label(dim: str, value: str, names: dict[str, dict[str, str]]) -> str:
    if not value:
        return str(NONE_LABELS.get(dim, "—"))
    if dim in CHOICES:
        return str(CHOICES[dim].get(value, value))
    if dim == "hour":
        weekday, hour = divmod(int(value), 24)
        return f"{WEEKDAYS[weekday]} {hour:02d}:00"
    return names.get(dim, {}).get(value, value)


def _chart(kind: str, labels: list, datasets: list[tuple[str, list]], *,
           percent: bool = False, stacked: bool = False) -> dict:
    return {"type": kind, "labels": [str(x) for x in labels], "percent": percent,
            "stacked": stacked,
            "datasets": [{"label": str(name), "data": data} for name, data in datasets]}


def _step_label(step: date, trend: str) -> str:
    if trend == "month":
        return date_format(step, "YEAR_MONTH_FORMAT")
    return date_format(step, "SHORT_DATE_FORMAT")


# --- SLA ---------------------------------------------------------------------------------

def sla_metrics_table(summary: Summary) -> Table:
    rows = [
        [str(Metric.FIRST_RESPONSE.label), summary.fr_met, summary.fr_breached,
         summary.fr_compliance, summary.fr_p50, summary.fr_p90],
        [str(Metric.NEXT_RESPONSE.label), summary.nr_met, summary.nr_breached,
         summary.nr_compliance, None, None],
        [str(Metric.RESOLUTION.label), summary.res_met, summary.res_breached,
         summary.res_compliance, summary.res_p50, summary.res_p90],
    ]
    return Table(
        key="compliance", title=_("SLA compliance"),
        columns=[Column(_("Target"), "text"), Column(_("Met")), Column(_("Breached")),
                 Column(_("Compliance"), "percent"), Column(_("Median"), "duration"),
                 Column(_("90th percentile"), "duration")],
        rows=rows,
        chart=_chart("bar", [r[0] for r in rows], [(_("Compliance"), [r[3] for r in rows])],
                     percent=True),
        note=_("Times are counted as the SLA clocks count them: business hours of the "
               "policy's calendar, paused time left out. Percentiles are rounded up to the "
               "next step of the reporting scale (1, 2, 3, 5, 10, 15, 20, 30, 45 min, 1, 1.5, "
               "2, 3, 4, 6, 8, 12, 16, 24 h, 1.5, 2, 3, 5, 7, 14, 30 days)."))


def trend_table(filters: Filters, steps: list[tuple[date, dict]]) -> Table:
    rows = []
    for step, measures in steps:
        s = metrics.summarize(measures)
        rows.append([_step_label(step, filters.trend), s.created, s.resolved, s.fr_compliance,
                     s.nr_compliance, s.res_compliance, s.fr_p50, s.res_p50])
    labels = [r[0] for r in rows]
    return Table(
        key="trend", title=_("Trend"),
        columns=[Column(_("Period"), "text"), Column(_("Created")), Column(_("Resolved")),
                 Column(_("First response"), "percent"), Column(_("Next response"), "percent"),
                 Column(_("Resolution"), "percent"),
                 Column(_("Median first response"), "duration"),
                 Column(_("Median resolution"), "duration")],
        rows=rows,
        chart=_chart("line", labels, [(_("First response"), [r[3] for r in rows]),
                                      (_("Next response"), [r[4] for r in rows]),
                                      (_("Resolution"), [r[5] for r in rows])], percent=True))


def breakdown_table(dim: str, groups: dict[str, dict], names: dict) -> Table:
    rows = []
    for value, measures in groups.items():
        s = metrics.summarize(measures)
        rows.append([label(dim, value, names), s.created, s.resolved, s.fr_compliance,
                     s.nr_compliance, s.res_compliance, s.fr_p50, s.fr_p90, s.res_p50,
                     s.res_p90, s.breaches])
    rows.sort(key=lambda r: (-r[1], r[0]))
    return Table(
        key=f"by-{dim}", title=str(DIM_TITLES[dim]),
        columns=[Column(_("Group"), "text"), Column(_("Created")), Column(_("Resolved")),
                 Column(_("First response"), "percent"), Column(_("Next response"), "percent"),
                 Column(_("Resolution"), "percent"),
                 Column(_("Median first response"), "duration"),
                 Column(_("90th pct. first response"), "duration"),
                 Column(_("Median resolution"), "duration"),
                 Column(_("90th pct. resolution"), "duration"), Column(_("Breaches"))],
        rows=rows,
        chart=_chart("bar", [r[0] for r in rows], [(_("First response"), [r[3] for r in rows]),
                                                   (_("Resolution"), [r[5] for r in rows])],
                     percent=True))


def ticket_list_table(key: str, title: str, found: selectors.TicketList, *,
                      now: datetime) -> Table:
    from django.urls import reverse

    rows, links = [], []
    for ticket in found.tickets:
        tier = ticket.customer.tier.display_name() if ticket.customer.tier else ""
        assignee = (ticket.assignee.get_full_name() or ticket.assignee.get_username()
                    if ticket.assignee else str(NONE_LABELS["agent"]))
        left = int((ticket.sla_due_at - now).total_seconds()) if ticket.sla_due_at else None
        rows.append([f"#{ticket.pk} {ticket.subject}", ticket.customer.name, tier,
                     ticket.get_priority_display(), ticket.team.name if ticket.team else "",
                     assignee, ticket.sla_due_at, left])
        links.append(reverse("tickets:detail", args=[ticket.pk]))
    return Table(
        key=key, title=title, links=links,
        columns=[Column(_("Ticket"), "link"), Column(_("Customer"), "text"),
                 Column(_("Tier"), "text"), Column(_("Priority"), "text"),
                 Column(_("Team"), "text"), Column(_("Assignee"), "text"),
                 Column(_("Due"), "datetime"), Column(_("Time left"), "signed_duration")],
        rows=rows, note=_("%(count)s%(more)s tickets") % {
            "count": found.count, "more": "+" if found.capped else ""})


@dataclass
class Dashboard:
    summary: Summary
    tables: list[Table]
    extra: dict = field(default_factory=dict)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def sla_dashboard(filters: Filters, *, now: datetime) -> Dashboard:
    figures = selectors.figures(filters, BREAKDOWNS)
    by_day, groups = figures.by_day, figures.groups
    steps = selectors.trend(filters, by_day)
    summary = metrics.summarize(metrics.summed(by_day.values()))
    names = selectors.names({dim: set(groups[dim]) for dim in ("team", "agent", "tier")})
    breaching = selectors.breaching_now(filters, now=now)
    risky = selectors.at_risk(filters, now=now)
    tables = [
        ticket_list_table("breaching", _("Breaching now"), breaching, now=now),
        ticket_list_table("at-risk", _("At risk"), risky, now=now),
        sla_metrics_table(summary),
        trend_table(filters, steps),
        *(breakdown_table(dim, groups[dim], names) for dim in BREAKDOWNS),
    ]
    return Dashboard(summary=summary, tables=tables,
                     extra={"breaching": breaching, "at_risk": risky})


# --- workload ----------------------------------------------------------------------------

AGE_TITLES = {"lt1": gettext_lazy("Under 1 day"), "1to3": gettext_lazy("1–3 days"),
              "3to7": gettext_lazy("3–7 days"), "7to30": gettext_lazy("7–30 days"),
              "gt30": gettext_lazy("Over 30 days")}
OPEN_STATUS_ORDER = [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD]


def backlog_table(backlog: selectors.Backlog) -> Table:
    statuses = dict(Status.choices)
    ages = [key for key, _o, _y in selectors.AGE_BUCKETS]
    rows = []
    for status in OPEN_STATUS_ORDER:
        counts = backlog.by_status.get(status, dict.fromkeys(ages, 0))
        rows.append([str(statuses[status]), *(counts[a] for a in ages), sum(counts.values())])
    return Table(
        key="backlog", title=_("Open tickets by age and status"),
        columns=[Column(_("Status"), "text"), *(Column(str(AGE_TITLES[a])) for a in ages),
                 Column(_("Total"))],
        rows=rows,
        chart=_chart("bar", [str(AGE_TITLES[a]) for a in ages],
                     [(r[0], r[1:1 + len(ages)]) for r in rows], stacked=True))


def agents_table(backlog: selectors.Backlog, resolved: dict[str, dict], names: dict) -> Table:
    ids = {str(k) if k is not None else "" for k in backlog.by_agent} | set(resolved)
    rows = []
    for value in ids:
        open_count = backlog.by_agent.get(int(value) if value else None, 0)
        measures = resolved.get(value, metrics.empty())
        rows.append([label("agent", value, names), open_count, measures["resolved"],
                     measures["created"]])
    rows.sort(key=lambda r: (-r[1], r[0]))
    return Table(
        key="agents", title=_("Tickets per agent"),
        columns=[Column(_("Agent"), "text"), Column(_("Open now")),
                 Column(_("Resolved in period")), Column(_("Created in period"))],
        rows=rows,
        chart=_chart("bar", [r[0] for r in rows], [(_("Open now"), [r[1] for r in rows]),
                                                   (_("Resolved in period"),
                                                    [r[2] for r in rows])]))


def volume_table(filters: Filters, steps: list[tuple[date, dict]]) -> Table:
    rows = [[_step_label(step, filters.trend), m["created"], m["resolved"]] for step, m in steps]
    return Table(
        key="volume", title=_("Created and resolved"),
        columns=[Column(_("Period"), "text"), Column(_("Created")), Column(_("Resolved"))],
        rows=rows,
        chart=_chart("bar", [r[0] for r in rows], [(_("Created"), [r[1] for r in rows]),
                                                   (_("Resolved"), [r[2] for r in rows])]))


def heatmap_table(hours: dict[str, dict]) -> Table:
    grid = [[0] * 24 for _ in range(7)]
    for value, measures in hours.items():
        if value.isdigit():
            weekday, hour = divmod(int(value), 24)
            grid[weekday][hour] += measures["created"]
    rows = [[str(WEEKDAYS[d]), *grid[d]] for d in range(7)]
    return Table(
        key="heatmap", title=_("New tickets by hour and weekday"),
        columns=[Column(_("Day"), "text"), *(Column(f"{h:02d}") for h in range(24))],
        rows=rows, chart={"type": "heatmap", "max": max(max(r) for r in grid) or 1},
        note=_("Hours in shop time, for staffing."))


def workload_dashboard(filters: Filters, *, now: datetime) -> Dashboard:
    figures = selectors.figures(filters, ["agent", "hour"])
    by_day, groups = figures.by_day, figures.groups
    summary = metrics.summarize(metrics.summed(by_day.values()))
    backlog = selectors.backlog(filters, now=now)
    agent_ids = {str(k) for k in backlog.by_agent if k is not None} | set(groups["agent"])
    names = selectors.names({"agent": agent_ids})
    tables = [
        backlog_table(backlog),
        agents_table(backlog, groups["agent"], names),
        volume_table(filters, selectors.trend(filters, by_day)),
        heatmap_table(groups["hour"]),
    ]
    return Dashboard(summary=summary, tables=tables, extra={"backlog": backlog})


# --- quality -----------------------------------------------------------------------------

def quality_columns(first: str) -> list[Column]:
    return [Column(first, "text"), Column(_("Resolved")),
            Column(_("First-contact resolution"), "percent"), Column(_("Reopen rate"), "percent"),
            Column(_("Created")), Column(_("Repeat-contact rate"), "percent"),
            Column(_("Complaints")), Column(_("Service recovery"), "percent")]


def quality_row(first: str, s: Summary) -> list:
    return [first, s.resolved, s.first_contact_rate, s.reopen_rate, s.created,
            s.repeat_contact_rate, s.complaints, s.recovery_rate]


def quality_dashboard(filters: Filters, *, now: datetime) -> Dashboard:
    figures = selectors.figures(filters, ["channel", "category"])
    by_day, groups = figures.by_day, figures.groups
    summary = metrics.summarize(metrics.summed(by_day.values()))
    steps = selectors.trend(filters, by_day)
    trend_rows = [quality_row(_step_label(step, filters.trend), metrics.summarize(m))
                  for step, m in steps]
    tables = [Table(
        key="quality-trend", title=_("Quality over time"),
        columns=quality_columns(_("Period")), rows=trend_rows,
        chart=_chart("line", [r[0] for r in trend_rows], [
            (_("First-contact resolution"), [r[2] for r in trend_rows]),
            (_("Reopen rate"), [r[3] for r in trend_rows]),
            (_("Repeat-contact rate"), [r[5] for r in trend_rows]),
            (_("Service recovery"), [r[7] for r in trend_rows])], percent=True),
        note=_("First-contact resolution: resolved with one reply and never reopened. Repeat "
               "contact: the customer wrote again within 7 days about the same order or "
               "category. Service recovery: complaints whose customer ordered again "
               "afterwards."))]
    for dim in ("channel", "category"):
        rows = [quality_row(label(dim, v, {}), metrics.summarize(m))
                for v, m in groups[dim].items()]
        rows.sort(key=lambda r: (-r[4], r[0]))
        tables.append(Table(
            key=f"quality-{dim}", title=str(DIM_TITLES[dim]), columns=quality_columns(_("Group")),
            rows=rows, chart=_chart("bar", [r[0] for r in rows], [
                (_("First-contact resolution"), [r[2] for r in rows]),
                (_("Repeat-contact rate"), [r[5] for r in rows])], percent=True)))
    return Dashboard(summary=summary, tables=tables)


PAGES = {"sla": sla_dashboard, "workload": workload_dashboard, "quality": quality_dashboard}
