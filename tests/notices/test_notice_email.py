"""The notice as the customer receives it (a real local SMTP server), and the customer's
reply threading back into the same proactive ticket."""

import smtplib
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from django.utils import timezone

from notices import selectors, services
from notices.models import DelayNotice
from tests.conftest import free_port
from tickets import outbound, tasks
from tickets import services as ticket_services
from tickets.inbound_email import receive_email
from tickets.models import Direction, Status

from .conftest import late_shipment

pytestmark = pytest.mark.usefixtures("at_noon")


@pytest.fixture
def notice(db, django_capture_on_commit_callbacks) -> DelayNotice:
    shipment = late_shipment(name="Lin Wei", email="lin.wei@example.cn", number="50200",
                             estimate=date(2026, 3, 13))
    with django_capture_on_commit_callbacks(execute=False):
        [episode_id] = services.check_shipments(shipment_ids=[shipment.pk])
        return services.send_delay_notice(episode_id=episode_id)


def reply_to(email, body: str, *, sender="Lin Wei <lin.wei@example.cn>", extra="") -> bytes:
    return (
        f"From: {sender}\r\nTo: support@kefu.example\r\n"
        f"Subject: Re: {email['Subject']}\r\n"
        f"Message-ID: <reply-{timezone.now().timestamp()}@mail.example.cn>\r\n"
        f"In-Reply-To: {email['Message-ID']}\r\nReferences: {email['Message-ID']}\r\n"
        f"{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def test_the_customer_receives_the_notice_with_headers_that_thread_a_reply(notice, smtp_server):
    assert outbound.deliver(notice.message_id) is True

    [email] = smtp_server.wait_for(1)
    assert email["To"] == "lin.wei@example.cn"
    assert email["Subject"] == f"Your order #50200 is running late [#{notice.ticket_id}]"
    assert email["Message-ID"] == notice.message.external_message_id
    assert email["In-Reply-To"] is None  # it starts the conversation
    body = email.get_content()
    assert "I'm tracking your order #50200 and noticed it's been delayed" in body
    assert "New estimated delivery: March 13, 2026" in body


def test_a_reply_threads_into_the_proactive_ticket_and_reopens_it(notice, smtp_server,
                                                                   django_capture_on_commit_callbacks):
    outbound.deliver(notice.message_id)
    [email] = smtp_server.wait_for(1)

    message = receive_email(reply_to(email, "Thanks! Can you send it to my office instead?"))

    assert message.ticket == notice.ticket
    assert message.direction == Direction.INBOUND
    assert message.in_reply_to == email["Message-ID"]
    notice.ticket.refresh_from_db()
    assert notice.ticket.status == Status.OPEN

    # The agent's answer continues the same thread.
    with django_capture_on_commit_callbacks(execute=False):
        answer = ticket_services.reply(ticket=notice.ticket, author=None,
                                       body_text="Of course, updated.")
    assert outbound.deliver(answer.pk) is True
    [_, answer_email] = smtp_server.wait_for(2)
    assert answer_email["In-Reply-To"] == message.external_message_id
    assert email["Message-ID"] in answer_email["References"]
    assert answer_email["Subject"].startswith("Re: Your order #50200")


def test_a_reply_arriving_in_the_support_mailbox_is_fetched_into_the_proactive_ticket(
        notice, smtp_server, tmp_path, settings):
    outbound.deliver(notice.message_id)
    [email] = smtp_server.wait_for(1)  # the notice as the customer's mail program got it
    # The support mailbox: a mail server that stores what it receives in a Maildir.
    support = tmp_path / "support"
    port = free_port()
    server = Controller(Mailbox(support), hostname="127.0.0.1", port=port)
    server.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail("lin.wei@example.cn", ["support@kefu.example"],
                          reply_to(email, "Could the courier leave it with my neighbour?"))
    finally:
        server.stop()
    settings.INBOUND_MAILDIR = str(support)

    assert tasks.fetch_inbound_email()["stored"] == 1  # the beat task

    reply = notice.ticket.messages.get(direction=Direction.INBOUND)
    assert reply.body_text == "Could the courier leave it with my neighbour?"
    assert reply.in_reply_to == email["Message-ID"] == notice.message.external_message_id
    notice.ticket.refresh_from_db()
    assert notice.ticket.status == Status.OPEN
    assert notice.ticket.sla_due_at is not None  # the proactive ticket's own SLA now runs
    assert tasks.fetch_inbound_email()["stored"] == 0  # marked seen: taken in once


def test_an_out_of_office_reply_is_kept_as_a_note_and_reopens_nothing(notice, smtp_server):
    outbound.deliver(notice.message_id)
    [email] = smtp_server.wait_for(1)
    note = receive_email(reply_to(email, "I am away until Monday.",
                                  extra="Auto-Submitted: auto-replied\r\n"))
    assert note.direction == Direction.NOTE
    assert note.ticket == notice.ticket
    notice.ticket.refresh_from_db()
    assert notice.ticket.status == Status.PENDING


def test_a_later_ticket_about_the_same_order_is_linked_to_the_notice(notice, at_noon):
    at_noon.shift(timedelta(days=1))
    raw = (b"From: Lin Wei <lin.wei@example.cn>\r\nTo: support@kefu.example\r\n"
           b"Subject: Where is order #50200?\r\nMessage-ID: <new@mail.example.cn>\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nStill nothing.\r\n")
    message = receive_email(raw)
    assert message.ticket != notice.ticket
    assert message.ticket.order == notice.ticket.order
    assert selectors.notices_for_order(message.ticket.order_id) == [notice]
    assert selectors.notices_for_order(message.ticket.order_id,
                                       except_ticket_id=notice.ticket_id) == []


def test_the_report_counts_the_reply(notice, smtp_server):
    outbound.deliver(notice.message_id)
    [email] = smtp_server.wait_for(1)
    receive_email(reply_to(email, "ok"))
    now = timezone.now()
    report = selectors.notice_report(since=now - timedelta(days=1), until=now + timedelta(days=1))
    assert (report.sent, report.replied) == (1, 1)
