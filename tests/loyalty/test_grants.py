"""Apology coupons and store credit: authority limits per grant and per month, manager
approval above them, the notice budget, and redemption."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from helpdesk.models import AuditEntry
from loyalty import selectors, services
from loyalty.models import AuthorityLimit, Coupon, GrantStatus, NoticeBudget, StoreCreditGrant
from tests.factories import CustomerFactory, OrderFactory, TicketFactory, UserFactory
from tickets.models import TicketEvent

from .conftest import needs_postgresql

pytestmark = pytest.mark.django_db

# Seeded agent limits: 50 per grant, 15% per coupon, 500 and 20 grants per month.


@pytest.fixture
def ticket(customer):
    return TicketFactory(customer=customer)


def coupon(customer, by, ticket=None, **value):
    return services.grant_coupon(customer=customer, granted_by=by, ticket=ticket,
                                 reason="Parcel late", **value)


def test_an_agent_grants_a_coupon_within_the_limit_and_it_is_usable_at_once(customer, agent,
                                                                           ticket):
    granted = coupon(customer, agent, ticket, percent_off=Decimal("15"))
    assert granted.status == GrantStatus.APPROVED and not granted.needs_approval
    assert granted.code.startswith("KF-") and len(granted.code) == 12
    assert granted.is_usable(timezone.now())
    assert granted.expires_at > timezone.now() + timedelta(days=29)
    event = TicketEvent.objects.get(ticket=ticket, kind="loyalty")
    assert event.data["action"] == "coupon_granted" and event.data["code"] == granted.code
    assert event.actor == agent
    assert AuditEntry.objects.filter(action="loyalty.coupon_granted").exists()


def test_a_coupon_above_the_per_grant_limit_waits_for_a_manager(customer, agent):
    assert coupon(customer, agent, percent_off=Decimal("15.01")).status == GrantStatus.PENDING
    assert coupon(customer, agent, amount_off=Decimal("50.01")).status == GrantStatus.PENDING
    assert coupon(customer, agent, amount_off=Decimal("50")).status == GrantStatus.APPROVED


def test_store_credit_within_the_limit_is_posted_at_once(customer, agent, ticket):
    grant = services.grant_store_credit(customer=customer, granted_by=agent,
                                        amount=Decimal("50"), ticket=ticket, reason="Sorry")
    assert grant.status == GrantStatus.APPROVED
    assert grant.entry.amount == Decimal("50") and grant.entry.ticket == ticket
    assert selectors.balances(customer)["store_credit"] == Decimal("50")


def test_store_credit_above_the_limit_is_posted_only_when_a_manager_approves(customer, agent,
                                                                           manager):
    grant = services.grant_store_credit(customer=customer, granted_by=agent,
                                        amount=Decimal("80"), reason="Broken teapot")
    assert grant.status == GrantStatus.PENDING and grant.entry is None
    assert selectors.balances(customer)["store_credit"] == 0
    services.approve_grant(grant=grant, by=manager)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED and grant.decided_by == manager
    assert selectors.balances(customer)["store_credit"] == Decimal("80")


def test_the_monthly_limit_counts_what_the_agent_granted_this_month(customer, agent):
    for _ in range(9):
        services.grant_store_credit(customer=customer, granted_by=agent, amount=Decimal("50"),
                                    reason="Goodwill")
    assert coupon(customer, agent, amount_off=Decimal("50")).status == GrantStatus.APPROVED
    # 500 used: the next one needs approval, and pending ones do not use the allowance.
    assert coupon(customer, agent, amount_off=Decimal("1")).status == GrantStatus.PENDING
    assert coupon(customer, agent, amount_off=Decimal("1")).status == GrantStatus.PENDING


def test_the_monthly_allowance_starts_again_next_month(customer, agent):
    with time_machine.travel("2027-03-15 12:00 +08:00", tick=False):
        for _ in range(10):
            coupon(customer, agent, amount_off=Decimal("50"))
        assert coupon(customer, agent, amount_off=Decimal("10")).status == GrantStatus.PENDING
    with time_machine.travel("2027-04-01 00:05 +08:00", tick=False):
        assert coupon(customer, agent, amount_off=Decimal("10")).status == GrantStatus.APPROVED


def test_the_number_of_grants_per_month_is_limited(customer, agent):
    for _ in range(20):
        coupon(customer, agent, percent_off=Decimal("5"))
    assert coupon(customer, agent, percent_off=Decimal("5")).status == GrantStatus.PENDING


def test_one_agents_grants_do_not_use_anothers_allowance(customer, agent, other_agent):
    for _ in range(10):
        coupon(customer, agent, amount_off=Decimal("50"))
    assert coupon(customer, other_agent, amount_off=Decimal("50")).status == GrantStatus.APPROVED


def test_a_manager_has_a_higher_limit_and_an_admin_none(customer, manager, admin_user):
    assert coupon(customer, manager, amount_off=Decimal("300")).status == GrantStatus.APPROVED
    assert coupon(customer, manager, amount_off=Decimal("301")).status == GrantStatus.PENDING
    assert coupon(customer, admin_user, amount_off=Decimal("9999")).status == (
        GrantStatus.APPROVED)


def test_limits_are_what_the_admin_set(customer, agent):
    AuthorityLimit.objects.filter(role="agent").update(max_amount_per_grant=Decimal("10"))
    assert coupon(customer, agent, amount_off=Decimal("11")).status == GrantStatus.PENDING


def test_a_role_without_a_limit_row_needs_approval_for_everything(customer, agent):
    AuthorityLimit.objects.filter(role="agent").delete()
    assert coupon(customer, agent, amount_off=Decimal("1")).status == GrantStatus.PENDING


def test_someone_without_a_role_cannot_grant(customer, outsider):
    with pytest.raises(PermissionDenied):
        coupon(customer, outsider, amount_off=Decimal("1"))


def test_the_granter_cannot_approve_their_own_grant(customer, manager):
    pending = coupon(customer, manager, amount_off=Decimal("301"))
    with pytest.raises(services.ApprovalError):
        services.approve_grant(grant=pending, by=manager)


def test_agents_cannot_approve(customer, agent, other_agent):
    pending = coupon(customer, agent, amount_off=Decimal("60"))
    with pytest.raises(PermissionDenied):
        services.approve_grant(grant=pending, by=other_agent)


def test_a_grant_is_decided_once(customer, agent, manager, admin_user):
    pending = coupon(customer, agent, amount_off=Decimal("60"))
    services.reject_grant(grant=pending, by=manager, note="Too much")
    with pytest.raises(services.ApprovalError):
        services.approve_grant(grant=pending, by=admin_user)
    pending.refresh_from_db()
    assert pending.status == GrantStatus.REJECTED and not pending.is_usable(timezone.now())


def test_an_approved_coupon_is_valid_for_its_full_period_from_the_approval(customer, agent,
                                                                         manager):
    with time_machine.travel("2027-03-01 10:00 +00:00", tick=False):
        pending = coupon(customer, agent, amount_off=Decimal("60"))
        validity = pending.expires_at - pending.created_at
    with time_machine.travel("2027-03-05 10:00 +00:00", tick=False):
        approved = services.approve_grant(grant=pending, by=manager)
        assert approved.expires_at == timezone.now() + validity


@pytest.mark.parametrize("value", [
    {}, {"percent_off": Decimal("5"), "amount_off": Decimal("5")}, {"percent_off": 0},
    {"percent_off": Decimal("101")}, {"amount_off": Decimal("-3")}, {"amount_off": "abc"},
])
def test_a_coupon_needs_exactly_one_valid_value(customer, agent, value):
    with pytest.raises(ValidationError):
        coupon(customer, agent, **value)
    assert not Coupon.objects.exists()


def test_a_grant_needs_a_reason_and_the_customers_own_ticket(customer, agent):
    with pytest.raises(ValidationError):
        services.grant_coupon(customer=customer, granted_by=agent, amount_off=Decimal("5"),
                              reason=" ")
    with pytest.raises(ValidationError):
        coupon(customer, agent, ticket=TicketFactory(), amount_off=Decimal("5"))
    with pytest.raises(ValidationError):
        services.grant_store_credit(customer=customer, granted_by=agent, amount=Decimal("5"),
                                    order=OrderFactory(), reason="x")


def test_notice_coupons_count_against_the_notice_budget_not_a_person(customer, agent):
    NoticeBudget.objects.update(max_grants_per_month=2, max_amount_per_month=Decimal("100"))
    for _ in range(2):
        granted = services.grant_coupon(customer=customer, granted_by=None,
                                        amount_off=Decimal("20"), reason="Delay notice",
                                        source="notice")
        assert granted.status == GrantStatus.APPROVED and granted.source == "notice"
    with pytest.raises(services.NoticeBudgetExceeded):
        services.grant_coupon(customer=customer, granted_by=None, percent_off=Decimal("5"),
                              reason="Delay notice", source="notice")
    assert coupon(customer, agent, amount_off=Decimal("50")).status == GrantStatus.APPROVED


def test_the_notice_budget_caps_each_coupon_and_the_month(customer):
    NoticeBudget.objects.update(max_amount_per_month=Decimal("30"))
    with pytest.raises(services.NoticeBudgetExceeded):
        services.grant_coupon(customer=customer, granted_by=None, percent_off=Decimal("11"),
                              reason="Delay", source="notice")
    with pytest.raises(services.NoticeBudgetExceeded):
        services.grant_coupon(customer=customer, granted_by=None, amount_off=Decimal("21"),
                              reason="Delay", source="notice")
    services.grant_store_credit(customer=customer, granted_by=None, amount=Decimal("20"),
                                reason="Delay", source="notice")
    with pytest.raises(services.NoticeBudgetExceeded):
        services.grant_coupon(customer=customer, granted_by=None, amount_off=Decimal("11"),
                              reason="Delay", source="notice")
    assert StoreCreditGrant.objects.get().status == GrantStatus.APPROVED


def test_a_coupon_is_redeemed_once_before_it_expires(customer, agent):
    granted = coupon(customer, agent, amount_off=Decimal("20"))
    order = OrderFactory(customer=customer)
    with pytest.raises(services.CouponNotUsable):
        services.redeem_coupon(code=granted.code, order=OrderFactory())
    redeemed = services.redeem_coupon(code=granted.code.lower(), order=order)
    assert redeemed.status == GrantStatus.REDEEMED and redeemed.redeemed_order == order
    with pytest.raises(services.CouponNotUsable):
        services.redeem_coupon(code=granted.code, order=order)


def test_an_expired_or_pending_coupon_cannot_be_redeemed(customer, agent):
    expired = coupon(customer, agent, amount_off=Decimal("20"))
    pending = coupon(customer, agent, amount_off=Decimal("60"))
    with (time_machine.travel(expired.expires_at + timedelta(seconds=1)),
          pytest.raises(services.CouponNotUsable)):
        services.redeem_coupon(code=expired.code)
    with pytest.raises(services.CouponNotUsable):
        services.redeem_coupon(code=pending.code)
    with pytest.raises(services.CouponNotUsable):
        services.redeem_coupon(code="KF-NONE-NONE")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_grants_cannot_both_slip_under_the_monthly_limit():
    needs_postgresql()
    agent = UserFactory(username="race", role="agent")
    customer = CustomerFactory()
    AuthorityLimit.objects.filter(role="agent").update(max_amount_per_month=Decimal("50"),
                                                       max_amount_per_grant=Decimal("50"))
    barrier = threading.Barrier(2)

    def grant():
        try:
            barrier.wait(timeout=10)
            services.grant_coupon(customer=customer, granted_by=agent, amount_off=Decimal("30"),
                                  reason="Late")
        finally:
            connection.close()

    threads = [threading.Thread(target=grant) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(Coupon.objects.values_list("status", flat=True)) == ["approved", "pending"]
