"""The commerce REST API: token auth, idempotent creates, who may read and write."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from customers.models import Customer, Order, OrderStatus, Shipment, TrackingEvent
from tests.factories import OrderFactory, ShipmentFactory, UserFactory, tier

pytestmark = pytest.mark.django_db

ORDER = {
    "number": "1042",
    "shop_order_id": "820982911946154508",
    "customer_data": {"shop_customer_id": "115310627314723954", "email": "lin.wei@example.com",
                      "name": "林伟", "language": "zh-hans"},
    "placed_at": "2025-03-01T10:02:00+08:00",
    "status": "paid",
    "currency": "CNY",
    "total": "398.00",
    "lines": [{"sku": "TEA-LJ-250", "title": "Longjing green tea 250g", "quantity": 2,
               "unit_price": "199.00", "shop_line_id": "866550311766439020"}],
}


@pytest.fixture
def integration(db):
    user = UserFactory(username="shopbot")
    user.user_permissions.add(Permission.objects.get(codename="push_commerce_data"))
    return user


def token_for(user) -> str:
    call_command("drf_create_token", user.username, stdout=io.StringIO())
    return Token.objects.get(user=user).key


@pytest.fixture
def api(client, integration):
    key = token_for(integration)

    def call(method, url, data=None, **kwargs):
        return getattr(client, method)(url, data=data, content_type="application/json",
                                       headers={"Authorization": f"Token {key}"}, **kwargs)
    return call


def test_posting_the_same_order_twice_creates_then_updates(api):
    first = api("post", "/api/v1/orders/", ORDER)
    second = api("post", "/api/v1/orders/", {**ORDER, "status": "fulfilled"})

    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert Order.objects.count() == 1 and Customer.objects.count() == 1
    body = second.json()
    assert body["status"] == "fulfilled" and body["total"] == "398.00"
    assert body["lines"][0]["quantity"] == 2


def test_an_order_for_a_known_customer_by_id(api):
    customer = OrderFactory().customer
    response = api("post", "/api/v1/orders/", {
        "number": "2001", "customer": customer.pk, "placed_at": "2025-03-01T10:00:00Z",
        "total": "10.00"})
    assert response.status_code == 201 and response.json()["customer"] == customer.pk


def test_the_customer_resource_shows_identities_tier_order_count_and_lifetime_value(api):
    api("post", "/api/v1/orders/", ORDER)
    api("post", "/api/v1/orders/", {**ORDER, "number": "1043", "shop_order_id": "2",
                                    "total": "100.00", "lines": []})
    api("post", "/api/v1/orders/", {**ORDER, "number": "1044", "shop_order_id": "3",
                                    "total": "999.00", "status": "cancelled"})
    customer = Customer.objects.get()
    customer.tier = tier("Bronze")
    customer.save()

    body = api("get", f"/api/v1/customers/{customer.pk}/").json()

    assert body["tier"] == "Bronze"
    assert body["order_count"] == 2 and body["lifetime_value"] == "498.00"
    email = {"kind": "email", "value": "lin.wei@example.com", "is_primary": True}
    assert email in body["identities"]
    listed = api("get", "/api/v1/customers/", {"identity": "Lin.Wei@example.com"})
    assert [c["id"] for c in listed.json()["results"]] == [customer.pk]


def test_posting_a_customer_twice_is_idempotent_on_the_shop_id(api):
    first = api("post", "/api/v1/customers/", {"shop_customer_id": "77", "name": "Sara K."})
    second = api("post", "/api/v1/customers/", {"shop_customer_id": "77", "name": "Sara Kim",
                                                "phone": "+86 138 0000 0077"})
    assert (first.status_code, second.status_code) == (201, 200)
    customer = Customer.objects.get()
    assert customer.name == "Sara Kim" and customer.identities.count() == 2


def test_shipments_and_tracking_events_are_idempotent_too(api):
    order = OrderFactory(number="1042")
    shipment = {"order_number": "1042", "carrier": "SF Express", "tracking_number": "SF1",
                "status": "in_transit", "promised_delivery_date": "2025-03-05"}
    assert api("post", "/api/v1/shipments/", shipment).status_code == 201
    assert api("post", "/api/v1/shipments/", {**shipment, "status": "out_for_delivery"}) \
        .status_code == 200
    scan = {"carrier": "SF Express", "tracking_number": "SF1", "status": "delivered",
            "occurred_at": "2025-03-04T15:00:00+08:00", "location": "Hangzhou"}
    assert api("post", "/api/v1/tracking-events/", scan).status_code == 201
    assert api("post", "/api/v1/tracking-events/", scan).status_code == 200

    assert Shipment.objects.get().status == "delivered"
    assert TrackingEvent.objects.count() == 1
    listed = api("get", "/api/v1/shipments/", {"order": order.pk}).json()["results"]
    assert listed[0]["order_number"] == "1042"


@pytest.mark.parametrize(("url", "data", "message"), [
    ("/api/v1/orders/", {**ORDER, "total": "-1"}, "total"),
    ("/api/v1/orders/", {**ORDER, "status": "teleported"}, "status"),
    ("/api/v1/orders/", {**ORDER, "customer_data": {"name": "Nobody"}}, "identity"),
    ("/api/v1/orders/", {k: v for k, v in ORDER.items() if k != "customer_data"},
     "needs its customer"),
    ("/api/v1/customers/", {"name": "No identity"}, "identity"),
    ("/api/v1/shipments/", {"carrier": "SF", "tracking_number": "X"}, "order"),
    ("/api/v1/shipments/", {"order_number": "404", "carrier": "SF", "tracking_number": "X"},
     "not known"),
    ("/api/v1/tracking-events/", {"status": "in_transit", "occurred_at": "2025-03-01T00:00Z"},
     "shipment"),
])
def test_bad_input_is_400_with_a_reason_and_changes_nothing(api, url, data, message):
    response = api("post", url, data)
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Order.objects.exists() and not Shipment.objects.exists()


def test_agents_read_but_do_not_push_commerce_data(client, agent):
    ShipmentFactory()
    client.force_login(agent)
    for url in ["/api/v1/customers/", "/api/v1/orders/", "/api/v1/shipments/",
                "/api/v1/tracking-events/"]:
        assert client.get(url).status_code == 200
    response = client.post("/api/v1/orders/", ORDER, content_type="application/json")
    assert response.status_code == 403


def test_admins_push_commerce_data(client, admin_user):
    client.force_login(admin_user)
    assert client.post("/api/v1/orders/", ORDER, content_type="application/json") \
        .status_code == 201


def test_anonymous_and_roleless_users_get_nothing(client, outsider):
    assert client.get("/api/v1/customers/").status_code == 401
    client.force_login(outsider)
    assert client.get("/api/v1/customers/").status_code == 403
    assert client.post("/api/v1/orders/", ORDER, content_type="application/json") \
        .status_code == 403


def test_an_unknown_token_is_refused(client):
    response = client.get("/api/v1/orders/", headers={"Authorization": "Token nope"})
    assert response.status_code == 401


def test_the_customer_list_query_count_does_not_grow_with_customers(
        api, django_assert_max_num_queries):
    for _ in range(3):
        OrderFactory(status=OrderStatus.DELIVERED)
    api("get", "/api/v1/customers/")
    for _ in range(20):
        OrderFactory()
    with django_assert_max_num_queries(8):
        assert len(api("get", "/api/v1/customers/").json()["results"]) == 23


def test_the_schema_documents_the_commerce_endpoints(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/schema/").content.decode()
    for path in ["/api/v1/customers/", "/api/v1/orders/", "/api/v1/shipments/",
                 "/api/v1/tracking-events/"]:
        assert path in schema


def test_the_customer_resource_shows_points_and_store_credit(client, agent):
    from decimal import Decimal

    from loyalty.services import grant_store_credit
    from tests.factories import CustomerFactory

    customer = CustomerFactory()
    grant_store_credit(customer=customer, granted_by=agent, amount=Decimal("20.00"),
                       reason="Sorry for the delay")
    client.force_login(agent)
    data = client.get(f"/api/v1/customers/{customer.pk}/").json()
    assert data["store_credit"] == "20.00"
    assert data["points"] == 0
    assert "tier" in data
