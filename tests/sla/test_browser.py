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
    # Two days open: the first-response and the resolution clocks are both breached. The
    # sweep queued their escalations for the workers; escalating them here as well (a
    # worker may be running) still escalates each breach once.
    breaches = [clock(ticket, Metric.FIRST_RESPONSE), clock(ticket, Metric.RESOLUTION)]
    for timer in breaches:
        escalation.escalate(timer_id=timer.pk)
    notifications = {n.timer_id: n for n in Notification.objects.filter(recipient=manager)}
    assert sorted(notifications) == sorted(timer.pk for timer in breaches)
    first, resolution = (notifications[timer.pk] for timer in breaches)

    login(manager)
    page.goto(f"{live_server.url}/sla/notifications/")
    rows = page.locator(".list-group-item")
    assert rows.count() == 2
    row = page.locator(f"#notification-{first.pk}")
    assert "Teapot arrived cracked" in row.inner_text()
    assert "First response breached" in row.inner_text()
    assert "list-group-item-danger" in row.get_attribute("class")
    screenshot("unread")
    row.get_by_role("button", name="Mark read").click()
    page.wait_for_function(
        f"!document.querySelector('#notification-{first.pk}')"
        ".classList.contains('list-group-item-danger')")
    assert page.locator(f"#notification-{first.pk}").get_by_role("button").count() == 0
    # Only the notification marked read is read; the other breach is still unread.
    assert "list-group-item-danger" in page.locator(
        f"#notification-{resolution.pk}").get_attribute("class")
    first.refresh_from_db()
    resolution.refresh_from_db()
    assert first.read_at is not None and resolution.read_at is None
    screenshot("read")
