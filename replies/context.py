"""The values a reply template's {{variables}} are filled with, from one ticket.

Built from the shared schema in the customer's language: the ticket's order, its newest
shipment, the customer's tier. A value Kefu does not know is left out (never ''), so the
renderer reports it as missing instead of sending a blank.
"""

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from customers.models import Order, Shipment
from tickets.models import Ticket

from .models import is_chinese


def agent_display_name(agent) -> str:
    if agent is None:
        return ""
    return agent.first_name or agent.get_full_name() or agent.get_username()


def newest_shipment(order: Order) -> Shipment | None:
    """The order's most recently shipped parcel (uses the prefetched shipments)."""
    shipments = sorted(order.shipments.all(),
                       key=lambda s: (s.shipped_at is not None, s.shipped_at, s.pk))
    return shipments[-1] if shipments else None


def order_items_text(order: Order, language: str) -> str:
    items = [f"{line.title} × {line.quantity}" if line.quantity > 1 else line.title
             for line in order.lines.all()]
    return ("、" if is_chinese(language) else ", ").join(items)


def ticket_context(ticket: Ticket, agent, coupon_code: str | None = None) -> dict[str, str]:
    """Placeholder values for `ticket` written by `agent`, in the customer's language.

    Load the ticket with replies.selectors.ticket_for_replies to keep this at no extra query.
    """
    customer = ticket.customer
    language = customer.language
    values: dict[str, str] = {
        "customer_name": customer.name,
        "agent_name": agent_display_name(agent),
        "shop_name": settings.SHOP_NAME,
        "coupon_code": (coupon_code or "").strip(),
    }
    if customer.tier is not None:
        values["tier_name"] = customer.tier.display_name(language)
        values["tier_perks"] = "\n".join(f"✅ {perk}"
                                         for perk in customer.tier.display_perks(language))
    order = ticket.order
    if order is not None:
        values["order_number"] = order.number
        values["order_items"] = order_items_text(order, language)
        shipment = newest_shipment(order)
        if shipment is not None:
            values["tracking_number"] = shipment.tracking_number
            values["tracking_link"] = shipment.tracking_url
            values["carrier"] = shipment.carrier
            eta = shipment.estimated_delivery or shipment.promised_delivery_date
            if eta is not None and not shipment.is_delivered:
                with translation.override(language):
                    values["estimated_delivery"] = date_format(eta, "DATE_FORMAT")
    return {name: value for name, value in values.items() if value}
