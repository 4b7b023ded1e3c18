"""Tier membership: recompute after order events, in bulk, and the tier-up message."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from customers.models import OrderStatus
from loyalty import services, tasks
from loyalty.models import Downgrade, Membership, Tier, TierAward, TierChange
from tests.factories import CustomerFactory, OrderFactory, tier
from tickets.models import Direction, Message

from .conftest import orders_for

pytestmark = pytest.mark.django_db


def tier_of(customer):
    customer.refresh_from_db()
    return customer.tier.name if customer.tier else None


@pytest.mark.parametrize(("count", "expected"), [
    (0, None), (1, "Bronze"), (3, "Bronze"), (4, "Silver"), (10, "Silver"), (11, "Gold"),
])
def test_the_seed_tiers_by_order_count_at_their_edges(customer, count, expected):
    orders_for(customer, count)
    services.recompute_customer(customer_id=customer.pk)
    assert tier_of(customer) == expected


def test_the_third_and_fourth_order_and_the_tenth_and_eleventh(customer):
    seen = []
    for _ in range(11):
        OrderFactory(customer=customer)
        services.recompute_customer(customer_id=customer.pk)
        seen.append(tier_of(customer))
    assert seen[2] == "Bronze" and seen[3] == "Silver"
    assert seen[9] == "Silver" and seen[10] == "Gold"
    assert list(TierChange.objects.filter(customer=customer).order_by("at", "id")
                .values_list("to_tier__name", "direction")) == [
        ("Bronze", "up"), ("Silver", "up"), ("Gold", "up")]


def test_pending_cancelled_and_refunded_orders_do_not_count(customer):
    orders_for(customer, 3)
    OrderFactory(customer=customer, status=OrderStatus.CANCELLED)
    OrderFactory(customer=customer, status=OrderStatus.REFUNDED)
    OrderFactory(customer=customer, status=OrderStatus.PENDING)
    OrderFactory(customer=customer, status=OrderStatus.PARTIALLY_REFUNDED,
                 refunded_total=Decimal("50"))
    services.recompute_customer(customer_id=customer.pk)
    assert tier_of(customer) == "Silver"
    membership = Membership.objects.get(customer=customer)
    assert membership.order_count == 4
    assert membership.spend == Decimal("199.00") * 4 - 50


def test_a_cancellation_moves_the_customer_down(customer):
    orders = orders_for(customer, 4)
    services.recompute_customer(customer_id=customer.pk)
    assert tier_of(customer) == "Silver"
    orders[0].status = OrderStatus.CANCELLED
    orders[0].save()
    services.recompute_customer(customer_id=customer.pk)
    assert tier_of(customer) == "Bronze"
    change = TierChange.objects.filter(customer=customer).latest("at", "id")
    assert (change.from_tier.name, change.to_tier.name) == ("Silver", "Bronze")
    assert change.direction == "down" and change.reason == TierChange.Reason.CORRECTION


def test_a_full_refund_of_the_only_order_leaves_no_tier(customer):
    order = OrderFactory(customer=customer)
    services.recompute_customer(customer_id=customer.pk)
    order.status = OrderStatus.REFUNDED
    order.refunded_total = order.total
    order.save()
    services.recompute_customer(customer_id=customer.pk)
    assert tier_of(customer) is None


def tier_up_messages(customer):
    return Message.objects.filter(ticket__customer=customer, direction=Direction.OUTBOUND)


def test_the_tier_up_message_is_sent_once_even_when_the_task_runs_twice(customer):
    orders_for(customer, 4)
    tasks.recompute_customer_tier(customer.pk)
    tasks.recompute_customer_tier(customer.pk)
    messages = list(tier_up_messages(customer))
    assert len(messages) == 1
    assert messages[0].ticket.subject == "You've reached Silver status"
    assert "You've reached Silver status in our loyalty program!" in messages[0].body_text
    assert "✅ 10% off all orders" in messages[0].body_text
    assert messages[0].delivery_status == "queued"
    assert TierAward.objects.filter(customer=customer).count() == 1
    assert TierAward.objects.get(customer=customer).message == messages[0]


def test_reaching_a_tier_again_after_losing_it_sends_nothing_new(customer):
    orders = orders_for(customer, 4)
    services.recompute_customer(customer_id=customer.pk)
    orders[0].status = OrderStatus.CANCELLED
    orders[0].save()
    services.recompute_customer(customer_id=customer.pk)
    OrderFactory(customer=customer)
    services.recompute_customer(customer_id=customer.pk)
    assert tier_of(customer) == "Silver"
    assert tier_up_messages(customer).count() == 1


def test_the_tier_up_message_is_in_the_customers_language():
    customer = CustomerFactory(language="zh-hans", name="王芳")
    orders_for(customer, 11)
    services.recompute_customer(customer_id=customer.pk)
    message = tier_up_messages(customer).get()
    assert message.ticket.subject == "恭喜您成为金卡会员"
    assert "王芳您好" in message.body_text and "所有订单85折" in message.body_text


def test_bronze_has_no_active_message_by_default(customer):
    OrderFactory(customer=customer)
    services.recompute_customer(customer_id=customer.pk)
    assert tier_of(customer) == "Bronze"
    assert not tier_up_messages(customer).exists()
    assert TierAward.objects.filter(customer=customer, tier__name="Bronze").exists()


def test_a_tier_up_message_ticket_stays_out_of_the_open_inbox(customer):
    orders_for(customer, 4)
    services.recompute_customer(customer_id=customer.pk)
    assert tier_up_messages(customer).get().ticket.status == "solved"


def test_a_customer_without_email_gets_the_tier_but_no_message():
    customer = CustomerFactory()
    customer.identities.all().delete()
    orders_for(customer, 4)
    services.recompute_customer(customer_id=customer.pk)
    assert tier_of(customer) == "Silver"
    assert not Message.objects.filter(ticket__customer=customer).exists()


def rolling_window(*, grace_days: int):
    Tier.objects.update(window_months=12, downgrade=Downgrade.GRACE, grace_days=grace_days)


def test_a_rolling_window_drops_the_tier_after_the_grace_period(customer):
    rolling_window(grace_days=30)
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=400), tick=False):
        orders_for(customer, 3)
    with time_machine.travel(start - timedelta(days=300), tick=False):
        orders_for(customer, 1)
        services.recompute_customer(customer_id=customer.pk)
        assert tier_of(customer) == "Silver"
    for order in customer.orders.all():
        order.placed_at = order.created_at
        order.save(update_fields=["placed_at"])
    services.recompute_customer(customer_id=customer.pk, now=start)
    assert tier_of(customer) == "Silver"
    membership = Membership.objects.get(customer=customer)
    assert membership.grace_until == start + timedelta(days=30)
    assert membership.qualified_tier.name == "Bronze"
    assert services.recompute_customer(customer_id=customer.pk,
                                       now=start + timedelta(days=29)).down == 0
    assert tier_of(customer) == "Silver"
    later = start + timedelta(days=30)
    assert customer.pk in services.tiers.due_for_review(now=later)
    services.recompute_customer(customer_id=customer.pk, now=later)
    assert tier_of(customer) == "Bronze"
    assert TierChange.objects.filter(customer=customer).latest("at", "id").reason == "expired"


def test_the_full_recompute_agrees_with_the_incremental_one_and_writes_only_changes():
    customers = [CustomerFactory() for _ in range(6)]
    for index, customer in enumerate(customers):
        orders_for(customer, [0, 1, 3, 4, 10, 11][index])
    result = services.recompute_all(send_messages=False)
    assert result.customers >= 6
    assert [tier_of(c) for c in customers] == [None, "Bronze", "Bronze", "Silver", "Silver",
                                               "Gold"]
    assert TierAward.objects.filter(customer__in=customers).count() == 5
    assert not Message.objects.filter(ticket__customer__in=customers).exists()
    again = services.recompute_all()
    assert again.written == 0 and again.up == again.down == 0


def test_a_recompute_of_an_unknown_customer_does_nothing(db):
    assert services.recompute_customer(customer_id=987654).customers == 0


def test_tier_for_reads_lifetime_numbers(db):
    assert services.tier_for(order_count=4, spend=Decimal("0")).name == "Silver"
    assert tier("Gold") == services.tier_for(order_count=12, spend=Decimal("0"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_recomputes_at_the_same_moment_send_one_tier_up_message():
    import threading

    from django.db import connection

    from .conftest import needs_postgresql

    needs_postgresql()
    customer = CustomerFactory()
    orders_for(customer, 4)
    barrier = threading.Barrier(3)

    def recompute():
        try:
            barrier.wait(timeout=10)
            tasks.recompute_customer_tier(customer.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=recompute) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert tier_of(customer) == "Silver"
    assert tier_up_messages(customer).count() == 1
    assert TierChange.objects.filter(customer=customer).count() == 1


def test_customer_id_ranges_cover_everyone_once(db):
    ids = sorted(CustomerFactory().pk for _ in range(7))
    ranges = services.tiers.customer_id_ranges(chunk=3)
    assert ranges == [(ids[0], ids[2]), (ids[3], ids[5]), (ids[6], ids[6])]


def test_the_range_task_recomputes_its_range_only(db):
    inside, outside = CustomerFactory(), CustomerFactory()
    orders_for(inside, 1)
    orders_for(outside, 1)
    assert tasks.recompute_tier_range(inside.pk, inside.pk) == 1
    assert tier_of(inside) == "Bronze" and tier_of(outside) is None


def test_the_sweeps_are_scheduled():
    from helpdesk.celery import app

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"loyalty.tasks.sweep_stale_tiers", "loyalty.tasks.expire_points",
            "loyalty.tasks.send_date_milestones"} <= scheduled
