"""The automatic out-of-hours acknowledgement."""

import pytest
import time_machine

from sla.models import Acknowledgement, Metric, TimerState
from tests.factories import CustomerFactory
from tickets import outbound, services
from tickets.models import Category, Channel, DeliveryStatus, Direction, Message

from .conftest import clock, sh

NIGHT = sh(2025, 3, 10, 22, 30)


@pytest.fixture(autouse=True)
def acknowledgements_on(settings):
    settings.KEFU_SLA_AUTO_ACKNOWLEDGE = True


def open_at(customer, at, **kwargs):
    kwargs.setdefault("category", Category.ORDER_STATUS)
    with time_machine.travel(at, tick=False):
        return services.open_ticket(customer=customer, subject="Where is my order?",
                                    body_text="Hello?", at=at, **kwargs)


def write_at(ticket, at, text="Anyone there?"):
    with time_machine.travel(at, tick=False):
        return services.receive_message(ticket=ticket, body_text=text, at=at)


def acknowledgements(ticket):
    return Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND, author=None)


def test_a_message_after_hours_is_acknowledged_with_the_expected_answer_time(
        customer, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        ticket = open_at(customer, NIGHT)

    [ack] = acknowledgements(ticket)
    assert ack.delivery_status == DeliveryStatus.QUEUED
    assert "March 11, 2025, 9 a.m." in ack.body_text      # back at opening
    assert "March 11, 2025, 11 a.m." in ack.body_text     # routine: 2 business hours
    assert "Asia/Shanghai" in ack.body_text and f"#{ticket.pk}" in ack.body_text
    # It answers nothing: the first-response clock still runs.
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert clock(ticket, Metric.FIRST_RESPONSE).state == TimerState.ACTIVE

    with time_machine.travel(NIGHT, tick=False):
        assert outbound.deliver(ack.pk) is True
    [email] = smtp_server.wait_for(1)
    assert email["To"] == "lin.wei@example.cn"
    assert "11 a.m." in email.get_content()


def test_the_acknowledgement_speaks_the_customers_language_and_time_zone(db):
    customer = CustomerFactory(name="王芳", language="zh-hans", time_zone="Asia/Shanghai")
    ticket = open_at(customer, NIGHT)
    [ack] = acknowledgements(ticket)
    assert "王芳" in ack.body_text
    assert "2025年3月11日 09:00" in ack.body_text and "2025年3月11日 11:00" in ack.body_text
    assert "感谢" in ack.body_text

    berlin = CustomerFactory(name="Emma", language="en", time_zone="Europe/Berlin")
    ack = acknowledgements(open_at(berlin, NIGHT)).get()
    assert "March 11, 2025, 2 a.m." in ack.body_text and "Europe/Berlin" in ack.body_text


def test_one_acknowledgement_per_closed_period(customer):
    ticket = open_at(customer, NIGHT)
    write_at(ticket, sh(2025, 3, 10, 23, 30))
    write_at(ticket, sh(2025, 3, 11, 6))
    assert acknowledgements(ticket).count() == 1

    write_at(ticket, sh(2025, 3, 11, 10), text="During opening hours")
    assert acknowledgements(ticket).count() == 1
    write_at(ticket, sh(2025, 3, 11, 22), text="The next night")
    assert acknowledgements(ticket).count() == 2
    assert Acknowledgement.objects.filter(ticket=ticket).count() == 2


def test_no_acknowledgement_when_switched_off(customer, settings):
    settings.KEFU_SLA_AUTO_ACKNOWLEDGE = False
    assert not acknowledgements(open_at(customer, NIGHT)).exists()


def test_no_acknowledgement_during_opening_hours(customer):
    assert not acknowledgements(open_at(customer, sh(2025, 3, 10, 15))).exists()


def test_no_acknowledgement_for_a_logged_phone_call(customer, agent):
    ticket = open_at(customer, NIGHT, channel=Channel.PHONE, opened_by=agent)
    assert not acknowledgements(ticket).exists()


def test_no_acknowledgement_for_a_message_imported_late(customer):
    with time_machine.travel(sh(2025, 3, 11, 10), tick=False):
        ticket = services.open_ticket(customer=customer, subject="Old", body_text="Old",
                                      at=NIGHT)
    assert not acknowledgements(ticket).exists()


def test_a_chat_acknowledgement_is_shown_not_emailed(customer):
    ticket = open_at(customer, NIGHT, channel=Channel.CHAT)
    assert acknowledgements(ticket).get().delivery_status == DeliveryStatus.SENT


def test_the_promise_is_the_deadline_of_the_running_response_clock(customer, agent):
    ticket = open_at(customer, sh(2025, 3, 10, 15), category=Category.DAMAGED)
    with time_machine.travel(sh(2025, 3, 10, 15, 5), tick=False):
        services.reply(ticket=ticket, author=agent, body_text="Sorry! Photo please?")
    write_at(ticket, sh(2025, 3, 10, 23))
    [ack] = acknowledgements(ticket)
    # Next response for urgent issues: 30 business minutes from 09:00.
    assert "March 11, 2025, 9:30 a.m." in ack.body_text
