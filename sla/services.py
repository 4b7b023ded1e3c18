"""The SLA engine's write paths for ticket changes.

The ticket services call :func:`on_ticket_event` at the end of each change that SLA
depends on; it runs in their transaction, with the ticket row locked. It chooses the
policy, starts, pauses, resumes and stops the clocks, logs SLA events, and keeps the
ticket's nearest deadline (``Ticket.sla_due_at``) and ``sla_breached`` up to date.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from tickets.models import OPEN_STATUSES, PAUSED_STATUSES, Ticket, TicketEvent

from . import clocks, timeline
from .acknowledgements import acknowledge_if_closed
from .models import (
    RESPONSE_METRICS,
    BusinessCalendar,
    Metric,
    Notification,
    SLAEvent,
    SLAEventKind,
    SLAPolicy,
    SLATimer,
    TicketSLA,
    TimerState,
)
from .policies import active_policies, choose_policy


class Trigger(StrEnum):
    OPENED = "opened"                      # open_ticket: the customer's first message
    CUSTOMER_MESSAGE = "customer_message"  # receive_message
    AGENT_REPLIED = "agent_replied"        # reply: a public answer (notes never count)
    STATUS_CHANGED = "status_changed"      # change_status
    FIELDS_CHANGED = "fields_changed"      # priority, category, channel changed
    ASSIGNED = "assigned"                  # assign (the team is a policy condition)
    TIER_CHANGED = "tier_changed"          # the customer's loyalty tier changed
    CONFIG_CHANGED = "config_changed"      # an admin changed policies or calendars


# Triggers after which the policy is chosen again.
RECHOOSE = {Trigger.OPENED, Trigger.CUSTOMER_MESSAGE, Trigger.FIELDS_CHANGED, Trigger.ASSIGNED,
            Trigger.TIER_CHANGED, Trigger.CONFIG_CHANGED}


@dataclass
class TicketClocks:
    """A ticket's SLA rows, loaded once per change; calendars are shared per id so each
    schedule is built once."""

    ticket: Ticket
    sla: TicketSLA | None
    timers: list[SLATimer]
    calendars: dict[int, BusinessCalendar] = field(default_factory=dict)
    changed: dict[int, SLATimer] = field(default_factory=dict)
    events: list[SLAEvent] = field(default_factory=list)
    timeline: list[TicketEvent] = field(default_factory=list)

    @classmethod
    def load(cls, ticket: Ticket) -> "TicketClocks":
        sla = (TicketSLA.objects.select_related("policy__calendar")
               .prefetch_related("policy__targets").filter(ticket=ticket).first())
        # Locked: a sweep that is recording one of them finishes first (it never waits).
        timers = list(SLATimer.objects.filter(ticket=ticket).select_related("policy", "calendar")
                      .select_for_update(of=("self",)).order_by("metric", "cycle"))
        clock = cls(ticket=ticket, sla=sla, timers=timers)
        if sla is not None and sla.policy is not None:
            clock.share_calendar(sla.policy)
        for timer in timers:
            clock.share_calendar(timer)
        return clock

    @property
    def policy(self) -> SLAPolicy | None:
        return self.sla.policy if self.sla is not None else None

    def share_calendar(self, holder) -> None:
        holder.calendar = self.calendars.setdefault(holder.calendar_id, holder.calendar)

    def touch(self, timer: SLATimer, events: list[SLAEvent], *, changed: bool = False) -> None:
        """Note a transition: the timer is saved if it logged an event or `changed`."""
        if events or changed:
            self.changed[id(timer)] = timer
            self.events.extend(events)

    def current(self, metric: str) -> SLATimer | None:
        """The latest cycle of a metric."""
        found = [t for t in self.timers if t.metric == metric]
        return found[-1] if found else None


@transaction.atomic
def on_ticket_event(ticket: Ticket, event: str, *, at: datetime,
                    policies: list[SLAPolicy] | None = None) -> None:
    """Bring the ticket's clocks up to date after a change made at ``at``. ``policies``:
    the active policies (:func:`active_policies`) when the caller already has them."""
    trigger = Trigger(event)
    # Ticket changes, escalations and tier changes lock the ticket, then its clocks.
    list(Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk", flat=True))
    clock = TicketClocks.load(ticket)
    if trigger in RECHOOSE:
        _choose_policy(clock, at=at, policies=policies)
    if trigger == Trigger.CONFIG_CHANGED:
        _apply_current_policy(clock, at=at, policies=policies)
    if trigger in (Trigger.OPENED, Trigger.CUSTOMER_MESSAGE):
        _start_clocks(clock, at=at, customer_wrote_again=trigger == Trigger.CUSTOMER_MESSAGE)
    if trigger == Trigger.AGENT_REPLIED:
        for timer in clock.timers:
            if timer.metric in RESPONSE_METRICS:
                clock.touch(timer, clocks.stop(timer, at=at))
    _follow_status(clock, at=at)
    _save(clock)
    if trigger in (Trigger.OPENED, Trigger.CUSTOMER_MESSAGE):
        acknowledge_if_closed(ticket=ticket, policy=clock.policy, timers=clock.timers, at=at)


@transaction.atomic
def on_customer_changed(*, customer: Customer, at: datetime) -> int:
    """The customer's tier changed: re-choose the policy of each of their open tickets."""
    tickets = list(Ticket.objects.select_for_update().filter(
        customer=customer, status__in=OPEN_STATUSES).order_by("pk"))
    for ticket in tickets:
        on_ticket_event(ticket, Trigger.TIER_CHANGED, at=at)
    return len(tickets)


