"""Read paths for ticket pages, written for their query count and index."""

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from taggit.models import TaggedItem

from customers.models import Customer, Order
from notices.selectors import with_open_delay

from . import search
from .models import (
    OPEN_STATUSES,
    Channel,
    Message,
    SavedView,
    Status,
    Team,
    Ticket,
    TicketEvent,
)

PAGE_SIZE = 50
# Tickets whose SLA clock runs (new or open): only these can breach.
RUNNING = [Status.NEW, Status.OPEN]


def breaching_soon_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "KEFU_BREACHING_SOON_MINUTES", 60))


def inbox_tickets() -> QuerySet[Ticket]:
    return (
        Ticket.objects.open()
        .select_related("customer__tier", "assignee", "team")
        .order_by("sla_due_at", "id")
    )


# --- Inbox views, filters and keyset pages ----------------------------------------------

BUILT_IN_VIEWS = ("mine", "unassigned", "open", "breaching", "overdue", "vip", "pending",
                  "delayed", "all")


@dataclass(frozen=True)
class InboxQuery:
    """What the agent asked the inbox for (already validated by the filter form)."""

    view: str = "open"
    q: str = ""
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    team: list[int] = field(default_factory=list)
    assignee: str = ""  # "", "me", "none" or a user id
    tier: list[int] = field(default_factory=list)
    tag: str = ""
    created_from: date | None = None
    created_to: date | None = None
    sort: str = ""  # "", "sla" or "newest"; "" means the view's default
    cursor: str = ""

    @property
    def order(self) -> str:
        if self.sort in ("sla", "newest"):
            return self.sort
        return "newest" if self.view == "all" else "sla"


@dataclass
class InboxPage:
    tickets: list["InboxTicket"]
    next_cursor: str
    is_first: bool
    order: str
    tags: dict[int, list[str]] = field(default_factory=dict)  # ticket id -> tag names


def _scope(view: str, *, user, now: datetime) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all()
    if view == "all":
        return tickets
    tickets = tickets.filter(status__in=OPEN_STATUSES)
    if view == "mine":
        return tickets.filter(assignee=user)
    if view == "unassigned":
        return tickets.filter(assignee__isnull=True)
    if view == "breaching":
        return tickets.filter(status__in=RUNNING, sla_due_at__gte=now,
                              sla_due_at__lt=now + breaching_soon_window())
    if view == "overdue":
        return tickets.filter(status__in=RUNNING, sla_due_at__lt=now)
    if view == "vip":
        return tickets.filter(customer__tier__priority_service=True)
    if view == "pending":
        return tickets.filter(status=Status.PENDING)
    if view == "delayed":  # about an order whose shipment has an open delay
        return with_open_delay(tickets)
    if view.startswith("team-") and view[5:].isdigit():
        return tickets.filter(team_id=int(view[5:]))
    if view.startswith("channel-") and view[8:] in Channel.values:
        return tickets.filter(channel=view[8:])
    return tickets


def filtered_tickets(query: InboxQuery, *, user, now: datetime) -> QuerySet[Ticket]:
    """The view's tickets narrowed by the filters and the search term (unordered)."""
    tickets = _scope(query.view, user=user, now=now)
    if query.status:
        tickets = tickets.filter(status__in=query.status)
    if query.priority:
        tickets = tickets.filter(priority__in=query.priority)
    if query.category:
        tickets = tickets.filter(category__in=query.category)
    if query.channel:
        tickets = tickets.filter(channel__in=query.channel)
    if query.team:
        tickets = tickets.filter(team_id__in=query.team)
    if query.assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif query.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif query.assignee.isdigit():
        tickets = tickets.filter(assignee_id=int(query.assignee))
    if query.tier:
        tickets = tickets.filter(customer__tier_id__in=query.tier)
    if query.tag:
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket), object_id=OuterRef("pk"),
            tag__name__iexact=query.tag)
        tickets = tickets.filter(Exists(tagged))
    if query.created_from:
        tickets = tickets.filter(created_at__gte=_day_start(query.created_from))
    if query.created_to:
        tickets = tickets.filter(created_at__lt=_day_start(query.created_to + timedelta(days=1)))
    if query.q:
        tickets = search.matching(tickets, query.q)
    return tickets


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True, slots=True)
class InboxTicket:
    """What an inbox row shows (and the keyset needs), read as plain values: fifty model
    instances with their customers, tiers and agents cost more than the query."""

    pk: int
    subject: str
    status: str
    priority: str
    channel: str
    created_at: datetime
    last_message_at: datetime | None
    sla_due_at: datetime | None
    customer_name: str
    tier_name: str | None  # None: no tier
    tier_name_zh_hans: str | None
    tier_colour: str | None
    assignee_name: str  # "" when unassigned


