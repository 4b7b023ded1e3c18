from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from customers.models import CustomerIdentity, IdentityKind, Shipment, ShipmentStatus
from tests.factories import CustomerFactory


def test_emails_and_phones_are_normalised_so_one_person_is_found_again(db):
    customer = CustomerFactory(email="Lin.Wei@Example.CN")
    phone = CustomerIdentity.objects.create(customer=customer, kind=IdentityKind.PHONE,
                                            value="+86 138-0013-8000")
    assert customer.primary_email == "lin.wei@example.cn"
    assert phone.value == "+8613800138000"


def test_an_identity_belongs_to_one_customer_only(db):
    CustomerFactory(email="same@example.com")
    with pytest.raises(IntegrityError):
        CustomerFactory(email="SAME@example.com")


@pytest.mark.parametrize(("now", "status", "late"), [
    (datetime(2026, 11, 20, 15, 59, tzinfo=ZoneInfo("UTC")), ShipmentStatus.IN_TRANSIT, False),
    # 16:00 UTC is already the next day in Shanghai: the promised day has passed there.
    (datetime(2026, 11, 20, 16, 0, tzinfo=ZoneInfo("UTC")), ShipmentStatus.IN_TRANSIT, True),
    (datetime(2026, 11, 25, 0, 0, tzinfo=ZoneInfo("UTC")), ShipmentStatus.DELIVERED, False),
])
def test_a_shipment_is_late_after_the_promised_day_in_the_customers_time_zone(now, status, late):
    customer = CustomerFactory.build(time_zone="Asia/Shanghai")
    shipment = Shipment(customer=customer, status=status,
                        promised_delivery_date=date(2026, 11, 20))
    assert shipment.is_late(now) is late
