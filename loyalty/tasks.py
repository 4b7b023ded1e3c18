"""Thin Celery tasks: look rows up by id, call a service. Each is safe to run twice."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import services
from .services import ledgers, messages, orders, tiers

RANGE_SIZE = 10000


@shared_task
def order_changed(order_id: int) -> None:
    """Subscribed to customers' "order_changed" event (settings.KEFU_EVENT_SUBSCRIBERS)."""
    services.handle_order_changed(order_id=order_id)


@shared_task
def orders_changed(order_ids: list[int]) -> None:
    """The batch form of order_changed (settings.KEFU_EVENT_BATCH_TASKS), for the events a
    CSV import batch publishes together: each customer's tier is recomputed once."""
    services.handle_orders_changed(order_ids=order_ids)


@shared_task
def recompute_customer_tier(customer_id: int) -> None:
    services.recompute_customer(customer_id=customer_id)


@shared_task
def recompute_tier_range(first_id: int, last_id: int) -> int:
    return tiers.recompute_range(first_id=first_id, last_id=last_id).written


@shared_task
def recompute_all_tiers() -> int:
    """After the tiers change: every customer, one task per id range."""
    ranges = tiers.customer_id_ranges(chunk=RANGE_SIZE)
    for first_id, last_id in ranges:
        recompute_tier_range.delay(first_id, last_id)
    return len(ranges)


@shared_task
def sweep_stale_tiers() -> int:
    """Finish order events whose task was lost, and recompute the customers whose tier time
    alone may have changed (an order left a window, a grace period ended)."""
    lost = orders.unsynced_orders()
    for order_id in lost:
        order_changed.delay(order_id)
    due = tiers.due_for_review(now=timezone.now())
    for start in range(0, len(due), tiers.CHUNK):
        services.recompute_customers(customer_ids=due[start:start + tiers.CHUNK])
    return len(lost) + len(due)


@shared_task
def expire_points() -> int:
    now = timezone.now()
    customer_ids = ledgers.customers_with_expiring_points(now=now)
    for customer_id in customer_ids:
        services.expire_points(customer_id=customer_id, now=now)
    return len(customer_ids)


@shared_task
def send_date_milestones() -> int:
    return messages.send_date_milestones()


def enqueue_recompute_all() -> None:
    """Recompute every tier after the current transaction commits."""
    transaction.on_commit(recompute_all_tiers.delay, robust=True)
