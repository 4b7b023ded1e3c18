"""Write paths of the reports: refresh ticket facts and the rollup days they touch.

``refresh_changed`` is the incremental step a beat task runs every few minutes: it reads
the ticket history and messages written since its watermark (ids, with an overlap for
transactions that committed out of id order), refreshes those tickets' facts and
rebuilds the rollup of the days whose sums changed. ``rebuild`` recomputes everything.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef

from customers.models import Order
from tickets.models import Message, Ticket, TicketEvent

from . import rollup
from .facts import build_facts, save_facts
from .models import RefreshState, Rollup, TicketFact

BATCH = 1000
# Ids re-read below the watermark on each run: a transaction that took an id before the
# last run but committed after it is still seen.
OVERLAP = 2000
# At most this many new history rows and messages per run, so a backlog (after the
# workers were down) is caught up in bounded transactions, run after run.
MAX_NEW_IDS = 50_000
# How long after a complaint a new order still counts as the customer coming back.
REORDER_WINDOW = timedelta(days=365)
STATE = "facts"


@dataclass
class RefreshResult:
    tickets: int = 0
    days: int = 0


@transaction.atomic
def refresh_tickets(*, ticket_ids: Iterable[int], now: datetime) -> RefreshResult:
    """Refresh the facts of these tickets and the rollup days they change."""
    ids = sorted(set(ticket_ids))
    days: set[date] = set()
    for start in range(0, len(ids), BATCH):
        days |= save_facts(build_facts(ids[start:start + BATCH], now=now))
    rollup.rebuild_days(days)
    return RefreshResult(tickets=len(ids), days=len(days))


@transaction.atomic
def refresh_changed(*, now: datetime) -> RefreshResult:
    """Refresh what changed since the last run (one run at a time: the state row is
    locked), plus complaints whose customer has ordered again since."""
    state, _ = RefreshState.objects.get_or_create(name=STATE)
    state = RefreshState.objects.select_for_update().get(pk=state.pk)
    last_event = min(TicketEvent.objects.aggregate(m=Max("id"))["m"] or 0,
                     state.last_event_id + MAX_NEW_IDS)
    last_message = min(Message.objects.aggregate(m=Max("id"))["m"] or 0,
                       state.last_message_id + MAX_NEW_IDS)
    ids = set(TicketEvent.objects.filter(
        id__gt=max(0, state.last_event_id - OVERLAP), id__lte=last_event,
    ).values_list("ticket_id", flat=True))
    ids |= set(Message.objects.filter(
        id__gt=max(0, state.last_message_id - OVERLAP), id__lte=last_message,
    ).values_list("ticket_id", flat=True))
    ids |= set(reordered_complaints(now=now))
    result = refresh_tickets(ticket_ids=ids, now=now)
    state.last_event_id = last_event
    state.last_message_id = last_message
    state.refreshed_at = now
    state.save(update_fields=["last_event_id", "last_message_id", "refreshed_at"])
    return result


def reordered_complaints(*, now: datetime) -> list[int]:
    """Complaint tickets of the last year whose customer has placed an order since."""
    newer = Order.objects.counting().filter(customer_id=OuterRef("customer_id"),
                                            placed_at__gt=OuterRef("created_at"))
    return list(TicketFact.objects.filter(
        complaint=True, reordered=False, created_at__gte=now - REORDER_WINDOW,
    ).filter(Exists(newer)).values_list("ticket_id", flat=True))


def rebuild(*, now: datetime, log: Callable[[str], None] | None = None) -> RefreshResult:
    """Recompute every fact and the whole rollup (after a change of definitions, or to
    start reporting on existing data). Runs in chunks, each its own transaction."""
    say = log or (lambda line: None)
    last_event = TicketEvent.objects.aggregate(m=Max("id"))["m"] or 0
    last_message = Message.objects.aggregate(m=Max("id"))["m"] or 0
    TicketFact.objects.exclude(ticket_id__in=Ticket.objects.values("pk")).delete()
    total, last_id = 0, 0
    while True:
        ids = list(Ticket.objects.filter(pk__gt=last_id).order_by("pk")
                   .values_list("pk", flat=True)[:BATCH * 10])
        if not ids:
            break
        with transaction.atomic():
            for start in range(0, len(ids), BATCH):
                save_facts(build_facts(ids[start:start + BATCH], now=now))
        total += len(ids)
        last_id = ids[-1]
        say(f"facts: {total:,}")
    rebuild_rollup(log=say)
    RefreshState.objects.update_or_create(name=STATE, defaults={
        "last_event_id": last_event, "last_message_id": last_message, "refreshed_at": now})
    return RefreshResult(tickets=total)


def rebuild_rollup(*, log: Callable[[str], None] | None = None, chunk_days: int = 31) -> int:
    """Recompute every rollup row from the facts."""
    say = log or (lambda line: None)
    days = set(TicketFact.objects.values_list("created_day", flat=True).distinct())
    days |= set(TicketFact.objects.filter(resolved_day__isnull=False)
                .values_list("resolved_day", flat=True).distinct())
    ordered = sorted(days)
    with transaction.atomic():
        Rollup.objects.exclude(start__in=ordered).delete()
    for start in range(0, len(ordered), chunk_days):
        with transaction.atomic():
            rollup.rebuild_days(ordered[start:start + chunk_days])
        say(f"rollup: {min(start + chunk_days, len(ordered))}/{len(ordered)} days")
    return len(ordered)
