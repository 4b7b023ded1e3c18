"""Every dashboard figure on the hand-built week (see conftest.py for the worked answers)."""

from datetime import date

import pytest

from reports import metrics, selectors, services, tables
from reports.filters import Filters
from tickets.models import Channel

from .conftest import MIN, NOW, sh

WEEK = Filters(start=date(2026, 3, 2), end=date(2026, 3, 4))


def summary(filters=WEEK):
    return metrics.summarize(metrics.summed(selectors.daily(filters).values()))


def test_compliance_for_each_target(refreshed):
    s = summary()
    assert (s.fr_met, s.fr_breached, s.fr_compliance) == (3, 2, 60.0)
    assert (s.nr_met, s.nr_breached, s.nr_compliance) == (2, 0, 100.0)
    assert (s.res_met, s.res_breached, s.res_compliance) == (3, 0, 100.0)
    assert s.breaches == 2


def test_median_and_90th_percentile_in_business_time(refreshed):
    s = summary()
    # First responses 5, 10, 45, 60 min; resolutions 30, 45, 120 min.
    assert (s.fr_p50, s.fr_p90) == (10 * MIN, 60 * MIN)
    assert (s.res_p50, s.res_p90) == (45 * MIN, 120 * MIN)
    assert s.fr_average == (5 + 10 + 45 + 60) * MIN // 4


def test_quality_rates(refreshed):
    s = summary()
    assert (s.created, s.resolved) == (6, 3)
    assert s.first_contact_rate == 33.3        # B of A, B, C
    assert s.reopen_rate == 33.3               # C
    assert s.repeat_contact_rate == 16.7       # D of six
    assert (s.complaints, s.reordered, s.recovery_rate) == (2, 0, 0.0)


def test_service_recovery_counts_a_complaint_whose_customer_ordered_again(refreshed):
    from tests.factories import OrderFactory

    OrderFactory(customer=refreshed.d.customer, placed_at=sh(5, 10))
    services.refresh_changed(now=sh(5, 12))
    s = summary()
    assert (s.complaints, s.reordered, s.recovery_rate) == (2, 1, 50.0)


def test_breakdowns_by_team_agent_channel_and_tier(refreshed):
    groups = selectors.breakdowns(WEEK, tables.BREAKDOWNS)
    team = {k: metrics.summarize(v) for k, v in groups["team"].items()}
    assert team[str(refreshed.team.pk)].created == 2
    assert team[str(refreshed.team.pk)].fr_compliance == 50.0
    assert team[str(refreshed.other_team.pk)].res_p50 == 30 * MIN
    assert team[""].created == 3                          # D, E, F have no team
    agent = {k: metrics.summarize(v) for k, v in groups["agent"].items()}
    assert agent[str(refreshed.ann.pk)].fr_p90 == 60 * MIN
    assert agent[str(refreshed.bo.pk)].nr_compliance == 100.0
    channel = {k: v["created"] for k, v in groups["channel"].items()}
    assert channel == {"email": 3, "chat": 1, "web": 1, "phone": 1}
    tier = {k: v["created"] for k, v in groups["tier"].items()}
    assert tier == {str(refreshed.gold.tier_id): 1, "": 5}
    category = {k: v["created"] for k, v in groups["category"].items()}
    assert category["complaint"] == 2 and category["order_status"] == 2


def test_trend_by_day_and_by_week(refreshed):
    steps = dict(selectors.trend(WEEK))
    assert [steps[d]["created"] for d in sorted(steps)] == [1, 2, 3]
    assert [steps[d]["resolved"] for d in sorted(steps)] == [0, 3, 0]
    weekly = selectors.trend(Filters(start=date(2026, 2, 23), end=date(2026, 3, 8),
                                     trend="week"))
    assert [(d, m["created"]) for d, m in weekly] == [(date(2026, 2, 23), 0),
                                                       (date(2026, 3, 2), 6)]


