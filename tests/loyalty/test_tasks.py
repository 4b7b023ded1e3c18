"""The order event reaches a real Celery worker, which moves the tier and sends the tier-up
email once through a real SMTP server."""

from decimal import Decimal

import pytest
from django.db import transaction

from customers import events
from customers.models import Customer
from loyalty.models import OrderSync, TierAward
from tests.conftest import wait_until
from tests.factories import CustomerFactory, OrderFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_order_event_makes_the_worker_move_the_tier_and_email_the_customer_once(
        celery_worker_process, worker_smtp_server):
    customer = CustomerFactory(name="Sara K.", email="sara@example.com")
    for _ in range(3):
        OrderFactory(customer=customer, total=Decimal("120"))
    with transaction.atomic():
        order = OrderFactory(customer=customer, total=Decimal("120"))
        events.order_changed(order)
    assert wait_until(lambda: Customer.objects.get(pk=customer.pk).tier_id is not None
                      and Customer.objects.get(pk=customer.pk).tier.name == "Silver")
    mail = worker_smtp_server.wait_for(1)
    assert len(mail) == 1
    assert mail[0]["To"] == "sara@example.com"
    assert "You've reached Silver status" in mail[0]["Subject"]
    assert "Hi Sara K.! Great news!" in mail[0].get_content()

    first_run = wait_until(lambda: OrderSync.objects.filter(order=order).first()).synced_at
    with transaction.atomic():
        events.order_changed(order)
    assert wait_until(lambda: OrderSync.objects.get(order=order).synced_at > first_run)
    assert TierAward.objects.filter(customer=customer).count() == 1
    worker_smtp_server.wait_for(2, timeout=3)
    assert len(worker_smtp_server.messages) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_csv_import_batch_reaches_the_worker_as_one_task_and_the_customer_is_told_once(
        celery_worker_process, worker_smtp_server, tmp_path):
    """Four orders of one customer in one import batch: the worker earns their points and
    moves the customer straight to Silver, with one tier-up email (no Bronze on the way)."""
    from django.core.management import call_command

    rows = ["order_number,shop_order_id,placed_at,status,currency,total,customer_shop_id,"
            "customer_email,customer_name"] + [
        f"60{n},s60{n},2025-05-0{n}T10:00:00+08:00,paid,CNY,100.00,c60,lin@example.com,Lin"
        for n in range(1, 5)]
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    call_command("import_commerce", "orders", str(path), "--no-progress")

    assert wait_until(lambda: OrderSync.objects.count() == 4)
    customer = Customer.objects.get(identities__value="lin@example.com")
    assert customer.tier.name == "Silver"
    assert list(TierAward.objects.filter(customer=customer).values_list(
        "tier__name", flat=True)) == ["Silver"]
    mail = worker_smtp_server.wait_for(1)
    assert len(mail) == 1 and "You've reached Silver status" in mail[0]["Subject"]
    assert customer.loyalty_wallet.points == 400
