"""An admin edits a template and a tier; an agent uses the template at once, keyboard only,
and sees the filled preview in Chinese for a Chinese-speaking customer."""

from datetime import date

import pytest
from django.utils import timezone

from replies.models import ReplyTemplate
from tests.factories import (
    CustomerFactory,
    MessageFactory,
    OrderFactory,
    ShipmentFactory,
    TicketFactory,
    tier,
)
from tickets.models import Direction, Message


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_edits_then_agent_replies_with_the_filled_chinese_template(
        page, live_server, login, screenshot, admin_user, agent):
    customer = CustomerFactory(name="林伟", language="zh-hans", tier=tier("Silver"))
    order = OrderFactory(customer=customer, number="1042")
    ShipmentFactory(order=order, tracking_number="SF1234567890", carrier="顺丰速运",
                    shipped_at=timezone.now(), estimated_delivery=date(2026, 11, 28))
    ticket = TicketFactory(customer=customer, order=order, subject="什么时候发货？")
    MessageFactory(ticket=ticket, body_text="你好，我的订单什么时候能发货？大概几天到？")

    # The admin edits the shipping-time template's Chinese text ...
    login(admin_user)
    page.goto(f"{live_server.url}/admin/replies/replytemplate/?q=shipping")
    page.get_by_role("link", name="Shipping time", exact=True).click()
    body = page.locator("#id_body_zh_hans")
    body.fill(body.input_value() + "\n作为{{tier_name}}，您的订单全部包邮。")
    page.locator("input[name=_save]").click()
    page.wait_for_selector("text=was changed successfully")
    screenshot("1-admin-saved-template")
    # ... and the Silver tier's Chinese name.
    page.goto(f"{live_server.url}/admin/loyalty/tier/?q=")
    page.get_by_role("link", name="Silver", exact=True).click()
    page.fill("#id_name_zh_hans", "银卡VIP会员")
    page.locator("input[name=_save]").click()
    page.wait_for_selector("text=was changed successfully")
    screenshot("2-admin-saved-tier")
    page.goto(f"{live_server.url}/admin/helpdesk/auditentry/")
    assert page.locator("#result_list tbody tr").count() == 2
    screenshot("3-audit-trail")

    # The agent finds the template by keyboard, previews it filled in Chinese, inserts it.
    page.context.clear_cookies()
    login(agent)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.locator("#composer-body").focus()
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.id") == "replies-search"
    page.keyboard.type("shipping")
    first = page.locator("#replies-results .replies-option").first
    first.filter(has_text="Shipping time").wait_for()
    page.keyboard.press("ArrowDown")
    preview = page.locator("#replies-preview .replies-rendered")
    preview.wait_for()
    assert "作为银卡VIP会员，您的订单全部包邮。" in preview.inner_text()
    assert preview.inner_text().startswith("林伟您好，感谢您的咨询！")
    screenshot("4-agent-preview-in-chinese")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('composer-body').value.includes('银卡VIP会员')")
    text = page.locator("#composer-body").input_value()
    assert "{{" not in text and text.startswith("林伟您好")
    assert page.evaluate("document.activeElement.id") == "composer-body"

    # A fill-in left in the reply is highlighted and sending it is refused.
    page.keyboard.press("Control+End")
    page.keyboard.type("\n另外，[具体问题]我会再确认。")
    page.wait_for_selector("#replies-check mark.ph-fill")
    page.keyboard.press("Alt+n")
    assert page.evaluate(
        "(() => { const t = document.getElementById('composer-body');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); })()") == "[具体问题]"
    screenshot("5-agent-fill-in-highlighted")
    page.click("#composer button[value=reply]")
    page.wait_for_selector("#reply-problems")
    assert "Complete the fill-in [具体问题] before sending." in page.inner_text("#reply-problems")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    screenshot("6-agent-send-refused")

    # The agent completes it (the selection is typed over) and sends.
    page.locator("#composer-body").focus()
    page.keyboard.press("Alt+n")
    page.keyboard.type("退款进度")
    page.click("#composer button[value=reply]")
    page.locator(".timeline-outbound").wait_for()
    screenshot("7-agent-reply-sent")
    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert "作为银卡VIP会员，您的订单全部包邮。" in reply.body_text
    assert "另外，退款进度我会再确认。" in reply.body_text
    assert ReplyTemplate.objects.get(name="Shipping time").usage_count == 1
