"""The customer search page, the customer 360 page and its partials, notes and tags."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import IdentityKind, OrderStatus, ShipmentStatus
from helpdesk.models import AuditEntry
from tests.factories import (
    CustomerFactory,
    IdentityFactory,
    MessageFactory,
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    TicketFactory,
    TrackingEventFactory,
    delayed_shipment,
    tier,
)
from tickets.models import Direction, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def lin_wei():
    customer = CustomerFactory(name="Lin Wei", email="lin.wei@example.com", language="zh-hans")
    IdentityFactory(customer=customer, kind=IdentityKind.WECHAT, value="linwei_tea")
    IdentityFactory(customer=customer, kind=IdentityKind.SHOP, value="115310627314723954")
    customer.tier = tier("Silver")
    customer.notes = "Prefers SF Express."
    customer.save()
    customer.tags.add("tea lover")
    now = timezone.now()
    for days, total in [(90, "120.00"), (30, "278.00")]:
        OrderFactory(customer=customer, total=Decimal(total), status=OrderStatus.DELIVERED,
                     placed_at=now - timedelta(days=days))
    OrderFactory(customer=customer, total=Decimal("999.00"), status=OrderStatus.CANCELLED,
                 placed_at=now - timedelta(days=60))
    order = OrderFactory(customer=customer, number="1042", total=Decimal("398.00"),
                         status=OrderStatus.FULFILLED, placed_at=now - timedelta(days=3))
    OrderLineFactory(order=order, title="Longjing green tea 250g", quantity=2)
    shipment = ShipmentFactory(order=order, tracking_number="SF1234567890",
                               status=ShipmentStatus.EXCEPTION,
                               promised_delivery_date=(now - timedelta(days=1)).date())
    TrackingEventFactory(shipment=shipment, status="in_transit", location="Hangzhou hub",
                         occurred_at=now - timedelta(days=2))
    TrackingEventFactory(shipment=shipment, status="exception", location="Shanghai customs",
                         description="Held for inspection", occurred_at=now - timedelta(days=1))
    ticket = TicketFactory(customer=customer, subject="Parcel stuck in customs",
                           status=Status.OPEN, order=order)
    MessageFactory(ticket=ticket, body_text="It has been two weeks!")
    MessageFactory(ticket=ticket, direction=Direction.OUTBOUND, channel="email",
                   body_text="So sorry, the new ETA is Friday.")
    past = TicketFactory(customer=customer, subject="Gift wrapping?", status=Status.SOLVED,
                         channel="chat")
    MessageFactory(ticket=past, channel="chat", body_text="Can you wrap it as a gift?")
    return customer


def test_the_customer_page_shows_the_whole_customer(client, agent, lin_wei):
    client.force_login(agent)
    response = client.get(reverse("customers:detail", args=[lin_wei.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    # who they are
    for text in ["Lin Wei", "lin.wei@example.com", "linwei_tea", "115310627314723954",
                 "Asia/Shanghai", "Silver", "Prefers SF Express.", "tea lover"]:
        assert text in html, text
    # value: 3 counting orders (the cancelled one does not count), 796.00 in all
    stats = response.context["stats"]
    assert stats["order_count"] == 3 and stats["lifetime_value"] == Decimal("796.00")
    assert stats["average_order_value"] == Decimal("265.33") and stats["is_repeat_customer"]
    assert "CN¥796.00" in html and 'id="repeat-customer"' in html
    # progress to the next tier (Gold)
    progress = response.context["progress"]
    assert progress.current.name == "Silver" and progress.next.name == "Gold"
    assert 'id="tier-progress"' in html
    # orders with lines, shipments and the tracking timeline
    for text in ["#1042", "2 × Longjing green tea 250g", "SF1234567890", "Shanghai customs",
                 "Held for inspection", "Hangzhou hub"]:
        assert text in html, text
    assert "Late" in html  # past the promised date
    # every ticket and message, across channels
    for text in ["Parcel stuck in customs", "Gift wrapping?", "It has been two weeks!",
                 "So sorry, the new ETA is Friday.", "Can you wrap it as a gift?"]:
        assert text in html, text


def test_the_customer_page_query_count_does_not_grow_with_orders_or_tickets(
        client, agent, lin_wei, django_assert_max_num_queries):
    client.force_login(agent)
    url = reverse("customers:detail", args=[lin_wei.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    for index in range(30):
        shipment = ShipmentFactory(order=OrderFactory(customer=lin_wei))
        TrackingEventFactory(shipment=shipment)
        OrderLineFactory(order=shipment.order)
        MessageFactory(ticket=TicketFactory(customer=lin_wei))
        if index % 3 == 0:  # a delayed shipment with its notice (and a coupon: Silver)
            delayed_shipment(order=shipment.order)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="open-delay"' in html
    assert html.count('<tr data-notice="') == 10  # the latest notices sent


def test_the_order_timeline_and_ticket_lists_page_through_htmx_partials(client, agent, lin_wei):
    for index in range(25):
        OrderFactory(customer=lin_wei, number=f"9{index:03d}")
    client.force_login(agent)

    first = client.get(reverse("customers:detail", args=[lin_wei.pk])).content.decode()
    second = client.get(reverse("customers:orders", args=[lin_wei.pk]), {"page": 2},
                        headers={"HX-Request": "true"})

    assert "#9024" in first and "#9024" not in second.content.decode()
    assert second.status_code == 200 and 'id="customer-orders"' in second.content.decode()
    for name in ("customers:tickets", "customers:timeline"):
        assert client.get(reverse(name, args=[lin_wei.pk])).status_code == 200


@pytest.mark.parametrize("name", ["customers:detail", "customers:orders", "customers:tickets",
                                  "customers:timeline", "customers:edit_profile",
                                  "customers:sidebar"])
def test_customer_pages_need_an_agent(client, outsider, lin_wei, name):
    url = reverse(name, args=[lin_wei.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_an_unknown_customer_is_404(client, agent):
    client.force_login(agent)
    assert client.get(reverse("customers:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("query", ["LIN.WEI@example.com", "linwei_tea", "@linwei_tea",
                                   "115310627314723954", "#1042", "1042", "SF1234567890",
                                   "Lin W"])
def test_a_customer_is_found_by_any_identity_order_or_tracking_number(client, agent, lin_wei,
                                                                      query):
    CustomerFactory(name="Someone Else")
    client.force_login(agent)
    response = client.get(reverse("customers:search"), {"q": query})
    assert [c.pk for c in response.context["results"]] == [lin_wei.pk]
    assert reverse("customers:detail", args=[lin_wei.pk]) in response.content.decode()


def test_a_phone_number_is_found_however_it_is_written(client, agent):
    customer = CustomerFactory()
    IdentityFactory(customer=customer, kind=IdentityKind.PHONE, value="+86 139 0000 1042")
    client.force_login(agent)
    response = client.get(reverse("customers:search"), {"q": "+86-139-0000-1042"})
    assert [c.pk for c in response.context["results"]] == [customer.pk]


def test_the_search_answers_htmx_with_the_results_only(client, agent, lin_wei):
    client.force_login(agent)
    response = client.get(reverse("customers:search"), {"q": "1042"},
                          headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="customer-results"' in html and "<nav" not in html


def test_the_search_page_needs_an_agent(client, outsider):
    assert client.get(reverse("customers:search")).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("customers:search")).status_code == 403


def test_the_navigation_links_to_customers_for_agents(client, agent):
    client.force_login(agent)
    assert reverse("customers:search") in client.get(reverse("tickets:inbox")).content.decode()


def test_an_agent_edits_notes_and_tags_inline(client, agent, lin_wei):
    client.force_login(agent)
    url = reverse("customers:edit_profile", args=[lin_wei.pk])
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Prefers SF Express." in form and "<form" in form

    response = client.post(url, {"notes": "Call after 6pm.", "tags": "vip, tea lover, vip"},
                           headers={"HX-Request": "true"})

    assert response.status_code == 200 and "Call after 6pm." in response.content.decode()
    lin_wei.refresh_from_db()
    assert lin_wei.notes == "Call after 6pm."
    assert sorted(lin_wei.tags.names()) == ["tea lover", "vip"]
    entry = AuditEntry.objects.get(action="customer.profile_edited")
    assert entry.actor == agent and entry.before["notes"] == "Prefers SF Express."


def test_notes_and_tags_can_be_saved_without_javascript(client, agent, lin_wei):
    client.force_login(agent)
    response = client.post(reverse("customers:edit_profile", args=[lin_wei.pk]),
                           {"notes": "", "tags": ""})
    assert response.status_code == 302
    lin_wei.refresh_from_db()
    assert lin_wei.notes == "" and not lin_wei.tags.exists()


def test_the_customer_page_lists_the_notices_sent_to_the_customer(client, agent, lin_wei):
    shipment = delayed_shipment(order=OrderFactory(customer=lin_wei, number="50400"))
    notice = shipment.delay_episodes.get().notice
    message = notice.message
    message.delivery_status, message.sent_at = "sent", timezone.now()
    message.save(update_fields=["delivery_status", "sent_at"])
    someone_else = delayed_shipment(order=OrderFactory(number="50401"))
    client.force_login(agent)

    html = client.get(reverse("customers:detail", args=[lin_wei.pk])).content.decode()

    block = html[html.index('id="customer-notices"'):]
    start = block.index(f'data-notice="{notice.pk}"')
    row = block[start:block.index("</tr>", start)]
    assert timezone.localtime(notice.created_at).strftime("%Y-%m-%d") in row
    assert f'href="/tickets/{notice.ticket_id}/">#50400</a>' in row
    assert "Late" in row and "Email" in row
    assert 'data-delivery="sent"' in row and "sent " in row
    assert notice.coupon.code in row  # Silver customers get an apology coupon
    assert "#50401" not in block and someone_else.customer.name not in block
    # The shipment itself says it is delayed, and the generic "late" badge stays too.
    assert f'id="shipment-delay-{shipment.pk}"' in html


def test_a_customer_never_notified_has_no_notice_block(client, agent, lin_wei):
    client.force_login(agent)
    html = client.get(reverse("customers:detail", args=[lin_wei.pk])).content.decode()
    assert 'id="customer-notices"' not in html


def test_the_customer_page_lets_other_apps_plug_in_balances_and_notices(client, agent, lin_wei,
                                                                        settings, tmp_path):
    (tmp_path / "loyalty").mkdir()
    (tmp_path / "notices").mkdir()
    (tmp_path / "loyalty" / "_customer_balances.html").write_text(
        '<div id="balances">points of {{ customer.name }}</div>')
    (tmp_path / "notices" / "_customer_notices.html").write_text('<div id="notices">n</div>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    client.force_login(agent)

    html = client.get(reverse("customers:detail", args=[lin_wei.pk])).content.decode()

    assert '<div id="balances">points of Lin Wei</div>' in html and 'id="notices"' in html


def test_the_customer_page_speaks_simplified_chinese(client, agent, lin_wei):
    client.force_login(agent)
    response = client.get(reverse("customers:detail", args=[lin_wei.pk]),
                          headers={"Accept-Language": "zh-hans"})
    html = response.content.decode()
    assert "客户价值" in html and "全渠道对话" in html and "¥796.00" in html
