"""Template tags for the blocks the notices app plugs into other apps' pages."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def customer_notices(customer, limit: int = 10):
    """`{% customer_notices customer as notices %}`: the latest notices sent to them."""
    return selectors.customer_notices(customer.pk, limit=limit)