def configuration_changed() -> None:
    """An admin changed policies, targets, opening hours or holidays: once the change is
    committed, the workers bring every open ticket's clocks up to date."""
    from .tasks import reapply_configuration

    transaction.on_commit(lambda: reapply_configuration.delay(), robust=True)


def reapply_configuration(*, after_id: int = 0, batch_size: int = 200,
                          at: datetime | None = None) -> int | None:
    """Choose the policy again for the next ``batch_size`` open tickets after ``after_id``
    and measure their running and paused clocks under its current targets and calendar
    (the time already counted is kept). Returns the last ticket done, None when all are."""
    at = at or timezone.now()
    ids = list(Ticket.objects.filter(status__in=OPEN_STATUSES, pk__gt=after_id)
               .order_by("pk").values_list("pk", flat=True)[:batch_size])
    policies = active_policies()  # shared by the batch, with their calendars' hours
    for pk in ids:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
            if ticket is not None and ticket.status in OPEN_STATUSES:
                on_ticket_event(ticket, Trigger.CONFIG_CHANGED, at=at, policies=policies)
    return ids[-1] if len(ids) == batch_size else None


def reapply_policy(ticket: Ticket, *, at: datetime) -> None:
    """Choose the policy again after a change the sweep or escalation made itself."""
    on_ticket_event(ticket, Trigger.FIELDS_CHANGED, at=at)


# --- steps ------------------------------------------------------------------------------

def _choose_policy(clock: TicketClocks, *, at: datetime,
                   policies: list[SLAPolicy] | None = None) -> None:
    ticket = clock.ticket
    tier_id = Customer.objects.filter(pk=ticket.customer_id).values_list(
        "tier_id", flat=True).first()
    policy = choose_policy(ticket, policies=active_policies() if policies is None else policies,
                           tier_id=tier_id)
    previous = clock.policy
    if clock.sla is None:
        clock.sla = TicketSLA.objects.create(ticket=ticket, policy=policy, applied_at=at)
        if policy is None:
            return
    elif (previous.pk if previous else None) == (policy.pk if policy else None):
        return
    else:
        clock.sla.policy = policy
        clock.sla.applied_at = at
        clock.sla.save(update_fields=["policy", "applied_at"])
    clock.events.append(SLAEvent(
        ticket_id=ticket.pk, kind=SLAEventKind.POLICY_APPLIED, at=at, policy=policy,
        data={"previous": previous.name if previous else None}))
    clock.timeline.append(timeline.policy_applied_event(ticket, policy, previous, at=at))
    if policy is None:
        return
    clock.share_calendar(policy)
    for timer in clock.timers:
        target = policy.target_for(timer.metric)
        if target is not None and not timer.is_stopped and timer.state != TimerState.BREACHED:
            clocks.apply_policy(timer, at=at, policy=policy, target=target)
            clock.touch(timer, [], changed=True)


