"""Inbox and ticket workspace pages: thin views over selectors and services."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages as flash
from django.db import IntegrityError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from helpdesk.roles import Role, RoleRequiredMixin, role_required
from replies import selectors as reply_selectors
from replies import services as reply_services
from replies.validation import ReplyNotReady, check_reply_ready

from . import menus, presence, rows, selectors, services
from .forms import (
    BulkActionForm,
    ComposerForm,
    InboxFilterForm,
    NewTicketForm,
    SaveViewForm,
    TicketFieldsForm,
)
from .models import Channel, Priority, SavedView, Status, Ticket

QUERY_KEYS = ("view", "q", "status", "priority", "category", "channel", "team", "assignee",
              "tier", "tag", "created_from", "created_to", "sort")


def poll_seconds() -> int:
    return getattr(settings, "KEFU_INBOX_POLL_SECONDS", 10)


def _query_string(params: QueryDict, *, drop=("cursor",), **extra) -> str:
    """The inbox query string without the page cursor (for links, polling and saved views)."""
    pairs = [(k, v) for k in QUERY_KEYS if k not in drop for v in params.getlist(k) if v != ""]
    pairs += [(k, v) for k, v in extra.items() if v]
    return urlencode(pairs)




def _rows_context(request, query) -> dict:
    page = selectors.inbox_page(query, user=request.user)
    base = _query_string(request.GET)
    warn_seconds = int(selectors.breaching_soon_window().total_seconds())
    return {
        "page": page,
        "rows": rows.inbox_rows(page.tickets, tags=page.tags, now=timezone.now(),
                               warn_seconds=warn_seconds),
        "select_label": _("Select ticket"),
        "sla_paused_title": _("The SLA clock is paused while the ticket waits."),
        "query": query,
        "base_query": base,
        "next_url": f"?{base}&cursor={page.next_cursor}" if page.next_cursor else "",
        "poll_url": f"{reverse('tickets:inbox_rows')}?{base}",
        "poll_seconds": poll_seconds(),
    }


class InboxView(RoleRequiredMixin, TemplateView):
    """The unified inbox: views, filters, search, bulk actions, keyset pages, live rows."""

    required_role = Role.AGENT
    template_name = "tickets/inbox.html"

    def get_context_data(self, **kwargs):
        staff_menus = menus.menus()
        form = _filter_form(self.request, staff_menus)
        query = form.query()
        return {
            **super().get_context_data(**kwargs),
            "teams": staff_menus.teams,
            "saved_views": selectors.saved_views(user=self.request.user),
            **_rows_context(self.request, query),
            "filter_fields": form.panel() if form.active_filters() else [],
            "active_filters": form.active_filters(),
            "agents": staff_menus.agents,
            "statuses": Status.choices,
            "priorities": Priority.choices,
            "channels": Channel.choices,
            "view_label": view_label(query.view, staff_menus.teams),
            "save_query": _query_string(self.request.GET),
        }


def view_label(view: str, teams) -> str:
    labels = {
        "mine": _("My tickets"), "unassigned": _("Unassigned"), "open": _("All open"),
        "breaching": _("Breaching soon"), "overdue": _("Overdue"), "vip": _("VIP"),
        "pending": _("Pending on customer"), "delayed": _("Delayed orders"),
        "all": _("All tickets"),
    }
    if view in labels:
        return labels[view]
    if view.startswith("team-"):
        return next((t.name for t in teams if f"team-{t.pk}" == view), _("Team"))
    if view.startswith("channel-"):
        return dict(Channel.choices).get(view[8:], _("Channel"))
    return labels["open"]


@role_required(Role.AGENT)
@require_GET
def inbox_rows(request):
    """The rows alone: the page's live refresh and the next page."""
    form = InboxFilterForm(request.GET)
    return render(request, "tickets/inbox.html#rows", _rows_context(request, form.query()))


def _filter_form(request, staff_menus: menus.Menus) -> InboxFilterForm:
    return InboxFilterForm(request.GET, teams=staff_menus.teams, agents=staff_menus.agents,
                           tiers=staff_menus.tiers)


