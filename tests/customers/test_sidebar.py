from django.urls import reverse

from tests.factories import OrderFactory, ShipmentFactory, tier


def test_the_sidebar_shows_tier_orders_and_tracking(client, agent):
    order = OrderFactory(number="1042", customer__name="Lin Wei")
    customer = order.customer
    customer.tier = tier("Gold")
    customer.save()
    ShipmentFactory(order=order, tracking_number="SF123456", tracking_url="https://t.example/SF123456")
    client.force_login(agent)
    response = client.get(reverse("customers:sidebar", args=[customer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lin Wei" in html and "Gold" in html and "#1042" in html and "SF123456" in html


def test_the_sidebar_query_count_does_not_grow_with_orders(client, agent,
                                                           django_assert_max_num_queries):
    order = OrderFactory()
    client.force_login(agent)
    url = reverse("customers:sidebar", args=[order.customer.pk])
    client.get(url)
    for _ in range(20):
        ShipmentFactory(order=OrderFactory(customer=order.customer))
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_sidebar_needs_an_agent(client, outsider):
    order = OrderFactory()
    client.force_login(outsider)
    assert client.get(reverse("customers:sidebar", args=[order.customer.pk])).status_code == 403
