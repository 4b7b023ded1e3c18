"""Each ticket's fact: business time from the SLA clocks, paused time left out."""

from reports.models import TicketFact

from .conftest import MIN, sh


def fact(ticket) -> TicketFact:
    return TicketFact.objects.get(ticket=ticket)


def test_first_response_is_counted_in_business_hours_across_the_night(refreshed):
    a = fact(refreshed.a)
    assert a.first_response == "met"
    assert a.first_response_seconds == 60 * MIN


def test_paused_time_is_left_out_of_the_resolution_time(refreshed):
    a = fact(refreshed.a)
    assert a.resolution == "met"
    assert a.resolution_seconds == 120 * MIN
    assert a.next_responses_met == 1 and a.next_responses_breached == 0
    assert a.resolved_day == sh(3).date()


def test_a_late_first_response_is_breached_with_its_time(refreshed):
    b = fact(refreshed.b)
    assert b.first_response == "breached"
    assert b.first_response_seconds == 45 * MIN
    assert b.resolution == "met" and b.resolution_seconds == 45 * MIN


def test_first_contact_resolution_needs_one_reply_and_no_reopen(refreshed):
    assert fact(refreshed.b).first_contact_resolution
    assert not fact(refreshed.a).first_contact_resolution   # two replies
    c = fact(refreshed.c)
    assert c.reopens == 1 and not c.first_contact_resolution
    assert c.resolution_seconds == 30 * MIN


def test_an_unanswered_ticket_past_its_deadline_is_breached_without_a_time(refreshed):
    d = fact(refreshed.d)
    assert d.first_response == "breached" and d.first_response_seconds is None
    assert d.is_open and d.resolution == "running"


def test_a_contact_about_the_same_order_within_seven_days_is_a_repeat(refreshed):
    assert fact(refreshed.d).repeat_contact
    assert not fact(refreshed.a).repeat_contact
    assert not fact(refreshed.b).repeat_contact   # same customer, other order and category


def test_days_and_hours_are_shop_time(refreshed):
    a = fact(refreshed.a)
    assert (a.created_day, a.created_hour, a.created_weekday) == (sh(2).date(), 20, 0)
    assert fact(refreshed.e).tier_id == refreshed.gold.tier_id