@role_required(Role.AGENT)
@require_GET
def inbox_filters(request):
    """The filter panel, loaded the first time it is opened."""
    form = _filter_form(request, menus.menus())
    return render(request, "tickets/inbox.html#filters",
                  {"filter_fields": form.panel(), "query": form.query()})


@role_required(Role.AGENT)
@require_GET
def inbox_counts(request):
    return render(request, "tickets/inbox.html#views", {
        "teams": menus.menus().teams,
        "saved_views": selectors.saved_views(user=request.user),
        "counts": selectors.view_counts(user=request.user),
        "current_view": request.GET.get("view") or "open",
        "current_query": _query_string(request.GET),
        "channels": Channel.choices,
        "poll_seconds": poll_seconds(),
    })


@role_required(Role.AGENT)
@require_POST
def bulk(request):
    form = BulkActionForm(request.POST)
    back = request.POST.get("next") or reverse("tickets:inbox")
    if not back.startswith("/"):
        back = reverse("tickets:inbox")
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        flash.error(request, _("Bulk action not applied: %(errors)s") % {"errors": errors})
        return redirect(back)
    data = form.cleaned_data
    tickets = list(Ticket.objects.filter(pk__in=data["ids"]).order_by("pk"))
    user = request.user
    try:
        if data["action"] == "merge":
            target = min(tickets, key=lambda t: (t.created_at, t.pk))
            services.merge(target=target, duplicates=tickets, by=user)
            flash.success(request, _("Merged %(n)d tickets into #%(id)d.") % {
                "n": len(tickets) - 1, "id": target.pk})
            return redirect(back)
        agent = _agent_from(data.get("assignee"), user)
        for ticket in tickets:
            if data["action"] == "assign":
                services.assign(ticket=ticket, agent=agent, by=user)
            elif data["action"] == "team":
                services.assign_team(ticket=ticket, team=data["team"], by=user)
            elif data["action"] == "status":
                services.change_status(ticket=ticket, status=data["status"], by=user)
            elif data["action"] == "priority":
                services.set_priority(ticket=ticket, priority=data["priority"], by=user)
            elif data["action"] == "tag":
                services.add_tags(ticket=ticket, tags=[data["tag"]], by=user)
    except services.CannotMerge:
        flash.error(request, _("Only tickets of the same customer can be merged."))
        return redirect(back)
    flash.success(request, _("Updated %(n)d tickets.") % {"n": len(tickets)})
    return redirect(back)


def _agent_from(value: str | None, user):
    if value == "me":
        return user
    if value and value.isdigit():
        return selectors.assignable_agents().filter(pk=int(value)).first()
    return None


@role_required(Role.AGENT)
@require_POST
def save_view(request):
    form = SaveViewForm(request.POST)
    if form.is_valid():
        try:
            SavedView.objects.update_or_create(
                owner=request.user, name=form.cleaned_data["name"].strip(),
                defaults={"query": form.cleaned_data["query"]})
        except IntegrityError:
            flash.error(request, _("A view with this name already exists."))
        else:
            flash.success(request, _("View saved."))
    return redirect(f"{reverse('tickets:inbox')}?{form.data.get('query', '')}")


@role_required(Role.AGENT)
@require_POST
def delete_view(request, pk):
    get_object_or_404(SavedView, pk=pk, owner=request.user).delete()
    return redirect("tickets:inbox")


# --- The ticket workspace -----------------------------------------------------------------