def test_one_filter_and_two_filters_read_their_own_rollup_rows(refreshed):
    team = str(refreshed.team.pk)
    by_team = Filters(start=WEEK.start, end=WEEK.end, team_id=refreshed.team.pk)
    assert by_team.rollup_filter() == ("team", team)
    assert summary(by_team).fr_compliance == 50.0
    both = Filters(start=WEEK.start, end=WEEK.end, team_id=refreshed.team.pk,
                   channel=Channel.EMAIL)
    assert both.rollup_filter() == ("team+channel", f"{team}|email") and both.combined
    s = summary(both)
    assert (s.created, s.fr_met, s.fr_p50, s.res_p50) == (1, 1, 60 * MIN, 120 * MIN)
    groups = selectors.breakdowns(both, ["agent"])["agent"]
    assert list(groups) == [str(refreshed.ann.pk)]


def test_two_and_three_filters_together_give_the_figures_worked_out_by_hand(refreshed):
    from tickets import services as ticket_services

    from .conftest import at

    # E (email, Gold customer, no team) moves to the Orders team, to Ann.
    with at(sh(4, 11)):
        ticket_services.assign(ticket=refreshed.e, agent=refreshed.ann, by=refreshed.ann,
                               team=refreshed.team, at=sh(4, 11))
    services.refresh_changed(now=NOW)
    team, gold = refreshed.team.pk, refreshed.gold.tier_id

    # Orders + email: A (first response 60 min, resolved in 120 min) and E (10 min, open).
    pair = Filters(start=WEEK.start, end=WEEK.end, team_id=team, channel=Channel.EMAIL)
    s = summary(pair)
    assert (s.created, s.resolved, s.fr_met, s.fr_breached) == (2, 1, 2, 0)
    assert (s.fr_p50, s.fr_p90, s.fr_average) == (10 * MIN, 60 * MIN, 35 * MIN)
    assert (s.res_met, s.res_p50, s.nr_met) == (1, 120 * MIN, 1)
    assert (s.complaints, s.first_contact_rate, s.repeat_contact_rate) == (1, 0.0, 0.0)
    groups = selectors.breakdowns(pair, tables.BREAKDOWNS)
    assert {k: v["created"] for k, v in groups["agent"].items()} == {str(refreshed.ann.pk): 2}
    assert {k: v["created"] for k, v in groups["tier"].items()} == {"": 1, str(gold): 1}
    assert {k: v["created"] for k, v in groups["category"].items()} == {
        "order_status": 1, "complaint": 1}
    assert list(groups["team"]) == [str(team)] and list(groups["channel"]) == ["email"]
    by_day = selectors.daily(pair)
    assert {d.day: m["created"] for d, m in by_day.items() if m["created"]} == {2: 1, 4: 1}
    assert {d.day: m["resolved"] for d, m in by_day.items() if m["resolved"]} == {3: 1}

    # The same from the month rows of March (a period holding the whole month).
    march = Filters(start=date(2026, 2, 15), end=date(2026, 3, 31), team_id=team,
                    channel=Channel.EMAIL)
    assert selectors.segments(march.start, march.end)[0] == [date(2026, 3, 1)]
    assert summary(march) == s
    assert selectors.breakdowns(march, tables.BREAKDOWNS) == groups

    # Email + Gold: E alone; Orders + Gold: E alone; all three: E alone.
    for filters in (Filters(start=WEEK.start, end=WEEK.end, channel=Channel.EMAIL, tier_id=gold),
                    Filters(start=WEEK.start, end=WEEK.end, team_id=team, tier_id=gold),
                    Filters(start=WEEK.start, end=WEEK.end, team_id=team,
                            channel=Channel.EMAIL, tier_id=gold)):
        assert filters.combined
        s = summary(filters)
        assert (s.created, s.resolved, s.fr_met, s.fr_p50, s.complaints) == (
            1, 0, 1, 10 * MIN, 1)
        for period in (filters, Filters(start=date(2026, 3, 1), end=date(2026, 3, 31),
                                        team_id=filters.team_id, channel=filters.channel,
                                        tier_id=filters.tier_id)):
            hours = selectors.breakdowns(period, ["hour"])["hour"]
            assert {k: v["created"] for k, v in hours.items()} == {str(2 * 24 + 10): 1}
        agents = tables.sla_dashboard(filters, now=NOW).table("by-agent").rows
        assert len(agents) == 1 and agents[0][1:3] == [1, 0]       # Ann: 1 created

    # Three filters that match nothing show nothing.
    none = Filters(start=WEEK.start, end=WEEK.end, team_id=refreshed.other_team.pk,
                   channel=Channel.CHAT, tier_id=gold)
    assert summary(none).created == 0
    assert selectors.breakdowns(none, tables.BREAKDOWNS) == {dim: {} for dim in
                                                             tables.BREAKDOWNS}


