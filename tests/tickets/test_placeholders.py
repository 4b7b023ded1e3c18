from tests.factories import OrderFactory, ShipmentFactory, TicketFactory
from tickets.placeholders import render_placeholders, ticket_context


def test_the_context_has_the_five_placeholders_from_the_ticket(db, agent, settings):
    settings.SHOP_NAME = "Tea House"
    order = OrderFactory(number="10042", customer__name="Lin Wei")
    ShipmentFactory(order=order, tracking_number="SF1111")
    ticket = TicketFactory(customer=order.customer, order=order)

    assert ticket_context(ticket, agent) == {
        "customer_name": "Lin Wei", "order_number": "10042", "tracking_number": "SF1111",
        "agent_name": "Ann", "shop_name": "Tea House",
    }


def test_the_tracking_number_is_the_newest_shipments(db, agent):
    from datetime import timedelta

    from django.utils import timezone

    order = OrderFactory()
    ShipmentFactory(order=order, tracking_number="OLD", shipped_at=timezone.now() - timedelta(3))
    ShipmentFactory(order=order, tracking_number="NEW", shipped_at=timezone.now())
    ticket = TicketFactory(customer=order.customer, order=order)
    assert ticket_context(ticket, agent)["tracking_number"] == "NEW"


def test_a_ticket_without_order_has_no_order_or_tracking_number(db, agent):
    context = ticket_context(TicketFactory(), agent)
    assert context["order_number"] == "" and context["tracking_number"] == ""


def test_placeholders_are_filled_with_or_without_spaces_inside_the_braces():
    text, missing = render_placeholders("Hi {{customer_name}}, order #{{ order_number }}.",
                                        {"customer_name": "Lin", "order_number": "42"})
    assert text == "Hi Lin, order #42."
    assert missing == []


def test_missing_and_unknown_placeholders_are_reported_and_left_as_written():
    text, missing = render_placeholders(
        "Tracking {{tracking_number}} for {{customer_name}} {{nickname}}",
        {"customer_name": "Lin", "tracking_number": ""})
    assert missing == ["nickname", "tracking_number"]
    assert text == "Tracking {{tracking_number}} for Lin {{nickname}}"


def test_text_without_placeholders_is_unchanged():
    assert render_placeholders("No braces {here}.", {}) == ("No braces {here}.", [])
