"""Delivery of outbound messages by email, with headers that thread customer replies.

A message is claimed (queued -> sending) with a conditional UPDATE, so two workers
never send it twice. A worker that dies after claiming leaves it in `sending`; the
periodic sweep puts such messages back in the queue after the task time limit. The
Message-ID is fixed when the message is stored, so a resend after such a crash reaches
the customer's mail client as the same message.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


def new_message_id() -> str:
    return f"<kefu.{secrets.token_hex(12)}@{settings.KEFU_MAIL_DOMAIN}>"


def ticket_reference(ticket_id: int) -> str:
    """The tag in the subject that maps a reply back to its ticket when headers are lost."""
    return f"[#{ticket_id}]"


class TransientDeliveryError(Exception):
    """Delivery failed but may work later; the task retries."""


def deliver(message_id: int, now=None) -> bool:
    """Send one queued message that is due. Returns True if this call sent it."""
    from django.db.models import Q

    from .models import DeliveryStatus, Direction, Message

    now = now or timezone.now()
    due = Q(deliver_after__isnull=True) | Q(deliver_after__lte=now)
    claimed = Message.objects.filter(
        due, pk=message_id, delivery_status=DeliveryStatus.QUEUED).update(
        delivery_status=DeliveryStatus.SENDING, delivery_attempts=F("delivery_attempts") + 1,
        delivery_claimed_at=timezone.now(),
    )
    if not claimed:
        return False
    message = Message.objects.select_related("ticket__customer").get(pk=message_id)
    ticket = message.ticket
    recipient = ticket.customer.primary_email
    if not recipient:
        _mark(message, DeliveryStatus.FAILED, error="The customer has no email address.")
        return False
    earlier = ticket.messages.exclude(pk=message.pk).filter(
        direction__in=[Direction.INBOUND, Direction.OUTBOUND], created_at__lte=message.created_at)
    thread = list(
        earlier.exclude(external_message_id="")
        .order_by("created_at", "id")
        .values_list("external_message_id", flat=True)
    )
    headers = {"Message-ID": message.external_message_id}
    if thread:
        headers["In-Reply-To"] = thread[-1]
        headers["References"] = " ".join(thread[-20:])
    # A message that starts the conversation (a proactive notice) is not a "Re:".
    subject = f"{ticket.subject} {ticket_reference(ticket.pk)}"
    email = EmailMultiAlternatives(
        subject=f"Re: {subject}" if thread or earlier.exists() else subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        headers=headers,
    )
    try:
        get_connection().send_messages([email])
    except Exception as exc:  # SMTP and socket errors alike
        logger.warning("Delivery of message %s failed: %s", message_id, exc)
        final = message.delivery_attempts >= MAX_ATTEMPTS
        _mark(message, DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED, error=str(exc))
        if not final:
            raise TransientDeliveryError(str(exc)) from exc
        return False
    _mark(message, DeliveryStatus.SENT)
    return True


def _mark(message, status: str, *, error: str = "") -> None:
    from .models import DeliveryStatus

    message.delivery_status = status
    message.delivery_error = error
    fields = ["delivery_status", "delivery_error"]
    if status == DeliveryStatus.SENT:
        message.sent_at = timezone.now()
        fields.append("sent_at")
    message.save(update_fields=fields)


def requeue_stuck(now=None) -> list[int]:
    """Queued messages whose task was lost, and `sending` ones whose worker died."""
    from .models import DeliveryStatus, Message

    now = now or timezone.now()
    Message.objects.filter(
        delivery_status=DeliveryStatus.SENDING, delivery_claimed_at__lt=now - STUCK_AFTER
    ).update(delivery_status=DeliveryStatus.QUEUED)
    from django.db.models import Q

    overdue = Q(deliver_after__isnull=True, created_at__lt=now - timedelta(minutes=1)) | Q(
        deliver_after__lte=now)
    return list(
        Message.objects.filter(overdue, delivery_status=DeliveryStatus.QUEUED)
        .order_by("created_at").values_list("pk", flat=True)[:500]
    )