def test_a_year_reads_month_rows_with_the_same_answers_as_days(refreshed):
    months, days = selectors.segments(date(2026, 2, 15), date(2026, 3, 31))
    assert months == [date(2026, 3, 1)] and days[0] == date(2026, 2, 15) and len(days) == 14
    march = Filters(start=date(2026, 2, 15), end=date(2026, 3, 31))
    groups = selectors.breakdowns(march, ["channel"])["channel"]
    assert {k: v["created"] for k, v in groups.items()} == {"email": 3, "chat": 1, "web": 1,
                                                           "phone": 1}
    assert metrics.summarize(metrics.summed(groups.values())).res_p90 == 120 * MIN


def test_breaching_now_and_at_risk_link_to_tickets(refreshed):
    breaching = selectors.breaching_now(WEEK, now=NOW)
    assert [t.pk for t in breaching.tickets] == [refreshed.d.pk]
    risky = selectors.at_risk(WEEK, now=NOW)
    assert [t.pk for t in risky.tickets] == [refreshed.f.pk]
    board = tables.sla_dashboard(WEEK, now=NOW)
    assert board.table("breaching").links == [f"/tickets/{refreshed.d.pk}/"]


def test_backlog_by_status_and_age_and_per_agent(refreshed):
    backlog = selectors.backlog(WEEK, now=NOW)
    assert backlog.open == 3 and backlog.unassigned == 3
    assert backlog.by_status["new"]["lt1"] == 2          # D and F
    assert backlog.by_status["open"]["lt1"] == 1         # E, answered
    board = tables.workload_dashboard(WEEK, now=NOW)
    heat = board.table("heatmap").rows
    assert heat[2][1 + 10] == 2                         # Wednesday 10:00: E and F
    assert heat[0][1 + 20] == 1                         # Monday 20:00: A
    volume = board.table("volume").rows
    assert [r[1:] for r in volume] == [[1, 0], [2, 3], [3, 0]]


def test_the_rebuild_gives_the_same_rollup_as_the_incremental_refresh(refreshed):
    from reports.models import Rollup

    before = sorted(Rollup.objects.values_list("grain", "start", "side", "filter_dim",
                                               "filter_value", "dim", "value", "created",
                                               "fr_met", "res_h9"))
    Rollup.objects.all().delete()
    services.rebuild(now=NOW)
    after = sorted(Rollup.objects.values_list("grain", "start", "side", "filter_dim",
                                              "filter_value", "dim", "value", "created",
                                              "fr_met", "res_h9"))
    assert before == after and before


@pytest.mark.parametrize("name", ["sla", "workload", "quality"])
def test_every_table_has_rows_and_a_csv(refreshed, name):
    from reports.exports import csv_lines

    board = tables.PAGES[name](WEEK, now=NOW)
    for table in board.tables:
        lines = list(csv_lines(table))
        assert len(lines) == len(table.rows) + 1