INBOX_COLUMNS = (
    "id", "subject", "status", "priority", "channel", "created_at", "last_message_at",
    "sla_due_at", "customer__name", "customer__tier__name", "customer__tier__name_zh_hans",
    "customer__tier__badge_colour", "assignee__first_name", "assignee__last_name",
    "assignee__username",
)


def person_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """A staff member's name as User.get_full_name() or the username gives it ("" if none)."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""


def inbox_page(query: InboxQuery, *, user, now: datetime | None = None,
               limit: int = PAGE_SIZE) -> InboxPage:
    """One page of the inbox in keyset order: one query for the rows, one for their tags."""
    now = now or timezone.now()
    tickets = filtered_tickets(query, user=user, now=now)
    order = query.order
    if order == "newest":
        tickets = tickets.order_by("-created_at", "-id")
    else:
        tickets = tickets.order_by(F("sla_due_at").asc(nulls_last=True), "id")
    position = decode_cursor(query.cursor, order)
    if position is not None:
        tickets = tickets.filter(_after(order, *position))
    # Choose the page's ids on the tickets alone, then join customers, tiers and agents for
    # those rows only: a view whose rows the planner underestimates (breaching soon) would
    # otherwise join thousands of rows before sorting them.
    page_ids = tickets.values("pk")[:limit + 1]
    rows = [InboxTicket(*values[:12], person_name(*values[12:])) for values in
            Ticket.objects.filter(pk__in=page_ids).order_by(*tickets.query.order_by)
            .values_list(*INBOX_COLUMNS)]
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1], order) if has_more else ""
    return InboxPage(tickets=rows, next_cursor=next_cursor, is_first=position is None,
                     order=order, tags=tags_by_ticket([t.pk for t in rows]))


def tags_by_ticket(ids: list[int]) -> dict[int, list[str]]:
    """The tag names of these tickets, in one query (no per-row tag manager)."""
    if not ids:
        return {}
    names: dict[int, list[str]] = {}
    for object_id, name in (TaggedItem.objects
                            .filter(content_type=ContentType.objects.get_for_model(Ticket),
                                    object_id__in=ids)
                            .order_by("tag__name").values_list("object_id", "tag__name")):
        names.setdefault(object_id, []).append(name)
    return names


def _after(order: str, value: datetime | None, pk: int) -> Q:
    if order == "newest":
        return Q(created_at__lt=value) | Q(created_at=value, pk__lt=pk)
    if value is None:  # already among the tickets without a deadline (sorted last)
        return Q(sla_due_at__isnull=True, pk__gt=pk)
    return (Q(sla_due_at__gt=value) | Q(sla_due_at=value, pk__gt=pk)
            | Q(sla_due_at__isnull=True))


def encode_cursor(ticket: Ticket | InboxTicket, order: str) -> str:
    value = ticket.created_at if order == "newest" else ticket.sla_due_at
    raw = json.dumps([value.isoformat() if value else None, ticket.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> tuple[datetime | None, int] | None:
    """The position after which the next page starts; None for a missing or unreadable cursor."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = json.loads(raw)
        moment = parse_datetime(value) if value is not None else None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(pk, int) or (value is not None and moment is None):
        return None
    if moment is None and order == "newest":
        return None
    return moment, pk


COUNTS_TTL = 10  # seconds; the counts beside the views are shared by every agent


