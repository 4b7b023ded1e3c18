"""Small presentational helpers for ticket pages: SLA countdown, ages, channel icons."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import Channel
from ..timeline_wording import wording_for

register = template.Library()

CHANNEL_ICONS = {
    Channel.EMAIL: "bi-envelope", Channel.WEB: "bi-globe", Channel.CHAT: "bi-chat-dots",
    Channel.PHONE: "bi-telephone", Channel.SOCIAL: "bi-share", Channel.IN_STORE: "bi-shop",
    Channel.API: "bi-code-slash",
}
STATUS_BADGES = {
    "new": "text-bg-info", "open": "text-bg-primary", "pending": "text-bg-secondary",
    "on_hold": "text-bg-dark", "solved": "text-bg-success", "closed": "text-bg-light border",
}


@register.filter
def channel_icon(channel: str) -> str:
    return CHANNEL_ICONS.get(channel, "bi-question-circle")


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


def compact_duration(seconds: float) -> str:
    """9m, 2h, 3d (rounded down): for ages in dense lists."""
    seconds = max(0, int(seconds))
    if seconds < 3600:
        return _("%(n)dm") % {"n": seconds // 60}
    if seconds < 86400:
        return _("%(n)dh") % {"n": seconds // 3600}
    return _("%(n)dd") % {"n": seconds // 86400}


def clock(seconds: float) -> str:
    """H:MM below a day, else days and hours."""
    seconds = int(abs(seconds))
    if seconds >= 86400:
        return _("%(d)dd %(h)dh") % {"d": seconds // 86400, "h": seconds % 86400 // 3600}
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"


@register.simple_tag
def select_options(choices, selected, empty_label=None):
    """`<option>`s for (value, label) pairs, those equal to `selected` (a value, or a set of
    them) chosen; an empty first option when `empty_label` is given. One tag instead of a
    template loop: the agent and team menus are on every ticket page."""
    if isinstance(selected, set | frozenset | list | tuple):
        chosen = {str(value) for value in selected}
    else:
        chosen = {"" if selected is None else str(selected)}
    options = [("", empty_label)] if empty_label is not None else []
    options += [(str(value), label) for value, label in choices]
    return mark_safe("".join(
        f'<option value="{escape(value)}"{" selected" if value in chosen else ""}>'
        f"{conditional_escape(label)}</option>" for value, label in options))


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def team_view(team) -> str:
    return f"team-{team.pk}"


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or "—"))


@register.simple_tag
def event_text(event) -> str:
    """One line for a system event in the timeline."""
    from ..models import Priority, Status, TicketEvent

    registered = wording_for(event.kind)
    if registered:
        return registered.text(event)
    data = event.data or {}
    actor = (event.actor.get_full_name() or event.actor.get_username()) if event.actor else \
        _("Kefu")
    kind = event.kind
    if kind == TicketEvent.Kind.STATUS:
        return _("%(actor)s changed the status from %(old)s to %(new)s") % {
            "actor": actor, "old": _label(Status.choices, data.get("old")),
            "new": _label(Status.choices, data.get("new"))}
    if kind == TicketEvent.Kind.ASSIGNED:
        if "team" in data:
            return _("%(actor)s moved the ticket to team %(team)s") % {
                "actor": actor, "team": data.get("team_name") or "—"}
        if data.get("claimed"):
            return _("%(actor)s took the ticket") % {"actor": actor}
        if data.get("new"):
            return _("%(actor)s assigned the ticket to %(agent)s") % {
                "actor": actor, "agent": data.get("new_name") or "—"}
        return _("%(actor)s unassigned the ticket") % {"actor": actor}
    if kind == TicketEvent.Kind.FIELDS:
        if data.get("field") == "priority":
            return _("%(actor)s changed the priority from %(old)s to %(new)s") % {
                "actor": actor, "old": _label(Priority.choices, data.get("old")),
                "new": _label(Priority.choices, data.get("new"))}
        if data.get("field") == "tags":
            return _("%(actor)s added tags: %(tags)s") % {
                "actor": actor, "tags": ", ".join(data.get("added") or [])}
    if kind == TicketEvent.Kind.MERGED:
        if data.get("into"):
            return _("%(actor)s merged this ticket into #%(id)s") % {
                "actor": actor, "id": data["into"]}
        return _("%(actor)s merged tickets %(ids)s into this one") % {
            "actor": actor, "ids": ", ".join(f"#{i}" for i in data.get("merged") or [])}
    if kind == TicketEvent.Kind.NOTICE:
        return _("Notice sent to the customer: %(kind)s") % {
            "kind": data.get("kind") or data.get("text") or ""}
    if kind == TicketEvent.Kind.DELIVERY:
        return _("Delivery: %(details)s") % {"details": data.get("status") or data.get("text")
                                             or ""}
    return f"{event.get_kind_display()}"


@register.filter
def event_class(event) -> str:
    registered = wording_for(event.kind)
    return registered.css_class(event) if registered else "text-secondary"


@register.filter
def event_icon(event) -> str:
    registered = wording_for(event.kind)
    if registered:
        return registered.icon
    return {
        "status": "bi-arrow-repeat", "assigned": "bi-person-check", "fields": "bi-pencil",
        "merged": "bi-union", "notice": "bi-megaphone", "delivery": "bi-send",
    }.get(event.kind, "bi-dot")


@register.simple_tag
def inbox_rows(rows, select_label):
    """The inbox rows' <tr>s (tickets.rows.InboxRow.html), in one tag rather than a loop."""
    return mark_safe("".join(row.html(select_label) for row in rows))
