from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from customers.models import CustomerIdentity, ShipmentStatus
from notices import services
from notices.models import (
    DelayEpisode,
    DelayNotice,
    NoticeRules,
    NoticeState,
    ShipmentWatch,
    SkipReason,
)
from tests.factories import CustomerFactory
from tickets import outbound
from tickets.models import Category, DeliveryStatus, Direction, Message, Status, TicketEvent

from .conftest import NIGHT, NOON, late_shipment, make_shipment, scan

pytestmark = pytest.mark.usefixtures("at_noon")


def check_and_send(shipment) -> list[DelayNotice]:
    return [services.send_delay_notice(episode_id=episode_id)
            for episode_id in services.check_shipments(shipment_ids=[shipment.pk])]


@pytest.fixture(autouse=True)
def no_enqueue(django_capture_on_commit_callbacks):
    """Delivery tasks are queued after commit; these tests deliver by calling outbound."""
    with django_capture_on_commit_callbacks(execute=False):
        yield


# --- One notice per delay ------------------------------------------------------------

def test_a_late_shipment_gets_one_notice_as_a_proactive_ticket_in_the_customers_timeline(db):
    shipment = late_shipment(name="Lin Wei", number="50123", estimate=date(2026, 3, 13))

    [notice] = check_and_send(shipment)

    episode = notice.episode
    assert (episode.reason, episode.key, episode.notice_state) == (
        "late", "late:2026-03-09", NoticeState.NOTIFIED)
    ticket = notice.ticket
    assert ticket.customer == shipment.customer
    assert ticket.order == shipment.order
    assert ticket.category == Category.SHIPPING_PROBLEM
    assert ticket.status == Status.PENDING
    message = notice.message
    assert message.ticket == ticket
    assert message.direction == Direction.OUTBOUND
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert message.external_message_id.startswith("<kefu.")
    assert message.deliver_after is None  # noon: inside the sending hours
    body = message.body_text
    assert body.startswith("Hi Lin Wei,")
    assert "I'm tracking your order #50123 and noticed it's been delayed" in body
    assert "New estimated delivery: March 13, 2026" in body
    assert "Carrier: SF Express" in body
    assert f"Tracking number: {shipment.tracking_number}" in body
    assert "Track your package here: https://www.sf-express.com/waybill/50123" in body
    assert "{{" not in body
    assert ticket.subject == "Your order #50123 is running late"
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.NOTICE,
                                      data__action="written", data__reason="late").exists()


def test_checking_and_sending_again_finds_the_notice_already_written(db):
    shipment = late_shipment()
    [first] = check_and_send(shipment)

    assert services.check_shipments(shipment_ids=[shipment.pk]) == []
    assert services.send_delay_notice(episode_id=first.episode_id) == first
    assert DelayEpisode.objects.count() == 1
    assert DelayNotice.objects.count() == 1
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1


def test_the_notice_is_in_the_customers_language(db):
    shipment = late_shipment(name="王芳", language="zh-hans", number="50124",
                             estimate=date(2026, 3, 13))
    [notice] = check_and_send(shipment)
    assert notice.language == "zh-hans"
    assert notice.ticket.subject == "您的订单#50124配送延误了"
    body = notice.message.body_text
    assert body.startswith("王芳，您好！")
    assert "原定2026年3月9日前送达" in body
    assert "新的预计送达日期：2026年3月13日" in body


def test_a_line_about_a_new_estimate_is_left_out_when_there_is_none(db):
    [notice] = check_and_send(late_shipment())
    body = notice.message.body_text
    assert "New estimated delivery" not in body
    assert "As an apology" not in body  # no coupon for a customer without a tier
    assert "\n\n\n" not in body


def test_an_exception_notice_says_what_the_carrier_reported(db):
    shipment = make_shipment(status=ShipmentStatus.EXCEPTION)
    scan(shipment, "exception", "Held at customs for inspection")
    [notice] = check_and_send(shipment)
    assert notice.episode.exception_code == "customs_hold"
    assert "SF Express reports that your parcel is held at customs." in notice.message.body_text


def test_a_stalled_notice_says_when_the_parcel_was_last_scanned(db):
    shipment = make_shipment(last_scan=NOON - timedelta(hours=80))
    [notice] = check_and_send(shipment)
    assert notice.episode.reason == "stalled"
    assert "no tracking update from SF Express since March 7, 2026" in notice.message.body_text


