from django.urls import reverse

from tests.factories import (
    MessageFactory,
    OrderFactory,
    ShipmentFactory,
    TicketFactory,
    TrackingEventFactory,
    tier,
)
from tickets.models import Status


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


def test_the_sidebar_shows_each_shipments_tracking_timeline(client, agent):
    shipment = ShipmentFactory(tracking_number="SF777")
    TrackingEventFactory(shipment=shipment, status="in_transit", location="Hangzhou hub")
    TrackingEventFactory(shipment=shipment, status="exception", location="Shanghai customs")
    client.force_login(agent)

    html = client.get(reverse("customers:sidebar", args=[shipment.customer.pk])).content.decode()

    assert f'data-tracking-timeline="{shipment.pk}"' in html
    assert html.index("Shanghai customs") < html.index("Hangzhou hub")  # newest scan first


def test_the_sidebar_lists_open_tickets_then_past_ones_and_links_the_full_page(client, agent):
    order = OrderFactory()
    customer = order.customer
    TicketFactory(customer=customer, subject="Old question", status=Status.CLOSED)
    MessageFactory(ticket=TicketFactory(customer=customer, subject="Parcel stuck",
                                        status=Status.OPEN))
    client.force_login(agent)

    html = client.get(reverse("customers:sidebar", args=[customer.pk])).content.decode()

    assert html.index("Parcel stuck") < html.index("Old question")
    assert reverse("customers:detail", args=[customer.pk]) in html
    assert "data-customer-page" in html


def test_the_sidebar_query_count_does_not_grow_with_orders(client, agent,
                                                           django_assert_max_num_queries):
    order = OrderFactory()
    client.force_login(agent)
    url = reverse("customers:sidebar", args=[order.customer.pk])
    client.get(url)
    for _ in range(20):
        shipment = ShipmentFactory(order=OrderFactory(customer=order.customer))
        TrackingEventFactory(shipment=shipment)
        TicketFactory(customer=order.customer)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_sidebar_needs_an_agent(client, outsider):
    order = OrderFactory()
    client.force_login(outsider)
    assert client.get(reverse("customers:sidebar", args=[order.customer.pk])).status_code == 403
