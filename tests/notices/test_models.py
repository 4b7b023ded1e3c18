"""One row's rules, on unsaved instances."""

from datetime import UTC, datetime, time

import pytest
from django.core.exceptions import ValidationError

from notices.models import ExceptionStatus, NoticeRules, NoticeTemplate

RULES = NoticeRules(send_from=time(9, 0), send_until=time(21, 0), holdout_percent=0)


@pytest.mark.parametrize("utc, expected", [
    (datetime(2026, 3, 10, 1, 0, tzinfo=UTC), None),  # 09:00 Shanghai: open
    (datetime(2026, 3, 10, 12, 59, tzinfo=UTC), None),  # 20:59
    (datetime(2026, 3, 10, 13, 0, tzinfo=UTC), datetime(2026, 3, 11, 1, 0, tzinfo=UTC)),  # 21:00
    (datetime(2026, 3, 10, 18, 0, tzinfo=UTC), datetime(2026, 3, 11, 1, 0, tzinfo=UTC)),  # 02:00
    (datetime(2026, 3, 10, 0, 59, tzinfo=UTC), datetime(2026, 3, 10, 1, 0, tzinfo=UTC)),  # 08:59
])
def test_notices_wait_outside_the_sending_hours_in_the_customers_zone(utc, expected):
    assert RULES.deliver_after(utc, "Asia/Shanghai") == expected


def test_the_sending_hours_follow_daylight_saving_time():
    # 9 March 2026: New York is on EDT (UTC-4) since the 8th.
    night = datetime(2026, 3, 9, 5, 0, tzinfo=UTC)  # 01:00 EDT
    assert RULES.deliver_after(night, "America/New_York") == datetime(2026, 3, 9, 13, 0,
                                                                      tzinfo=UTC)


def test_an_unknown_time_zone_uses_the_shops():
    utc = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
    assert RULES.deliver_after(utc, "Nowhere/Land") == RULES.deliver_after(utc, "Asia/Shanghai")


def test_sending_hours_must_end_after_they_start():
    with pytest.raises(ValidationError):
        NoticeRules(send_from=time(21), send_until=time(9)).clean()


def test_the_hold_out_group_is_stable_and_about_the_share_asked_for():
    rules = NoticeRules(holdout_percent=10)
    held = [shipment_id for shipment_id in range(1, 10_001) if rules.is_held_out(shipment_id)]
    assert 900 < len(held) < 1100
    assert held == [i for i in range(1, 10_001) if rules.is_held_out(i)]
    assert not any(NoticeRules(holdout_percent=0).is_held_out(i) for i in range(1000))


def test_a_template_may_use_only_known_placeholders():
    NoticeTemplate(reason="late", language="en", subject="#{{order_number}}",
                   body="{{ customer_name }} {{coupon_code}}").clean()
    with pytest.raises(ValidationError, match="order_no"):
        NoticeTemplate(reason="late", language="en", subject="#{{order_no}}", body="").clean()


def test_an_exception_status_reads_its_keywords_and_wording_per_language():
    status = ExceptionStatus(code="customs_hold", description="held at customs",
                             description_zh_hans="在海关清关时被暂扣", keywords="Customs, 海关 ,")
    assert status.keyword_list == ["customs", "海关"]
    assert status.wording("zh-hans") == "在海关清关时被暂扣"
    assert status.wording("en") == "held at customs"
