"""The SLA strip of the ticket page and the managers' notification page: who may, what
they show, and a query count that does not grow with rows."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sla import escalation
from sla.models import Metric, Notification
from sla.sweep import sweep
from tests.factories import CustomerFactory
from tickets import services
from tickets.models import Category, Status

from .conftest import clock, sh

MONDAY_10 = sh(2025, 3, 10, 10)


@pytest.fixture
def ticket(customer):
    return services.open_ticket(customer=customer, subject="Teapot arrived cracked",
                                body_text="Photo attached", category=Category.DAMAGED,
                                at=MONDAY_10)


def strip(client, ticket, at):
    with time_machine.travel(at, tick=False):
        response = client.get(reverse("sla:ticket_strip", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_strip_shows_each_target_with_due_time_and_time_left(client, agent, ticket):
    client.force_login(agent)
    html = strip(client, ticket, sh(2025, 3, 10, 10, 5))
    assert "Urgent issue" in html
    assert "First response" in html and "Resolution" in html
    assert "0:10 left · due 10:15" in html
    assert 'data-level="ok"' in html


def test_the_strip_turns_amber_at_the_warning_and_red_when_overdue(client, agent, ticket):
    client.force_login(agent)
    assert 'data-metric="first_response" data-level="warning"' in strip(
        client, ticket, sh(2025, 3, 10, 10, 12))
    html = strip(client, ticket, sh(2025, 3, 10, 10, 20))
    assert 'data-metric="first_response" data-level="breached"' in html
    assert "0:05 overdue" in html

    sweep(now=sh(2025, 3, 10, 10, 21))
    html = strip(client, ticket, sh(2025, 3, 10, 10, 25))
    assert "breached · 0:10 overdue · due 10:15" in html
    assert "SLA breached" in html


def test_the_strip_says_why_a_clock_is_paused_and_when_it_is_met(client, agent, ticket):
    services.reply(ticket=ticket, author=agent, body_text="Please send a photo",
                   set_status=Status.PENDING, at=sh(2025, 3, 10, 10, 7))
    client.force_login(agent)
    html = strip(client, ticket, sh(2025, 3, 10, 11))
    assert "met 10:07" in html
    assert "paused (Waiting on the customer)" in html


def test_the_strip_says_when_counting_resumes_outside_business_hours(client, agent, ticket):
    client.force_login(agent)
    html = strip(client, ticket, sh(2025, 3, 10, 22))
    assert "outside business hours, counting resumes Tue 09:00" in html


def test_the_strip_in_chinese(client, agent, ticket):
    client.force_login(agent)
    client.cookies["django_language"] = "zh-hans"
    html = strip(client, ticket, sh(2025, 3, 10, 10, 5))
    assert "首次响应" in html and "剩余 0:10" in html


def test_the_strip_needs_an_agent(client, outsider, ticket):
    url = reverse("sla:ticket_strip", args=[ticket.pk])
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_the_strip_of_a_missing_ticket_is_404(client, agent):
    client.force_login(agent)
    assert client.get(reverse("sla:ticket_strip", args=[999999])).status_code == 404


def test_the_strips_query_count_does_not_grow_with_cycles(client, agent, ticket,
                                                          django_assert_max_num_queries):
    client.force_login(agent)
    for hour in range(11, 20):
        services.reply(ticket=ticket, author=agent, body_text="ok", at=sh(2025, 3, 10, hour))
        services.receive_message(ticket=ticket, body_text="and?",
                                 at=sh(2025, 3, 10, hour, 30))
    with django_assert_max_num_queries(9):
        strip(client, ticket, sh(2025, 3, 10, 20))


@pytest.fixture
def breached(customer, team, manager):
    ticket = services.open_ticket(customer=customer, subject="Charged twice", body_text="!",
                                  category=Category.PAYMENT, team=team, at=MONDAY_10)
    sweep(now=sh(2025, 3, 10, 10, 20))
    escalation.escalate(timer_id=clock(ticket, Metric.FIRST_RESPONSE).pk,
                        now=sh(2025, 3, 10, 10, 21))
    return ticket


def test_a_manager_sees_their_notifications(client, manager, breached):
    client.force_login(manager)
    response = client.get(reverse("sla:notifications"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"#{breached.pk} Charged twice" in html
    assert "First response breached (Urgent issue)" in html
    assert "1 unread" in html


def test_a_manager_marks_a_notification_read(client, manager, breached):
    notification = Notification.objects.get(recipient=manager)
    client.force_login(manager)
    response = client.post(reverse("sla:notification_read", args=[notification.pk]),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_all_read(client, manager, breached):
    client.force_login(manager)
    response = client.post(reverse("sla:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=manager, read_at__isnull=True).exists()


def test_a_manager_cannot_mark_someone_elses_notification(client, manager, admin_user,
                                                          breached):
    notification = Notification.objects.get(recipient=manager)
    client.force_login(admin_user)
    response = client.post(reverse("sla:notification_read", args=[notification.pk]))
    assert response.status_code == 404


def test_notifications_are_for_managers(client, agent):
    url = reverse("sla:notifications")
    assert client.get(url).status_code == 302
    client.force_login(agent)
    assert client.get(url).status_code == 403
    assert client.post(reverse("sla:notifications_read_all")).status_code == 403


def test_marking_read_needs_a_post(client, manager, breached):
    notification = Notification.objects.get(recipient=manager)
    client.force_login(manager)
    assert client.get(reverse("sla:notification_read",
                              args=[notification.pk])).status_code == 405


def test_the_notification_pages_query_count_does_not_grow(client, manager, team, breached,
                                                          django_assert_max_num_queries):
    client.force_login(manager)
    now = timezone.now()
    for index in range(30):
        ticket = services.open_ticket(customer=CustomerFactory(), subject=f"Late {index}",
                                      body_text="?", category=Category.PAYMENT, team=team,
                                      at=now - timedelta(hours=30))
        Notification.objects.create(recipient=manager, ticket=ticket,
                                    timer=clock(ticket, Metric.FIRST_RESPONSE),
                                    created_at=now)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("sla:notifications")).status_code == 200
