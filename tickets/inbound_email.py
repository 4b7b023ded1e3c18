"""Customer email arriving at Kefu (the raw RFC 5322 message, from the mail server or an
inbound-mail webhook): a reply joins its conversation, anything else opens a new ticket.

The ticket is found by, in order:

1. In-Reply-To, then References, naming a message Kefu has stored. Kefu's own Message-IDs
   are random and thread whoever replies (a forwarded reply, a second address); a message
   id a customer's mail program chose threads only for that customer.
2. The ``[#id]`` tag Kefu puts in every subject, when the sender is that ticket's customer.
3. Otherwise a new ticket for the customer with the sender's address (created if unknown),
   linked to the order the message mentions when it is one of theirs.

An automatic reply (out of office, RFC 3834) to a conversation is kept as an internal note
and reopens nothing. A message delivered twice (same Message-ID) is stored once.
"""

import re
from email import message_from_bytes
from email.message import EmailMessage
from email.message import Message as MimeMessage
from email.policy import default
from email.utils import parseaddr
from pathlib import PurePath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from customers.models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Language,
    Order,
    normalize_identity,
)

from . import services
from .models import Attachment, Channel, Direction, Message, Ticket

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
TICKET_TAG = re.compile(r"\[#(\d+)\]")
ORDER_MENTION = re.compile(
    r"(?:#|\border\s+(?:no\.?|number)?\s*#?|订单号?\s*[:：#]?\s*)([A-Za-z0-9][A-Za-z0-9-]{2,63})",
    re.IGNORECASE)
CJK = re.compile(r"[\u4e00-\u9fff]")
NO_SUBJECT = "(no subject)"


class InboundEmailError(ValueError):
    """The message cannot be taken in (it names no sender)."""


def parse(raw: bytes | str | MimeMessage) -> EmailMessage:
    if isinstance(raw, EmailMessage) and raw.policy == default:
        return raw
    if isinstance(raw, MimeMessage):
        raw = raw.as_bytes()
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    return message_from_bytes(raw, policy=default)


@transaction.atomic
def receive_email(raw: bytes | str | MimeMessage, *, at=None) -> Message:
    """Take in one email; returns the stored message (or the note, for an automatic reply)."""
    email = parse(raw)
    name, address = _sender(email)
    message_id = _ids(email.get("Message-ID", ""))[:1]
    message_id = message_id[0] if message_id else ""
    if message_id:
        already = Message.objects.filter(external_message_id=message_id,
                                         direction__in=[Direction.INBOUND, Direction.NOTE])
        if stored := already.first():
            return stored
    subject = " ".join(str(email.get("Subject", "")).split())
    text, html = _bodies(email)
    referenced = _ids(email.get("In-Reply-To", "")) + list(
        reversed(_ids(email.get("References", ""))))
    sender = _known_customer(address)
    ticket = _conversation(referenced, subject, sender)

    if ticket is not None and _is_automatic(email):
        note = services.add_note(
            ticket=ticket, author=None, at=at,
            body_text=f"{_('Automatic reply')} ({address}):\n\n{text or subject}")
        note.external_message_id = message_id[:255]
        note.save(update_fields=["external_message_id"])
        return note
    if ticket is not None:
        message = services.receive_message(
            ticket=ticket, body_text=text, body_html=html, channel=Channel.EMAIL,
            external_message_id=message_id, in_reply_to=referenced[0] if referenced else "",
            at=at)
    else:
        customer = sender or _new_customer(name, address, text)
        ticket = services.open_ticket(
            customer=customer, subject=subject or NO_SUBJECT, body_text=text, body_html=html,
            channel=Channel.EMAIL, order=_mentioned_order(customer, f"{subject}\n{text}"),
            external_message_id=message_id, at=at)
        message = ticket.messages.filter(direction=Direction.INBOUND).order_by("id").first()
    _attach(message, email)
    return message


def _sender(email: EmailMessage) -> tuple[str, str]:
    header = email.get("From")
    addresses = getattr(header, "addresses", ())
    if addresses:
        name, address = addresses[0].display_name, addresses[0].addr_spec
    else:
        name, address = parseaddr(str(header or ""))
    if "@" not in (address or ""):
        raise InboundEmailError("The message has no sender address.")
    return name.strip(), address.strip()


def _ids(header) -> list[str]:
    return MESSAGE_ID.findall(str(header or ""))


def _bodies(email: EmailMessage) -> tuple[str, str]:
    def content(part) -> str:
        if part is None:
            return ""
        try:
            return part.get_content()
        except (LookupError, UnicodeError, KeyError):
            payload = part.get_payload(decode=True) or b""
            return payload.decode("utf-8", "replace")

    text = content(email.get_body(preferencelist=("plain",)))
    html = content(email.get_body(preferencelist=("html",)))
    return text.strip(), html


def _known_customer(address: str) -> Customer | None:
    identity = (CustomerIdentity.objects.select_related("customer")
                .filter(kind=IdentityKind.EMAIL,
                        value=normalize_identity(IdentityKind.EMAIL, address)).first())
    return identity.customer if identity else None


def _conversation(referenced: list[str], subject: str, sender: Customer | None) -> Ticket | None:
    if referenced:
        stored = {m.external_message_id: m for m in Message.objects.filter(
            external_message_id__in=referenced).select_related("ticket")}
        for message_id in referenced:
            message = stored.get(message_id)
            if message is None:
                continue
            ours = message.direction == Direction.OUTBOUND
            if ours or (sender is not None and message.ticket.customer_id == sender.pk):
                return message.ticket
    tag = TICKET_TAG.search(subject)
    if tag and sender is not None:
        return Ticket.objects.filter(pk=int(tag.group(1)), customer=sender).first()
    return None


def _new_customer(name: str, address: str, text: str) -> Customer:
    language = Language.ZH_HANS if CJK.search(f"{name}{text}") else Language.EN
    try:
        with transaction.atomic():
            customer = Customer.objects.create(name=(name or address.split("@")[0])[:200],
                                               language=language)
            CustomerIdentity.objects.create(customer=customer, kind=IdentityKind.EMAIL,
                                            value=address, is_primary=True)
            return customer
    except IntegrityError:
        # The same sender's other message created them a moment ago.
        return _known_customer(address)


def _mentioned_order(customer: Customer, text: str) -> Order | None:
    numbers = {match.group(1) for match in ORDER_MENTION.finditer(text)}
    if not numbers:
        return None
    return (Order.objects.filter(customer=customer, number__in=numbers)
            .order_by("-placed_at").first())


def _is_automatic(email: EmailMessage) -> bool:
    submitted = str(email.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(email.get("Precedence", "")).strip().lower()
    return (submitted != "no" or precedence in {"auto_reply", "bulk", "junk"}
            or "X-Autoreply" in email or "X-Autorespond" in email)


def _attach(message: Message | None, email: EmailMessage) -> None:
    if message is None:
        return
    for part in email.iter_attachments():
        data = part.get_payload(decode=True) or b""
        try:
            filename = get_valid_filename(PurePath(part.get_filename() or "").name)[:200]
        except SuspiciousFileOperation:
            filename = "attachment"
        attachment = Attachment(message=message, filename=filename,
                                content_type=part.get_content_type()[:127], size=len(data))
        attachment.file.save(filename, ContentFile(data), save=False)
        attachment.save()
