"""The delay rules, on unsaved rows: no database."""

from datetime import UTC, date, datetime, timedelta

import pytest

from customers.models import Customer, Shipment, ShipmentStatus
from notices.detection import (
    ExceptionRule,
    Rules,
    classify_exception,
    evaluate,
    late_boundary,
)

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
RULES = Rules(exceptions=(
    ExceptionRule("lost", ("lost", "丢失")),
    ExceptionRule("customs_hold", ("customs", "海关")),
    ExceptionRule("weather", ("weather", "typhoon")),
    ExceptionRule("attempted_delivery"),
    ExceptionRule("returned"),
    ExceptionRule("delayed"),
    ExceptionRule("failure"),
    ExceptionRule("exception"),
))


def shipment(**fields) -> Shipment:
    customer = Customer(name="Lin Wei", time_zone=fields.pop("time_zone", "Asia/Shanghai"))
    values = {"status": ShipmentStatus.IN_TRANSIT, "promised_delivery_date": date(2026, 3, 12),
              "shipped_at": NOW - timedelta(days=2), "last_event_at": NOW - timedelta(hours=5)}
    values.update(fields)
    return Shipment(customer=customer, carrier="SF Express", tracking_number="SF1", **values)


def reasons(found) -> list[str]:
    return [problem.reason for problem in found.problems]


def test_a_shipment_on_its_way_and_on_time_has_no_delay_but_is_watched():
    found = evaluate(shipment(), now=NOW, rules=RULES)
    assert found.problems == ()
    assert found.late_at == datetime(2026, 3, 12, 16, 0, tzinfo=UTC)  # 13 March 00:00 Shanghai
    assert found.last_scan_at == NOW - timedelta(hours=5)


def test_past_the_promised_date_and_not_delivered_is_late():
    found = evaluate(shipment(promised_delivery_date=date(2026, 3, 9)), now=NOW, rules=RULES)
    assert reasons(found) == ["late"]
    assert found.problems[0].key == "late:2026-03-09"
    assert found.late_at is None


def test_the_promised_day_itself_is_not_late_yet():
    found = evaluate(shipment(promised_delivery_date=date(2026, 3, 10)), now=NOW, rules=RULES)
    assert reasons(found) == []


def test_lateness_follows_the_customers_calendar():
    # 03:59 UTC on 10 March is still 9 March (23:59 EDT) in New York.
    ny = shipment(promised_delivery_date=date(2026, 3, 9), time_zone="America/New_York")
    before = NOW - timedelta(minutes=1)
    assert reasons(evaluate(ny, now=before, rules=RULES)) == []
    assert evaluate(ny, now=before, rules=RULES).late_at == NOW
    assert reasons(evaluate(ny, now=NOW, rules=RULES)) == ["late"]


def test_a_delivered_or_cancelled_shipment_has_no_delay_and_needs_no_watch():
    for status in (ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED):
        found = evaluate(shipment(status=status, promised_delivery_date=date(2026, 3, 1),
                                  last_event_at=NOW - timedelta(days=9)),
                         now=NOW, rules=RULES, latest_status="exception")
        assert found.problems == ()
        assert not found.needs_watch


@pytest.mark.parametrize("status, description, code", [
    ("exception", "Held at customs for inspection", "customs_hold"),
    ("exception", "包裹在海关查验", "customs_hold"),
    ("exception", "Typhoon warning, flights suspended", "weather"),
    ("exception", "Parcel reported lost", "lost"),
    ("exception", "", "exception"),
    ("attempted_delivery", "Nobody home", "attempted_delivery"),
    ("returned", "", "returned"),
    ("delayed", "", "delayed"),
    ("failure", "", "failure"),
])
def test_carrier_and_shop_exception_statuses_are_recognised(status, description, code):
    assert classify_exception(status, description, RULES) == code
    found = evaluate(shipment(), now=NOW, rules=RULES, latest_status=status,
                     latest_description=description)
    assert reasons(found) == ["exception"]
    assert found.problems[0].key == f"exception:{code}"


