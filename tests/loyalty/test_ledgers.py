"""Points and store-credit ledgers: append-only, never negative without an admin, and two
concurrent spends cannot overdraw (PostgreSQL row locks)."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from customers.models import OrderStatus
from loyalty import selectors, services
from loyalty.models import LoyaltySettings, PointsEntry, StoreCreditEntry, Wallet
from loyalty.services import ledgers
from tests.factories import CustomerFactory, OrderFactory

from .conftest import needs_postgresql

pytestmark = pytest.mark.django_db


def give_credit(customer, amount, by):
    return services.adjust_store_credit(customer=customer, amount=Decimal(amount), by=by,
                                        reason="Opening balance")


def test_balances_start_at_zero(customer):
    assert selectors.balances(customer) == {"points": 0, "store_credit": Decimal("0")}


def test_a_paid_order_earns_points_once_per_order(customer):
    order = OrderFactory(customer=customer, total=Decimal("199.90"))
    services.sync_order_points(order=order)
    services.sync_order_points(order=order)
    assert selectors.balances(customer)["points"] == 199
    entry = PointsEntry.objects.get(customer=customer)
    assert entry.kind == "earn" and entry.order == order and entry.expires_at is not None


def test_a_cancelled_order_takes_its_points_back(customer):
    order = OrderFactory(customer=customer, total=Decimal("100"))
    services.sync_order_points(order=order)
    order.status = OrderStatus.CANCELLED
    order.save()
    services.sync_order_points(order=order)
    assert selectors.balances(customer)["points"] == 0
    assert list(PointsEntry.objects.filter(customer=customer).order_by("id")
                .values_list("kind", "points")) == [("earn", 100), ("reversal", -100)]


def test_a_partial_refund_takes_back_its_share(customer):
    order = OrderFactory(customer=customer, total=Decimal("100"))
    services.sync_order_points(order=order)
    order.status = OrderStatus.PARTIALLY_REFUNDED
    order.refunded_total = Decimal("30")
    order.save()
    services.sync_order_points(order=order)
    assert selectors.balances(customer)["points"] == 70


def test_taking_points_back_never_overdraws_what_was_already_spent(customer, agent):
    order = OrderFactory(customer=customer, total=Decimal("100"))
    services.sync_order_points(order=order)
    services.redeem_points(customer=customer, points=80, by=agent, reason="Checkout")
    order.status = OrderStatus.REFUNDED
    order.save()
    services.sync_order_points(order=order)
    assert selectors.balances(customer)["points"] == 0


def test_redeeming_more_points_than_the_balance_is_refused(customer, agent):
    services.sync_order_points(order=OrderFactory(customer=customer, total=Decimal("50")))
    with pytest.raises(services.InsufficientBalance):
        services.redeem_points(customer=customer, points=51, by=agent, reason="Checkout")
    assert selectors.balances(customer)["points"] == 50
    assert PointsEntry.objects.filter(customer=customer).count() == 1


def test_spending_store_credit_needs_the_balance(customer, agent, manager):
    give_credit(customer, "30", manager)
    entry = services.spend_store_credit(customer=customer, amount=Decimal("12.50"), by=agent,
                                        reason="Order #1")
    assert entry.balance_after == Decimal("17.50") and entry.actor == agent
    with pytest.raises(services.InsufficientBalance):
        services.spend_store_credit(customer=customer, amount=Decimal("17.51"), by=agent,
                                    reason="Order #2")
    assert selectors.balances(customer)["store_credit"] == Decimal("17.50")


def test_only_an_admin_may_take_a_balance_below_zero(customer, manager, admin_user):
    with pytest.raises(services.InsufficientBalance):
        services.adjust_store_credit(customer=customer, amount=Decimal("-5"), by=manager,
                                     reason="Correction")
    with pytest.raises(PermissionDenied):
        services.adjust_store_credit(customer=customer, amount=Decimal("-5"), by=manager,
                                     reason="Correction", allow_negative=True)
    entry = services.adjust_store_credit(customer=customer, amount=Decimal("-5"),
                                         by=admin_user, reason="Correction",
                                         allow_negative=True)
    assert entry.balance_after == Decimal("-5") and entry.override_by == admin_user


def test_agents_cannot_adjust_and_every_entry_needs_a_reason(customer, agent, manager):
    with pytest.raises(PermissionDenied):
        services.adjust_points(customer=customer, points=10, by=agent, reason="Nice")
    with pytest.raises(ValidationError):
        services.adjust_points(customer=customer, points=10, by=manager, reason="  ")


def test_the_database_refuses_an_overdraft_without_an_override(customer):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(customer=customer, kind="adjust", points=-1,
                                   balance_after=-1, reason="x", created_at=timezone.now())


def test_expired_points_are_taken_off_oldest_first(customer, agent):
    LoyaltySettings.objects.update(points_valid_months=12)
    start = timezone.now()
    old = OrderFactory(customer=customer, total=Decimal("100"))
    services.sync_order_points(order=old, now=start - timedelta(days=400))
    services.sync_order_points(order=OrderFactory(customer=customer, total=Decimal("50")),
                               now=start - timedelta(days=10))
    services.redeem_points(customer=customer, points=30, by=agent, reason="Checkout")
    assert ledgers.customers_with_expiring_points(now=start) == [customer.pk]
    entry = services.expire_points(customer_id=customer.pk, now=start)
    assert entry.points == -70
    assert selectors.balances(customer)["points"] == 50
    assert services.expire_points(customer_id=customer.pk, now=start) is None
    assert ledgers.customers_with_expiring_points(now=start) == []


def test_points_do_not_expire_when_the_setting_is_empty(customer):
    LoyaltySettings.objects.update(points_valid_months=None)
    services.sync_order_points(order=OrderFactory(customer=customer, total=Decimal("10")))
    assert PointsEntry.objects.get(customer=customer).expires_at is None


def test_the_wallet_equals_the_sum_of_the_ledger(customer, agent, manager):
    give_credit(customer, "100", manager)
    services.spend_store_credit(customer=customer, amount=Decimal("40"), by=agent, reason="x")
    services.sync_order_points(order=OrderFactory(customer=customer, total=Decimal("75")))
    services.redeem_points(customer=customer, points=5, by=agent, reason="x")
    wallet = Wallet.objects.get(customer=customer)
    assert wallet.store_credit == StoreCreditEntry.objects.filter(customer=customer).aggregate(
        s=Sum("amount"))["s"] == Decimal("60")
    assert wallet.points == PointsEntry.objects.filter(customer=customer).aggregate(
        s=Sum("points"))["s"] == 70


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_spends_cannot_overdraw_the_store_credit(agent, manager):
    needs_postgresql()
    customer = CustomerFactory()
    give_credit(customer, "100", manager)
    outcomes = []

    def spend():
        try:
            services.spend_store_credit(customer=customer, amount=Decimal("60"), by=agent,
                                        reason="Checkout")
            outcomes.append("spent")
        except services.InsufficientBalance:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    # Hold the wallet row so both spends read the balance at the same moment if they could.
    with transaction.atomic():
        Wallet.objects.select_for_update().get(customer=customer)
        for thread in threads:
            thread.start()
        time.sleep(0.5)
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "spent"]
    wallet = Wallet.objects.get(customer=customer)
    assert wallet.store_credit == Decimal("40")
    assert StoreCreditEntry.objects.filter(customer=customer).aggregate(
        s=Sum("amount"))["s"] == Decimal("40")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_point_redemptions_cannot_overdraw(agent):
    needs_postgresql()
    customer = CustomerFactory()
    services.sync_order_points(order=OrderFactory(customer=customer, total=Decimal("100")))
    barrier = threading.Barrier(4)
    outcomes = []

    def redeem():
        try:
            barrier.wait(timeout=10)
            services.redeem_points(customer=customer, points=40, by=agent, reason="Checkout")
            outcomes.append("spent")
        except services.InsufficientBalance:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "refused", "spent", "spent"]
    assert Wallet.objects.get(customer=customer).points == 20


def test_after_a_merge_the_target_wallet_holds_both_ledgers_and_the_tier_follows(agent, manager,
                                                                                admin_user):
    from customers.services.merge import merge_customers

    source, target = CustomerFactory(), CustomerFactory()
    for customer in (source, target):
        services.adjust_store_credit(customer=customer, amount=Decimal("10"), by=manager,
                                     reason="Goodwill")
        for _ in range(2):
            order = OrderFactory(customer=customer, total=Decimal("100"))
            services.handle_order_changed(order_id=order.pk)
    # Both had a wallet and a membership: the target keeps its own, the source's go.
    result = merge_customers(source=source, target=target, by=admin_user)
    assert selectors.balances(target) == {"points": 400, "store_credit": Decimal("20.00")}
    assert selectors.balances(source) == {"points": 0, "store_credit": Decimal("0.00")}
    assert not Wallet.objects.filter(customer=source).exists()
    target.refresh_from_db()
    source.refresh_from_db()
    assert target.tier.name == "Silver" and source.tier is None
    assert result.target.tier.name == "Silver"
    assert "loyalty.Wallet.customer" not in result.left_on_source
    assert PointsEntry.objects.filter(customer=target).aggregate(t=Sum("points"))["t"] == 400
