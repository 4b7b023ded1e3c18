"""The inbox and the workspace in a real Chromium: search, template reply, collision, live
updates. Screenshots of the main pages are kept in test-artifacts/."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory, OrderFactory, ShipmentFactory, tier
from tickets import services
from tickets.models import Direction, Message

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def fast_polling(settings):
    settings.KEFU_INBOX_POLL_SECONDS = 1


@pytest.fixture
def parcel_ticket(db):
    customer = CustomerFactory(name="Lin Wei", email="lin.wei@example.cn", tier=tier("Gold"))
    order = OrderFactory(customer=customer, number="10042")
    ShipmentFactory(order=order, tracking_number="SF123456", estimated_delivery=date(2026, 12, 2))
    ticket = services.open_ticket(customer=customer, order=order, subject="Parcel stuck in transit",
                                  body_text="It has been two weeks, where is my parcel?",
                                  category="shipping_problem", priority="urgent")
    services.open_ticket(customer=CustomerFactory(name="Zhao Min"), subject="Is the tea fresh?",
                         body_text="Which harvest is it?", channel="chat")
    return ticket


def test_an_agent_finds_a_ticket_by_search_and_replies_with_a_template(
        page, login, live_server, agent, parcel_ticket, screenshot):
    login(agent)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator("#inbox-list")).to_contain_text("Is the tea fresh?")
    screenshot("inbox")

    page.keyboard.press("/")
    page.keyboard.type("10042")
    page.keyboard.press("Enter")
    rows = page.locator("#inbox-list .inbox-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Parcel stuck in transit")
    screenshot("inbox-search")

    rows.first.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Parcel stuck in transit")
    page.wait_for_load_state("load")
    page.locator("#composer-body").focus()
    page.keyboard.press("Control+k")
    page.keyboard.type("late shipping")
    page.locator("#replies-results .replies-option", has_text="Late shipping apology").wait_for()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('composer-body').value.includes('#10042')")
    # The coupon code is the one hole left: it is selected, so typing fills it.
    expect(page.locator("#replies-check")).to_contain_text("{{coupon_code}} has no value")
    page.keyboard.type("KF-SORRY-10")
    expect(page.locator("#replies-check")).to_contain_text("Nothing left to fill in")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_contain_text("I see your order #10042 was delayed")
    screenshot("ticket-composer")

    page.locator("#composer button[value=pending]").click()
    outbound = page.locator(".timeline-outbound")
    expect(outbound).to_contain_text("I see your order #10042 was delayed")
    expect(outbound).to_contain_text("here's KF-SORRY-10 for your next order")
    screenshot("ticket-replied")
    message = Message.objects.get(ticket=parcel_ticket, direction=Direction.OUTBOUND)
    assert "{{" not in message.body_text and message.author_id == agent.pk


def test_a_second_agent_sees_the_collision_warning_and_a_stale_reply_is_held(
        page, login, live_server, browser, agent, other_agent, parcel_ticket, screenshot):
    url = f"{live_server.url}/tickets/{parcel_ticket.pk}/"
    login(agent)
    page.goto(url)

    context = browser.new_context()
    bo = context.new_page()
    bo.goto(f"{live_server.url}/accounts/login/")
    bo.fill("input[name=username]", other_agent.username)
    bo.fill("input[name=password]", "pw")
    bo.click("button[type=submit]")
    bo.goto(url)
    expect(bo.locator("#collision")).to_contain_text("Ann Agent is also viewing this ticket")
    expect(page.locator("#collision")).to_contain_text("Bo Chen is also viewing this ticket")

    bo.locator("#composer-body").type("Let me check with the carrier")
    expect(page.locator("#collision")).to_contain_text("Bo Chen is typing a reply")

    page.locator("#composer-body").fill("Your parcel will arrive tomorrow.")
    services.receive_message(ticket=parcel_ticket, body_text="Never mind, it just arrived!")
    expect(page.locator("#collision")).to_contain_text("1 new message since you opened")
    screenshot("collision")

    page.locator("#composer button[value=reply]").click()
    expect(page.locator("#stale-warning")).to_contain_text("Never mind, it just arrived!")
    assert not Message.objects.filter(ticket=parcel_ticket,
                                      direction=Direction.OUTBOUND).exists()
    expect(page.locator("#composer-body")).to_have_value("Your parcel will arrive tomorrow.")
    screenshot("stale-reply")

    page.locator("#composer-body").fill("Wonderful, enjoy your tea!")
    page.locator("#composer button[value=solved]").click()
    expect(page.locator(".timeline-outbound")).to_contain_text("Wonderful, enjoy your tea!")
    context.close()


def test_the_inbox_shows_a_new_ticket_without_a_reload_and_keeps_the_selection(
        page, login, live_server, agent, parcel_ticket, screenshot):
    login(agent)
    page.goto(f"{live_server.url}/tickets/")
    first_row = page.locator(f".inbox-row[data-id='{parcel_ticket.pk}']")
    first_row.locator(".row-select").check()
    expect(page.locator("#selection-count")).to_contain_text("1")

    services.open_ticket(customer=CustomerFactory(name="Sara K."), subject="Wrong size sent",
                         body_text="I ordered M and got XL.", channel="social")
    new_row = page.locator(".inbox-row", has_text="Wrong size sent")
    expect(new_row).to_be_visible(timeout=10_000)
    expect(first_row.locator(".row-select")).to_be_checked()
    expect(page.locator("[data-count='open']")).to_have_text("3", timeout=15_000)
    screenshot("inbox-live")

    page.keyboard.press("j")  # the first row (already selected)
    page.keyboard.press("j")  # the second
    page.keyboard.press("x")
    expect(page.locator("#selection-count")).to_contain_text("2")
    page.keyboard.press("a")  # assign the selected tickets to me
    expect(page.locator(".alert-success")).to_contain_text("Updated 2 tickets")


def test_the_inbox_in_chinese(page, login, live_server, agent, parcel_ticket, screenshot):
    login(agent, language="zh-hans")
    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator("body")).to_contain_text("我的工单")
    screenshot("inbox-zh")
    page.goto(f"{live_server.url}/tickets/{parcel_ticket.pk}/")
    expect(page.locator("body")).to_contain_text("内部备注")
    screenshot("ticket-zh")


def test_an_agent_opens_a_ticket_for_a_phone_call(page, login, live_server, agent,
                                                   parcel_ticket, screenshot):
    login(agent)
    page.goto(f"{live_server.url}/tickets/new/")
    page.wait_for_load_state("load")
    page.locator("#customer-search").type("lin.wei@example.cn")
    page.locator(".pick-customer", has_text="Lin Wei").click()
    expect(page.locator("#id_order")).to_contain_text("#10042")
    page.select_option("#id_order", label=page.locator("#id_order option", has_text="#10042")
                       .inner_text())
    page.fill("#id_subject", "Called: parcel still not here")
    page.fill("#id_body", "Customer called, the parcel has not moved since Monday.")
    page.select_option("#id_category", "shipping_problem")
    screenshot("new-ticket")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.locator("h1")).to_contain_text("Called: parcel still not here")
    expect(page.locator("#timeline")).to_contain_text("has not moved since Monday")
    expect(page.locator("#field-assignee")).to_have_value(str(agent.pk))
