"""Every clock rule, with a frozen clock: start, pause, resume, stop, reopen, re-choice."""

from datetime import timedelta

import time_machine

from sla import services as sla_services
from sla.models import Metric, SLAEvent, SLAEventKind, TimerState
from tests.factories import tier
from tickets import services
from tickets.models import Category, Priority, Status, TicketEvent

from .conftest import clock, clocks, sh

FR, NR, RES = Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE, Metric.RESOLUTION
MONDAY_10 = sh(2025, 3, 10, 10)


def open_at(customer, at, category=Category.SHIPPING_PROBLEM, **kwargs):
    with time_machine.travel(at, tick=False):
        return services.open_ticket(customer=customer, subject="Parcel stuck",
                                    body_text="Where is it?", category=category, at=at,
                                    **kwargs)


def test_a_new_ticket_starts_first_response_and_resolution_under_the_matching_policy(customer):
    ticket = open_at(customer, MONDAY_10)

    first, resolution = clock(ticket, FR), clock(ticket, RES)
    assert first.policy.name == "Urgent issue"
    assert first.state == TimerState.ACTIVE and first.started_at == MONDAY_10
    assert first.due_at == sh(2025, 3, 10, 10, 15)
    assert first.warn_at == sh(2025, 3, 10, 10, 11, 15)  # 75% of 15 minutes
    # 12 business hours: 11 on Monday (to 21:00), 1 on Tuesday from 09:00.
    assert resolution.due_at == sh(2025, 3, 11, 10)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == first.due_at
    assert ticket.sla.policy.name == "Urgent issue"
    timeline = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.SLA)
    assert timeline.data["sla"] == "policy_applied" and timeline.data["policy"] == "Urgent issue"
    kinds = list(SLAEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert sorted(kinds) == ["policy_applied", "started", "started"]


def test_a_ticket_that_arrives_after_closing_is_due_after_the_next_opening(customer):
    ticket = open_at(customer, sh(2025, 3, 10, 20, 55))
    # 5 minutes before 21:00, 10 after 09:00.
    assert clock(ticket, FR).due_at == sh(2025, 3, 11, 9, 10)


def test_a_night_message_waits_for_opening(customer):
    ticket = open_at(customer, sh(2025, 3, 10, 23, 30), category=Category.ORDER_STATUS)
    first = clock(ticket, FR)
    assert first.policy.name == "Routine"
    assert first.due_at == sh(2025, 3, 11, 11)


def test_non_urgent_targets_count_calendar_time(customer):
    ticket = open_at(customer, sh(2025, 3, 10, 20), category=Category.FEEDBACK)
    first = clock(ticket, FR)
    assert first.policy.name == "Non-urgent" and not first.business_hours
    assert first.due_at == sh(2025, 3, 11, 20)


def test_silver_and_gold_customers_get_the_stricter_priority_policies(customer):
    customer.tier = tier("Gold")
    customer.save()
    urgent = open_at(customer, MONDAY_10)
    assert clock(urgent, FR).policy.name == "VIP urgent issue"
    assert clock(urgent, FR).due_at == sh(2025, 3, 10, 10, 5)

    customer.tier = tier("Silver")
    customer.save()
    routine = open_at(customer, MONDAY_10, category=Category.PRE_SALE)
    assert clock(routine, FR).policy.name == "VIP priority service"
    assert clock(routine, FR).due_at == sh(2025, 3, 10, 10, 30)

    customer.tier = tier("Bronze")
    customer.save()
    assert clock(open_at(customer, MONDAY_10, category=Category.PRE_SALE), FR).policy.name \
        == "Routine"


def test_an_internal_note_does_not_stop_the_first_response_clock(customer, agent):
    ticket = open_at(customer, MONDAY_10)
    services.add_note(ticket=ticket, author=agent, body_text="Checking with the carrier",
                      at=sh(2025, 3, 10, 10, 5))
    assert clock(ticket, FR).state == TimerState.ACTIVE


def test_the_first_public_reply_meets_the_first_response_target(customer, agent):
    ticket = open_at(customer, MONDAY_10)
    services.reply(ticket=ticket, author=agent, body_text="Looking into it",
                   at=sh(2025, 3, 10, 10, 12))

    first = clock(ticket, FR)
    assert first.state == TimerState.MET
    assert first.stopped_at == sh(2025, 3, 10, 10, 12)
    assert first.check_at is None
    ticket.refresh_from_db()
    assert ticket.sla_due_at == clock(ticket, RES).due_at
    assert not ticket.sla_breached
    assert SLAEvent.objects.filter(timer=first, kind=SLAEventKind.MET).count() == 1


def test_a_late_first_reply_records_the_breach_even_before_a_sweep(customer, agent):
    ticket = open_at(customer, MONDAY_10)
    services.reply(ticket=ticket, author=agent, body_text="Sorry for the wait",
                   at=sh(2025, 3, 10, 10, 20))

    first = clock(ticket, FR)
    assert first.state == TimerState.BREACHED
    assert first.breached_at == sh(2025, 3, 10, 10, 15)
    assert first.escalated_at is None and first.check_at is None
    ticket.refresh_from_db()
    assert ticket.sla_breached
    assert TicketEvent.objects.filter(ticket=ticket, kind="sla", data__sla="breached").count() == 1


def test_a_customer_message_after_an_agent_reply_starts_the_next_response_clock(customer, agent):
    ticket = open_at(customer, MONDAY_10)
    services.reply(ticket=ticket, author=agent, body_text="Which order?",
                   at=sh(2025, 3, 10, 10, 5))
    services.receive_message(ticket=ticket, body_text="#1042", at=sh(2025, 3, 10, 11))
    services.receive_message(ticket=ticket, body_text="Any news?", at=sh(2025, 3, 10, 11, 10))

    assert set(clocks(ticket)) == {(FR, 1), (NR, 1), (RES, 1)}
    next_response = clock(ticket, NR, 1)
    assert next_response.started_at == sh(2025, 3, 10, 11)
    assert next_response.due_at == sh(2025, 3, 10, 11, 30)

    services.reply(ticket=ticket, author=agent, body_text="It ships today",
                   at=sh(2025, 3, 10, 11, 20))
    assert clock(ticket, NR, 1).state == TimerState.MET
    services.receive_message(ticket=ticket, body_text="Thanks! And the invoice?",
                             at=sh(2025, 3, 10, 12))
    assert clock(ticket, NR, 2).due_at == sh(2025, 3, 10, 12, 30)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == sh(2025, 3, 10, 12, 30)


def test_no_next_response_clock_while_the_first_response_is_still_awaited(customer):
    ticket = open_at(customer, MONDAY_10)
    services.receive_message(ticket=ticket, body_text="Hello??", at=sh(2025, 3, 10, 10, 5))
    assert set(clocks(ticket)) == {(FR, 1), (RES, 1)}


def test_pending_pauses_every_clock_and_the_customers_reply_resumes_them(customer, agent):
    ticket = open_at(customer, MONDAY_10, category=Category.ORDER_STATUS)
    services.reply(ticket=ticket, author=agent, body_text="Could you send a photo?",
                   set_status=Status.PENDING, at=sh(2025, 3, 10, 10, 30))

    resolution = clock(ticket, RES)
    assert resolution.state == TimerState.PAUSED
    assert resolution.pause_reason == "pending"
    assert resolution.due_at is None and resolution.check_at is None
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None

    services.receive_message(ticket=ticket, body_text="Here it is",
                             at=sh(2025, 3, 10, 14))
    resolution = clock(ticket, RES)
    assert resolution.state == TimerState.ACTIVE and resolution.pause_reason == ""
    assert resolution.paused_duration == timedelta(hours=3, minutes=30)
    # 30 minutes counted, 35.5 business hours left from Monday 14:00: Monday 7 h,
    # Tuesday and Wednesday 12 h each, Thursday 4.5 h from 09:00.
    assert resolution.due_at == sh(2025, 3, 13, 13, 30)
    assert resolution.elapsed(sh(2025, 3, 10, 14)) == timedelta(minutes=30)
    kinds = list(SLAEvent.objects.filter(timer=resolution).values_list("kind", flat=True))
    assert kinds == ["started", "paused", "resumed"]


def test_on_hold_pauses_with_its_reason_and_reopening_resumes(customer, agent):
    ticket = open_at(customer, MONDAY_10)
    services.change_status(ticket=ticket, status=Status.ON_HOLD, by=agent,
                           at=sh(2025, 3, 10, 10, 5))
    first = clock(ticket, FR)
    assert first.state == TimerState.PAUSED and first.pause_reason == "on_hold"

    services.change_status(ticket=ticket, status=Status.OPEN, by=agent,
                           at=sh(2025, 3, 10, 11, 5))
    first = clock(ticket, FR)
    assert first.state == TimerState.ACTIVE
    assert first.due_at == sh(2025, 3, 10, 11, 15)  # 5 minutes counted, 10 left


def test_solving_stops_the_resolution_clock_and_reopening_resumes_it(customer, agent):
    ticket = open_at(customer, MONDAY_10)
    services.reply(ticket=ticket, author=agent, body_text="Refunded", set_status=Status.SOLVED,
                   at=sh(2025, 3, 10, 11))
    resolution = clock(ticket, RES)
    assert resolution.state == TimerState.MET
    assert resolution.elapsed_before == timedelta(hours=1)
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None

    # The customer writes again the next morning: the solved night does not count.
    services.receive_message(ticket=ticket, body_text="It has not arrived",
                             at=sh(2025, 3, 11, 9, 30))
    resolution = clock(ticket, RES)
    assert resolution.state == TimerState.ACTIVE and resolution.stopped_at is None
    # 11 business hours left from Tuesday 09:30 -> 20:30.
    assert resolution.due_at == sh(2025, 3, 11, 20, 30)
    assert clock(ticket, NR, 1).started_at == sh(2025, 3, 11, 9, 30)
    assert SLAEvent.objects.filter(timer=resolution, kind="resumed").count() == 1


def test_solving_without_a_reply_ends_the_response_clocks_too(customer, agent):
    ticket = open_at(customer, MONDAY_10)
    services.change_status(ticket=ticket, status=Status.SOLVED, by=agent,
                           at=sh(2025, 3, 10, 10, 5))
    assert {t.state for t in clocks(ticket).values()} == {TimerState.MET}


def test_a_priority_change_rechooses_the_policy_keeping_the_elapsed_time(customer, agent):
    ticket = open_at(customer, MONDAY_10, category=Category.ORDER_STATUS)
    assert clock(ticket, FR).due_at == sh(2025, 3, 10, 12)

    ticket.priority = Priority.URGENT
    ticket.save(update_fields=["priority"])
    sla_services.on_ticket_event(ticket, "fields_changed", at=sh(2025, 3, 10, 10, 10))

    first = clock(ticket, FR)
    assert first.policy.name == "Urgent priority"
    assert first.target_minutes == 15
    assert first.due_at == sh(2025, 3, 10, 10, 15)  # 10 minutes already counted
    ticket.refresh_from_db()
    assert ticket.sla.policy.name == "Urgent priority"
    assert ticket.sla_due_at == first.due_at
    change = TicketEvent.objects.filter(ticket=ticket, kind="sla").last()
    assert change.data["previous"] == "Routine" and change.data["policy"] == "Urgent priority"


def test_a_stricter_policy_already_exceeded_is_due_at_once(customer):
    ticket = open_at(customer, MONDAY_10, category=Category.ORDER_STATUS)
    ticket.category = Category.DAMAGED
    ticket.save(update_fields=["category"])
    sla_services.on_ticket_event(ticket, "fields_changed", at=sh(2025, 3, 10, 10, 20))
    first = clock(ticket, FR)
    assert first.due_at == sh(2025, 3, 10, 10, 20)
    assert first.check_at == sh(2025, 3, 10, 10, 20)


def test_a_new_tier_rechooses_the_policy_of_the_customers_open_tickets(customer):
    ticket = open_at(customer, MONDAY_10, category=Category.PRE_SALE)
    customer.tier = tier("Gold")
    customer.save()
    assert sla_services.on_customer_changed(customer=customer,
                                            at=sh(2025, 3, 10, 10, 10)) == 1
    first = clock(ticket, FR)
    assert first.policy.name == "VIP priority service"
    assert first.due_at == sh(2025, 3, 10, 10, 30)


def test_a_breached_clock_keeps_its_policy_when_the_policy_changes(customer, agent):
    ticket = open_at(customer, MONDAY_10)
    services.reply(ticket=ticket, author=agent, body_text="Late", at=sh(2025, 3, 10, 10, 30))
    ticket.priority = Priority.URGENT
    ticket.save(update_fields=["priority"])
    sla_services.on_ticket_event(ticket, "fields_changed", at=sh(2025, 3, 10, 10, 40))
    assert clock(ticket, FR).policy.name == "Urgent issue"
    assert clock(ticket, RES).policy.name == "Urgent priority"


def test_a_reply_to_a_message_kefu_sent_first_starts_the_clocks(customer):
    with time_machine.travel(MONDAY_10, tick=False):
        message = services.send_proactive_message(customer=customer, subject="Delayed",
                                                  body_text="Your parcel is late, sorry",
                                                  category=Category.SHIPPING_PROBLEM)
    ticket = message.ticket
    assert clocks(ticket) == {}
    services.receive_message(ticket=ticket, body_text="When will it come?",
                             at=sh(2025, 3, 10, 11))
    assert clock(ticket, FR).due_at == sh(2025, 3, 10, 11, 15)


def test_without_any_active_policy_a_ticket_has_no_clocks(customer):
    from sla.models import SLAPolicy

    SLAPolicy.objects.update(is_active=False)
    ticket = open_at(customer, MONDAY_10)
    assert clocks(ticket) == {}
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None
