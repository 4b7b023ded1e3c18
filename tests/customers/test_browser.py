"""In a real browser: the agent sees the customer's orders and tracking beside a ticket and
opens the full customer page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import OrderStatus, ShipmentStatus
from tests.factories import (
    CustomerFactory,
    MessageFactory,
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    TicketFactory,
    TrackingEventFactory,
    tier,
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_sees_orders_and_tracking_beside_the_ticket_and_opens_the_customer_page(
        page, login, live_server, agent, screenshot):
    now = timezone.now()
    customer = CustomerFactory(name="Lin Wei", email="lin.wei@example.com")
    customer.tier = tier("Gold")
    customer.save()
    order = OrderFactory(customer=customer, number="1042", status=OrderStatus.FULFILLED,
                         placed_at=now - timedelta(days=4))
    OrderLineFactory(order=order, title="Longjing green tea 250g")
    shipment = ShipmentFactory(order=order, tracking_number="SF1234567890",
                               status=ShipmentStatus.EXCEPTION)
    TrackingEventFactory(shipment=shipment, status="in_transit", location="Hangzhou hub",
                         occurred_at=now - timedelta(days=3))
    TrackingEventFactory(shipment=shipment, status="exception", location="Shanghai customs",
                         description="Held for inspection", occurred_at=now - timedelta(days=1))
    ticket = TicketFactory(customer=customer, subject="Parcel stuck in customs", order=order)
    MessageFactory(ticket=ticket, body_text="It has been two weeks, where is my order?")

    login(agent)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")

    sidebar = page.locator("#customer-sidebar")
    expect(sidebar).to_contain_text("Lin Wei")
    expect(sidebar.locator('[data-order="1042"]')).to_contain_text("Longjing green tea 250g")
    parcel = sidebar.locator(f'[data-shipment="{shipment.pk}"]')
    expect(parcel).to_contain_text("SF1234567890")
    timeline = parcel.locator("[data-tracking-timeline]")
    expect(timeline).to_be_hidden()  # folded until the agent asks
    parcel.locator("summary").click()
    expect(timeline).to_be_visible()
    expect(timeline).to_contain_text("Shanghai customs")
    expect(timeline).to_contain_text("Held for inspection")
    expect(timeline).to_contain_text("Hangzhou hub")
    expect(sidebar.locator(f'[data-ticket="{ticket.pk}"]')).to_contain_text("Parcel stuck")
    screenshot("ticket-sidebar")

    sidebar.locator("#customer-page-link").click()

    customer_page = page.locator("#customer-page")
    expect(customer_page).to_be_visible()
    expect(page.locator("#customer-name")).to_have_text("Lin Wei")
    expect(page.locator("#customer-orders")).to_contain_text("#1042")
    expect(page.locator("#customer-orders")).to_contain_text("Shanghai customs")
    expect(page.locator("#customer-timeline")).to_contain_text("where is my order?")
    screenshot("customer-page")
