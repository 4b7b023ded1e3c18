"""Loyalty pages: who may and who may not, what they show, and query counts that do not grow
with rows."""

from decimal import Decimal

import pytest
from django.urls import reverse

from helpdesk.models import AuditEntry
from loyalty import services
from loyalty.models import Coupon, GrantStatus, StoreCreditGrant, Tier
from tests.factories import CustomerFactory, OrderFactory, TicketFactory, tier

from .conftest import orders_for

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket(customer):
    customer.tier = tier("Silver")
    customer.save()
    return TicketFactory(customer=customer)


def panel_url(ticket):
    return reverse("loyalty:ticket_panel", args=[ticket.pk])


# --- Ticket panel ----------------------------------------------------------------------

def test_the_ticket_panel_shows_tier_balances_and_the_agents_authority(client, agent, ticket,
                                                                     manager):
    services.adjust_store_credit(customer=ticket.customer, amount=Decimal("50"), by=manager,
                                 reason="Welcome")
    client.force_login(agent)
    response = client.get(panel_url(ticket))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="loyalty-panel"' in html and "Silver" in html
    assert "¥50.00" in html
    assert "up to ¥50.00 each" in html and "¥500.00 left this month" in html
    assert 'name="reason"' in html


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_the_ticket_panel_needs_an_agent(client, ticket, outsider, who):
    if who == "outsider":
        client.force_login(outsider)
    response = client.get(panel_url(ticket))
    assert response.status_code == (403 if who == "outsider" else 302)


def test_the_panel_of_a_missing_ticket_is_not_found(client, agent):
    client.force_login(agent)
    assert client.get(reverse("loyalty:ticket_panel", args=[999999])).status_code == 404


def test_an_agent_grants_a_coupon_from_the_ticket_panel(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("loyalty:grant_coupon", args=[ticket.pk]), {
        "kind": "percent", "value": "10", "valid_days": "14", "reason": "Parcel late"}, **HTMX)
    assert response.status_code == 200
    coupon = Coupon.objects.get()
    assert coupon.ticket == ticket and coupon.granted_by == agent
    assert coupon.status == GrantStatus.APPROVED and coupon.percent_off == 10
    html = response.content.decode()
    assert coupon.code in html and "granted" in html


def test_a_coupon_above_the_agents_authority_waits_for_approval(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("loyalty:grant_coupon", args=[ticket.pk]), {
        "kind": "amount", "value": "80", "valid_days": "30", "reason": "Broken teapot"}, **HTMX)
    assert Coupon.objects.get().status == GrantStatus.PENDING
    assert "waits for a manager" in response.content.decode()


def test_an_invalid_coupon_form_shows_the_error_and_grants_nothing(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("loyalty:grant_coupon", args=[ticket.pk]), {
        "kind": "percent", "value": "120", "valid_days": "30", "reason": ""}, **HTMX)
    assert response.status_code == 200
    assert "cannot be more than 100" in response.content.decode()
    assert not Coupon.objects.exists()


def test_without_htmx_a_grant_redirects_back_to_the_ticket(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("loyalty:grant_store_credit", args=[ticket.pk]),
                           {"amount": "20", "reason": "Goodwill"})
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    assert StoreCreditGrant.objects.get().entry.amount == Decimal("20")


def test_an_outsider_cannot_grant(client, outsider, ticket):
    client.force_login(outsider)
    response = client.post(reverse("loyalty:grant_store_credit", args=[ticket.pk]),
                           {"amount": "20", "reason": "Goodwill"})
    assert response.status_code == 403
    assert not StoreCreditGrant.objects.exists()


def test_the_panel_query_count_does_not_grow_with_grants(client, agent, manager, ticket,
                                                         django_assert_max_num_queries):
    client.force_login(agent)
    client.get(panel_url(ticket))
    for _ in range(15):
        services.grant_coupon(customer=ticket.customer, granted_by=agent, ticket=ticket,
                              amount_off=Decimal("1"), reason="x")
        services.grant_store_credit(customer=ticket.customer, granted_by=manager,
                                    amount=Decimal("400"), reason="y")
    with django_assert_max_num_queries(16):
        assert client.get(panel_url(ticket)).status_code == 200


# --- Customer balances and ledger ------------------------------------------------------

