"""The managers' notification page in a real browser."""

import pytest
from django.utils import timezone

from sla import escalation
from sla.models import Metric, Notification
from sla.sweep import sweep
from tests.factories import CustomerFactory
from tickets import services
from tickets.models import Category

from .conftest import clock


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_reads_a_breach_notification(page, login, live_server, screenshot, team,
                                               manager):
    opened = timezone.now() - timezone.timedelta(days=2)
    ticket = services.open_ticket(customer=CustomerFactory(), subject="Teapot arrived cracked",
                                  body_text="!", category=Category.DAMAGED, team=team,
                                  at=opened)
    sweep()
    escalation.escalate(timer_id=clock(ticket, Metric.FIRST_RESPONSE).pk)

    login(manager)
    page.goto(f"{live_server.url}/sla/notifications/")
    row = page.locator(".list-group-item").first
    assert "Teapot arrived cracked" in row.inner_text()
    assert "list-group-item-danger" in row.get_attribute("class")
    screenshot("unread")
    row.get_by_role("button", name="Mark read").click()
    page.wait_for_function(
        "!document.querySelector('.list-group-item').classList.contains('list-group-item-danger')")
    assert Notification.objects.filter(recipient=manager, read_at__isnull=False).exists()
    screenshot("read")
