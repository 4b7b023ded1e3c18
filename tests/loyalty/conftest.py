from decimal import Decimal

import pytest
from django.db import connection

from customers.models import OrderStatus
from tests.factories import CustomerFactory, OrderFactory


def needs_postgresql():
    """Row locks (select_for_update) only mean something on PostgreSQL."""
    from tests.conftest import IN_CI

    if connection.vendor != "postgresql" and not IN_CI:
        pytest.skip("Needs PostgreSQL (SQLite has no row locks); CI runs it with DATABASE_URL.")


def orders_for(customer, count: int, *, total: str = "199.00", status=OrderStatus.PAID):
    return [OrderFactory(customer=customer, total=Decimal(total), status=status)
            for _ in range(count)]


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Lin Wei")
