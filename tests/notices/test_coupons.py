"""The apology coupon a notice carries, by tier, through the loyalty service and its notice
budget."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loyalty.models import Coupon, GrantSource, NoticeBudget
from loyalty.services.grants import monthly_usage
from notices import services
from notices.models import ApologyCoupon, DelayNotice
from tests.factories import tier

from .conftest import NOON, late_shipment, make_shipment, scan

pytestmark = pytest.mark.usefixtures("at_noon")


@pytest.fixture(autouse=True)
def no_enqueue(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        yield


def notify(shipment) -> list[DelayNotice]:
    return [services.send_delay_notice(episode_id=episode_id)
            for episode_id in services.check_shipments(shipment_ids=[shipment.pk])]


def test_a_gold_customer_gets_an_apology_coupon_in_the_notice(db):
    [notice] = notify(late_shipment(tier=tier("Gold")))
    coupon = notice.coupon
    assert coupon.amount_off == Decimal("20.00")
    assert coupon.percent_off is None
    assert coupon.source == GrantSource.NOTICE
    assert coupon.customer == notice.ticket.customer
    assert coupon.expires_at == NOON + timedelta(days=30)
    assert coupon.is_usable(NOON)
    assert (f"As an apology for the delay, I'd like to offer you ¥20.00 off your next order "
            f"with the code {coupon.code} (valid until April 9, 2026).") in notice.message.body_text
    assert notice.ticket.events.get(kind="notice").data["coupon"] == coupon.code


def test_a_silver_customer_gets_the_silver_coupon_and_bronze_gets_none(db):
    [silver] = notify(late_shipment(tier=tier("Silver")))
    [bronze] = notify(late_shipment(tier=tier("Bronze")))
    assert silver.coupon.amount_off == Decimal("10.00")
    assert bronze.coupon is None
    assert "As an apology" not in bronze.message.body_text


def test_the_coupon_sentence_is_in_the_customers_language(db):
    [notice] = notify(late_shipment(tier=tier("Gold"), language="zh-hans"))
    assert (f"为表歉意，送您一张优惠券：下次购物可优惠¥20.00，优惠码 {notice.coupon.code}"
            f"（2026年4月9日前有效）。") in notice.message.body_text


def test_a_percentage_coupon_reads_as_one(db):
    ApologyCoupon.objects.filter(tier=tier("Gold")).update(amount_off=None,
                                                          percent_off=Decimal("10"))
    [notice] = notify(late_shipment(tier=tier("Gold")))
    assert notice.coupon.percent_off == Decimal("10.00")
    assert "offer you 10% off your next order" in notice.message.body_text


def test_coupons_count_against_the_notice_budget(db):
    notify(late_shipment(tier=tier("Gold")))
    notify(late_shipment(tier=tier("Silver")))
    assert monthly_usage(now=datetime.now(UTC), source=GrantSource.NOTICE) == (
        Decimal("30.00"), 2)


def test_when_the_budget_is_spent_the_notice_goes_without_a_coupon(db):
    NoticeBudget.objects.update_or_create(pk=1, defaults={"max_grants_per_month": 1})
    [first] = notify(late_shipment(tier=tier("Gold")))
    [second] = notify(late_shipment(tier=tier("Gold")))
    assert first.coupon is not None
    assert second.coupon is None
    assert "As an apology" not in second.message.body_text
    assert Coupon.objects.count() == 1


def test_an_order_gets_one_apology_coupon_however_many_notices(db):
    shipment = make_shipment(tier=tier("Gold"))
    scan(shipment, "exception", "customs", at=NOON - timedelta(hours=2))
    [first] = notify(shipment)
    scan(shipment, "exception", "typhoon", at=NOON - timedelta(hours=1))
    [second] = notify(shipment)
    assert first.coupon is not None
    assert second.coupon is None
    assert Coupon.objects.count() == 1


def test_a_disabled_rule_grants_nothing(db):
    ApologyCoupon.objects.update(enabled=False)
    [notice] = notify(late_shipment(tier=tier("Gold")))
    assert notice.coupon is None
    assert not Coupon.objects.exists()


def test_writing_the_notice_again_grants_no_second_coupon(db):
    [notice] = notify(late_shipment(tier=tier("Gold")))
    assert services.send_delay_notice(episode_id=notice.episode_id) == notice
    assert Coupon.objects.count() == 1


def test_the_coupon_shows_in_the_api_and_the_sidebar(db, agent):
    from django.template.loader import render_to_string
    from rest_framework.test import APIClient

    shipment = late_shipment(tier=tier("Gold"))
    [notice] = notify(shipment)
    api = APIClient()
    api.force_authenticate(agent)
    data = api.get(f"/api/v1/shipments/{shipment.pk}/notices/").json()
    assert data["episodes"][0]["notice"]["coupon"] == notice.coupon.code
    html = render_to_string("notices/_shipment_delay.html", {"shipment": shipment})
    assert notice.coupon.code in html


def test_the_report_counts_notices_with_a_coupon(db):
    from notices import selectors

    notify(late_shipment(tier=tier("Gold")))
    notify(late_shipment())
    report = selectors.notice_report(since=NOON - timedelta(days=1), until=NOON)
    assert (report.written, report.with_coupon) == (2, 1)
