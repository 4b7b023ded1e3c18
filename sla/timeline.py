"""SLA items on the ticket timeline: TicketEvent rows of kind "sla", and their wording.

``data["sla"]`` says what happened (policy_applied, warned, breached, escalated); the
rest of ``data`` carries the names and times needed to show it without another query.
"""

from datetime import UTC, datetime

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tickets.models import Priority, Ticket, TicketEvent

from .models import Metric, SLAPolicy, SLATimer

POLICY_APPLIED = "policy_applied"
WARNED = "warned"
BREACHED = "breached"
ESCALATED = "escalated"


def policy_data(policy: SLAPolicy | None) -> dict:
    if policy is None:
        return {"policy": "", "policy_zh": ""}
    return {"policy": policy.name, "policy_zh": policy.name_zh_hans}


def timer_event(timer: SLATimer, what: str, *, at: datetime, **data) -> TicketEvent:
    """An unsaved timeline row about one clock (the sweep saves them in bulk)."""
    return TicketEvent(
        ticket_id=timer.ticket_id, kind=TicketEvent.Kind.SLA, created_at=at,
        data={"sla": what, "metric": timer.metric, "cycle": timer.cycle,
              "due_at": timer.due_at.isoformat() if timer.due_at else None,
              **policy_data(timer.policy), **data},
    )


def policy_applied_event(ticket: Ticket, policy: SLAPolicy | None,
                         previous: SLAPolicy | None, *, at: datetime) -> TicketEvent:
    previous_data = policy_data(previous)
    return TicketEvent(
        ticket_id=ticket.pk, kind=TicketEvent.Kind.SLA, created_at=at,
        data={"sla": POLICY_APPLIED, **policy_data(policy),
              "previous": previous_data["policy"], "previous_zh": previous_data["policy_zh"]},
    )


def metric_label(metric: str) -> str:
    return str(Metric(metric).label) if metric in Metric.values else metric


def _policy_name(data: dict, key: str = "policy") -> str:
    language = get_language() or "en"
    if language.startswith("zh") and data.get(f"{key}_zh"):
        return data[f"{key}_zh"]
    return data.get(key) or ""


def _time(value: str | None) -> str:
    parsed = parse_datetime(value) if value else None
    if parsed is None:
        return ""
    if timezone.is_naive(parsed):  # written by SQLite's JSON functions: UTC
        parsed = parsed.replace(tzinfo=UTC)
    return formats.date_format(timezone.localtime(parsed), "SHORT_DATETIME_FORMAT")


def describe(event: TicketEvent) -> str:
    """One line for the timeline, in the current language."""
    data = event.data or {}
    what = data.get("sla")
    policy = _policy_name(data)
    metric = metric_label(data.get("metric", ""))
    if what == POLICY_APPLIED:
        if not policy:
            return _("No SLA policy applies any more")
        if data.get("previous"):
            return _("SLA policy changed from %(previous)s to %(policy)s") % {
                "previous": _policy_name(data, "previous"), "policy": policy}
        return _("SLA policy applied: %(policy)s") % {"policy": policy}
    if what == WARNED:
        return _("SLA warning: %(metric)s due %(due)s (%(policy)s)") % {
            "metric": metric, "due": _time(data.get("due_at")), "policy": policy}
    if what == BREACHED:
        return _("SLA breached: %(metric)s was due %(due)s (%(policy)s)") % {
            "metric": metric, "due": _time(data.get("due_at")), "policy": policy}
    if what == ESCALATED:
        parts = [_("SLA escalation for %(metric)s") % {"metric": metric}]
        if data.get("priority"):
            priority = data["priority"]
            label = Priority(priority).label if priority in Priority.values else priority
            parts.append(_("priority raised to %(priority)s") % {"priority": label})
        if data.get("reassigned_to"):
            parts.append(_("reassigned to %(name)s") % {"name": data["reassigned_to"]})
        if data.get("notified"):
            parts.append(_("notified %(names)s") % {"names": ", ".join(data["notified"])})
        return "; ".join(parts)
    return _("SLA update")


def css_class(event: TicketEvent) -> str:
    """Red for a breach or an escalation, amber for a warning."""
    what = (event.data or {}).get("sla")
    if what in (BREACHED, ESCALATED):
        return "text-danger"
    if what == WARNED:
        return "text-warning"
    return "text-secondary"