def test_the_customer_balances_partial_for_the_360_page(client, agent, customer):
    customer.tier = tier("Gold")
    customer.save()
    services.grant_coupon(customer=customer, granted_by=agent, amount_off=Decimal("20"),
                          reason="Sorry")
    client.force_login(agent)
    response = client.get(reverse("loyalty:customer_balances", args=[customer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gold" in html and "15% off" in html and "¥20.00 off" in html


def test_the_customer_balances_need_an_agent(client, outsider, customer):
    client.force_login(outsider)
    url = reverse("loyalty:customer_balances", args=[customer.pk])
    assert client.get(url).status_code == 403


def test_the_ledger_page_lists_every_kind_of_entry(client, agent, manager, customer,
                                                   django_assert_max_num_queries):
    for order in orders_for(customer, 4, total="100"):
        services.handle_order_changed(order_id=order.pk)
    services.grant_store_credit(customer=customer, granted_by=agent, amount=Decimal("10"),
                                reason="Late parcel", ticket=TicketFactory(customer=customer))
    services.grant_coupon(customer=customer, granted_by=agent, percent_off=Decimal("5"),
                          reason="Sorry")
    client.force_login(agent)
    url = reverse("loyalty:customer_ledger", args=[customer.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    html = response.content.decode()
    assert "Late parcel" in html and "5% off" in html and "Silver" in html and "400" in html


# --- Approvals -------------------------------------------------------------------------

@pytest.fixture
def pending(agent, ticket):
    return services.grant_store_credit(customer=ticket.customer, granted_by=agent, ticket=ticket,
                                       amount=Decimal("120"), reason="Broken teapot")


def test_managers_see_pending_grants(client, manager, pending, agent, ticket):
    services.grant_coupon(customer=ticket.customer, granted_by=agent, ticket=ticket,
                          percent_off=Decimal("40"), reason="Very late")
    client.force_login(manager)
    response = client.get(reverse("loyalty:approvals"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Broken teapot" in html and "40% off" in html and "¥120.00 store credit" in html


def test_agents_cannot_see_or_decide_approvals(client, other_agent, pending):
    client.force_login(other_agent)
    assert client.get(reverse("loyalty:approvals")).status_code == 403
    url = reverse("loyalty:decide", args=["credit", pending.pk, "approve"])
    assert client.post(url).status_code == 403
    pending.refresh_from_db()
    assert pending.status == GrantStatus.PENDING


def test_a_manager_approves_with_htmx(client, manager, pending):
    client.force_login(manager)
    response = client.post(reverse("loyalty:decide", args=["credit", pending.pk, "approve"]),
                           **HTMX)
    assert response.status_code == 200
    assert "Approved" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == GrantStatus.APPROVED and pending.entry is not None


def test_a_manager_rejects(client, manager, pending):
    client.force_login(manager)
    response = client.post(reverse("loyalty:decide", args=["credit", pending.pk, "reject"]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == GrantStatus.REJECTED


def test_the_granter_cannot_decide_their_own_grant_on_the_page(client, manager, ticket):
    own = services.grant_coupon(customer=ticket.customer, granted_by=manager,
                                amount_off=Decimal("999"), reason="Big apology")
    client.force_login(manager)
    response = client.post(reverse("loyalty:decide", args=["coupon", own.pk, "approve"]),
                           **HTMX)
    assert "Someone other than the granter" in response.content.decode()
    own.refresh_from_db()
    assert own.status == GrantStatus.PENDING


def test_an_unknown_decision_is_not_found(client, manager, pending):
    client.force_login(manager)
    assert client.post(reverse("loyalty:decide", args=["credit", pending.pk, "maybe"])
                       ).status_code == 404
    assert client.post(reverse("loyalty:decide", args=["refund", pending.pk, "approve"])
                       ).status_code == 404


def test_the_approvals_query_count_does_not_grow(client, manager, agent, ticket,
                                                 django_assert_max_num_queries):
    client.force_login(manager)
    for _ in range(10):
        services.grant_coupon(customer=ticket.customer, granted_by=agent, ticket=ticket,
                              amount_off=Decimal("70"), reason="x")
        services.grant_store_credit(customer=CustomerFactory(), granted_by=agent,
                                    amount=Decimal("70"), reason="y")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("loyalty:approvals")).status_code == 200


# --- Report ----------------------------------------------------------------------------

def test_the_report_shows_tiers_movement_and_redemption(client, manager, agent, customer,
                                                        django_assert_max_num_queries):
    for order in orders_for(customer, 4, total="100"):
        services.handle_order_changed(order_id=order.pk)
    coupon = services.grant_coupon(customer=customer, granted_by=agent,
                                   amount_off=Decimal("10"), reason="x")
    services.redeem_coupon(code=coupon.code)
    for _ in range(5):
        other = CustomerFactory()
        services.handle_order_changed(order_id=OrderFactory(customer=other).pk)
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("loyalty:report"))
    assert response.status_code == 200
    context = response.context
    per_tier = {(row["tier"].name if row["tier"] else None): row["customers"]
                for row in context["per_tier"]}
    assert per_tier["Silver"] == 1 and per_tier["Bronze"] == 5
    this_month = context["movement"]["rows"][-1]
    assert this_month["up"] == 6 and this_month["down"] == 0
    assert context["redemption"][-1]["coupons_granted"] == 1
    assert context["redemption"][-1]["coupons_redeemed"] == 1
    assert context["redemption"][-1]["points_earned"] == 400 + 5 * 199


@pytest.mark.parametrize("table", ["tiers", "movement", "redemption"])
def test_the_report_tables_download_as_csv(client, manager, table):
    client.force_login(manager)
    response = client.get(reverse("loyalty:report"), {"csv": table})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert len(response.content.decode().splitlines()) >= 2


def test_the_report_is_for_managers(client, agent):
    client.force_login(agent)
    assert client.get(reverse("loyalty:report")).status_code == 403


# --- Tier configuration ----------------------------------------------------------------

def test_admins_see_tiers_with_member_counts(client, admin_user, customer):
    customer.tier = tier("Gold")
    customer.save()
    client.force_login(admin_user)
    response = client.get(reverse("loyalty:tiers"))
    assert response.status_code == 200
    gold = next(t for t in response.context["tiers"] if t.name == "Gold")
    assert gold.members == 1


@pytest.mark.parametrize("user", ["agent", "manager"])
def test_only_admins_configure_tiers(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("loyalty:tiers")).status_code == 403
    assert client.post(reverse("loyalty:tier_edit", args=[tier("Gold").pk]),
                       {"name": "Hacked"}).status_code == 403


def tier_data(tier_obj, **changes):
    data = {
        "name": tier_obj.name, "name_zh_hans": tier_obj.name_zh_hans, "rank": tier_obj.rank,
        "min_orders": tier_obj.min_orders or "", "min_spend": tier_obj.min_spend or "",
        "qualify_by": tier_obj.qualify_by, "window_months": tier_obj.window_months or "",
        "downgrade": tier_obj.downgrade, "grace_days": tier_obj.grace_days,
        "discount_percent": tier_obj.discount_percent, "perks": "\n".join(tier_obj.perks),
        "perks_zh_hans": "\n".join(tier_obj.perks_zh_hans),
        "priority_service": "on" if tier_obj.priority_service else "",
        "badge_colour": tier_obj.badge_colour,
    }
    data.update(changes)
    return data


def test_an_admin_changes_a_threshold_and_every_tier_is_recomputed(
        client, admin_user, django_capture_on_commit_callbacks):
    silver = tier("Silver")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("loyalty:tier_edit", args=[silver.pk]), tier_data(
            silver, min_orders=5, window_months=12, downgrade="grace", grace_days=30,
            perks="10% off\nFree shipping"))
    assert response.status_code == 302
    silver.refresh_from_db()
    assert (silver.min_orders, silver.window_months, silver.downgrade, silver.grace_days) == (
        5, 12, "grace", 30)
    assert silver.perks == ["10% off", "Free shipping"]
    assert len(callbacks) == 1
    entry = AuditEntry.objects.get(action="loyalty.tier_changed")
    assert entry.before["min_orders"] == "4" and entry.after["min_orders"] == "5"


def test_changing_only_the_badge_recomputes_nothing(client, admin_user,
                                                    django_capture_on_commit_callbacks):
    gold = tier("Gold")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("loyalty:tier_edit", args=[gold.pk]),
                    tier_data(gold, badge_colour="#ffd700"))
    assert callbacks == []
    gold.refresh_from_db()
    assert gold.badge_colour == "#ffd700"


def test_a_tier_needs_a_threshold(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("loyalty:tier_create"), {
        "name": "Platinum", "rank": 4, "qualify_by": "all", "downgrade": "never",
        "grace_days": 0, "discount_percent": "20", "badge_colour": "#e5e4e2"})
    assert response.status_code == 200
    assert "Set a minimum order count" in response.content.decode()
    assert not Tier.objects.filter(name="Platinum").exists()


def test_the_members_page_pages_and_keeps_its_query_count(client, manager,
                                                          django_assert_max_num_queries):
    silver = tier("Silver")
    CustomerFactory.create_batch(55, tier=silver)
    client.force_login(manager)
    url = reverse("loyalty:tier_members", args=[silver.pk])
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"page": 2})
    CustomerFactory.create_batch(50, tier=silver)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"page": 2})
    assert response.status_code == 200
    assert len(response.context["page"]) == 50


def test_the_loyalty_pages_speak_chinese(client, manager, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(manager)
    html = client.get(reverse("loyalty:report")).content.decode()
    assert "会员报表" in html and "各等级客户数" in html and "金卡会员" in html


def test_a_service_error_is_shown_in_chinese(client, agent, ticket, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(agent)
    html = client.post(reverse("loyalty:grant_coupon", args=[ticket.pk]), {
        "kind": "percent", "value": "120", "valid_days": "30", "reason": "x"},
        **HTMX).content.decode()
    assert "折扣百分比不能超过 100。" in html


def test_the_balances_partial_works_when_another_page_includes_it(agent, manager, customer):
    """The 360 page and the sidebar include it with only `customer` in their context."""
    from django.template.loader import render_to_string
    from django.utils import translation

    services.adjust_store_credit(customer=customer, amount=Decimal("35"), by=manager,
                                 reason="Goodwill")
    services.grant_coupon(customer=customer, granted_by=agent, percent_off=Decimal("5"),
                          reason="Sorry")
    with translation.override("en"):
        html = render_to_string("loyalty/_customer_balances.html", {"customer": customer})
    assert "¥35.00" in html and "5% off" in html
