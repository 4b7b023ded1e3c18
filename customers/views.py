from django.http import Http404
from django.shortcuts import render

from helpdesk.roles import Role, role_required

from . import selectors
from .models import Customer


@role_required(Role.AGENT)
def sidebar(request, pk):
    """The customer 360 at a glance, loaded into the ticket workspace."""
    try:
        customer = selectors.customer_for_sidebar(pk)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "customers/_sidebar.html", {
        "customer": customer,
        "stats": selectors.order_stats(customer),
        "orders": selectors.recent_orders(customer),
    })
