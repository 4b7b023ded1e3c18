"""Customer pages: search, the customer 360, its htmx partials, notes and tags, merge."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpdesk.roles import Role, role_required

from . import selectors
from .forms import CustomerSearchForm, MergeForm, ProfileForm
from .models import Customer
from .services.merge import MergeError, merge_customers
from .services.profile import update_notes_and_tags


def _customer(pk: int, getter=selectors.customer_profile) -> Customer:
    try:
        return getter(pk)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


@role_required(Role.AGENT)
def sidebar(request, pk):
    """The customer 360 at a glance, loaded into the ticket workspace."""
    customer = _customer(pk, selectors.customer_for_sidebar)
    open_tickets, past_tickets = selectors.sidebar_tickets(customer)
    return render(request, "customers/_sidebar.html", {
        "customer": customer,
        "stats": selectors.order_stats(customer),
        "orders": selectors.recent_orders(customer),
        "open_tickets": open_tickets,
        "past_tickets": past_tickets,
        "now": timezone.now(),
    })


@role_required(Role.AGENT)
def search(request):
    """Find a customer by any identity, order number, tracking number or name."""
    form = CustomerSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "query": query, "results": selectors.search_customers(query)}
    if request.htmx:
        return render(request, "customers/_search_results.html", context)
    return render(request, "customers/search.html", context)


@role_required(Role.AGENT)
def detail(request, pk):
    """The customer 360: who they are, what they bought, every conversation."""
    customer = _customer(pk)
    if customer.merged_into_id:
        messages.info(request, _("This customer was merged into %(name)s.")
                      % {"name": customer.merged_into.name})
        return redirect("customers:detail", customer.merged_into_id)
    stats = selectors.order_stats(customer)
    return render(request, "customers/customer_detail.html", {
        "customer": customer,
        "stats": stats,
        "progress": selectors.tier_progress(customer, stats),
        "orders": selectors.orders_page(customer, request.GET.get("orders")),
        "tickets": selectors.tickets_page(customer, request.GET.get("tickets")),
        "timeline": selectors.timeline_page(customer, request.GET.get("timeline")),
        "now": timezone.now(),
    })


@role_required(Role.AGENT)
def orders_partial(request, pk):
    customer = _customer(pk)
    return render(request, "customers/_orders.html", {
        "customer": customer, "now": timezone.now(),
        "orders": selectors.orders_page(customer, request.GET.get("page"))})


@role_required(Role.AGENT)
def tickets_partial(request, pk):
    customer = _customer(pk)
    return render(request, "customers/_tickets.html", {
        "customer": customer, "tickets": selectors.tickets_page(customer, request.GET.get("page"))})


@role_required(Role.AGENT)
def timeline_partial(request, pk):
    customer = _customer(pk)
    return render(request, "customers/_timeline.html", {
        "customer": customer,
        "timeline": selectors.timeline_page(customer, request.GET.get("page"))})


@role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def edit_profile(request, pk):
    """Agents edit notes and tags (inline with htmx, or as a plain form)."""
    customer = _customer(pk)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            update_notes_and_tags(customer=customer, notes=form.cleaned_data["notes"],
                                  tags=form.cleaned_data["tags"], by=request.user)
            customer = _customer(pk)
            if request.htmx:
                return render(request, "customers/_profile.html", {"customer": customer})
            messages.success(request, _("Notes and tags saved."))
            return redirect("customers:detail", pk)
    else:
        form = ProfileForm(initial={"notes": customer.notes,
                                    "tags": ", ".join(t.name for t in customer.tags.all())})
    template = "customers/_profile_form.html" if request.htmx else "customers/profile_form.html"
    return render(request, template, {"customer": customer, "form": form})


@role_required(Role.ADMIN)
def merge_search(request, pk):
    """Find the duplicate record to merge into this customer."""
    customer = _customer(pk)
    form = CustomerSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    candidates = [c for c in selectors.search_customers(query) if c.pk != customer.pk]
    return render(request, "customers/merge_search.html", {
        "customer": customer, "form": form, "query": query, "candidates": candidates})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def merge_confirm(request, pk, source_pk):
    """Review both records side by side, then merge the duplicate into this customer."""
    target = _customer(pk)
    source = _customer(source_pk)
    if request.method == "POST":
        form = MergeForm(request.POST)
        if form.is_valid() and form.cleaned_data["source"] == source.pk:
            try:
                merge_customers(source=source, target=target, by=request.user)
            except MergeError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("%(source)s was merged into %(target)s.")
                                 % {"source": source.name, "target": target.name})
                return redirect("customers:detail", target.pk)
    return render(request, "customers/merge_confirm.html", {
        "target": target, "source": source,
        "target_stats": selectors.order_stats(target),
        "source_stats": selectors.order_stats(source),
        "form": MergeForm(initial={"source": source.pk}),
    })
