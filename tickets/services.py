"""Every state change of a ticket, one function per use case, each in one transaction.

Views, the API, tasks and commands call these; none re-implements one.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from customers.models import Customer, CustomerIdentity, IdentityKind, Order
from replies.validation import ReplyNotReady, check_reply_ready
from sla import services as sla_services

from . import events, search
from .html import html_to_text, sanitize_html
from .models import (
    Category,
    Channel,
    DeliveryStatus,
    Direction,
    Message,
    Priority,
    Status,
    Team,
    Ticket,
    TicketEvent,
)
from .outbound import new_message_id

# Channels whose replies Kefu delivers by email; phone and in-store replies are a log
# of what was said, chat and social replies are shown to the customer in the portal.
EMAIL_DELIVERED_CHANNELS = {Channel.EMAIL, Channel.WEB, Channel.API}


@transaction.atomic
def open_ticket(*, customer: Customer, subject: str, body_text: str = "", body_html: str = "",
                channel: str = Channel.EMAIL, category: str = Category.OTHER,
                priority: str = Priority.NORMAL, order: Order | None = None,
                team: Team | None = None, opened_by=None, external_message_id: str = "",
                at: datetime | None = None) -> Ticket:
    """A new ticket with the customer's first message (written by an agent for calls and
    in-store conversations, when `opened_by` is given)."""
    at = at or timezone.now()
    ticket = Ticket.objects.create(
        customer=customer, subject=subject.strip()[:255], channel=channel, category=category,
        priority=priority, order=order, team=team, created_at=at, status=Status.NEW,
    )
    events.record(ticket, TicketEvent.Kind.CREATED, actor=opened_by, at=at, channel=channel)
    search.index_text(ticket.pk, f"{ticket.subject} {customer.name}")
    _add_inbound(ticket, body_text=body_text, body_html=body_html, channel=channel,
                 external_message_id=external_message_id, at=at)
    sla_services.on_ticket_event(ticket, "opened", at=at)
    return ticket


@transaction.atomic
def open_ticket_for_customer(*, opened_by, customer: Customer, subject: str, body: str,
                             channel: str, category: str = Category.OTHER,
                             priority: str = Priority.NORMAL, order: Order | None = None,
                             team: Team | None = None, assign_to_me: bool = False) -> Ticket:
    """An agent opens a ticket for a phone call, an in-store conversation or on a customer's
    behalf: what the customer said is the first message; the agent may take it at once."""
    ticket = open_ticket(customer=customer, subject=subject, body_text=body, channel=channel,
                         category=category, priority=priority, order=order, team=team,
                         opened_by=opened_by)
    if assign_to_me:
        ticket = assign(ticket=ticket, agent=opened_by, by=opened_by)
    return ticket


@transaction.atomic
def receive_message(*, ticket: Ticket, body_text: str = "", body_html: str = "",
                    channel: str | None = None, external_message_id: str = "",
                    in_reply_to: str = "", at: datetime | None = None) -> Message:
    """A customer wrote again: the message joins the ticket, which reopens if needed."""
    at = at or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    message = _add_inbound(ticket, body_text=body_text, body_html=body_html,
                           channel=channel or ticket.channel,
                           external_message_id=external_message_id, in_reply_to=in_reply_to,
                           at=at)
    if ticket.status != Status.OPEN and ticket.status != Status.NEW:
        _set_status(ticket, Status.OPEN, by=None, at=at)
    sla_services.on_ticket_event(ticket, "customer_message", at=at)
    return message


def _add_inbound(ticket: Ticket, *, body_text: str, body_html: str, channel: str,
                 external_message_id: str = "", in_reply_to: str = "",
                 at: datetime) -> Message:
    clean_html = sanitize_html(body_html)
    text = body_text.strip() or html_to_text(clean_html)
    message = Message.objects.create(
        ticket=ticket, direction=Direction.INBOUND, channel=channel, body_text=text,
        body_html=clean_html, external_message_id=external_message_id[:255],
        in_reply_to=in_reply_to[:255], created_at=at,
    )
    ticket.last_message_at = at
    ticket.last_customer_message_at = at
    ticket.save(update_fields=["last_message_at", "last_customer_message_at", "updated_at"])
    search.index_text(ticket.pk, text)
    return message


class StaleReply(Exception):
    """The customer or another agent wrote after the replying agent last looked."""

    def __init__(self, newer: list[Message]):
        super().__init__(f"{len(newer)} new message(s) since the reply was written")
        self.newer = newer


@transaction.atomic
def reply(*, ticket: Ticket, author, body_text: str, set_status: str | None = None,
          at: datetime | None = None, seen_message_id: int | None = None) -> Message:
    """A public answer to the customer: stored as queued, delivered by a task after commit.

    With `seen_message_id` (the newest message the agent had on screen), a newer customer
    message or another agent's reply raises StaleReply and nothing is sent. Text with a
    fill-in, an unfilled placeholder or raw braces raises ReplyNotReady: a customer never
    receives "[specific concern]" or "{{order_number}}".
    """
    problems = check_reply_ready(body_text)
    if problems:
        raise ReplyNotReady(problems)
    at = at or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if seen_message_id is not None:
        newer = list(ticket.messages.filter(pk__gt=seen_message_id)
                     .exclude(direction=Direction.NOTE).exclude(author=author)
                     .select_related("author"))
        if newer:
            raise StaleReply(newer)
    emailed = ticket.channel in EMAIL_DELIVERED_CHANNELS and bool(ticket.customer.primary_email)
    message = Message.objects.create(
        ticket=ticket, direction=Direction.OUTBOUND, author=author, channel=ticket.channel,
        body_text=body_text.strip(),
        delivery_status=DeliveryStatus.QUEUED if emailed else DeliveryStatus.SENT,
        sent_at=None if emailed else at,
        external_message_id=new_message_id(), created_at=at,
    )
    fields = ["last_message_at", "updated_at"]
    ticket.last_message_at = at
    if ticket.first_responded_at is None:
        ticket.first_responded_at = at
        fields.append("first_responded_at")
    ticket.save(update_fields=fields)
    search.index_text(ticket.pk, message.body_text)
    new_status = set_status or (Status.OPEN if ticket.status == Status.NEW else None)
    if new_status and new_status != ticket.status:
        _set_status(ticket, new_status, by=author, at=at)
    if emailed:
        enqueue_delivery(message)
    sla_services.on_ticket_event(ticket, "agent_replied", at=at)
    return message


def enqueue_delivery(message: Message) -> None:
    """Deliver after commit (at its `deliver_after` time, if set); the sweep is the backstop."""
    from .tasks import deliver_message

    eta = message.deliver_after

    def send():
        if eta is not None and eta > timezone.now():
            deliver_message.apply_async((message.pk,), eta=eta)
        else:
            deliver_message.delay(message.pk)

    transaction.on_commit(send, robust=True)


@transaction.atomic
def send_proactive_message(*, customer: Customer, subject: str, body_text: str,
                           category: str = Category.OTHER, order: Order | None = None,
                           author=None, deliver_after: datetime | None = None,
                           status: str = Status.PENDING, at: datetime | None = None,
                           kind: str = "proactive") -> Message:
    """Kefu writes to the customer first (delay notice, tier-up...): a ticket in the customer's
    timeline with one queued outbound email, so a reply threads back into it."""
    at = at or timezone.now()
    ticket = Ticket.objects.create(
        customer=customer, subject=subject.strip()[:255], channel=Channel.EMAIL,
        category=category, order=order, created_at=at, status=status, last_message_at=at,
    )
    events.record(ticket, TicketEvent.Kind.CREATED, actor=author, at=at, channel="email",
                  proactive=kind)
    search.index_text(ticket.pk, f"{ticket.subject} {customer.name} {body_text}")
    message = Message.objects.create(
        ticket=ticket, direction=Direction.OUTBOUND, author=author, channel=Channel.EMAIL,
        body_text=body_text.strip(), delivery_status=DeliveryStatus.QUEUED,
        external_message_id=new_message_id(), deliver_after=deliver_after, created_at=at,
    )
    enqueue_delivery(message)
    return message


@transaction.atomic
def send_auto_reply(*, ticket: Ticket, body_text: str, at: datetime | None = None) -> Message:
    """An automatic message from Kefu (no author), e.g. the out-of-hours acknowledgement:
    queued and delivered like a reply, but it answers nothing (no first response, no status
    change)."""
    at = at or timezone.now()
    emailed = ticket.channel in EMAIL_DELIVERED_CHANNELS and bool(ticket.customer.primary_email)
    message = Message.objects.create(
        ticket=ticket, direction=Direction.OUTBOUND, author=None, channel=ticket.channel,
        body_text=body_text.strip(),
        delivery_status=DeliveryStatus.QUEUED if emailed else DeliveryStatus.SENT,
        sent_at=None if emailed else at,
        external_message_id=new_message_id(), created_at=at,
    )
    if emailed:
        enqueue_delivery(message)
    return message


@transaction.atomic
def add_note(*, ticket: Ticket, author, body_text: str, at: datetime | None = None) -> Message:
    """An internal note: visible to staff only, never sent, stops no SLA clock."""
    message = Message.objects.create(
        ticket=ticket, direction=Direction.NOTE, author=author, channel=ticket.channel,
        body_text=body_text.strip(), created_at=at or timezone.now(),
    )
    search.index_text(ticket.pk, message.body_text)
    return message


@transaction.atomic
def change_status(*, ticket: Ticket, status: str, by, at: datetime | None = None) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != status:
        at = at or timezone.now()
        _set_status(ticket, status, by=by, at=at)
        sla_services.on_ticket_event(ticket, "status_changed", at=at)
    return ticket


def _set_status(ticket: Ticket, status: str, *, by, at: datetime) -> None:
    previous = ticket.status
    ticket.status = status
    fields = ["status", "updated_at"]
    if status == Status.SOLVED:
        ticket.solved_at = at
        fields.append("solved_at")
    elif status == Status.CLOSED:
        ticket.closed_at = at
        fields.append("closed_at")
    elif previous in (Status.SOLVED, Status.CLOSED):
        ticket.solved_at = None
        ticket.closed_at = None
        fields += ["solved_at", "closed_at"]
    ticket.save(update_fields=fields)
    events.record(ticket, TicketEvent.Kind.STATUS, actor=by, at=at, old=previous, new=status)


@transaction.atomic
def assign(*, ticket: Ticket, agent, by, team: Team | None = None,
           at: datetime | None = None) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    fields = ["assignee", "updated_at"]
    old = ticket.assignee_id
    ticket.assignee = agent
    if team is not None:
        ticket.team = team
        fields.append("team")
    ticket.save(update_fields=fields)
    events.record(ticket, TicketEvent.Kind.ASSIGNED, actor=by, at=at or timezone.now(),
                  old=old, new=agent.pk if agent else None,
                  new_name=agent.get_full_name() or agent.get_username() if agent else "")
    if team is not None:
        sla_services.on_ticket_event(ticket, "assigned", at=at or timezone.now())
    return ticket


class AlreadyClaimed(Exception):
    """Another agent owns the ticket already."""


@transaction.atomic
def claim(*, ticket: Ticket, agent, at: datetime | None = None) -> Ticket:
    """"Take it": the agent becomes the owner only if nobody is. Of two agents claiming at once,
    exactly one wins (a conditional UPDATE); the other gets AlreadyClaimed."""
    at = at or timezone.now()
    won = Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(
        assignee=agent, updated_at=at)
    ticket = Ticket.objects.get(pk=ticket.pk)
    if not won:
        if ticket.assignee_id == agent.pk:
            return ticket
        raise AlreadyClaimed
    events.record(ticket, TicketEvent.Kind.ASSIGNED, actor=agent, at=at, old=None, new=agent.pk,
                  new_name=agent.get_full_name() or agent.get_username(), claimed=True)
    return ticket


@transaction.atomic
def assign_team(*, ticket: Ticket, team: Team | None, by, at: datetime | None = None) -> Ticket:
    """Move the ticket to a team's queue; an assignee outside that team is unassigned."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.team_id == (team.pk if team else None):
        return ticket
    old = ticket.team_id
    ticket.team = team
    fields = ["team", "updated_at"]
    if team is not None and ticket.assignee_id and not team.members.filter(
            pk=ticket.assignee_id).exists():
        ticket.assignee = None
        fields.append("assignee")
    ticket.save(update_fields=fields)
    events.record(ticket, TicketEvent.Kind.ASSIGNED, actor=by, at=at or timezone.now(),
                  old_team=old, team=team.pk if team else None,
                  team_name=team.name if team else "")
    sla_services.on_ticket_event(ticket, "assigned", at=at or timezone.now())
    return ticket


