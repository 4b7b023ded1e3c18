"""The notice's words: the admin's template for the reason and language, filled with the
shipment's facts. Placeholders are plain substitutions (no template language), and a line
whose placeholders are all empty is left out, so "New estimated delivery: …" and the
coupon sentence appear only when there is something to say."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation

from .models import PLACEHOLDER, NoticeTemplate, zone_of

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    body: str
    language: str


def fill(text: str, values: dict[str, str], *, drop_empty_lines: bool = True) -> str:
    lines = []
    for line in text.splitlines():
        names = PLACEHOLDER.findall(line)
        if drop_empty_lines and names and not any(values.get(name) for name in names):
            continue
        lines.append(PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def money(amount: Decimal, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    return f"{symbol}{amount.quantize(Decimal('0.01'))}"


def percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def facts(*, shipment, language: str, problem: str = "", coupon=None) -> dict[str, str]:
    """Everything a template may mention, formatted for the customer's language and zone."""
    customer = shipment.customer
    zone = zone_of(customer.time_zone)

    def day(value: date | None) -> str:
        return formats.date_format(value, "DATE_FORMAT") if value else ""

    def moment(value: datetime | None) -> str:
        return formats.date_format(value.astimezone(zone), "DATETIME_FORMAT") if value else ""

    with translation.override(language):
        estimate = shipment.estimated_delivery
        promised = shipment.promised_delivery_date
        if estimate is not None and promised is not None and estimate <= promised:
            estimate = None  # not a new estimate: the date already missed
        values = {
            "customer_name": customer.name,
            "order_number": shipment.order.number,
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "tracking_link": shipment.tracking_url,
            "promised_date": day(promised),
            "new_estimate": day(estimate),
            "problem": problem,
            "last_scan": moment(shipment.last_event_at or shipment.shipped_at),
            "shop_name": settings.SHOP_NAME,
            "coupon_value": "",
            "coupon_code": "",
            "coupon_expires": "",
        }
        if coupon is not None:
            values["coupon_value"] = (percent(coupon.percent_off) if coupon.percent_off
                                      else money(coupon.amount_off, shipment.order.currency))
            values["coupon_code"] = coupon.code
            values["coupon_expires"] = day(coupon.expires_at.astimezone(zone).date()
                                           if coupon.expires_at else None)
    return values


def pick_template(reason: str, language: str) -> NoticeTemplate:
    """The template in the customer's language, else English."""
    templates = {t.language: t for t in NoticeTemplate.objects.filter(reason=reason)}
    template = templates.get(language) or templates.get("en") or next(iter(templates.values()),
                                                                       None)
    if template is None:
        raise NoticeTemplate.DoesNotExist(f"No notice template for {reason}")
    return template


def render(template: NoticeTemplate, values: dict[str, str]) -> RenderedNotice:
    return RenderedNotice(
        subject=fill(template.subject, values, drop_empty_lines=False)[:200],
        body=fill(template.body, values),
        language=template.language,
    )
