from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from tests.factories import (
    MessageFactory,
    OrderFactory,
    ShipmentFactory,
    TicketFactory,
    TrackingEventFactory,
    delayed_shipment,
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


# Tuesday 10 March 2026, 12:00 in Shanghai: inside the notices' sending hours.
NOON = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)


@time_machine.travel(NOON, tick=False)
def test_the_sidebar_shows_a_delayed_shipment_since_when_and_its_notice(client, agent):
    order = OrderFactory(number="50300", customer__name="Lin Wei")
    shipment = delayed_shipment(order=order, tracking_number="SF900")
    on_time = ShipmentFactory(order=order, tracking_number="SF901")
    notice = shipment.delay_episodes.get().notice
    client.force_login(agent)

    html = client.get(reverse("customers:sidebar", args=[order.customer.pk])).content.decode()

    delay = html[html.index(f'id="shipment-delay-{shipment.pk}"'):]
    assert 'data-delay="late"' in delay
    assert "Delayed since 03/09/2026 midnight" in delay  # the end of the promised day
    assert f'href="/tickets/{notice.ticket_id}/"' in delay and "Notice (late) of" in delay
    assert "sending" in delay  # written, not yet delivered
    assert f'id="shipment-delay-{on_time.pk}"' not in html


@time_machine.travel(NOON, tick=False)
def test_the_sidebar_says_when_the_notice_was_sent(client, agent):
    order = OrderFactory()
    shipment = delayed_shipment(order=order)
    message = shipment.delay_episodes.get().notice.message
    client.force_login(agent)
    url = reverse("customers:sidebar", args=[order.customer.pk])

    message.delivery_status, message.sent_at = "sent", NOON
    message.save(update_fields=["delivery_status", "sent_at"])
    assert "sent 03/10/2026 noon" in client.get(url).content.decode()


def test_the_sidebar_query_count_does_not_grow_with_orders(client, agent,
                                                           django_assert_max_num_queries):
    order = OrderFactory()
    client.force_login(agent)
    url = reverse("customers:sidebar", args=[order.customer.pk])
    client.get(url)
    for index in range(20):
        shipment = ShipmentFactory(order=OrderFactory(customer=order.customer))
        TrackingEventFactory(shipment=shipment)
        TicketFactory(customer=order.customer)
        if index % 2:  # delayed, with a notice written (and a coupon for a Gold customer)
            delayed_shipment(order=shipment.order)
    customer = order.customer
    customer.tier = tier("Gold")
    customer.save()
    delayed_shipment(order=OrderFactory(customer=customer))
    with django_assert_max_num_queries(15) as counted:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="open-delay"') == 3  # 3 of the 5 recent orders
    assert any("notices_delayepisode" in q["sql"] for q in counted.captured_queries)


def test_the_sidebar_needs_an_agent(client, outsider):
    order = OrderFactory()
    client.force_login(outsider)
    assert client.get(reverse("customers:sidebar", args=[order.customer.pk])).status_code == 403
