"""Read paths for delay notices: the "Delayed orders" views, a shipment's delay state, and
the manager's report. Each is a fixed number of queries, whatever the number of rows."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from customers.models import Shipment
from tickets.models import Category, DeliveryStatus, Direction, Message, Ticket

from .models import DelayEpisode, DelayNotice, NoticeState, Reason, SkipReason

# A ticket about the order, or any order-status or shipping ticket, opened this soon after
# a delay was detected counts as a "where is my order" contact.
FOLLOW_UP = timedelta(days=14)
WISMO_CATEGORIES = [Category.ORDER_STATUS, Category.SHIPPING_PROBLEM]


def delay_prefetch(lookup: str = "delay_episodes") -> Prefetch:
    """Add to a shipment queryset (or `shipments__delay_episodes` on orders) so the partial
    templates/notices/_shipment_delay.html renders without a query per shipment."""
    return Prefetch(lookup, queryset=DelayEpisode.objects.select_related(
        "notice__message", "notice__coupon").order_by("-detected_at", "-id"))


def open_episodes() -> QuerySet[DelayEpisode]:
    return DelayEpisode.objects.open()


def delayed_shipments() -> QuerySet[Shipment]:
    """Shipments with an open delay, the longest-delayed first: the "Delayed orders" view."""
    open_delays = (DelayEpisode.objects.open().filter(shipment=OuterRef("pk"))
                   .annotate(since=Coalesce("began_at", "detected_at")))
    return (
        Shipment.objects.filter(pk__in=DelayEpisode.objects.open().values("shipment_id"))
        .annotate(delayed_since=Subquery(open_delays.order_by("since").values("since")[:1]))
        .select_related("order", "customer__tier")
        .prefetch_related(delay_prefetch())
        .order_by("delayed_since", "pk")
    )


def with_open_delay(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Narrow a ticket queryset to tickets whose order has a shipment with an open delay."""
    return tickets.filter(order_id__in=DelayEpisode.objects.open().values("shipment__order_id"))


def shipment_delay(shipment_id: int) -> Shipment:
    return (Shipment.objects.select_related("order")
            .prefetch_related(delay_prefetch()).get(pk=shipment_id))


def notices_for_order(order_id: int, *, except_ticket_id: int | None = None,
                      limit: int = 5) -> list[DelayNotice]:
    """The latest notices about an order, newest first, each with its delay's reason: a later
    ticket about the same order links to them (one query, only the columns shown)."""
    notices = DelayNotice.objects.filter(episode__shipment__order_id=order_id)
    if except_ticket_id is not None:
        notices = notices.exclude(ticket_id=except_ticket_id)
    return list(notices.select_related("episode")
                .only("ticket_id", "created_at", "episode__reason")
                .order_by("-created_at", "-id")[:limit])


def customer_notices(customer_id: int, limit: int = 10) -> list[DelayNotice]:
    """The latest notices sent to a customer, with their order and delivery: one query."""
    return list(DelayNotice.objects.filter(ticket__customer_id=customer_id)
                .select_related("episode__shipment__order", "message", "coupon")
                .order_by("-created_at", "-id")[:limit])


def notice_list() -> QuerySet[DelayNotice]:
    return DelayNotice.objects.select_related("episode", "message", "ticket", "coupon").order_by(
        "-created_at", "-id")


@dataclass(frozen=True)
class ContactRate:
    shipments: int
    contacted: int

    @property
    def rate(self) -> float | None:
        return self.contacted / self.shipments if self.shipments else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else 100 * self.rate


@dataclass(frozen=True)
class NoticeReport:
    since: datetime
    until: datetime
    by_cause: list[dict]
    detected: int
    written: int
    sent: int
    waiting: int
    withdrawn: int
    failed: int
    replied: int
    with_coupon: int
    notified: ContactRate
    not_notified: ContactRate

    @property
    def reply_percent(self) -> float | None:
        return 100 * self.replied / self.sent if self.sent else None

    @property
    def contacts_avoided(self) -> int | None:
        """'Where is my order' tickets the notices saved, against the not-notified rate."""
        if self.notified.rate is None or self.not_notified.rate is None:
            return None
        return max(0, round((self.not_notified.rate - self.notified.rate)
                            * self.notified.shipments))


def notice_report(*, since: datetime, until: datetime,
                  follow_up: timedelta = FOLLOW_UP) -> NoticeReport:
    """Delays by carrier and reason, notices sent, replies, and the repeat-contact rate of
    notified customers against those not notified (hold-out group, no email address)."""
    episodes = DelayEpisode.objects.filter(detected_at__gte=since, detected_at__lte=until)
    by_cause = list(
        episodes.values("shipment__carrier", "reason")
        .annotate(detected=Count("id"),
                  notified=Count("id", filter=Q(notice_state=NoticeState.NOTIFIED)),
                  still_open=Count("id", filter=Q(resolved_at__isnull=True)))
        .order_by("shipment__carrier", "reason")
    )
    for row in by_cause:
        row["reason_label"] = Reason(row["reason"]).label
    replied = Exists(Message.objects.filter(ticket=OuterRef("ticket"),
                                            direction=Direction.INBOUND))
    totals = (
        DelayNotice.objects.filter(created_at__gte=since, created_at__lte=until)
        .aggregate(
            written=Count("id"),
            sent=Count("id", filter=Q(message__delivery_status=DeliveryStatus.SENT)),
            waiting=Count("id", filter=Q(message__delivery_status__in=[
                DeliveryStatus.QUEUED, DeliveryStatus.SENDING])),
            withdrawn=Count("id", filter=Q(withdrawn_at__isnull=False)),
            failed=Count("id", filter=Q(message__delivery_status=DeliveryStatus.FAILED,
                                        withdrawn_at__isnull=True)),
            replied=Count("id", filter=Q(replied)),
            with_coupon=Count("coupon"),
        )
    )
    contact = Exists(
        Ticket.objects.filter(
            customer_id=OuterRef("shipment__customer_id"),
            created_at__gt=OuterRef("detected_at"),
            created_at__lte=OuterRef("detected_at") + follow_up,
            delay_notices__isnull=True,
        ).filter(Q(order_id=OuterRef("shipment__order_id")) | Q(category__in=WISMO_CATEGORIES))
    )
    told = Q(notice_state=NoticeState.NOTIFIED)
    untold = Q(notice_state=NoticeState.SKIPPED,
               skip_reason__in=[SkipReason.HOLDOUT, SkipReason.NO_EMAIL])
    groups = episodes.filter(told | untold).aggregate(
        told=Count("id", filter=told),
        told_contacted=Count("id", filter=told & Q(contact)),
        untold=Count("id", filter=untold),
        untold_contacted=Count("id", filter=untold & Q(contact)),
    )
    return NoticeReport(
        since=since, until=until, by_cause=by_cause,
        detected=sum(row["detected"] for row in by_cause),
        notified=ContactRate(groups["told"], groups["told_contacted"]),
        not_notified=ContactRate(groups["untold"], groups["untold_contacted"]),
        **totals,
    )
