"""Placeholders in reply templates, filled from the ticket: {{customer_name}} and friends.

A placeholder without a value is reported as missing and left in place, so the composer can
show it and sending can refuse it: a reply never goes out with a blank or raw braces.
"""

import re

from django.conf import settings

PLACEHOLDERS = ("customer_name", "order_number", "tracking_number", "agent_name", "shop_name")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def ticket_context(ticket, agent) -> dict[str, str]:
    """The five placeholder values for this ticket, written by this agent ('' when unknown).

    The tracking number is the newest shipment's of the ticket's order.
    """
    order = ticket.order
    tracking = ""
    if order is not None:
        shipments = sorted(order.shipments.all(), key=lambda s: (s.shipped_at is not None,
                                                                 s.shipped_at, s.pk))
        if shipments:
            tracking = shipments[-1].tracking_number
    agent_name = ""
    if agent is not None:
        agent_name = agent.first_name or agent.get_full_name() or agent.get_username()
    return {
        "customer_name": ticket.customer.name if ticket.customer_id else "",
        "order_number": order.number if order is not None else "",
        "tracking_number": tracking,
        "agent_name": agent_name,
        "shop_name": settings.SHOP_NAME,
    }


def render_placeholders(text: str, context: dict[str, str]) -> tuple[str, list[str]]:
    """Fill every known placeholder that has a value.

    Returns the text and the sorted names left unfilled (unknown names, or known ones without a
    value); those stay in the text as written so the agent sees what to complete.
    """
    missing: set[str] = set()

    def fill(match: re.Match) -> str:
        name = match.group(1)
        value = str(context.get(name) or "").strip()
        if not value:
            missing.add(name)
            return match.group(0)
        return value

    return PLACEHOLDER.sub(fill, text), sorted(missing)
