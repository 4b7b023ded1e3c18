"""Template tags for the blocks the notices app plugs into other apps' pages."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def customer_notices(customer, limit: int = 10):
    """`{% customer_notices customer as notices %}`: the latest notices sent to them."""
    return selectors.customer_notices(customer.pk, limit=limit)


@register.simple_tag
def earlier_notices(ticket):
    """`{% earlier_notices ticket as notices %}`: the delay notices Kefu sent about this
    ticket's order from another (proactive) ticket, newest first; none without an order."""
    if not ticket.order_id:
        return []
    return selectors.notices_for_order(ticket.order_id, except_ticket_id=ticket.pk)
