"""Two workers recording the same new order at once: one customer, one order. Needs the
row locks and unique indexes of PostgreSQL (SQLite serialises writers on the whole file)."""

import threading

import pytest
from django.db import connection

from customers.models import Customer, CustomerIdentity, Order
from customers.services import commerce
from tests.customers.test_commerce import order_1042


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_new_order_recorded_by_two_workers_at_once_exists_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers on separate connections")
    start = threading.Barrier(2)
    errors = []

    def worker():
        from django.db import connections

        try:
            start.wait()
            commerce.record_order(data=order_1042())
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Order.objects.count() == 1 and Customer.objects.count() == 1
    assert CustomerIdentity.objects.count() == 3
