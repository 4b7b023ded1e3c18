"""Coupons and store credit on the ticket timeline (TicketEvent rows of kind "loyalty")."""

from django.utils.translation import gettext as _

from tickets.models import TicketEvent

from .models import GrantStatus


def _actor(event: TicketEvent) -> str:
    if event.actor is None:
        return _("Kefu")
    return event.actor.get_full_name() or event.actor.get_username()


def describe(event: TicketEvent) -> str:
    data = event.data or {}
    action = data.get("action")
    values = {"actor": _actor(event), "value": data.get("value", ""),
              "code": data.get("code", "")}
    is_coupon = data.get("grant") == "coupon"
    if action == "coupon_granted":
        if data.get("status") == GrantStatus.PENDING:
            return _("%(actor)s asked approval for an apology coupon of %(value)s") % values
        return _("%(actor)s granted apology coupon %(code)s (%(value)s)") % values
    if action == "credit_granted":
        if data.get("status") == GrantStatus.PENDING:
            return _("%(actor)s asked approval for %(value)s store credit") % values
        return _("%(actor)s granted %(value)s store credit") % values
    if action == "grant_approved":
        if is_coupon:
            return _("%(actor)s approved the apology coupon (%(value)s)") % values
        return _("%(actor)s approved %(value)s store credit") % values
    if action == "grant_rejected":
        text = (_("%(actor)s declined the apology coupon (%(value)s)") if is_coupon
                else _("%(actor)s declined %(value)s store credit")) % values
        return f"{text}: {data['note']}" if data.get("note") else text
    return _("Coupon or store credit updated")


def css_class(event: TicketEvent) -> str:
    action = (event.data or {}).get("action")
    if action == "grant_rejected":
        return "text-danger"
    if (event.data or {}).get("status") == GrantStatus.PENDING:
        return "text-warning"
    return "text-success"
