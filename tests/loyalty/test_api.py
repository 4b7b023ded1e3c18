"""Loyalty over the REST API."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from customers.models import Customer
from loyalty import services
from loyalty.api import LoyaltyFieldsMixin
from loyalty.models import Coupon, GrantStatus
from tests.factories import CustomerFactory, OrderFactory, TicketFactory, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


def test_the_customer_loyalty_resource_shows_tier_points_and_credit(api, customer, manager):
    customer.tier = tier("Silver")
    customer.save()
    services.sync_order_points(order=OrderFactory(customer=customer, total=Decimal("88.80")))
    services.adjust_store_credit(customer=customer, amount=Decimal("12.5"), by=manager,
                                 reason="Goodwill")
    response = api.get(f"/api/v1/customers/{customer.pk}/loyalty/")
    assert response.status_code == 200
    assert response.json() == {"customer": customer.pk, "tier": "Silver", "points": 88,
                               "store_credit": "12.50"}


def test_a_customer_without_tier_or_wallet(api, customer):
    assert api.get(f"/api/v1/customers/{customer.pk}/loyalty/").json() == {
        "customer": customer.pk, "tier": None, "points": 0, "store_credit": "0.00"}


def test_the_fields_mixin_serialises_a_customer_list_without_extra_queries(
        customer, django_assert_num_queries):
    from rest_framework import serializers

    class CustomerSerializer(LoyaltyFieldsMixin, serializers.ModelSerializer):
        class Meta:
            model = Customer
            fields = ["id", "name", "tier", "points", "store_credit"]

    for _ in range(5):
        CustomerFactory(tier=tier("Gold"))
    with django_assert_num_queries(1):
        data = CustomerSerializer(Customer.objects.select_related("tier", "loyalty_wallet"),
                                  many=True).data
    assert {row["tier"] for row in data} == {None, "Gold"}


def test_the_api_needs_a_staff_role(customer, outsider):
    client = APIClient()
    assert client.get(f"/api/v1/customers/{customer.pk}/loyalty/").status_code in (401, 403)
    client.force_authenticate(outsider)
    assert client.get("/api/v1/coupons/").status_code == 403


def test_granting_a_coupon_over_the_api_uses_the_callers_authority(api, agent, customer):
    ticket = TicketFactory(customer=customer)
    response = api.post("/api/v1/coupons/", {"customer": customer.pk, "ticket": ticket.pk,
                                             "percent_off": "10", "reason": "Late parcel"},
                        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "approved" and body["code"].startswith("KF-")
    assert body["granted_by"] == agent.pk
    above = api.post("/api/v1/coupons/", {"customer": customer.pk, "amount_off": "80",
                                          "reason": "Broken"}, format="json")
    assert above.json()["status"] == "pending"


def test_a_bad_coupon_request_gets_a_clear_error(api, customer):
    response = api.post("/api/v1/coupons/", {"customer": customer.pk, "percent_off": "10",
                                             "amount_off": "5", "reason": "x"}, format="json")
    assert response.status_code == 400
    assert "not both" in str(response.json())
    assert not Coupon.objects.exists()


def test_redeeming_a_coupon_over_the_api_works_once(api, agent, customer):
    coupon = services.grant_coupon(customer=customer, granted_by=agent,
                                   amount_off=Decimal("20"), reason="Sorry")
    order = OrderFactory(customer=customer)
    first = api.post("/api/v1/coupons/redeem/", {"code": coupon.code, "order": order.pk},
                     format="json")
    assert first.status_code == 200 and first.json()["status"] == GrantStatus.REDEEMED
    again = api.post("/api/v1/coupons/redeem/", {"code": coupon.code}, format="json")
    assert again.status_code == 400 and "already been used" in str(again.json())


def test_store_credit_over_the_api_and_the_ledger(api, customer):
    response = api.post("/api/v1/store-credit-grants/", {
        "customer": customer.pk, "amount": "30", "reason": "Goodwill"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "approved"
    entries = api.get("/api/v1/store-credit-entries/", {"customer": customer.pk}).json()
    assert [e["amount"] for e in entries["results"]] == ["30.00"]
    assert api.get("/api/v1/points-entries/", {"customer": customer.pk}).json()[
        "results"] == []


def test_coupons_are_listed_per_customer(api, agent, customer):
    services.grant_coupon(customer=customer, granted_by=agent, amount_off=Decimal("5"),
                          reason="x")
    services.grant_coupon(customer=CustomerFactory(), granted_by=agent,
                          amount_off=Decimal("5"), reason="x")
    results = api.get("/api/v1/coupons/", {"customer": customer.pk}).json()["results"]
    assert len(results) == 1 and results[0]["customer"] == customer.pk
