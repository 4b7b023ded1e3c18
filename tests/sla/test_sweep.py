"""The minute sweep: warnings and breaches recorded once, escalation as the policy says."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from sla import escalation
from sla import sweep as sweep_module
from sla.models import (
    EmailStatus,
    Metric,
    Notification,
    SLAEvent,
    SLAEventKind,
    SLAPolicy,
    SLATimer,
    TimerState,
)
from sla.sweep import sweep
from tests.factories import CustomerFactory, UserFactory
from tickets import services
from tickets.models import Category, Priority, Status, TicketEvent

from .conftest import clock, sh

FR, RES = Metric.FIRST_RESPONSE, Metric.RESOLUTION
MONDAY_10 = sh(2025, 3, 10, 10)


def urgent_ticket(customer, *, at=MONDAY_10, team=None):
    return services.open_ticket(customer=customer, subject="Parcel stuck", body_text="?",
                                category=Category.SHIPPING_PROBLEM, team=team, at=at)


def sla_history(ticket, what):
    return TicketEvent.objects.filter(ticket=ticket, kind="sla", data__sla=what)


def test_the_warning_is_recorded_once_at_75_percent(customer):
    ticket = urgent_ticket(customer)
    assert sweep(now=sh(2025, 3, 10, 10, 11)).warned == 0

    result = sweep(now=sh(2025, 3, 10, 10, 12))
    assert (result.warned, result.breached) == (1, 0)
    first = clock(ticket, FR)
    assert first.warned_at == sh(2025, 3, 10, 10, 11, 15)
    assert first.check_at == first.due_at
    assert sweep(now=sh(2025, 3, 10, 10, 13)).warned == 0
    assert SLAEvent.objects.filter(timer=first, kind=SLAEventKind.WARNED).count() == 1
    [warned] = sla_history(ticket, "warned")
    assert warned.data["metric"] == FR and warned.data["policy"] == "Urgent issue"


def test_the_breach_is_recorded_once_and_queued_for_escalation(customer):
    ticket = urgent_ticket(customer)
    result = sweep(now=sh(2025, 3, 10, 10, 20))
    assert (result.warned, result.breached, result.escalations) == (1, 1, 1)

    first = clock(ticket, FR)
    assert first.state == TimerState.BREACHED
    assert first.breached_at == sh(2025, 3, 10, 10, 15)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == first.due_at  # still the nearest: overdue sorts first
    assert not ticket.sla_breached  # the escalation flags the ticket

    second = sweep(now=sh(2025, 3, 10, 10, 21))
    assert (second.warned, second.breached, second.escalations) == (0, 0, 0)
    assert SLAEvent.objects.filter(timer=first, kind=SLAEventKind.BREACHED).count() == 1
    assert sla_history(ticket, "breached").count() == 1


def test_a_lost_escalation_is_queued_again_by_a_later_sweep(customer):
    urgent_ticket(customer)
    sweep(now=sh(2025, 3, 10, 10, 20))
    assert sweep(now=sh(2025, 3, 10, 10, 24)).escalations == 0
    assert sweep(now=sh(2025, 3, 10, 10, 26)).escalations == 1


def test_escalation_raises_priority_notifies_the_manager_and_emails_once(
        customer, team, manager, smtp_server, settings):
    settings.KEFU_BASE_URL = "https://support.shop.example/"
    ticket = urgent_ticket(customer, team=team)
    sweep(now=sh(2025, 3, 10, 10, 20))
    timer = clock(ticket, FR)

    assert escalation.escalate(timer_id=timer.pk, now=sh(2025, 3, 10, 10, 21)) is True
    assert escalation.escalate(timer_id=timer.pk, now=sh(2025, 3, 10, 10, 22)) is False

    ticket.refresh_from_db()
    assert ticket.sla_breached
    assert ticket.priority == Priority.HIGH
    timer.refresh_from_db()
    assert timer.escalated_at == sh(2025, 3, 10, 10, 21) and timer.check_at is None
    [notification] = Notification.objects.filter(ticket=ticket)
    assert notification.recipient == manager
    assert notification.email_status == EmailStatus.QUEUED
    [escalated] = sla_history(ticket, "escalated")
    assert escalated.data["priority"] == "high" and escalated.data["notified"] == ["Mei Manager"]
    assert SLAEvent.objects.filter(timer=timer, kind=SLAEventKind.ESCALATED).count() == 1

    assert escalation.send_email(notification_id=notification.pk) is True
    assert escalation.send_email(notification_id=notification.pk) is False
    [email] = smtp_server.wait_for(1)
    assert email["To"] == manager.email
    assert f"#{ticket.pk}" in email["Subject"] and "First response" in email["Subject"]
    # The link works from a mail client: absolute, on Kefu's own address.
    link = f"https://support.shop.example/tickets/{ticket.pk}/"
    lines = email.get_content().splitlines()
    assert f"Open the ticket in Kefu: {link}" in lines
    assert "Deadline: March 10, 2025, 10:15 a.m." in lines
    assert len(smtp_server.wait_for(2, timeout=1)) == 1
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT


def test_a_raised_priority_rechooses_the_policy(customer):
    ticket = services.open_ticket(customer=customer, subject="Where is it?", body_text="?",
                                  category=Category.ORDER_STATUS, at=MONDAY_10)
    sweep(now=sh(2025, 3, 10, 12, 1))
    escalation.escalate(timer_id=clock(ticket, FR).pk, now=sh(2025, 3, 10, 12, 1))
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.sla.policy.name == "High priority"
    assert clock(ticket, RES).policy.name == "High priority"
    assert clock(ticket, FR).policy.name == "Routine"  # breached: measured as it was


def test_without_a_team_manager_every_manager_is_notified(customer, manager):
    other = UserFactory(username="max", role="manager")
    ticket = urgent_ticket(customer)
    sweep(now=sh(2025, 3, 10, 10, 20))
    escalation.escalate(timer_id=clock(ticket, FR).pk)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        manager.username, other.username}


def test_a_policy_can_reassign_on_breach_and_skip_the_priority(customer, agent, other_agent):
    SLAPolicy.objects.filter(name="Urgent issue").update(
        reassign_on_breach_to=other_agent, raise_priority_on_breach=False,
        notify_manager_on_breach=False)
    ticket = urgent_ticket(customer)
    services.assign(ticket=ticket, agent=agent, by=None, at=MONDAY_10)
    sweep(now=sh(2025, 3, 10, 10, 20))
    escalation.escalate(timer_id=clock(ticket, FR).pk)
    ticket.refresh_from_db()
    assert ticket.assignee == other_agent
    assert ticket.priority == Priority.NORMAL
    assert not Notification.objects.exists()
    assert sla_history(ticket, "escalated").get().data["reassigned_to"] == "Bo Chen"


def test_escalating_a_solved_ticket_only_notifies(customer, agent, manager):
    ticket = urgent_ticket(customer)
    sweep(now=sh(2025, 3, 10, 10, 20))
    services.change_status(ticket=ticket, status=Status.SOLVED, by=agent,
                           at=sh(2025, 3, 10, 10, 21))
    escalation.escalate(timer_id=clock(ticket, FR).pk)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert Notification.objects.filter(ticket=ticket, recipient=manager).exists()


def test_a_paused_clock_is_not_breached(customer, agent):
    ticket = urgent_ticket(customer)
    services.change_status(ticket=ticket, status=Status.PENDING, by=agent,
                           at=sh(2025, 3, 10, 10, 5))
    assert sweep(now=sh(2025, 3, 10, 23)).breached == 0
    assert clock(ticket, FR).state == TimerState.PAUSED


def test_the_sweep_reads_only_due_clocks(customer, django_assert_max_num_queries):
    for _ in range(30):
        urgent_ticket(customer, at=sh(2025, 3, 10, 12))
    due = [urgent_ticket(customer) for _ in range(3)]
    with django_assert_max_num_queries(10):
        result = sweep(now=sh(2025, 3, 10, 10, 20))
    assert result.breached == 3
    assert {t.ticket_id for t in SLATimer.objects.filter(state=TimerState.BREACHED)} == {
        t.pk for t in due}


def test_the_sweeps_query_count_does_not_grow_with_the_number_due(
        db, django_assert_max_num_queries):
    customers = CustomerFactory.create_batch(3)
    for index in range(40):
        urgent_ticket(customers[index % 3])
    with django_assert_max_num_queries(10):
        assert sweep(now=sh(2025, 3, 10, 10, 20)).breached == 40


def test_the_sweep_works_in_batches(customer):
    for _ in range(7):
        urgent_ticket(customer)
    assert sweep(now=sh(2025, 3, 10, 10, 20), batch_size=3).breached == 7


def test_the_management_command_runs_the_sweep_once(customer):
    import time_machine

    urgent_ticket(customer)
    out = StringIO()
    with time_machine.travel(sh(2025, 3, 10, 10, 20), tick=False):
        call_command("sla_sweep", stdout=out)
    assert "1 breached" in out.getvalue()


def test_emails_whose_task_was_lost_are_retried(customer, manager):
    ticket = urgent_ticket(customer)
    sweep(now=sh(2025, 3, 10, 10, 20))
    escalation.escalate(timer_id=clock(ticket, FR).pk, now=sh(2025, 3, 10, 10, 21))
    notification = Notification.objects.get()
    assert escalation.emails_to_retry(now=sh(2025, 3, 10, 10, 21, 30)) == []
    assert escalation.emails_to_retry(now=sh(2025, 3, 10, 10, 23)) == [notification.pk]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks (SELECT ... FOR UPDATE SKIP LOCKED) need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_overlapping_sweeps_record_each_breach_once():
    customers = CustomerFactory.create_batch(5)
    tickets = [urgent_ticket(customers[i % 5]) for i in range(60)]
    barrier = threading.Barrier(4)
    results = []

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(sweep(now=sh(2025, 3, 10, 10, 20), batch_size=10))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.breached for r in results) == len(tickets)
    assert SLAEvent.objects.filter(kind=SLAEventKind.BREACHED).count() == len(tickets)
    assert TicketEvent.objects.filter(kind="sla", data__sla="breached").count() == len(tickets)


def _at_once(count: int, work) -> list:
    """Run ``work(index)`` in ``count`` threads started together, each on its own
    database connection; returns their results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="concurrent transactions with row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_escalations_notify_and_email_each_manager_once_per_breach(
        team, manager, smtp_server, monkeypatch):
    """The beat's sweep and a worker (or a retried task) escalate the same breaches at the
    same moment, and two email tasks send the same notifications at the same moment."""
    second_manager = UserFactory(username="max", role="manager", email="max@kefu.example")
    customers = CustomerFactory.create_batch(3)
    tickets = [urgent_ticket(customers[i % 3]) for i in range(20)]  # no team: all managers
    # The escalations the sweep hands to the workers are run by this test's threads, not by
    # a worker process that may be running for other tests.
    handed_over = []
    monkeypatch.setattr(sweep_module, "_enqueue_escalations", handed_over.extend)
    sweep(now=sh(2025, 3, 10, 10, 20))
    timers = list(SLATimer.objects.filter(state=TimerState.BREACHED).order_by("pk"))
    assert len(timers) == len(tickets)
    assert sorted(handed_over) == [t.pk for t in timers]

    escalated = _at_once(3, lambda i: sum(
        escalation.escalate(timer_id=t.pk, now=sh(2025, 3, 10, 10, 21)) for t in
        (timers if i % 2 else reversed(timers))))
    assert sum(escalated) == len(timers)
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.priority == Priority.HIGH  # urgent policy's ticket raised one step
        assert sla_history(ticket, "escalated").count() == 1
    assert SLAEvent.objects.filter(kind=SLAEventKind.ESCALATED).count() == len(timers)
    pairs = list(Notification.objects.values_list("recipient_id", "timer_id"))
    assert sorted(pairs) == sorted((m.pk, t.pk) for m in (manager, second_manager)
                                   for t in timers)

    ids = list(Notification.objects.values_list("pk", flat=True))
    sent = _at_once(2, lambda i: sum(escalation.send_email(notification_id=pk)
                                     for pk in (ids if i else reversed(ids))))
    assert sum(sent) == len(ids)
    emails = smtp_server.wait_for(len(ids))
    assert len(smtp_server.wait_for(len(ids) + 1, timeout=1)) == len(ids)
    assert sorted((e["To"], e["Subject"]) for e in emails) == sorted(
        {(e["To"], e["Subject"]) for e in emails})
    assert Notification.objects.filter(email_status=EmailStatus.SENT).count() == len(ids)