def test_an_ordinary_scan_mentioning_customs_is_not_an_exception():
    assert classify_exception("in_transit", "Departed customs facility", RULES) is None
    found = evaluate(shipment(), now=NOW, rules=RULES, latest_status="in_transit",
                     latest_description="Departed customs facility")
    assert found.problems == ()


def test_the_shipments_own_exception_status_counts_when_no_scan_says_more():
    found = evaluate(shipment(status=ShipmentStatus.EXCEPTION), now=NOW, rules=RULES)
    assert [p.key for p in found.problems] == ["exception:exception"]


def test_the_latest_scan_is_more_specific_than_the_shipment_status():
    found = evaluate(shipment(status=ShipmentStatus.EXCEPTION), now=NOW, rules=RULES,
                     latest_status="exception", latest_description="customs inspection")
    assert [p.key for p in found.problems] == ["exception:customs_hold"]


def test_no_scan_for_more_than_the_stall_hours_while_in_transit_is_stalled():
    last = NOW - timedelta(hours=72)
    found = evaluate(shipment(last_event_at=last), now=NOW, rules=RULES)
    assert reasons(found) == ["stalled"]
    assert found.problems[0].key == "stalled:2026-03-07T04:00:00"
    assert found.last_scan_at is None  # nothing more to wait for on this scan

    just_before = evaluate(shipment(last_event_at=last + timedelta(seconds=1)), now=NOW,
                           rules=RULES)
    assert reasons(just_before) == []
    assert just_before.last_scan_at == last + timedelta(seconds=1)


def test_the_stall_hours_are_the_admins():
    rules = Rules(stalled_after=timedelta(hours=24))
    assert reasons(evaluate(shipment(last_event_at=NOW - timedelta(hours=25)), now=NOW,
                            rules=rules)) == ["stalled"]


def test_a_shipment_never_scanned_counts_from_when_it_was_shipped():
    found = evaluate(shipment(last_event_at=None, shipped_at=NOW - timedelta(days=4)),
                     now=NOW, rules=RULES)
    assert reasons(found) == ["stalled"]


def test_only_a_moving_parcel_can_stall():
    for status in (ShipmentStatus.LABEL_CREATED, ShipmentStatus.ATTEMPTED):
        found = evaluate(shipment(status=status, last_event_at=NOW - timedelta(days=5)),
                         now=NOW, rules=RULES)
        assert "stalled" not in reasons(found)


def test_several_problems_at_once_come_highest_priority_first():
    found = evaluate(shipment(promised_delivery_date=date(2026, 3, 1),
                              last_event_at=NOW - timedelta(days=5)),
                     now=NOW, rules=RULES, latest_status="exception",
                     latest_description="customs")
    assert reasons(found) == ["exception", "late", "stalled"]


def test_a_rule_the_admin_switched_off_finds_nothing():
    off = Rules(late=False, exception=False, stalled=False, exceptions=RULES.exceptions)
    found = evaluate(shipment(promised_delivery_date=date(2026, 3, 1),
                              last_event_at=NOW - timedelta(days=5)),
                     now=NOW, rules=off, latest_status="exception")
    assert found.problems == ()


def test_a_disabled_exception_status_is_an_ordinary_scan():
    rules = Rules(exceptions=(ExceptionRule("lost", ("lost",)),))
    assert classify_exception("attempted_delivery", "", rules) is None


def test_the_late_boundary_is_midnight_after_the_promised_day_in_the_customers_zone():
    assert late_boundary(date(2026, 3, 9), "Asia/Shanghai") == datetime(2026, 3, 9, 16, 0,
                                                                        tzinfo=UTC)
    assert late_boundary(date(2026, 3, 9), "Europe/London") == datetime(2026, 3, 10, 0, 0,
                                                                        tzinfo=UTC)
    # An unknown zone name falls back to the shop's zone instead of failing the sweep.
    assert late_boundary(date(2026, 3, 9), "Mars/Olympus") == late_boundary(
        date(2026, 3, 9), "Asia/Shanghai")
