"""Customer email coming in: threading by headers and subject tag, new tickets, new
customers, automatic replies, duplicates and attachments. Raw RFC 5322 messages in."""

from email.message import EmailMessage

import pytest

from customers.models import Customer, CustomerIdentity
from tests.factories import CustomerFactory, OrderFactory
from tickets import services
from tickets.inbound_email import InboundEmailError, receive_email
from tickets.models import Attachment, Direction, Message, Status, Ticket


def raw(*, sender="Lin Wei <lin.wei@example.cn>", subject="Hello", body="Hi there",
        message_id="<m1@mail.example.cn>", headers: dict | None = None) -> bytes:
    lines = [f"From: {sender}", "To: support@kefu.example", f"Subject: {subject}"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines += ["Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()


@pytest.fixture
def lin(db):
    return CustomerFactory(name="Lin Wei", email="lin.wei@example.cn")


@pytest.fixture
def conversation(lin, django_capture_on_commit_callbacks):
    ticket = services.open_ticket(customer=lin, subject="Parcel", body_text="Where is it?",
                                  external_message_id="<first@mail.example.cn>")
    with django_capture_on_commit_callbacks(execute=False):
        answer = services.reply(ticket=ticket, author=None, body_text="On its way",
                                set_status=Status.PENDING)
    return ticket, answer


def test_a_reply_finds_its_ticket_by_in_reply_to(conversation):
    ticket, answer = conversation
    message = receive_email(raw(subject="Re: Parcel", body="Thanks!",
                                headers={"In-Reply-To": answer.external_message_id}))
    assert message.ticket == ticket
    assert message.direction == Direction.INBOUND
    assert message.body_text == "Thanks!"
    assert message.in_reply_to == answer.external_message_id
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_reply_finds_its_ticket_by_references_when_in_reply_to_is_unknown(conversation):
    ticket, answer = conversation
    message = receive_email(raw(headers={
        "In-Reply-To": "<unknown@elsewhere>",
        "References": f"<first@mail.example.cn> {answer.external_message_id}"}))
    assert message.ticket == ticket


def test_kefus_own_message_id_threads_a_reply_from_another_address(conversation):
    ticket, answer = conversation
    message = receive_email(raw(sender="Assistant <pa@example.org>",
                                headers={"In-Reply-To": answer.external_message_id}))
    assert message.ticket == ticket


def test_a_customers_message_id_does_not_thread_someone_elses_email(conversation):
    ticket, _answer = conversation
    message = receive_email(raw(sender="Mallory <m@example.org>",
                                headers={"In-Reply-To": "<first@mail.example.cn>"}))
    assert message.ticket != ticket
    assert message.ticket.customer.name == "Mallory"


def test_the_subject_tag_threads_a_reply_whose_headers_were_lost(conversation):
    ticket, _answer = conversation
    message = receive_email(raw(subject=f"Re: Parcel [#{ticket.pk}]"))
    assert message.ticket == ticket


def test_the_subject_tag_of_another_customers_ticket_opens_a_new_ticket(conversation):
    ticket, _answer = conversation
    message = receive_email(raw(sender="Mallory <m@example.org>",
                                subject=f"Re: Parcel [#{ticket.pk}]"))
    assert message.ticket != ticket


def test_a_new_email_from_a_known_customer_opens_a_ticket_for_them(lin):
    message = receive_email(raw(sender="LIN.WEI@EXAMPLE.CN", subject="New question"))
    assert message.ticket.customer == lin
    assert message.ticket.subject == "New question"
    assert message.external_message_id == "<m1@mail.example.cn>"
    assert message.ticket.channel == "email"


def test_a_new_sender_becomes_a_customer(db):
    message = receive_email(raw(sender="=?utf-8?b?546L6Iqz?= <wang.fang@example.cn>",
                                body="你好，我的包裹还没到"))
    customer = message.ticket.customer
    assert customer.name == "王芳"
    assert customer.language == "zh-hans"
    assert CustomerIdentity.objects.get(customer=customer).value == "wang.fang@example.cn"


def test_a_mentioned_order_of_the_customer_is_linked(lin):
    order = OrderFactory(customer=lin, number="50777")
    OrderFactory(number="50778")  # someone else's
    message = receive_email(raw(subject="Where is order #50777?"))
    assert message.ticket.order == order
    other = receive_email(raw(subject="and #50778", message_id="<m2@mail.example.cn>"))
    assert other.ticket.order is None


def test_the_same_email_delivered_twice_is_stored_once(lin):
    first = receive_email(raw())
    second = receive_email(raw())
    assert first == second
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1
    assert Ticket.objects.count() == 1


def test_an_automatic_reply_is_a_note_that_reopens_nothing(conversation):
    ticket, answer = conversation
    note = receive_email(raw(body="Out of office", headers={
        "In-Reply-To": answer.external_message_id, "Auto-Submitted": "auto-replied"}))
    assert note.direction == Direction.NOTE
    assert "Out of office" in note.body_text
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_html_only_email_is_sanitised_and_has_a_text_version(lin):
    message = EmailMessage()
    message["From"] = "lin.wei@example.cn"
    message["Subject"] = "Photo"
    message["Message-ID"] = "<html@mail.example.cn>"
    message.set_content("<p>Look <b>here</b></p><script>alert(1)</script>", subtype="html")
    stored = receive_email(message)
    assert "<script>" not in stored.body_html
    assert "Look" in stored.body_text


def test_attachments_are_kept(lin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    message = EmailMessage()
    message["From"] = "lin.wei@example.cn"
    message["Subject"] = "Broken cup"
    message["Message-ID"] = "<att@mail.example.cn>"
    message.set_content("See the photo")
    message.add_attachment(b"\x89PNG fake", maintype="image", subtype="png",
                           filename="../../cup photo.png")
    stored = receive_email(message.as_bytes())
    [attachment] = Attachment.objects.filter(message=stored)
    assert attachment.filename == "cup_photo.png"
    assert attachment.size == 9
    assert attachment.file.read() == b"\x89PNG fake"


def test_an_email_without_a_sender_is_refused_and_nothing_is_stored(db):
    with pytest.raises(InboundEmailError):
        receive_email(raw(sender="undisclosed-recipients:;"))
    assert not Customer.objects.exists()
    assert not Ticket.objects.exists()
