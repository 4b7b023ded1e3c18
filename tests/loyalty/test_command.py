from io import StringIO

import pytest
from django.core.management import call_command

from loyalty.models import TierAward
from tests.factories import CustomerFactory
from tickets.models import Message

from .conftest import orders_for

pytestmark = pytest.mark.django_db


def test_recompute_tiers_fixes_every_customer_and_reports_what_changed():
    stale = CustomerFactory()
    orders_for(stale, 4)
    fresh = CustomerFactory()
    out = StringIO()
    call_command("recompute_tiers", stdout=out)
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.tier.name == "Silver" and fresh.tier is None
    assert "1 up, 0 down, 1 tiers awarded" in out.getvalue()
    assert Message.objects.filter(ticket__customer=stale).count() == 1


def test_a_silent_backfill_records_the_tier_without_a_message():
    customer = CustomerFactory()
    orders_for(customer, 11)
    call_command("recompute_tiers", "--no-messages", stdout=StringIO())
    assert TierAward.objects.get(customer=customer).tier.name == "Gold"
    assert not Message.objects.filter(ticket__customer=customer).exists()
    call_command("recompute_tiers", stdout=StringIO())
    assert not Message.objects.filter(ticket__customer=customer).exists()


def test_recompute_tiers_for_some_customers_only():
    one, two = CustomerFactory(), CustomerFactory()
    orders_for(one, 1)
    orders_for(two, 1)
    call_command("recompute_tiers", "--customer", str(one.pk), stdout=StringIO())
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.tier.name == "Bronze" and two.tier is None
