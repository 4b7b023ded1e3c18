from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from replies.context import ticket_context
from replies.selectors import ticket_for_replies
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    TicketFactory,
    tier,
)


def _ticket(language="en", **order_kwargs):
    customer = CustomerFactory(name="Lin Wei" if language == "en" else "林伟",
                               language=language, tier=tier("Silver"))
    order = OrderFactory(customer=customer, number="1042", **order_kwargs)
    OrderLineFactory(order=order, title="Longjing green tea 250g", quantity=2)
    OrderLineFactory(order=order, title="Celadon tea cup set", quantity=1,
                     unit_price=Decimal("159"))
    ShipmentFactory(order=order, tracking_number="SF0001", carrier="SF Express",
                    tracking_url="https://t.example/SF0001",
                    shipped_at=timezone.now() - timedelta(days=3),
                    estimated_delivery=date(2026, 11, 28))
    ShipmentFactory(order=order, tracking_number="SF0002", carrier="SF Express",
                    shipped_at=timezone.now() - timedelta(days=1),
                    estimated_delivery=date(2026, 11, 30))
    return ticket_for_replies(TicketFactory(customer=customer, order=order).pk)


def test_the_context_holds_every_value_the_ticket_knows(agent, settings):
    settings.SHOP_NAME = "Tea House"
    context = ticket_context(_ticket(), agent, coupon_code="SORRY10")
    assert context == {
        "customer_name": "Lin Wei",
        "agent_name": "Ann",
        "shop_name": "Tea House",
        "coupon_code": "SORRY10",
        "tier_name": "Silver",
        "tier_perks": "✅ 10% off all orders\n✅ Free shipping on all orders (no minimum)\n"
                      "✅ Exclusive products\n✅ Priority customer service",
        "order_number": "1042",
        "order_items": "Longjing green tea 250g × 2, Celadon tea cup set",
        "tracking_number": "SF0002",
        "carrier": "SF Express",
        "estimated_delivery": "Nov. 30, 2026",
    }  # the newest parcel has no tracking link: left out (missing), never a blank


def test_the_context_speaks_the_customers_language(agent):
    context = ticket_context(_ticket(language="zh-hans"), agent)
    assert context["tier_name"] == "银卡会员"
    assert context["tier_perks"].startswith("✅ 所有订单9折")
    assert context["order_items"] == "Longjing green tea 250g × 2、Celadon tea cup set"
    assert context["estimated_delivery"] == "2026年11月30日"


def test_unknown_values_are_left_out_so_they_show_as_missing(agent):
    ticket = ticket_for_replies(TicketFactory(customer=CustomerFactory(name="Zhao Min")).pk)
    context = ticket_context(ticket, agent)
    assert set(context) == {"customer_name", "agent_name", "shop_name"}


def test_building_the_context_needs_no_query_after_the_selector(agent,
                                                                django_assert_num_queries):
    ticket = _ticket()
    with django_assert_num_queries(0):
        ticket_context(ticket, agent)