# --- Episodes ------------------------------------------------------------------------

def test_a_new_exception_is_a_new_episode_with_its_own_notice(db):
    shipment = make_shipment()
    scan(shipment, "exception", "Held at customs", at=NOON - timedelta(hours=3))
    check_and_send(shipment)
    scan(shipment, "exception", "Typhoon: flights suspended", at=NOON - timedelta(hours=1))
    check_and_send(shipment)
    assert sorted(DelayEpisode.objects.values_list("key", flat=True)) == [
        "exception:customs_hold", "exception:weather"]
    assert DelayNotice.objects.count() == 2
    customs = DelayEpisode.objects.get(key="exception:customs_hold")
    assert customs.resolved_at is not None  # the latest scan says something else now


def test_the_same_exception_reported_again_is_the_same_episode(db):
    shipment = make_shipment()
    scan(shipment, "attempted_delivery", "Nobody home", at=NOON - timedelta(hours=3))
    check_and_send(shipment)
    scan(shipment, "attempted_delivery", "Nobody home again", at=NOON - timedelta(hours=1))
    check_and_send(shipment)
    assert DelayNotice.objects.count() == 1


def test_a_second_missed_date_is_a_new_episode(db, at_noon):
    shipment = late_shipment()
    check_and_send(shipment)
    shipment.promised_delivery_date = date(2026, 3, 11)  # the shop promised a new date
    shipment.save()
    assert check_and_send(shipment) == []
    first = DelayEpisode.objects.get(key="late:2026-03-09")
    assert first.resolved_at is not None

    at_noon.shift(timedelta(days=2))  # 12 March: the new date is missed too
    [second] = check_and_send(shipment)
    assert second.episode.key == "late:2026-03-11"
    assert DelayNotice.objects.count() == 2


def test_a_late_parcel_already_announced_as_held_at_customs_gets_no_second_notice(db):
    shipment = make_shipment(promised=date(2026, 3, 11))
    scan(shipment, "exception", "customs")
    check_and_send(shipment)
    shipment.promised_delivery_date = date(2026, 3, 9)
    shipment.save()
    assert check_and_send(shipment) == []
    late = DelayEpisode.objects.get(reason="late")
    assert late.notice_state == NoticeState.COVERED
    assert DelayNotice.objects.count() == 1


def test_problems_found_together_get_one_notice_for_the_most_serious(db):
    shipment = late_shipment(last_scan=NOON - timedelta(days=4))
    notices = check_and_send(shipment)
    assert [n.episode.reason for n in notices] == ["late"]
    assert DelayEpisode.objects.get(reason="stalled").notice_state == NoticeState.COVERED


def test_a_missed_date_after_a_stall_notice_is_news(db, at_noon):
    shipment = make_shipment(promised=date(2026, 3, 11), last_scan=NOON - timedelta(days=4))
    [stalled] = check_and_send(shipment)
    assert stalled.episode.reason == "stalled"
    at_noon.shift(timedelta(days=2))
    [late] = check_and_send(shipment)
    assert late.episode.reason == "late"


def test_delivery_closes_the_open_episodes(db):
    shipment = late_shipment()
    check_and_send(shipment)
    shipment.status = ShipmentStatus.DELIVERED
    shipment.save()
    services.check_shipments(shipment_ids=[shipment.pk])
    assert DelayEpisode.objects.get().resolved_at == timezone.now()
    assert not ShipmentWatch.objects.filter(shipment=shipment).exists()


def test_a_customer_without_an_email_address_gets_no_notice(db):
    shipment = late_shipment()
    CustomerIdentity.objects.filter(customer=shipment.customer).delete()
    assert check_and_send(shipment) == [None]
    episode = DelayEpisode.objects.get()
    assert (episode.notice_state, episode.skip_reason) == (NoticeState.SKIPPED,
                                                           SkipReason.NO_EMAIL)


def test_the_hold_out_group_gets_no_notice(db):
    NoticeRules.objects.filter(pk=1).update(holdout_percent=50)
    shipments = [late_shipment() for _ in range(12)]
    for shipment in shipments:
        check_and_send(shipment)
    held = DelayEpisode.objects.filter(skip_reason=SkipReason.HOLDOUT)
    rules = NoticeRules.load()
    assert held.count() == sum(rules.is_held_out(s.pk) for s in shipments)
    assert 0 < held.count() < 12
    assert DelayNotice.objects.count() == 12 - held.count()


