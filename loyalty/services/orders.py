"""What an order event does to loyalty: the order's points, the customer's tier, an
Nth-order message; and the sweep that redoes this for orders whose event got lost."""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from customers.models import Order

from ..models import OrderSync
from .ledgers import sync_order_points
from .messages import send_nth_order_milestone
from .tiers import RecomputeResult, recompute_customer, recompute_customers

# The sweep looks this far back for orders whose change was not handled, and leaves the
# last moments alone (their tasks are on their way).
SWEEP_LOOKBACK = timedelta(days=2)
SWEEP_GRACE = timedelta(minutes=2)


def handle_order_changed(*, order_id: int, now: datetime | None = None) -> RecomputeResult | None:
    """Idempotent: points converge to what the order earns now, the tier to what the counting
    orders reach, the Nth-order message goes out once."""
    now = now or timezone.now()
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return None
    counting = Order.objects.counting().filter(pk=order.pk).exists()
    sync_order_points(order=order, now=now, counting=counting)
    result = recompute_customer(customer_id=order.customer_id, now=now)
    send_nth_order_milestone(order=order, now=now, counting=counting)
    OrderSync.objects.bulk_create(
        [OrderSync(order=order, order_updated_at=order.updated_at, synced_at=now)],
        update_conflicts=True, unique_fields=["order"],
        update_fields=["order_updated_at", "synced_at"])
    return result


def handle_orders_changed(*, order_ids: list[int],
                          now: datetime | None = None) -> RecomputeResult:
    """Many order events at once (a CSV import's batch): what handle_order_changed does for
    each order, with the tiers recomputed once per customer after all their orders' points,
    so a customer whose orders arrive together moves straight to the tier they reach."""
    now = now or timezone.now()
    orders = list(Order.objects.filter(pk__in=order_ids).order_by("customer_id", "placed_at",
                                                                 "pk"))
    counting = set(Order.objects.counting().filter(pk__in=order_ids)
                   .values_list("pk", flat=True))
    for order in orders:
        sync_order_points(order=order, now=now, counting=order.pk in counting)
    result = recompute_customers(customer_ids={order.customer_id for order in orders}, now=now)
    for order in orders:
        send_nth_order_milestone(order=order, now=now, counting=order.pk in counting)
    _mark_synced(orders, now=now)
    return result


def settle_without_messages(*, order_ids: list[int], now: datetime | None = None) -> None:
    """Orders that were loaded without their events (the demo shop, a backfill): give them
    the points they earn and mark them handled, so the sweep does not later take them for
    lost events and send their Nth-order messages. No message goes out; recompute the tiers
    with send_messages=False afterwards."""
    now = now or timezone.now()
    counting = set(Order.objects.counting().filter(pk__in=order_ids).values_list("pk", flat=True))
    orders = list(Order.objects.filter(pk__in=order_ids).order_by("customer_id", "placed_at"))
    for order in orders:
        sync_order_points(order=order, now=now, counting=order.pk in counting)
    _mark_synced(orders, now=now)


def _mark_synced(orders: list[Order], *, now: datetime) -> None:
    """Record that these orders, as they are now, have been handled."""
    OrderSync.objects.bulk_create(
        [OrderSync(order=order, order_updated_at=order.updated_at, synced_at=now)
         for order in orders],
        update_conflicts=True, unique_fields=["order"],
        update_fields=["order_updated_at", "synced_at"], batch_size=1000)


def unsynced_orders(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Orders changed recently whose change the handler has not finished."""
    now = now or timezone.now()
    synced = OrderSync.objects.filter(order_id=OuterRef("pk"),
                                      order_updated_at__gte=OuterRef("updated_at"))
    return list(
        Order.objects.filter(updated_at__gte=now - SWEEP_LOOKBACK,
                             updated_at__lt=now - SWEEP_GRACE)
        .filter(~Exists(synced)).order_by().values_list("pk", flat=True)[:limit]
    )
