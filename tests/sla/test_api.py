"""The SLA fields of the ticket API resource, as a ticket serializer takes them."""

from rest_framework import serializers

from sla.api import SLA_FIELDS, TicketSLAFields
from sla.selectors import with_sla
from sla.sweep import sweep
from tests.factories import CustomerFactory
from tickets import services
from tickets.models import Category, Status, Ticket

from .conftest import sh

MONDAY_10 = sh(2025, 3, 10, 10)


class TicketSerializer(TicketSLAFields, serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = ["id", "created_at", "status", "first_responded_at", *SLA_FIELDS]


def serialize(tickets, now):
    return TicketSerializer(tickets, many=True, context={"now": now}).data


def test_the_ticket_resource_gives_each_due_time_policy_and_timers(customer, agent):
    ticket = services.open_ticket(customer=customer, subject="Wrong size", body_text="!",
                                  category=Category.WRONG_ITEM, at=MONDAY_10)
    services.reply(ticket=ticket, author=agent, body_text="Which size?",
                   at=sh(2025, 3, 10, 10, 5))
    services.receive_message(ticket=ticket, body_text="M", at=sh(2025, 3, 10, 10, 30))

    [data] = serialize(with_sla(Ticket.objects.filter(pk=ticket.pk)), sh(2025, 3, 10, 10, 40))
    assert data["sla_policy"] == "Urgent issue"
    assert data["sla_breached"] is False
    assert data["first_response_due_at"] == "2025-03-10T10:15:00+08:00"
    assert data["next_response_due_at"] == "2025-03-10T11:00:00+08:00"
    assert data["resolution_due_at"] == "2025-03-11T10:00:00+08:00"
    assert data["first_responded_at"] == "2025-03-10T10:05:00+08:00"
    timers = {t["metric"]: t for t in data["sla_timers"]}
    assert timers["first_response"]["state"] == "met"
    assert timers["first_response"]["time_left_seconds"] is None
    assert timers["next_response"]["time_left_seconds"] == 20 * 60
    assert timers["next_response"]["cycle"] == 1
    assert timers["resolution"]["business_hours"] is True


def test_a_paused_target_has_no_due_time_and_says_why(customer, agent):
    ticket = services.open_ticket(customer=customer, subject="Invoice", body_text="?",
                                  category=Category.PAYMENT, at=MONDAY_10)
    services.reply(ticket=ticket, author=agent, body_text="Your address?",
                   set_status=Status.PENDING, at=sh(2025, 3, 10, 10, 5))
    [data] = serialize(with_sla(Ticket.objects.filter(pk=ticket.pk)), sh(2025, 3, 10, 12))
    assert data["resolution_due_at"] is None
    resolution = data["sla_timers"][-1]
    assert resolution["paused"] is True and resolution["pause_reason"] == "pending"
    assert resolution["time_left_seconds"] == (12 * 60 - 5) * 60


def test_a_breach_shows_as_negative_time_left(customer):
    ticket = services.open_ticket(customer=customer, subject="Lost", body_text="?",
                                  category=Category.SHIPPING_PROBLEM, at=MONDAY_10)
    sweep(now=sh(2025, 3, 10, 10, 30))
    [data] = serialize(with_sla(Ticket.objects.filter(pk=ticket.pk)), sh(2025, 3, 10, 10, 30))
    assert data["sla_breached"] is True
    first = data["sla_timers"][0]
    assert first["state"] == "breached" and first["time_left_seconds"] == -15 * 60
    assert first["breached_at"] == "2025-03-10T10:15:00+08:00"


def test_a_ticket_without_clocks_has_empty_sla_fields(db):
    ticket = Ticket.objects.create(customer=CustomerFactory(), subject="Imported",
                                   created_at=MONDAY_10)
    [data] = serialize(with_sla(Ticket.objects.filter(pk=ticket.pk)), MONDAY_10)
    assert data["sla_policy"] is None and data["sla_timers"] == []
    assert data["first_response_due_at"] is None


def test_a_page_of_tickets_costs_a_constant_number_of_queries(db, django_assert_num_queries):
    customers = CustomerFactory.create_batch(4)
    for index in range(4):
        services.open_ticket(customer=customers[index], subject="Q", body_text="?",
                             category=Category.ORDER_STATUS, at=MONDAY_10)
    with django_assert_num_queries(4):
        assert len(serialize(with_sla(Ticket.objects.all()), MONDAY_10)) == 4
    for index in range(20):
        services.open_ticket(customer=customers[index % 4], subject="Q", body_text="?",
                             category=Category.DAMAGED, at=MONDAY_10)
    with django_assert_num_queries(4):
        assert len(serialize(with_sla(Ticket.objects.all()), MONDAY_10)) == 24