def test_a_switched_off_rule_sends_nothing(db):
    NoticeRules.objects.filter(pk=1).update(late_enabled=False)
    assert check_and_send(late_shipment()) == []
    assert not DelayEpisode.objects.exists()


# --- Quiet hours ---------------------------------------------------------------------

def test_a_delay_found_at_night_is_written_at_once_and_sent_in_the_morning(db, smtp_server):
    with time_machine.travel(NIGHT, tick=False):
        shipment = late_shipment()
        [notice] = check_and_send(shipment)
        morning = datetime(2026, 3, 11, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
        assert notice.deliver_after == morning
        assert notice.message.deliver_after == morning
        assert outbound.deliver(notice.message_id) is False
        assert notice.message_id not in outbound.requeue_stuck()
    with time_machine.travel(morning - timedelta(minutes=1), tick=False):
        assert outbound.deliver(notice.message_id) is False
    with time_machine.travel(morning + timedelta(seconds=5), tick=False):
        assert notice.message_id in outbound.requeue_stuck()
        assert outbound.deliver(notice.message_id) is True
    [email] = smtp_server.wait_for(1)
    assert "#" in email["Subject"]


def test_quiet_hours_follow_the_customers_time_zone(db):
    # Noon in Shanghai is 23:00 the evening before in New York (EDT).
    shipment = late_shipment(time_zone="America/New_York")
    [notice] = check_and_send(shipment)
    assert notice.deliver_after == datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


def test_a_notice_waiting_for_the_morning_is_withdrawn_if_the_parcel_arrives_first(db):
    with time_machine.travel(NIGHT, tick=False):
        shipment = late_shipment()
        [notice] = check_and_send(shipment)
    with time_machine.travel(NIGHT + timedelta(hours=2), tick=False):
        shipment.status = ShipmentStatus.DELIVERED
        shipment.save()
        services.check_shipments(shipment_ids=[shipment.pk])
    notice.refresh_from_db()
    notice.message.refresh_from_db()
    assert notice.withdrawn_at is not None
    assert notice.message.delivery_status == DeliveryStatus.FAILED
    assert notice.message.delivery_error == services.WITHDRAWN_NOTE
    assert outbound.deliver(notice.message_id, now=NIGHT + timedelta(hours=12)) is False
    notice.ticket.refresh_from_db()
    assert notice.ticket.status == Status.SOLVED
    assert notice.episode.__class__.objects.get(pk=notice.episode_id).skip_reason == (
        SkipReason.WITHDRAWN)


def test_a_covered_problem_is_told_when_the_notice_covering_it_is_withdrawn(db):
    with time_machine.travel(NIGHT, tick=False):
        shipment = late_shipment()
        scan(shipment, "exception", "customs", at=NIGHT - timedelta(minutes=5))
        [customs] = check_and_send(shipment)
        assert DelayEpisode.objects.get(reason="late").notice_state == NoticeState.COVERED
        # Released from customs before anyone was told: the late notice goes out instead.
        scan(shipment, "in_transit", "Released", at=NIGHT)
        [late] = check_and_send(shipment)
    assert late.episode.reason == "late"
    customs.refresh_from_db()
    assert customs.withdrawn_at is not None


# --- The sweep -----------------------------------------------------------------------

def sweep_and_send(**kwargs):
    report = services.sweep(**kwargs)
    for episode_id in report.to_notify:
        services.send_delay_notice(episode_id=episode_id)
    return report


def test_the_sweep_finds_shipments_that_became_late_since_it_last_ran(db, at_noon):
    due_tonight = make_shipment(promised=date(2026, 3, 10))
    later = make_shipment(promised=date(2026, 3, 20))
    services.check_shipments(shipment_ids=[due_tonight.pk, later.pk])
    services.sweep()  # catches up with the new rows

    first = sweep_and_send()
    assert (first.due, first.to_notify) == (0, [])

    at_noon.move_to(NOON.replace(hour=16, minute=5))  # 00:05 on 11 March in Shanghai
    report = sweep_and_send()
    assert report.due == 1
    assert DelayNotice.objects.get().episode.shipment == due_tonight


def test_running_the_sweep_twice_writes_one_notice(db, at_noon):
    late_shipment()
    sweep_and_send()
    sweep_and_send()
    at_noon.shift(timedelta(minutes=10))
    sweep_and_send()
    assert DelayNotice.objects.count() == 1


def test_the_sweep_checks_a_shipment_whose_event_task_was_lost(db, at_noon):
    services.sweep()
    at_noon.shift(timedelta(minutes=5))
    shipment = late_shipment()  # no task ever ran for it
    report = sweep_and_send()
    assert report.new_shipments == 1
    assert DelayNotice.objects.get().episode.shipment == shipment


def test_the_sweep_checks_a_new_scan_whose_event_task_was_lost(db, at_noon):
    shipment = make_shipment()
    services.check_shipments(shipment_ids=[shipment.pk])
    services.sweep()
    at_noon.shift(timedelta(minutes=5))
    scan(shipment, "exception", "Address incomplete")
    report = sweep_and_send()
    assert report.new_events == 1
    assert DelayNotice.objects.get().episode.exception_code == "address_problem"


def test_the_sweep_reads_recent_rows_again_and_never_moves_its_watermark_back(db, at_noon):
    shipment = make_shipment()
    services.sweep()
    state = services.SweepState.load()
    assert state.last_shipment_id == shipment.pk - 1  # still inside the overlap window
    at_noon.shift(services.WATERMARK_OVERLAP + timedelta(seconds=1))
    services.sweep()
    assert services.SweepState.load().last_shipment_id == shipment.pk


def test_the_sweep_writes_a_notice_left_pending_by_a_crashed_task(db, at_noon):
    shipment = late_shipment()
    [episode_id] = services.check_shipments(shipment_ids=[shipment.pk])  # then the worker died
    services.sweep()
    at_noon.shift(services.PENDING_GRACE + timedelta(seconds=1))
    report = sweep_and_send()
    assert episode_id in report.to_notify
    assert DelayNotice.objects.get().episode_id == episode_id


def test_the_sweep_stops_watching_what_was_delivered(db, at_noon):
    shipment = make_shipment()
    services.sweep()
    assert ShipmentWatch.objects.filter(shipment=shipment).exists()
    shipment.status = ShipmentStatus.DELIVERED
    shipment.save()
    services.check_shipments(shipment_ids=[shipment.pk])
    assert not ShipmentWatch.objects.filter(shipment=shipment).exists()


def test_a_stall_is_found_by_the_sweep_after_the_admins_hours(db, at_noon):
    NoticeRules.objects.filter(pk=1).update(stalled_after_hours=24)
    shipment = make_shipment(last_scan=NOON - timedelta(hours=20))
    services.check_shipments(shipment_ids=[shipment.pk])
    services.sweep()
    at_noon.shift(timedelta(hours=5))
    report = sweep_and_send()
    assert report.due == 1
    assert DelayNotice.objects.get().episode.reason == "stalled"


def test_a_customer_with_two_late_parcels_gets_a_notice_for_each(db):
    customer = CustomerFactory()
    check_and_send(late_shipment(customer=customer))
    check_and_send(late_shipment(customer=customer))
    assert DelayNotice.objects.filter(ticket__customer=customer).count() == 2


def test_an_exception_status_removed_since_detection_gets_the_generic_wording(db):
    from notices.models import ExceptionStatus

    shipment = make_shipment()
    scan(shipment, "exception", "Typhoon")
    [episode_id] = services.check_shipments(shipment_ids=[shipment.pk])
    ExceptionStatus.objects.filter(code="weather").delete()
    notice = services.send_delay_notice(episode_id=episode_id)
    assert "your parcel is held up by a problem at the carrier." in notice.message.body_text


def test_a_later_ticket_about_the_same_order_links_to_the_notice(client, agent):
    from tickets import services as ticket_services

    shipment = late_shipment(name="Lin Wei", number="50124")
    [notice] = check_and_send(shipment)
    later = ticket_services.open_ticket(customer=shipment.customer, order=shipment.order,
                                        subject="Where is my order?", body_text="Still waiting")
    client.force_login(agent)
    html = client.get(f"/tickets/{later.pk}/").content.decode()
    banner = html[html.index('id="earlier-notices"'):]
    banner = banner[:banner.index("</div>")]
    assert f'href="/tickets/{notice.ticket_id}/">#{notice.ticket_id}</a>' in banner
    assert "Late" in banner

    # The proactive ticket itself does not point at itself.
    html = client.get(f"/tickets/{notice.ticket_id}/").content.decode()
    assert 'id="earlier-notices"' not in html
