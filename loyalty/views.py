"""Loyalty pages: thin. Each checks the role, validates a form, calls one service, and
re-renders its partial (htmx) or redirects.

- agents: the ticket panel (grant a coupon or store credit), the customer's balances and
  ledger;
- managers: pending approvals, the report, members per tier;
- admins: tier configuration.
"""

import csv
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from helpdesk.roles import Role, role_required
from tickets.models import Ticket

from . import selectors, services
from .forms import CouponForm, StoreCreditForm, TierForm
from .models import Coupon, LoyaltySettings, StoreCreditGrant, Tier
from .services.config import save_tier


def _ticket(pk: int) -> Ticket:
    try:
        return Ticket.objects.select_related("customer__tier").get(pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def _render_panel(request, ticket: Ticket, *, coupon_form=None, credit_form=None,
                  notice: str = "", error: str = "", status: int = 200):
    now = timezone.now()
    days = LoyaltySettings.load().coupon_valid_days
    return render(request, "loyalty/_ticket_panel.html", {
        "ticket": ticket,
        "customer": ticket.customer,
        "balances": selectors.balances(ticket.customer),
        "authority": selectors.authority(request.user, now=now),
        "coupon_form": coupon_form or CouponForm(initial={"valid_days": days}),
        "credit_form": credit_form or StoreCreditForm(),
        "notice": notice,
        "error": error,
        **selectors.ticket_grants(ticket),
    }, status=status)


@role_required(Role.AGENT)
def ticket_panel(request, ticket_id: int):
    """The loyalty panel of the ticket page: balances, grants on this ticket, grant forms."""
    return _render_panel(request, _ticket(ticket_id))


def _granted(request, ticket: Ticket, grant, what: str):
    if grant.is_pending:
        notice = _("%(what)s is above your authority and waits for a manager's approval.") % {
            "what": what}
    else:
        notice = _("%(what)s granted.") % {"what": what}
    if not request.htmx:
        messages.success(request, notice)
        return redirect("tickets:detail", ticket.pk)
    return _render_panel(request, ticket, notice=notice)


@require_POST
@role_required(Role.AGENT)
def grant_coupon(request, ticket_id: int):
    ticket = _ticket(ticket_id)
    form = CouponForm(request.POST)
    if form.is_valid():
        try:
            coupon = services.grant_coupon(
                customer=ticket.customer, granted_by=request.user, ticket=ticket,
                expires_at=timezone.now() + timedelta(days=form.cleaned_data["valid_days"]),
                reason=form.cleaned_data["reason"], **form.coupon_value())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _granted(request, ticket, coupon, _("Coupon %(code)s") % {"code": coupon.code})
    return _render_panel(request, ticket, coupon_form=form, status=200 if request.htmx else 400)


@require_POST
@role_required(Role.AGENT)
def grant_store_credit(request, ticket_id: int):
    ticket = _ticket(ticket_id)
    form = StoreCreditForm(request.POST)
    if form.is_valid():
        try:
            grant = services.grant_store_credit(
                customer=ticket.customer, granted_by=request.user, ticket=ticket,
                amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _granted(request, ticket, grant, _("Store credit"))
    return _render_panel(request, ticket, credit_form=form, status=200 if request.htmx else 400)


@role_required(Role.AGENT)
def customer_balances(request, customer_id: int):
    """Tier, points, store credit and usable coupons, for the customer 360 page."""
    customer = get_object_or_404(Customer.objects.select_related("tier"), pk=customer_id)
    return render(request, "loyalty/_customer_balances.html", {"customer": customer})


@role_required(Role.AGENT)
def customer_ledger(request, customer_id: int):
    customer = get_object_or_404(
        Customer.objects.select_related("tier", "loyalty_membership"), pk=customer_id)
    return render(request, "loyalty/customer_ledger.html", {
        "customer": customer,
        "balances": selectors.balances(customer),
        **selectors.customer_ledger(customer),
    })


GRANT_MODELS = {model.grant_type: model for model in (Coupon, StoreCreditGrant)}


@role_required(Role.MANAGER)
def approvals(request):
    return render(request, "loyalty/approvals.html", {"grants": selectors.pending_grants()})


@require_POST
@role_required(Role.MANAGER)
def decide(request, kind: str, pk: int, decision: str):
    model = GRANT_MODELS.get(kind)
    if model is None or decision not in ("approve", "reject"):
        raise Http404
    grant = get_object_or_404(model.objects.select_related("customer__tier", "ticket",
                                                           "granted_by"), pk=pk)
    error = ""
    try:
        if decision == "approve":
            grant = services.approve_grant(grant=grant, by=request.user)
        else:
            grant = services.reject_grant(grant=grant, by=request.user,
                                          note=request.POST.get("note", ""))
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("loyalty:approvals")
    return render(request, "loyalty/_approval_row.html", {"grant": grant, "error": error})


@role_required(Role.MANAGER)
def report(request):
    now = timezone.now()
    context = {
        "per_tier": selectors.customers_per_tier(),
        "movement": selectors.tier_movement(now),
        "redemption": selectors.redemption(now),
    }
    table = request.GET.get("csv")
    if table:
        return _report_csv(table, context)
    return render(request, "loyalty/report.html", {**context, "chart_data": _chart_data(context)})


def _chart_data(context: dict) -> dict:
    movement = context["movement"]["rows"]
    return {
        "months": [f"{row['month']:%Y-%m}" for row in movement],
        "labels": {"up": _("Up"), "down": _("Down"), "granted": _("Coupons granted"),
                   "redeemed": _("Coupons redeemed")},
        "tiers": {
            "labels": [row["tier"].display_name() if row["tier"] else _("No tier")
                       for row in context["per_tier"]],
            "values": [row["customers"] for row in context["per_tier"]],
            "colours": [row["tier"].badge_colour if row["tier"] else "#dee2e6"
                        for row in context["per_tier"]],
        },
        "movement": {"up": [row["up"] for row in movement],
                     "down": [row["down"] for row in movement]},
        "redemption": {"granted": [row["coupons_granted"] for row in context["redemption"]],
                       "redeemed": [row["coupons_redeemed"] for row in context["redemption"]]},
    }


def _report_csv(table: str, context: dict) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="loyalty-{table}.csv"'
    writer = csv.writer(response)
    if table == "tiers":
        writer.writerow([_("Tier"), _("Customers")])
        for row in context["per_tier"]:
            writer.writerow([row["tier"].name if row["tier"] else _("No tier"),
                             row["customers"]])
    elif table == "movement":
        tiers = context["movement"]["tiers"]
        writer.writerow([_("Month")] + [f"{t.name} +" for t in tiers]
                        + [f"{t.name} −" for t in tiers] + [_("Up"), _("Down")])
        for row in context["movement"]["rows"]:
            writer.writerow([f"{row['month']:%Y-%m}"] + [c["in"] for c in row["cells"]]
                            + [c["out"] for c in row["cells"]] + [row["up"], row["down"]])
    elif table == "redemption":
        keys = ["coupons_granted", "coupons_redeemed", "points_earned", "points_redeemed",
                "points_expired", "credit_granted", "credit_spent"]
        writer.writerow([_("Month")] + keys)
        for row in context["redemption"]:
            writer.writerow([f"{row['month']:%Y-%m}"] + [row[k] for k in keys])
    else:
        raise Http404
    return response


@role_required(Role.MANAGER)
def tier_members(request, pk: int):
    tier = get_object_or_404(Tier, pk=pk)
    page = Paginator(selectors.tier_members(tier), 50).get_page(request.GET.get("page"))
    return render(request, "loyalty/tier_members.html", {"tier": tier, "page": page})


@role_required(Role.ADMIN)
def tiers(request):
    return render(request, "loyalty/tiers.html", {"tiers": selectors.tiers_with_members()})


@role_required(Role.ADMIN)
def tier_edit(request, pk: int | None = None):
    tier = get_object_or_404(Tier, pk=pk) if pk else Tier()
    form = TierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        if save_tier(tier=form.instance, changed=form.changed_data, by=request.user):
            messages.success(request, _("Tier %(name)s saved. Every membership is being "
                                        "recomputed.") % {"name": form.instance.name})
        else:
            messages.success(request, _("Tier %(name)s saved.") % {"name": form.instance.name})
        return redirect("loyalty:tiers")
    return render(request, "loyalty/tier_form.html", {"form": form, "tier": tier})