def _workspace_ticket(pk: int) -> Ticket:
    try:
        return selectors.ticket_for_workspace(pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def _workspace_context(request, ticket: Ticket, **extra) -> dict:
    staff_menus = menus.menus()
    return {
        "ticket": ticket,
        "timeline": selectors.timeline(ticket),
        "tags": selectors.tags_by_ticket([ticket.pk]).get(ticket.pk, []),
        "seen_message_id": selectors.latest_message_id(ticket),
        "agents": staff_menus.agents,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": [(team.pk, team.name) for team in staff_menus.teams],
        "poll_seconds": poll_seconds(),
        "stale_ids": {m.pk for m in extra.get("stale") or []},
        "composer": extra.pop("composer", None) or ComposerForm(
            initial={"seen_message_id": selectors.latest_message_id(ticket)}),
        **extra,
    }


class TicketDetailView(RoleRequiredMixin, TemplateView):
    required_role = Role.AGENT
    template_name = "tickets/ticket_detail.html"

    def get_context_data(self, **kwargs):
        ticket = _workspace_ticket(self.kwargs["pk"])
        presence.beat(ticket_id=ticket.pk, user=self.request.user)
        return {
            **super().get_context_data(**kwargs),
            **_workspace_context(self.request, ticket),
            "others": presence.others(ticket_id=ticket.pk, user=self.request.user),
            "customer_tickets": selectors.customer_tickets(ticket.customer, exclude=ticket),
        }


@role_required(Role.AGENT)
@require_GET
def timeline(request, pk):
    ticket = _workspace_ticket(pk)
    return render(request, "tickets/_timeline_refresh.html", _workspace_context(request, ticket))


@role_required(Role.AGENT)
@require_POST
def send(request, pk):
    """Reply or note from the composer. A reply written before a newer customer message or
    another agent's reply is not sent: the timeline shows what arrived, and the agent sends
    again to confirm."""
    ticket = _reply_ticket(pk)
    form = ComposerForm(request.POST)
    problems = []
    if form.is_valid():
        try:
            _send(ticket, request.user, form.cleaned_data)
        except ReplyNotReady as not_ready:
            problems = not_ready.problems
        except services.StaleReply as stale:
            ticket = _workspace_ticket(pk)
            composer = ComposerForm(initial={
                "body": form.cleaned_data["body"], "send": form.cleaned_data["send"],
                "seen_message_id": selectors.latest_message_id(ticket)})
            return _composer_response(request, ticket, composer=composer,
                                      stale=stale.newer, status=409)
        else:
            if not request.htmx:
                return redirect("tickets:detail", pk=pk)
            return _composer_response(request, _workspace_ticket(pk), sent=True)
    ticket = _workspace_ticket(pk)
    return _composer_response(request, ticket, composer=form, problems=problems, status=422)


def _reply_ticket(pk: int) -> Ticket:
    try:
        return reply_selectors.ticket_for_replies(pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def _send(ticket, user, data):
    body = data["body"]
    if data["send"] == "note":
        services.add_note(ticket=ticket, author=user, body_text=body)
        return
    set_status = {"pending": Status.PENDING, "solved": Status.SOLVED}.get(data["send"])
    reply_services.send_reply(ticket=ticket, author=user, body_text=body, set_status=set_status,
                              seen_message_id=data.get("seen_message_id"))


def _composer_response(request, ticket, status=200, **extra):
    """The timeline and the composer together (one htmx swap of the conversation column).

    htmx swaps only 2xx answers, and this one says itself what went wrong, so htmx gets 200;
    without htmx the whole page comes back, with the real status."""
    if request.htmx:
        return render(request, "tickets/ticket_detail.html#conversation",
                      _workspace_context(request, ticket, **extra))
    return render(request, "tickets/ticket_detail.html", {
        **_workspace_context(request, ticket, **extra),
        "others": presence.others(ticket_id=ticket.pk, user=request.user),
        "customer_tickets": selectors.customer_tickets(ticket.customer, exclude=ticket),
    }, status=status)


@role_required(Role.AGENT)
@require_POST
def preview(request, pk):
    """What the customer would read: the placeholders filled, what is unfinished marked."""
    ticket = _reply_ticket(pk)
    rendered = reply_services.fill_for_ticket(text=request.POST.get("body", "")[:50000],
                                              ticket=ticket, agent=request.user)
    return render(request, "tickets/_preview.html",
                  {"rendered": rendered, "problems": check_reply_ready(rendered.text)})


@role_required(Role.AGENT)
@require_POST
def heartbeat(request, pk):
    """Presence: this agent has the ticket open (and is typing, if `typing=1`). Answers with the
    collision warning and any messages that arrived since the page was opened."""
    ticket = get_object_or_404(Ticket, pk=pk)
    presence.beat(ticket_id=pk, user=request.user, typing=request.POST.get("typing") == "1")
    seen = request.POST.get("seen_message_id", "")
    newer = selectors.messages_after(ticket, int(seen), exclude_author=request.user) \
        if seen.isdigit() else []
    return render(request, "tickets/_collision.html", {
        "ticket": ticket, "others": presence.others(ticket_id=pk, user=request.user),
        "newer": newer, "poll_seconds": poll_seconds(),
    })


@role_required(Role.AGENT)
@require_POST
def claim(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    try:
        services.claim(ticket=ticket, agent=request.user)
        flash.success(request, _("You own this ticket now."))
    except services.AlreadyClaimed:
        flash.warning(request, _("Someone else took this ticket first."))
    return redirect("tickets:detail", pk=pk)


@role_required(Role.AGENT)
@require_POST
def update_fields(request, pk):
    """Header fields (status, priority, team, assignee): with htmx the one that changed,
    without it every field given; unchanged values are left alone."""
    ticket = get_object_or_404(Ticket, pk=pk)
    form = TicketFieldsForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Invalid value."))
    data, user = form.cleaned_data, request.user
    names = [n for n in ("status", "priority", "team", "assignee") if n in request.POST]
    if request.htmx and request.htmx.trigger_name in names:
        names = [request.htmx.trigger_name]
    if "status" in names and data["status"] and data["status"] != ticket.status:
        services.change_status(ticket=ticket, status=data["status"], by=user)
    if "priority" in names and data["priority"] and data["priority"] != ticket.priority:
        services.set_priority(ticket=ticket, priority=data["priority"], by=user)
    if "team" in names and (data["team"].pk if data["team"] else None) != ticket.team_id:
        services.assign_team(ticket=ticket, team=data["team"], by=user)
    if "assignee" in names:
        value = data["assignee"]
        agent = _agent_from(value, user)
        if value and agent is None:
            return HttpResponseBadRequest(_("Invalid value."))
        if (agent.pk if agent else None) != ticket.assignee_id:
            services.assign(ticket=ticket, agent=agent, by=user)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect("tickets:detail", pk=pk)


# --- New ticket on a customer's behalf ------------------------------------------------------

@role_required(Role.AGENT)
def new_ticket(request):
    if request.method == "POST":
        form = NewTicketForm(request.POST)
        if form.is_valid():
            ticket = services.open_ticket_for_customer(opened_by=request.user,
                                                      **form.cleaned_data)
            flash.success(request, _("Ticket #%(id)d opened.") % {"id": ticket.pk})
            return redirect("tickets:detail", pk=ticket.pk)
    else:
        initial = {}
        customer_id = request.GET.get("customer", "")
        if customer_id.isdigit():
            initial["customer"] = customer_id
        form = NewTicketForm(initial=initial)
    customer = None
    value = form.data.get("customer") or form.initial.get("customer")
    if value and str(value).isdigit():
        customer = selectors.customer_for_picker(int(value))
    return render(request, "tickets/new_ticket.html", {"form": form, "customer": customer})


@role_required(Role.AGENT)
@require_GET
def new_ticket_customers(request):
    return render(request, "tickets/_customer_picker.html", {
        "customers": selectors.customers_matching(request.GET.get("q", "")),
        "q": request.GET.get("q", ""),
    })


@role_required(Role.AGENT)
@require_GET
def new_ticket_orders(request):
    customer_id = request.GET.get("customer", "")
    orders = selectors.orders_for_customer(int(customer_id)) if customer_id.isdigit() else []
    return render(request, "tickets/_order_options.html", {"orders": orders})
