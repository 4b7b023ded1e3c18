"""Tier-up and milestone messages: the admin-edited template in the customer's language,
rendered and handed to tickets.services.send_proactive_message (a queued outbound Message
in a new ticket of the customer's timeline, delivered by the outbound machinery).

Each goes out once: TierAward (customer, tier) and MilestoneSent (customer, kind, occurrence)
are unique, and the message is written in the same transaction as that row.
"""

import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from customers.models import Customer, Language, Order

from ..models import Membership, MessageKind, MessageTemplate, MilestoneSent, Tier
from ..periods import shop_zone

PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
PLACEHOLDERS = {"customer_name", "tier_name", "discount_percent", "perks", "order_count",
                "years", "shop_name"}
# An Nth-order message only for an order placed this recently (not for imported history).
NTH_ORDER_FRESH_FOR = timedelta(days=14)


def render(text: str, values: dict[str, str]) -> str:
    """Replace {{name}} placeholders; unknown ones stay as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def unknown_placeholders(text: str) -> set[str]:
    return {name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS}


def template_for(*, kind: str, language: str, tier: Tier | None = None,
                 nth_order: int | None = None) -> MessageTemplate | None:
    """The active template in the customer's language, else the English one."""
    candidates = MessageTemplate.objects.filter(kind=kind, is_active=True,
                                                language__in=[language, Language.EN])
    if tier is not None:
        candidates = candidates.filter(tier=tier)
    if nth_order is not None:
        candidates = candidates.filter(nth_order=nth_order)
    by_language = {t.language: t for t in candidates}
    return by_language.get(language) or by_language.get(Language.EN)


def _values(customer: Customer, *, tier: Tier | None = None, **extra) -> dict[str, str]:
    values = {"customer_name": customer.name, "shop_name": settings.SHOP_NAME}
    if tier is not None:
        values.update({
            "tier_name": tier.display_name(customer.language),
            "discount_percent": f"{tier.discount_percent.normalize():f}",
            "perks": "\n".join(f"✅ {perk}" for perk in tier.display_perks(customer.language)),
        })
    values.update({key: str(value) for key, value in extra.items()})
    return values


def _send(customer: Customer, template: MessageTemplate, values: dict[str, str], *,
          kind: str, now: datetime, order: Order | None = None):
    from tickets.models import Status
    from tickets.services import send_proactive_message

    if not customer.primary_email:
        return None
    return send_proactive_message(
        customer=customer, subject=render(template.subject, values),
        body_text=render(template.body, values), order=order, status=Status.SOLVED, at=now,
        kind=kind)


def send_tier_up(*, customer_id: int, tier: Tier, now: datetime):
    """The tier-up message (None when the tier has no active template or the customer no
    email address). Called by award_tier inside its transaction."""
    customer = Customer.objects.prefetch_related("identities").get(pk=customer_id)
    template = template_for(kind=MessageKind.TIER_UP, language=customer.language, tier=tier)
    if template is None:
        return None
    return _send(customer, template, _values(customer, tier=tier), kind="tier_up", now=now)


def _send_once(*, customer: Customer, kind: str, occurrence: str, template: MessageTemplate,
               values: dict[str, str], now: datetime, order: Order | None = None):
    with transaction.atomic():
        try:
            with transaction.atomic():
                sent = MilestoneSent.objects.create(customer=customer, kind=kind,
                                                    occurrence=occurrence, sent_at=now)
        except IntegrityError:
            return None
        sent.message = _send(customer, template, values, kind=kind, now=now, order=order)
        sent.save(update_fields=["message"])
        return sent


def send_nth_order_milestone(*, order: Order, now: datetime | None = None,
                             counting: bool | None = None):
    """If this recent counting order is the customer's Nth and an Nth-order message is set
    up for that N, send it (once). `counting`: whether the order counts, if known."""
    now = now or timezone.now()
    if order.placed_at < now - NTH_ORDER_FRESH_FOR:
        return None
    if counting is None:
        counting = Order.objects.counting().filter(pk=order.pk).exists()
    if not counting:
        return None
    configured = set(MessageTemplate.objects.filter(kind=MessageKind.NTH_ORDER, is_active=True)
                     .order_by().values_list("nth_order", flat=True))
    if not configured:
        return None
    position = Order.objects.counting().filter(customer_id=order.customer_id).filter(
        Q(placed_at__lt=order.placed_at) | Q(placed_at=order.placed_at, pk__lte=order.pk)
    ).count()
    if position not in configured:
        return None
    customer = Customer.objects.prefetch_related("identities").get(pk=order.customer_id)
    template = template_for(kind=MessageKind.NTH_ORDER, language=customer.language,
                            nth_order=position)
    return _send_once(customer=customer, kind=MessageKind.NTH_ORDER, occurrence=str(position),
                      template=template, values=_values(customer, order_count=position),
                      now=now, order=order)


def _same_day(field: str, today: date) -> Q:
    match = Q(**{f"{field}__month": today.month, f"{field}__day": today.day})
    if today.month == 2 and today.day == 28 and not _is_leap(today.year):
        match |= Q(**{f"{field}__month": 2, f"{field}__day": 29})
    return match


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def send_date_milestones(*, now: datetime | None = None) -> int:
    """Today's first-order anniversaries and birthdays (shop calendar), for the kinds that
    have an active template. Safe to run many times a day."""
    now = now or timezone.now()
    today = now.astimezone(shop_zone()).date()
    sent = 0
    active = set(MessageTemplate.objects.filter(
        is_active=True, kind__in=[MessageKind.ANNIVERSARY, MessageKind.BIRTHDAY])
        .values_list("kind", flat=True))
    due = []
    if MessageKind.ANNIVERSARY in active:
        due += [(MessageKind.ANNIVERSARY, m) for m in Membership.objects.filter(
            _same_day("first_order_at", today), first_order_at__year__lt=today.year)]
    if MessageKind.BIRTHDAY in active:
        due += [(MessageKind.BIRTHDAY, m) for m in Membership.objects.filter(
            _same_day("birthday", today))]
    for kind, membership in due:
        customer = Customer.objects.prefetch_related("identities").get(
            pk=membership.customer_id)
        template = template_for(kind=kind, language=customer.language)
        years = today.year - (membership.first_order_at.astimezone(shop_zone()).year
                              if membership.first_order_at else today.year)
        if _send_once(customer=customer, kind=kind, occurrence=str(today.year),
                      template=template, values=_values(customer, years=years), now=now):
            sent += 1
    return sent
