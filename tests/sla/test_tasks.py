"""The SLA tasks on a real Celery worker process."""

import re
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from sla.models import (
    BusinessCalendar,
    EmailStatus,
    Notification,
    SLAEvent,
    SLAEventKind,
    SLAPolicy,
    SLATimer,
    TimerState,
)
from sla.sweep import sweep
from sla.tasks import sweep as sweep_task
from tests.conftest import wait_until
from tests.factories import CustomerFactory
from tickets import services
from tickets.models import Category, TicketEvent

DUE = 40


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_breach_is_recorded_once_when_two_sweeps_run_at_once(worker_smtp_server, team,
                                                              manager):
    # Round-the-clock hours, so the clocks are overdue now whatever the time of day.
    always = BusinessCalendar.objects.create(name="Round the clock", time_zone="UTC",
                                             always_open=True)
    SLAPolicy.objects.update(calendar=always)
    opened = timezone.now() - timedelta(hours=1)
    customers = CustomerFactory.create_batch(5)
    tickets = [services.open_ticket(customer=customers[i % 5], subject=f"Lost parcel {i}",
                                    body_text="?", category=Category.SHIPPING_PROBLEM,
                                    team=team, at=opened) for i in range(DUE)]

    # One sweep in the worker process and one here, at the same time.
    sweep_task.delay()
    here = threading.Thread(target=lambda: (sweep(), connection.close()))
    here.start()
    sweep_task.delay()
    here.join()

    def escalated():
        return SLATimer.objects.filter(state=TimerState.BREACHED,
                                       escalated_at__isnull=False).count() >= DUE
    assert wait_until(escalated, timeout=60)
    # Only the first-response clocks (15 minutes) are overdue; resolution has 12 hours.
    assert SLAEvent.objects.filter(kind=SLAEventKind.BREACHED).count() == DUE
    assert SLAEvent.objects.filter(kind=SLAEventKind.ESCALATED).count() == DUE
    assert TicketEvent.objects.filter(kind="sla", data__sla="breached").count() == DUE
    assert TicketEvent.objects.filter(kind="sla", data__sla="escalated").count() == DUE
    assert Notification.objects.filter(recipient=manager).count() == DUE

    emails = worker_smtp_server.wait_for(DUE, timeout=60)
    assert len(emails) == DUE
    assert {e["To"] for e in emails} == {manager.email}
    assert len({e["Subject"] for e in emails}) == DUE
    # Each email links to its own ticket, with Kefu's absolute address.
    base = settings.KEFU_BASE_URL.rstrip("/")
    assert base.startswith(("http://", "https://"))
    for email in emails:
        number = re.search(r"#(\d+)", email["Subject"]).group(1)
        assert f"Open the ticket in Kefu: {base}/tickets/{number}/" in \
            email.get_content().splitlines()
    assert wait_until(lambda: Notification.objects.filter(
        email_status=EmailStatus.SENT).count() == DUE)
    # Another sweep finds nothing left to do.
    sweep_task.delay()
    assert len(worker_smtp_server.wait_for(DUE + 1, timeout=3)) == DUE
    assert SLAEvent.objects.filter(kind=SLAEventKind.BREACHED).count() == DUE
    assert {t.ticket_id for t in SLATimer.objects.filter(state=TimerState.BREACHED)} == {
        t.pk for t in tickets}
