"""Template tags for loyalty partials that other apps' pages include with their own context
(the customer 360 page and the ticket sidebar include `loyalty/_customer_balances.html`)."""

from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.simple_tag
def customer_loyalty(customer) -> dict:
    """{"balances": {"points", "store_credit"}, "coupons": [usable coupons]} (two queries)."""
    return {"balances": selectors.balances(customer),
            "coupons": selectors.active_coupons(customer, now=timezone.now())}
