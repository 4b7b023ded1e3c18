"""Template helpers for customer pages."""

from decimal import Decimal

from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import get_language, to_locale

from customers.models import IdentityKind, ShipmentStatus

register = template.Library()

IDENTITY_ICONS = {
    IdentityKind.EMAIL: "bi-envelope",
    IdentityKind.PHONE: "bi-telephone",
    IdentityKind.SHOP: "bi-shop",
    IdentityKind.WECHAT: "bi-wechat",
    IdentityKind.WEIBO: "bi-sina-weibo",
    IdentityKind.WHATSAPP: "bi-whatsapp",
    IdentityKind.INSTAGRAM: "bi-instagram",
    IdentityKind.FACEBOOK: "bi-facebook",
    IdentityKind.X: "bi-twitter-x",
}

SHIPMENT_BADGES = {
    ShipmentStatus.DELIVERED: "text-bg-success",
    ShipmentStatus.EXCEPTION: "text-bg-danger",
    ShipmentStatus.ATTEMPTED: "text-bg-warning",
    ShipmentStatus.RETURNED: "text-bg-danger",
    ShipmentStatus.CANCELLED: "text-bg-secondary",
}


@register.simple_tag(takes_context=True)
def include_if_exists(context, template_name: str):
    """Render a partial of another app when that app provides it, else nothing. The loyalty
    and notices apps plug their customer blocks in this way."""
    try:
        partial = get_template(template_name)
    except TemplateDoesNotExist:
        return ""
    return partial.render(context.flatten(), request=context.get("request"))


@register.filter
def money(amount, currency: str | None = None) -> str:
    """An amount in the shop's (or the given) currency, written the way the UI language
    writes it: ¥1,234.00 / CN¥1,234.00."""
    if amount is None or amount == "":
        return ""
    locale = to_locale(get_language() or settings.LANGUAGE_CODE)
    if locale.startswith("zh"):
        locale = "zh_Hans_CN"
    return format_currency(Decimal(amount), currency or settings.SHOP_CURRENCY, locale=locale)


@register.filter
def identity_icon(kind: str) -> str:
    return IDENTITY_ICONS.get(kind, "bi-person")


@register.filter
def shipment_status_label(status: str) -> str:
    """The translated name of a shipment or tracking status; unknown carrier words as is."""
    try:
        return ShipmentStatus(status).label
    except ValueError:
        return status.replace("_", " ")


@register.filter
def shipment_badge(status: str) -> str:
    return SHIPMENT_BADGES.get(status, "text-bg-primary")


CHANNEL_ICONS = {
    "email": "bi-envelope",
    "web": "bi-globe",
    "chat": "bi-chat-dots",
    "phone": "bi-telephone",
    "social": "bi-people",
    "in_store": "bi-shop-window",
    "api": "bi-plug",
}


@register.filter
def channel_icon(channel: str) -> str:
    return CHANNEL_ICONS.get(channel, "bi-chat")


@register.filter
def late(shipment, now) -> bool:
    """Shipment.is_late(now) for templates: past the promised date and not delivered."""
    return bool(now) and shipment.is_late(now)
