from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import wait_until
from tests.factories import CustomerFactory
from tickets import outbound, services
from tickets.models import DeliveryStatus, Message


@pytest.fixture
def ticket(db):
    customer = CustomerFactory(name="Lin Wei", email="lin.wei@example.cn")
    return services.open_ticket(customer=customer, subject="Parcel stuck",
                                body_text="Where is my parcel?",
                                external_message_id="<abc@mail.example.cn>")


def test_a_reply_is_stored_queued_then_emailed_with_threading_headers(ticket, agent, smtp_server,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = services.reply(ticket=ticket, author=agent, body_text="It ships today.")
    assert message.delivery_status == DeliveryStatus.QUEUED

    assert outbound.deliver(message.pk) is True

    [email] = smtp_server.wait_for(1)
    assert email["To"] == "lin.wei@example.cn"
    assert email["Message-ID"] == message.external_message_id
    assert email["In-Reply-To"] == "<abc@mail.example.cn>"
    assert f"[#{ticket.pk}]" in email["Subject"]
    assert "It ships today." in email.get_content()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.sent_at is not None


def test_a_message_is_sent_once_even_if_delivered_twice(ticket, agent, smtp_server,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = services.reply(ticket=ticket, author=agent, body_text="Hello")
    assert outbound.deliver(message.pk) is True
    assert outbound.deliver(message.pk) is False
    time_machine_wait = smtp_server.wait_for(2, timeout=1)
    assert len(time_machine_wait) == 1


def test_an_unreachable_mail_server_leaves_the_message_queued_for_a_retry(
        ticket, agent, settings, django_capture_on_commit_callbacks):
    from tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    with django_capture_on_commit_callbacks(execute=False):
        message = services.reply(ticket=ticket, author=agent, body_text="Hello")
    with pytest.raises(outbound.TransientDeliveryError):
        outbound.deliver(message.pk)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert message.delivery_attempts == 1
    assert message.delivery_error


def test_the_sweep_requeues_a_message_whose_worker_died(ticket, agent,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = services.reply(ticket=ticket, author=agent, body_text="Hello")
    Message.objects.filter(pk=message.pk).update(
        delivery_status=DeliveryStatus.SENDING, delivery_claimed_at=timezone.now())
    assert message.pk not in outbound.requeue_stuck()
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        assert message.pk in outbound.requeue_stuck()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED


def test_a_message_for_quiet_hours_waits_until_its_time(db, smtp_server,
                                                        django_capture_on_commit_callbacks):
    customer = CustomerFactory(email="night@example.com")
    later = timezone.now() + timedelta(hours=8)
    with django_capture_on_commit_callbacks(execute=False):
        message = services.send_proactive_message(
            customer=customer, subject="Your parcel is delayed", body_text="Sorry!",
            deliver_after=later)
    assert outbound.deliver(message.pk) is False
    assert message.pk not in outbound.requeue_stuck()
    with time_machine.travel(later + timedelta(seconds=1)):
        assert message.pk in outbound.requeue_stuck()
        assert outbound.deliver(message.pk) is True
    assert len(smtp_server.wait_for(1)) == 1


def test_a_phone_ticket_reply_is_a_log_and_is_not_emailed(db, agent):
    customer = CustomerFactory()
    ticket = services.open_ticket(customer=customer, subject="Call", body_text="Called about size",
                                  channel="phone", opened_by=agent)
    message = services.reply(ticket=ticket, author=agent, body_text="Told them: size M")
    assert message.delivery_status == DeliveryStatus.SENT


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_a_reply_after_commit( worker_smtp_server, agent):
    customer = CustomerFactory(email="worker@example.com")
    ticket = services.open_ticket(customer=customer, subject="Size", body_text="Which size?")
    message = services.reply(ticket=ticket, author=agent, body_text="Size M fits you best.")

    [email] = worker_smtp_server.wait_for(1, timeout=30)
    assert "Size M fits you best." in email.get_content()
    assert wait_until(lambda: Message.objects.get(pk=message.pk).delivery_status
                      == DeliveryStatus.SENT)