def view_counts(*, user, now: datetime | None = None) -> dict:
    """Counts beside the inbox views, per team and per channel: a few index range counts,
    cached briefly (the shared ones for everybody, "mine" per agent)."""
    now = now or timezone.now()
    shared = cache.get("kefu:inbox:counts")
    if shared is None:
        open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
        shared = {
            "open": open_tickets.count(),
            "unassigned": open_tickets.filter(assignee__isnull=True).count(),
            "breaching": _scope("breaching", user=user, now=now).count(),
            "overdue": _scope("overdue", user=user, now=now).count(),
            "vip": _scope("vip", user=user, now=now).count(),
            "pending": _scope("pending", user=user, now=now).count(),
            "delayed": _scope("delayed", user=user, now=now).count(),
            "teams": dict(open_tickets.filter(team__isnull=False).order_by()
                          .values_list("team_id").annotate(n=Count("pk"))),
            "channels": dict(open_tickets.order_by().values_list("channel")
                             .annotate(n=Count("pk"))),
        }
        cache.set("kefu:inbox:counts", shared, COUNTS_TTL)
    mine_key = f"kefu:inbox:counts:mine:{user.pk}"
    mine = cache.get(mine_key)
    if mine is None:
        mine = Ticket.objects.filter(status__in=OPEN_STATUSES, assignee=user).count()
        cache.set(mine_key, mine, COUNTS_TTL)
    return {**shared, "mine": mine}


def teams() -> list[Team]:
    return list(Team.objects.order_by("name"))


def saved_views(*, user) -> list[SavedView]:
    return list(SavedView.objects.filter(owner=user).order_by("name"))


def assignable_agents() -> QuerySet:
    """Staff who can own tickets (every Kefu role), for assign menus."""
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(groups__name__in=["agent", "manager", "admin"]) | Q(is_superuser=True))
            .distinct().order_by("first_name", "username"))


def agent_choices() -> list[tuple[int, str]]:
    """(id, name) of the assignable staff, for assign menus (names only, no user objects)."""
    return [(pk, person_name(*names)) for pk, *names
            in assignable_agents().values_list("pk", "first_name", "last_name", "username")]


# --- The ticket workspace -----------------------------------------------------------------

def ticket_for_workspace(pk: int) -> Ticket:
    """The ticket with its conversation; the customer's tier, orders and the agents' menus
    come with the sidebar and the context, not through this query."""
    return (
        Ticket.objects.select_related("customer", "order")
        .defer("search_vector")
        .prefetch_related(
            Prefetch("messages", queryset=Message.objects.select_related("author")
                     .prefetch_related("attachments")),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
        )
        .get(pk=pk)
    )


@dataclass
class TimelineEntry:
    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None


def timeline(ticket: Ticket) -> list[TimelineEntry]:
    """Messages and events in time order (from the prefetched rows: no query)."""
    entries = [TimelineEntry(at=m.created_at, message=m) for m in ticket.messages.all()]
    entries += [TimelineEntry(at=e.created_at, event=e) for e in ticket.events.all()
                if e.kind != TicketEvent.Kind.CREATED]
    return sorted(entries, key=lambda e: (e.at, e.event is not None,
                                          (e.message or e.event).pk))


def latest_message_id(ticket: Ticket) -> int:
    return max((m.pk for m in ticket.messages.all()), default=0)


def messages_after(ticket: Ticket, message_id: int, *, exclude_author=None) -> list[Message]:
    """Customer messages and other agents' replies newer than `message_id`."""
    messages = (ticket.messages.filter(pk__gt=message_id).exclude(direction="note")
                .select_related("author"))
    if exclude_author is not None:
        messages = messages.exclude(author=exclude_author)
    return list(messages)


def customer_tickets(customer: Customer, *, exclude: Ticket | None = None,
                     limit: int = 8) -> list[Ticket]:
    """The customer's other tickets, open ones first, newest first."""
    tickets = Ticket.objects.filter(customer=customer)
    if exclude is not None:
        tickets = tickets.exclude(pk=exclude.pk)
    return list(tickets.order_by("-created_at", "-id")[:limit])


def customers_matching(term: str, limit: int = 10) -> list[Customer]:
    """Customers for the new-ticket picker: exact identity or order number, else by name."""
    term = term.strip()
    if not term:
        return []
    customer_ids, order_ids = search.exact_matches(term)
    condition = Q(pk__in=customer_ids) | Q(orders__pk__in=order_ids) \
        | Q(name__istartswith=term)
    return list(Customer.objects.filter(condition).select_related("tier")
                .prefetch_related("identities").distinct().order_by("name", "id")[:limit])


def customer_for_picker(pk: int) -> Customer | None:
    return (Customer.objects.select_related("tier").prefetch_related("identities")
            .filter(pk=pk).first())


def orders_for_customer(customer_id: int, limit: int = 20) -> list[Order]:
    return list(Order.objects.filter(customer_id=customer_id).order_by("-placed_at", "-id")
                [:limit])