@transaction.atomic
def set_priority(*, ticket: Ticket, priority: str, by, at: datetime | None = None) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.priority != priority:
        old = ticket.priority
        ticket.priority = priority
        ticket.save(update_fields=["priority", "updated_at"])
        events.record(ticket, TicketEvent.Kind.FIELDS, actor=by, at=at or timezone.now(),
                      field="priority", old=old, new=priority)
        sla_services.on_ticket_event(ticket, "fields_changed", at=at or timezone.now())
    return ticket


@transaction.atomic
def add_tags(*, ticket: Ticket, tags: list[str], by, at: datetime | None = None) -> Ticket:
    names = [t.strip() for t in tags if t.strip()]
    if names:
        ticket.tags.add(*names)
        events.record(ticket, TicketEvent.Kind.FIELDS, actor=by, at=at or timezone.now(),
                      field="tags", added=names)
    return ticket


class CannotMerge(Exception):
    pass


@transaction.atomic
def merge(*, target: Ticket, duplicates: list[Ticket], by,
          at: datetime | None = None) -> Ticket:
    """Fold duplicate tickets of the same customer into `target`: their messages move over,
    and each duplicate is closed with a note of where it went."""
    at = at or timezone.now()
    ids = sorted({t.pk for t in duplicates} - {target.pk})
    if not ids:
        raise CannotMerge("Nothing to merge.")
    locked = list(Ticket.objects.select_for_update().filter(pk__in=[target.pk, *ids])
                  .order_by("pk"))
    target = next(t for t in locked if t.pk == target.pk)
    others = [t for t in locked if t.pk != target.pk]
    if any(t.customer_id != target.customer_id for t in others):
        raise CannotMerge("Only tickets of the same customer can be merged.")
    Message.objects.filter(ticket_id__in=ids).update(ticket=target)
    for other in others:
        if other.is_open:
            _set_status(other, Status.CLOSED, by=by, at=at)
        events.record(other, TicketEvent.Kind.MERGED, actor=by, at=at, into=target.pk)
    last = Message.objects.filter(ticket=target).order_by("-created_at").values_list(
        "created_at", flat=True).first()
    target.last_message_at = last
    target.save(update_fields=["last_message_at", "updated_at"])
    events.record(target, TicketEvent.Kind.MERGED, actor=by, at=at, merged=ids)
    search.index_ticket(target.pk)
    return target


@transaction.atomic
def customer_for_email(*, email: str, name: str = "") -> Customer:
    """The customer with this email address, created (with the email as primary identity) if
    there is none yet."""
    value = email.strip().lower()
    identity = (CustomerIdentity.objects.select_related("customer")
                .filter(kind=IdentityKind.EMAIL, value=value).first())
    if identity is not None:
        return identity.customer
    customer = Customer.objects.create(name=name.strip() or value.split("@")[0])
    CustomerIdentity.objects.create(customer=customer, kind=IdentityKind.EMAIL, value=value,
                                    is_primary=True)
    return customer