def _apply_current_policy(clock: TicketClocks, *, at: datetime,
                          policies: list[SLAPolicy] | None = None) -> None:
    """Running and paused clocks take the current policy's targets and calendar as they
    are now (an admin may have changed them); stopped and breached clocks keep theirs."""
    policy = clock.policy
    if policy is None:
        return
    policy = next((p for p in policies or () if p.pk == policy.pk), policy)
    for timer in clock.timers:
        if timer.calendar_id == policy.calendar_id:
            timer.calendar = policy.calendar  # one schedule for the batch
        target = policy.target_for(timer.metric)
        if target is None or timer.is_stopped or timer.state == TimerState.BREACHED:
            continue
        before = (timer.policy_id, timer.calendar_id, timer.target_minutes,
                  timer.business_hours, timer.warn_at_percent, timer.due_at, timer.warn_at)
        snapshot = (timer.anchor_at, timer.elapsed_before)
        clocks.apply_policy(timer, at=at, policy=policy, target=target)
        after = (timer.policy_id, timer.calendar_id, timer.target_minutes,
                 timer.business_hours, timer.warn_at_percent, timer.due_at, timer.warn_at)
        if after != before:
            clock.touch(timer, [], changed=True)
        else:  # nothing moved: leave the row as it was
            timer.anchor_at, timer.elapsed_before = snapshot


def _start_clocks(clock: TicketClocks, *, at: datetime, customer_wrote_again: bool) -> None:
    policy = clock.policy
    if policy is None:
        return
    if not clock.timers:
        # The customer's first message (or first reply to a message Kefu sent first).
        for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION):
            _start(clock, metric=metric, cycle=1, at=at)
        return
    if not customer_wrote_again:
        return
    responses = [t for t in clock.timers if t.metric in RESPONSE_METRICS]
    if responses and all(t.is_stopped for t in responses):
        # A customer message after an agent reply starts the next-response clock.
        last = clock.current(Metric.NEXT_RESPONSE)
        _start(clock, metric=Metric.NEXT_RESPONSE, cycle=last.cycle + 1 if last else 1, at=at)


def _start(clock: TicketClocks, *, metric: str, cycle: int, at: datetime) -> None:
    policy = clock.policy
    target = policy.target_for(metric)
    if target is None:
        return
    timer, events = clocks.start(ticket_id=clock.ticket.pk, metric=metric, cycle=cycle,
                                 policy=policy, target=target, at=at)
    clock.timers.append(timer)
    clock.touch(timer, events)


def _follow_status(clock: TicketClocks, *, at: datetime) -> None:
    """Pending and on hold pause every clock; open resumes them (and a reopened ticket's
    resolution clock); solved and closed stop them."""
    status = clock.ticket.status
    if status not in OPEN_STATUSES:
        for timer in clock.timers:
            clock.touch(timer, clocks.stop(timer, at=at))
        return
    resolution = clock.current(Metric.RESOLUTION)
    if resolution is not None and resolution.is_stopped:
        clock.touch(resolution, clocks.reopen(resolution, at=at))
    for timer in clock.timers:
        if timer.is_stopped:
            continue
        if status in PAUSED_STATUSES:
            clock.touch(timer, clocks.pause(timer, at=at, reason=status))
        else:
            clock.touch(timer, clocks.resume(timer, at=at))


TIMER_FIELDS = ["policy", "calendar", "target_minutes", "business_hours", "warn_at_percent",
                "state", "anchor_at", "elapsed_before", "paused_since", "pause_reason",
                "paused_duration", "due_at", "warn_at", "warned_at", "breached_at",
                "stopped_at", "escalated_at", "check_at"]


def _save(clock: TicketClocks) -> None:
    for timer in clock.changed.values():
        if timer.pk is None:
            timer.save()
        else:
            timer.save(update_fields=TIMER_FIELDS)
    if clock.events:
        SLAEvent.objects.bulk_create(clock.events, ignore_conflicts=True)
    breaches = [e for e in clock.events if e.kind == SLAEventKind.BREACHED]
    clock.timeline.extend(timeline.timer_event(e.timer, timeline.BREACHED, at=e.at)
                          for e in breaches)
    if clock.timeline:
        TicketEvent.objects.bulk_create(clock.timeline)
    update_deadline(clock.ticket, clock.timers)


def update_deadline(ticket: Ticket, timers: list[SLATimer]) -> None:
    """Store the nearest deadline of the running clocks (overdue ones included, so the
    inbox sorts them first) and whether any target was breached."""
    running = [t.due_at for t in timers if t.is_running and t.due_at is not None]
    due = min(running) if running and ticket.status in OPEN_STATUSES else None
    breached = any(t.state == TimerState.BREACHED for t in timers)
    if (due, breached) != (ticket.sla_due_at, ticket.sla_breached):
        ticket.sla_due_at, ticket.sla_breached = due, breached
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due, sla_breached=breached)



def mark_notifications_read(*, user, ids: list[int] | None, at: datetime) -> int:
    """Mark the user's notifications read (all of them when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=at)
