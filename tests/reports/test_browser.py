"""The dashboards in a real browser, in English and Chinese, with screenshots."""

import pytest

from reports import services

from .conftest import NOW, build_week

PERIOD = "?start=2026-03-02&end=2026-03-04"


@pytest.fixture
def shown_week(team, other_team, agent, other_agent, manager):
    week = build_week(team=team, other_team=other_team, agent=agent, other_agent=other_agent,
                      manager=manager)
    services.refresh_changed(now=NOW)
    return week


def charts_drawn(page) -> int:
    return page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".filter(c => Chart.getChart(c) !== undefined).length")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_reads_the_sla_dashboard_in_english(page, live_server, login, screenshot,
                                                      manager, shown_week):
    login(manager)
    page.goto(f"{live_server.url}/dashboards/{PERIOD}")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="SLA dashboard").is_visible()
    assert page.locator("#headline").get_by_text("60.0%").is_visible()
    assert page.get_by_role("link", name="Very unhappy").first.is_visible()
    assert charts_drawn(page) >= 8
    screenshot("sla-en")
    page.locator("#id_trend").select_option("week")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("networkidle")
    assert "trend=week" in page.url or "trend=week" in page.content()
    page.get_by_role("link", name="Backlog and workload").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="New tickets by hour and weekday").is_visible()
    screenshot("workload-en")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_reads_the_dashboards_in_chinese(page, live_server, login, screenshot,
                                                   manager, shown_week):
    login(manager, language="zh-hans")
    page.goto(f"{live_server.url}/dashboards/{PERIOD}")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="SLA 仪表板").is_visible()
    assert page.get_by_text("首次响应达成率").first.is_visible()
    assert charts_drawn(page) >= 8
    screenshot("sla-zh")
    page.goto(f"{live_server.url}/dashboards/quality/{PERIOD}")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="服务质量").first.is_visible()
    screenshot("quality-zh")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_is_refused_in_the_browser(page, live_server, login, agent):
    login(agent)
    response = page.goto(f"{live_server.url}/dashboards/")
    assert response.status == 403
