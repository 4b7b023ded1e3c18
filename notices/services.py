"""Detecting shipping delays and writing the one notice each delay gets.

- `check_shipments`: look at some shipments now (the event task: one; the sweep: those due),
  open an episode per new problem, close the ones that are over, remember when to look again.
- `sweep`: the periodic backstop; reads only the shipments that may have changed state
  since the last run (index ranges), never all shipments.
- `send_delay_notice`: write the notice of one episode as a proactive ticket with a queued
  email; delivery happens after commit, in the customer's sending hours.

"Exactly once" rests on two unique constraints, not on timing: one episode per (shipment,
problem key) and one notice per episode. Any number of sweeps, event tasks and retries
may run at once; the losers find the winner's rows.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from customers.models import Shipment, TrackingEvent
from loyalty import services as loyalty
from loyalty.models import GrantSource
from tickets import events as ticket_events
from tickets import services as ticket_services
from tickets.models import Category, DeliveryStatus, Message, Status, TicketEvent

from . import detection, rendering
from .models import (
    ApologyCoupon,
    DelayEpisode,
    DelayNotice,
    ExceptionStatus,
    NoticeRules,
    NoticeState,
    Reason,
    ShipmentWatch,
    SkipReason,
    SweepState,
)

logger = logging.getLogger(__name__)

SWEEP_BATCH = 20_000
# Rows newer than this are read again by the next sweep: a transaction that committed late
# may have taken an id below the newest one already seen.
WATERMARK_OVERLAP = timedelta(minutes=2)
# An episode left pending this long lost its event task; the sweep sends it.
PENDING_GRACE = timedelta(minutes=2)
WITHDRAWN_NOTE = "Withdrawn: the delay was over before the notice went out."
GENERIC_EXCEPTION = "exception"


def load_rules() -> detection.Rules:
    return detection.Rules.from_models(NoticeRules.load(), ExceptionStatus.objects.all())


# --- Detection -----------------------------------------------------------------------

@transaction.atomic
def check_shipments(*, shipment_ids: Iterable[int], now: datetime | None = None,
                    rules: detection.Rules | None = None) -> list[int]:
    """Detect the delays of these shipments at `now`. Returns the ids of their episodes
    whose notice is still to be written."""
    now = now or timezone.now()
    ids = sorted(set(shipment_ids))
    if not ids:
        return []
    rules = rules or load_rules()
    latest = TrackingEvent.objects.filter(shipment=OuterRef("pk")).order_by("-occurred_at", "-id")
    shipments = (
        Shipment.objects.filter(pk__in=ids).select_related("customer")
        .only("status", "promised_delivery_date", "last_event_at", "shipped_at",
              "customer__time_zone")
        .order_by("pk")  # rows locked in one order by every writer: no deadlocks
        .annotate(latest_status=Subquery(latest.values("status")[:1]),
                  latest_description=Subquery(latest.values("description")[:1]),
                  latest_at=Subquery(latest.values("occurred_at")[:1]))
    )
    known = defaultdict(list)
    for episode in DelayEpisode.objects.filter(shipment_id__in=ids).only(
            "id", "shipment_id", "reason", "key", "resolved_at", "notice_state"):
        known[episode.shipment_id].append(episode)

    new, over, watches, unwatched = [], [], [], []
    for shipment in shipments:
        found = detection.evaluate(shipment, now=now, rules=rules,
                                   latest_status=shipment.latest_status or "",
                                   latest_description=shipment.latest_description or "",
                                   latest_at=shipment.latest_at)
        episodes = known[shipment.pk]
        current = {problem.key for problem in found.problems}
        still_open = [e for e in episodes if e.is_open and e.key in current]
        over += [e.pk for e in episodes if e.is_open and e.key not in current]
        seen = {e.key for e in episodes}
        told = max((e.priority for e in still_open
                    if e.notice_state in (NoticeState.PENDING, NoticeState.NOTIFIED)), default=0)
        for problem in found.problems:
            if problem.key in seen:
                continue
            if problem.too_old_to_notify(now, rules):
                state, skip = NoticeState.SKIPPED, SkipReason.TOO_OLD
            elif problem.priority < told:
                state, skip = NoticeState.COVERED, SkipReason.NONE
            else:
                state, skip = NoticeState.PENDING, SkipReason.NONE
                told = problem.priority
            new.append(DelayEpisode(
                shipment=shipment, reason=problem.reason, key=problem.key,
                exception_code=problem.exception_code, promised_date=problem.promised_date,
                last_scan_at=problem.last_scan_at, began_at=problem.began_at, detected_at=now,
                notice_state=state, skip_reason=skip))
        if found.needs_watch:
            watches.append(ShipmentWatch(shipment_id=shipment.pk, late_at=found.late_at,
                                         last_scan_at=found.last_scan_at, checked_at=now))
        else:
            unwatched.append(shipment.pk)

    if new:
        DelayEpisode.objects.bulk_create(new, ignore_conflicts=True)
    if over:
        _close_episodes(over, now=now)
    if watches:
        ShipmentWatch.objects.bulk_create(
            watches, update_conflicts=True, unique_fields=["shipment"],
            update_fields=["late_at", "last_scan_at", "checked_at"])
    if unwatched:
        ShipmentWatch.objects.filter(shipment_id__in=unwatched).delete()
    return list(DelayEpisode.objects.open().filter(
        shipment_id__in=ids, notice_state=NoticeState.PENDING).values_list("pk", flat=True))


def _close_episodes(episode_ids: list[int], *, now: datetime) -> None:
    """The problems are over: unwritten notices are dropped, unsent ones withdrawn."""
    DelayEpisode.objects.filter(pk__in=episode_ids, resolved_at__isnull=True).update(
        resolved_at=now)
    DelayEpisode.objects.filter(pk__in=episode_ids, notice_state=NoticeState.PENDING).update(
        notice_state=NoticeState.SKIPPED, skip_reason=SkipReason.RESOLVED)
    unsent = DelayNotice.objects.filter(
        episode_id__in=episode_ids, withdrawn_at__isnull=True,
        message__delivery_status=DeliveryStatus.QUEUED,
    ).select_related("episode", "ticket")
    for notice in unsent:
        _withdraw(notice, now=now)


def _withdraw(notice: DelayNotice, *, now: datetime) -> bool:
    """Take back a notice still waiting for the morning. The conditional update loses
    cleanly to a delivery that has already claimed the message."""
    taken_back = Message.objects.filter(
        pk=notice.message_id, delivery_status=DeliveryStatus.QUEUED,
    ).update(delivery_status=DeliveryStatus.FAILED, delivery_error=WITHDRAWN_NOTE)
    if not taken_back:
        return False
    notice.withdrawn_at = now
    notice.save(update_fields=["withdrawn_at"])
    DelayEpisode.objects.filter(pk=notice.episode_id).update(
        notice_state=NoticeState.SKIPPED, skip_reason=SkipReason.WITHDRAWN)
    # Problems this notice was covering have not been told after all.
    DelayEpisode.objects.open().filter(
        shipment_id=notice.episode.shipment_id, notice_state=NoticeState.COVERED,
    ).update(notice_state=NoticeState.PENDING)
    ticket_events.record(notice.ticket, TicketEvent.Kind.NOTICE, at=now, action="withdrawn",
                         episode=notice.episode_id, reason=notice.episode.reason)
    ticket_services.change_status(ticket=notice.ticket, status=Status.SOLVED, by=None, at=now)
    return True


# --- The sweep -----------------------------------------------------------------------

@dataclass
class SweepReport:
    due: int = 0
    new_shipments: int = 0
    new_events: int = 0
    checked: int = 0
    more: bool = False  # a batch was full: run again to catch up
    to_notify: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["to_notify"] = len(self.to_notify)
        return data


def sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> SweepReport:
    """Check the shipments that may have become late or stalled since the last run (an index
    range of watch times), shipments and scans that arrived since then (a primary-key range,
    for event tasks that were lost), and return the episodes whose notice is still to be
    written, including those a lost task left behind."""
    now = now or timezone.now()
    rules = load_rules()
    SweepState.load()
    with transaction.atomic():
        state = SweepState.objects.select_for_update().get(pk=1)
        due = _due_shipments(now=now, rules=rules, batch=batch)
        fresh, state.last_shipment_id, more_shipments = _since_watermark(
            Shipment.objects.all(), "pk", after=state.last_shipment_id, now=now, batch=batch)
        scanned, state.last_event_id, more_events = _since_watermark(
            TrackingEvent.objects.all(), "shipment_id", after=state.last_event_id, now=now,
            batch=batch)
        ids = due | fresh | scanned
        pending = set(check_shipments(shipment_ids=ids, now=now, rules=rules))
        pending.update(DelayEpisode.objects.open().filter(
            notice_state=NoticeState.PENDING, detected_at__lte=now - PENDING_GRACE,
        ).values_list("pk", flat=True)[:batch])
        report = SweepReport(due=len(due), new_shipments=len(fresh), new_events=len(scanned),
                             checked=len(ids), to_notify=sorted(pending),
                             more=len(due) == batch or more_shipments or more_events)
        state.last_run_at = now
        state.last_report = report.as_dict()
        state.save()
    return report


def _due_shipments(*, now: datetime, rules: detection.Rules, batch: int) -> set[int]:
    due = Q()
    if rules.late:
        due |= Q(late_at__lte=now)
    if rules.stalled:
        due |= Q(last_scan_at__lte=now - rules.stalled_after)
    if not due:
        return set()
    return set(ShipmentWatch.objects.filter(due).values_list("shipment_id", flat=True)[:batch])


def _since_watermark(queryset, shipment_field: str, *, after: int, now: datetime,
                     batch: int) -> tuple[set[int], int, bool]:
    """Shipment ids of the rows added after the watermark, the new watermark (which stays
    below rows of the last minutes, so they are read once more), and whether there are more."""
    rows = list(queryset.filter(pk__gt=after).order_by("pk")
                .values_list("pk", shipment_field, "created_at")[:batch])
    if not rows:
        return set(), after, False
    recent = [pk for pk, _shipment, created in rows if created > now - WATERMARK_OVERLAP]
    watermark = min(recent) - 1 if recent else rows[-1][0]
    return ({shipment for _pk, shipment, _created in rows}, max(after, watermark),
            len(rows) == batch)


# --- The notice ----------------------------------------------------------------------

def send_delay_notice(*, episode_id: int, now: datetime | None = None) -> DelayNotice | None:
    """Write the episode's notice, once: returns it (also when it existed already), or None
    when the episode gets no notice."""
    now = now or timezone.now()
    try:
        return _write_notice(episode_id, now=now)
    except DelayEpisode.DoesNotExist:
        return None  # the shipment was deleted since
    except IntegrityError:
        # Another worker wrote it at the same moment: the one-to-one link kept it single.
        return DelayNotice.objects.filter(episode_id=episode_id).first()


def _locked_episode(episode_id: int) -> DelayEpisode:
    queryset = DelayEpisode.objects.select_related(
        "shipment__customer__tier", "shipment__order")
    if connection.features.has_select_for_no_key_update:
        # Not FOR UPDATE: a notice row being inserted for this episode holds a key-share
        # lock on it, and the insert's unique check must be what decides.
        queryset = queryset.select_for_update(no_key=True, of=("self",))
    elif connection.features.has_select_for_update:
        queryset = queryset.select_for_update()
    return queryset.get(pk=episode_id)


@transaction.atomic
def _write_notice(episode_id: int, *, now: datetime) -> DelayNotice | None:
    episode = _locked_episode(episode_id)
    if episode.notice_state != NoticeState.PENDING:
        return DelayNotice.objects.filter(episode=episode).first()
    if not episode.is_open:
        return _skip(episode, SkipReason.RESOLVED)
    shipment = episode.shipment
    customer = shipment.customer
    if not customer.primary_email:
        return _skip(episode, SkipReason.NO_EMAIL)
    rules = NoticeRules.load()
    if rules.is_held_out(shipment.pk):
        return _skip(episode, SkipReason.HOLDOUT)

    template = rendering.pick_template(episode.reason, customer.language)
    problem = ""
    if episode.reason == Reason.EXCEPTION:
        # The generic wording if the admin has since removed this status.
        wordings = {s.code: s for s in ExceptionStatus.objects.filter(
            code__in=[episode.exception_code, GENERIC_EXCEPTION])}
        status = wordings.get(episode.exception_code) or wordings.get(GENERIC_EXCEPTION)
        problem = status.wording(template.language) if status else ""
    coupon = _apology_coupon(shipment=shipment, customer=customer, now=now)
    notice_text = rendering.render(template, rendering.facts(
        shipment=shipment, language=template.language, problem=problem, coupon=coupon))
    deliver_after = rules.deliver_after(now, customer.time_zone)
    message = ticket_services.send_proactive_message(
        customer=customer, subject=notice_text.subject, body_text=notice_text.body,
        category=Category.SHIPPING_PROBLEM, order=shipment.order, deliver_after=deliver_after,
        at=now, kind="delay_notice")
    notice = DelayNotice.objects.create(
        episode=episode, ticket=message.ticket, message=message,
        language=notice_text.language, deliver_after=deliver_after, coupon=coupon,
        created_at=now)
    ticket_events.record(message.ticket, TicketEvent.Kind.NOTICE, at=now, action="written",
                         episode=episode.pk, reason=episode.reason, shipment=shipment.pk,
                         deliver_after=deliver_after.isoformat() if deliver_after else None,
                         coupon=coupon.code if coupon else None)
    episode.notice_state = NoticeState.NOTIFIED
    episode.save(update_fields=["notice_state"])
    return notice


def _apology_coupon(*, shipment, customer, now: datetime):
    """The customer's tier's apology coupon, once per order, granted through the loyalty
    service against the notice budget; none when the budget is spent."""
    if customer.tier_id is None:
        return None
    rule = ApologyCoupon.objects.filter(tier_id=customer.tier_id, enabled=True).first()
    if rule is None or DelayNotice.objects.filter(
            episode__shipment__order_id=shipment.order_id, coupon__isnull=False).exists():
        return None
    try:
        return loyalty.grant_coupon(
            customer=customer, granted_by=None, percent_off=rule.percent_off,
            amount_off=rule.amount_off, expires_at=now + timedelta(days=rule.valid_days),
            reason=f"Apology for the delay of order #{shipment.order.number}",
            source=GrantSource.NOTICE)
    except ValidationError as exc:  # NoticeBudgetExceeded, or a rule the service refuses
        logger.info("No apology coupon for shipment %s: %s", shipment.pk, exc)
        return None


def _skip(episode: DelayEpisode, reason: str) -> None:
    episode.notice_state = NoticeState.SKIPPED
    episode.skip_reason = reason
    episode.save(update_fields=["notice_state", "skip_reason"])
    return None
