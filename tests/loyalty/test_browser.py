"""The approvals page in a real browser: a manager approves with htmx, the row updates in
place and the credit is posted."""

from decimal import Decimal

import pytest

from loyalty import services
from loyalty.models import GrantStatus
from loyalty.selectors import balances
from tests.factories import CustomerFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_approves_a_grant_without_reloading_the_page(page, live_server, login, agent,
                                                               manager, screenshot):
    customer = CustomerFactory(name="Zhao Min")
    grant = services.grant_store_credit(customer=customer, granted_by=agent,
                                        amount=Decimal("120"), reason="Teapot arrived cracked")
    login(manager)
    page.goto(f"{live_server.url}/loyalty/approvals/")
    row = page.locator(f"#grant-credit-{grant.pk}")
    assert "Teapot arrived cracked" in row.inner_text()
    page.evaluate("window.notReloaded = true")
    row.get_by_role("button", name="Approve").click()
    page.locator(f"#grant-credit-{grant.pk} .badge").wait_for()
    assert "Approved" in page.locator(f"#grant-credit-{grant.pk}").inner_text()
    assert page.evaluate("window.notReloaded") is True
    screenshot("approved")
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED
    assert balances(customer)["store_credit"] == Decimal("120")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_grants_a_coupon_from_the_ticket_panel_in_place(page, live_server, login, agent,
                                                                screenshot):
    from loyalty.models import Coupon
    from tests.factories import TicketFactory, tier

    customer = CustomerFactory(name="Lin Wei", tier=tier("Gold"))
    ticket = TicketFactory(customer=customer, subject="Parcel stuck in transit")
    login(agent)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    # The ticket page loads the panel by htmx into its sidebar.
    panel = page.locator("#loyalty-panel")
    panel.wait_for()
    assert "Gold" in panel.inner_text()
    panel.get_by_text("Apology coupon").click()
    panel.get_by_label("Value").fill("10")
    panel.get_by_label("Reason").first.fill("Parcel a week late")
    panel.get_by_role("button", name="Grant coupon").click()
    panel.get_by_role("status").wait_for()
    coupon = Coupon.objects.get()
    assert coupon.code in page.locator("#loyalty-panel").inner_text()
    assert coupon.ticket == ticket and coupon.percent_off == 10
    screenshot("coupon-granted")
