"""The order-event handler and the sweep behind it."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from customers.models import OrderStatus
from loyalty import selectors, services, tasks
from loyalty.models import OrderSync
from loyalty.services.orders import unsynced_orders
from tests.factories import OrderFactory

from .conftest import orders_for

pytestmark = pytest.mark.django_db


def test_the_loyalty_task_subscribes_to_order_events():
    assert "loyalty.tasks.order_changed" in settings.KEFU_EVENT_SUBSCRIBERS["order_changed"]


def test_an_order_event_earns_points_and_moves_the_tier(customer):
    orders = orders_for(customer, 4, total="100.00")
    tasks.order_changed(orders[-1].pk)
    customer.refresh_from_db()
    assert customer.tier.name == "Silver"
    assert selectors.balances(customer)["points"] == 100
    for order in orders[:-1]:
        tasks.order_changed(order.pk)
    assert selectors.balances(customer)["points"] == 400


def test_a_cancelled_order_event_moves_the_customer_down_and_takes_points_back(customer):
    orders = orders_for(customer, 4, total="100.00")
    for order in orders:
        tasks.order_changed(order.pk)
    orders[0].status = OrderStatus.CANCELLED
    orders[0].save()
    tasks.order_changed(orders[0].pk)
    customer.refresh_from_db()
    assert customer.tier.name == "Bronze"
    assert selectors.balances(customer)["points"] == 300


def test_the_handler_is_idempotent(customer):
    order = OrderFactory(customer=customer, total=Decimal("100"))
    for _ in range(3):
        tasks.order_changed(order.pk)
    assert selectors.balances(customer)["points"] == 100
    assert customer.tier_changes.count() == 1


def test_an_event_for_a_deleted_order_is_ignored(db):
    tasks.order_changed(123456)


def test_the_sweep_finishes_orders_whose_event_was_lost(customer):
    with time_machine.travel(timezone.now() - timedelta(minutes=30), tick=False):
        lost = OrderFactory(customer=customer, total=Decimal("50"))
        handled = OrderFactory(customer=customer, total=Decimal("50"))
        tasks.order_changed(handled.pk)
    assert unsynced_orders() == [lost.pk]
    services.handle_order_changed(order_id=lost.pk)
    assert unsynced_orders() == []
    assert OrderSync.objects.count() == 2
    assert selectors.balances(customer)["points"] == 100


def test_a_change_after_the_handler_ran_is_picked_up_again(customer):
    with time_machine.travel(timezone.now() - timedelta(minutes=30), tick=False):
        order = OrderFactory(customer=customer)
        tasks.order_changed(order.pk)
    with time_machine.travel(timezone.now() - timedelta(minutes=10), tick=False):
        order.status = OrderStatus.CANCELLED
        order.save()
    assert unsynced_orders() == [order.pk]


def test_the_sweep_leaves_orders_whose_task_is_still_on_its_way(customer):
    OrderFactory(customer=customer)
    assert unsynced_orders() == []


def test_the_sweep_task_recomputes_lapsed_grace_periods(customer):
    from loyalty.models import Downgrade, Membership, Tier

    Tier.objects.update(window_months=12, downgrade=Downgrade.GRACE, grace_days=0)
    orders_for(customer, 4)
    services.recompute_customer(customer_id=customer.pk)
    Membership.objects.filter(customer=customer).update(
        review_at=timezone.now() - timedelta(minutes=1))
    customer.orders.update(placed_at=timezone.now() - timedelta(days=400))
    assert tasks.sweep_stale_tiers() >= 1
    customer.refresh_from_db()
    assert customer.tier is None
