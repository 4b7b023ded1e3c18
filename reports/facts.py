"""Build the reporting fact of a batch of tickets from the tickets, their SLA clocks,
messages and history, with a constant number of queries per batch."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Q

from customers.models import Order
from sla.models import Metric, SLATimer, TimerState
from tickets.models import Category, Direction, Message, Status, Ticket, TicketEvent

from .histogram import bucket_of
from .models import ClockResult, TicketFact

REPEAT_WINDOW = timedelta(days=7)
RESOLVED_STATUSES = (Status.SOLVED, Status.CLOSED)
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)

TICKET_FIELDS = ("pk", "customer_id", "order_id", "team_id", "assignee_id", "channel",
                 "category", "priority", "status", "created_at", "solved_at", "closed_at",
                 "customer__tier_id")

# The fields whose values a day's created-side or resolved-side rollup rows depend on.
DIMENSIONS = ("team_id", "assignee_id", "tier_id", "channel", "category", "priority")
CREATED_SIDE = DIMENSIONS + ("created_day", "created_hour", "created_weekday", "first_response",
                             "first_response_bucket", "first_response_seconds",
                             "next_responses_met", "next_responses_breached", "repeat_contact",
                             "complaint", "reordered")
RESOLVED_SIDE = DIMENSIONS + ("resolved_day", "resolution", "resolution_bucket",
                              "resolution_seconds", "first_contact_resolution", "reopens")
FACT_FIELDS = [f.name for f in TicketFact._meta.concrete_fields if f.name != "ticket"]


def shop_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def clock_result(state: str) -> str:
    if state == TimerState.MET:
        return ClockResult.MET
    if state == TimerState.BREACHED:
        return ClockResult.BREACHED
    return ClockResult.RUNNING


def build_facts(ticket_ids: Iterable[int], *, now: datetime) -> list[TicketFact]:
    """Unsaved facts for the tickets that exist among ``ticket_ids``."""
    ids = list(ticket_ids)
    tickets = list(Ticket.objects.filter(pk__in=ids).values(*TICKET_FIELDS))
    if not tickets:
        return []
    ids = [t["pk"] for t in tickets]
    timers = defaultdict(list)
    for timer in (SLATimer.objects.filter(ticket_id__in=ids)
                  .values("ticket_id", "metric", "cycle", "state", "stopped_at",
                          "elapsed_before")):
        timers[timer["ticket_id"]].append(timer)
    messages = {row["ticket_id"]: row for row in (
        Message.objects.filter(ticket_id__in=ids).values("ticket_id").annotate(
            agent=Count("id", filter=Q(direction=Direction.OUTBOUND, author__isnull=False)),
            customer=Count("id", filter=Q(direction=Direction.INBOUND))))}
    reopens = dict(
        TicketEvent.objects.filter(ticket_id__in=ids, kind=TicketEvent.Kind.STATUS,
                                   data__old__in=list(RESOLVED_STATUSES))
        .exclude(data__new__in=list(RESOLVED_STATUSES))
        .values("ticket_id").annotate(n=Count("id")).values_list("ticket_id", "n"))
    earlier = _earlier_contacts(tickets)
    last_orders = _last_orders([t["customer_id"] for t in tickets
                                if t["category"] == Category.COMPLAINT])
    zone = shop_zone()
    return [_fact(t, timers[t["pk"]], messages.get(t["pk"]), reopens.get(t["pk"], 0),
                  earlier, last_orders, zone=zone, now=now) for t in tickets]


def _fact(ticket: dict, timers: list[dict], messages: dict | None, reopens: int,
          earlier: dict, last_orders: dict, *, zone: ZoneInfo, now: datetime) -> TicketFact:
    local = ticket["created_at"].astimezone(zone)
    fact = TicketFact(
        ticket_id=ticket["pk"], customer_id=ticket["customer_id"], order_id=ticket["order_id"],
        team_id=ticket["team_id"], assignee_id=ticket["assignee_id"],
        tier_id=ticket["customer__tier_id"], channel=ticket["channel"],
        category=ticket["category"], priority=ticket["priority"], status=ticket["status"],
        is_open=ticket["status"] in OPEN_STATUSES, created_at=ticket["created_at"],
        created_day=local.date(), created_hour=local.hour, created_weekday=local.weekday(),
        refreshed_at=now,
    )
    if ticket["status"] in RESOLVED_STATUSES:
        fact.resolved_at = ticket["solved_at"] or ticket["closed_at"] or ticket["created_at"]
        fact.resolved_day = fact.resolved_at.astimezone(zone).date()
    for timer in timers:
        result = clock_result(timer["state"])
        seconds = (int(timer["elapsed_before"].total_seconds())
                   if timer["stopped_at"] is not None else None)
        if timer["metric"] == Metric.FIRST_RESPONSE:
            fact.first_response = result
            fact.first_response_seconds = seconds
        elif timer["metric"] == Metric.RESOLUTION:
            fact.resolution = result
            fact.resolution_seconds = seconds if fact.resolved_at is not None else None
        elif result == ClockResult.MET:
            fact.next_responses_met += 1
        elif result == ClockResult.BREACHED:
            fact.next_responses_breached += 1
    if fact.first_response_seconds is not None:
        fact.first_response_bucket = bucket_of(fact.first_response_seconds)
    if fact.resolution_seconds is not None:
        fact.resolution_bucket = bucket_of(fact.resolution_seconds)
    fact.agent_replies = messages["agent"] if messages else 0
    fact.customer_messages = messages["customer"] if messages else 0
    fact.reopens = reopens
    fact.first_contact_resolution = (fact.resolved_at is not None and fact.agent_replies == 1
                                     and reopens == 0)
    fact.repeat_contact = is_repeat_contact(ticket, earlier.get(ticket["customer_id"], []))
    fact.complaint = ticket["category"] == Category.COMPLAINT
    last_order = last_orders.get(ticket["customer_id"])
    fact.reordered = fact.complaint and last_order is not None and \
        last_order > ticket["created_at"]
    return fact


def is_repeat_contact(ticket: dict, others: list[dict]) -> bool:
    """The customer wrote in within the previous 7 days about the same order or the same
    category."""
    start = ticket["created_at"] - REPEAT_WINDOW
    for other in others:
        if other["pk"] == ticket["pk"] or not start <= other["created_at"] <= ticket["created_at"]:
            continue
        if other["created_at"] == ticket["created_at"] and other["pk"] > ticket["pk"]:
            continue
        same_order = ticket["order_id"] is not None and other["order_id"] == ticket["order_id"]
        if same_order or other["category"] == ticket["category"]:
            return True
    return False


def _earlier_contacts(tickets: list[dict]) -> dict[int, list[dict]]:
    by_customer: dict[int, list[dict]] = defaultdict(list)
    customers = {t["customer_id"] for t in tickets}
    start = min(t["created_at"] for t in tickets) - REPEAT_WINDOW
    end = max(t["created_at"] for t in tickets)
    for other in (Ticket.objects.filter(customer_id__in=customers, created_at__gte=start,
                                        created_at__lte=end)
                  .values("pk", "customer_id", "created_at", "order_id", "category")):
        by_customer[other["customer_id"]].append(other)
    return by_customer


def _last_orders(customer_ids: list[int]) -> dict[int, datetime]:
    if not customer_ids:
        return {}
    return dict(Order.objects.counting().filter(customer_id__in=set(customer_ids))
                .values("customer_id").annotate(last=Max("placed_at"))
                .values_list("customer_id", "last"))


def changed_days(old: dict | None, new: TicketFact) -> set[date]:
    """The days whose rollup rows change when a ticket's fact goes from ``old`` (its
    stored values, None if it had none) to ``new``."""
    days: set[date] = set()
    for fields, day_field in ((CREATED_SIDE, "created_day"), (RESOLVED_SIDE, "resolved_day")):
        before = tuple(old[f] for f in fields) if old else None
        after = tuple(getattr(new, f) for f in fields)
        if before != after:
            if old and old[day_field] is not None:
                days.add(old[day_field])
            if getattr(new, day_field) is not None:
                days.add(getattr(new, day_field))
    return days


def save_facts(facts: list[TicketFact]) -> set[date]:
    """Store the facts (insert or update) and answer the days whose rollup is stale."""
    if not facts:
        return set()
    old = {row["ticket_id"]: row for row in TicketFact.objects.filter(
        ticket_id__in=[f.ticket_id for f in facts]).values(
            "ticket_id", *dict.fromkeys(CREATED_SIDE + RESOLVED_SIDE))}
    days: set[date] = set()
    for fact in facts:
        days |= changed_days(old.get(fact.ticket_id), fact)
    TicketFact.objects.bulk_create(facts, update_conflicts=True, unique_fields=["ticket"],
                                   update_fields=FACT_FIELDS, batch_size=1000)
    return days
