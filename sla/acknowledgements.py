"""The automatic acknowledgement of a customer message that arrives outside business hours.

It tells the customer when the team is back and by when they can expect an answer (the
deadline of the running response clock), in the customer's language and time zone. At
most one per ticket per closed period; sent as a queued outbound message through the
ticket services, so the usual delivery machinery sends it. Off when
``settings.KEFU_SLA_AUTO_ACKNOWLEDGE`` is false (the test suite's default).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from customers.models import Customer
from tickets.models import Channel, Message, Ticket

from .business_time import is_open, next_open
from .models import RESPONSE_METRICS, Acknowledgement, SLAPolicy, SLATimer

# Channels where an automatic answer reaches the customer (not calls or shop visits,
# which an agent logs after talking to the customer).
ACKNOWLEDGED_CHANNELS = {Channel.EMAIL, Channel.WEB, Channel.API, Channel.CHAT, Channel.SOCIAL}
# Messages imported or replayed later than this get no acknowledgement: it would be late.
FRESH_FOR = timedelta(minutes=15)


def acknowledge_if_closed(*, ticket: Ticket, policy: SLAPolicy | None,
                          timers: Sequence[SLATimer], at: datetime,
                          now: datetime | None = None) -> Message | None:
    """Send the acknowledgement if ``at`` falls outside the policy calendar's hours and
    this closed period has none yet. Runs inside the caller's transaction."""
    now = now or timezone.now()
    if not settings.KEFU_SLA_AUTO_ACKNOWLEDGE or policy is None \
            or ticket.channel not in ACKNOWLEDGED_CHANNELS or at < now - FRESH_FOR:
        return None
    schedule = policy.calendar.schedule
    if schedule.always_open or is_open(schedule, at):
        return None
    reopens = next_open(schedule, at)
    if Acknowledgement.objects.filter(ticket=ticket, reopens_at=reopens).exists():
        return None
    deadlines = [t.due_at for t in timers
                 if t.metric in RESPONSE_METRICS and t.is_running and t.due_at is not None]
    expected = min(deadlines) if deadlines else reopens
    customer = Customer.objects.get(pk=ticket.customer_id)
    text = acknowledgement_text(customer=customer, ticket_id=ticket.pk, reopens=reopens,
                                expected=expected)
    # Imported here: the ticket services import the SLA services, which import this module.
    from tickets import services as ticket_services

    message = ticket_services.send_auto_reply(ticket=ticket, body_text=text, at=at)
    Acknowledgement.objects.create(ticket=ticket, reopens_at=reopens, message=message,
                                   created_at=at)
    return message


def acknowledgement_text(*, customer: Customer, ticket_id: int, reopens: datetime,
                         expected: datetime) -> str:
    language = "zh-hans" if customer.language.startswith("zh") else "en"
    try:
        zone = ZoneInfo(customer.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    with translation.override(language):
        values = {
            "name": customer.name,
            "reopens": formats.date_format(reopens.astimezone(zone), "DATETIME_FORMAT"),
            "expected": formats.date_format(expected.astimezone(zone), "DATETIME_FORMAT"),
            "zone": zone.key,
            "ticket": ticket_id,
            "shop": settings.SHOP_NAME,
        }
        return _(
            "Hello %(name)s,\n\n"
            "Thank you for your message. Our customer service team is away right now and "
            "will be back at %(reopens)s. You can expect our answer by %(expected)s at the "
            "latest (times in %(zone)s).\n\n"
            "Your ticket number is #%(ticket)s.\n\n"
            "%(shop)s"
        ) % values
