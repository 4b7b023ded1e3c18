"""The notices pages in a real browser: a manager's report and an agent following a
delayed order to the proactive ticket."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notices import services

from .conftest import make_shipment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                         serialized_rollback=True)]


@pytest.fixture
def delayed(django_capture_on_commit_callbacks):
    today = timezone.now().date()
    shipments = [make_shipment(promised=today - timedelta(days=2), name=name,
                               last_scan=timezone.now() - timedelta(hours=3))
                 for name in ("Lin Wei", "Sara King", "王芳")]
    for shipment in shipments:
        for episode_id in services.check_shipments(shipment_ids=[shipment.pk]):
            services.send_delay_notice(episode_id=episode_id)
    return shipments


def test_a_manager_reads_the_notice_report(page, login, live_server, manager, delayed,
                                           screenshot):
    login(manager)
    page.goto(f"{live_server.url}/notices/?days=7")
    assert page.locator("#figure-detected").inner_text() == "3"
    assert "SF Express" in page.locator("#by-cause").inner_text()
    screenshot("report")


def test_an_agent_follows_a_delayed_order_to_its_proactive_ticket(page, login, live_server,
                                                                  agent, delayed, screenshot):
    login(agent)
    page.goto(f"{live_server.url}/notices/delayed/")
    assert page.locator(".shipment-delay").count() == 3
    screenshot("delayed")
    page.locator(".shipment-delay a").first.click()
    page.wait_for_load_state("networkidle")
    assert "I'm tracking your order" in page.content()


def test_the_report_in_chinese(page, login, live_server, manager, delayed, screenshot):
    login(manager, language="zh-hans")
    page.goto(f"{live_server.url}/notices/")
    assert "物流延误通知" in page.content()
    screenshot("report-zh")
