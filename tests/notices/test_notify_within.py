"""The admin's "do not notify delays older than N days" rule (seeded at 14 days), on a
frozen clock: a delay that began long ago is shown to agents but gets no surprise apology."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from notices import services
from notices.models import DelayEpisode, DelayNotice, NoticeRules, NoticeState, SkipReason
from tickets.models import Ticket

from .conftest import NOON, make_shipment, scan

pytestmark = pytest.mark.usefixtures("at_noon")  # Tuesday 10 March 2026, 12:00 Shanghai


@pytest.fixture(autouse=True)
def no_enqueue(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        yield


def check_and_send(shipment) -> list[DelayNotice | None]:
    return [services.send_delay_notice(episode_id=episode_id)
            for episode_id in services.check_shipments(shipment_ids=[shipment.pk])]


def test_the_seeded_limit_is_fourteen_days(db):
    assert NoticeRules.load().notify_within_days == 14


def test_a_shipment_promised_weeks_ago_is_shown_as_delayed_but_not_notified(db):
    shipment = make_shipment(promised=date(2026, 1, 30))  # 40 days before

    assert check_and_send(shipment) == []

    episode = DelayEpisode.objects.get()
    assert episode.is_open and episode.reason == "late"
    assert (episode.notice_state, episode.skip_reason) == (NoticeState.SKIPPED,
                                                           SkipReason.TOO_OLD)
    assert episode.began_at == datetime(2026, 1, 30, 16, 0, tzinfo=UTC)  # 31 Jan, Shanghai
    assert not DelayNotice.objects.exists() and not Ticket.objects.exists()
    html = render_to_string("notices/_shipment_delay.html", {"shipment": shipment})
    assert 'data-delay="late"' in html and "Began too long ago to notify" in html
    assert "Delayed since 01/31/2026 midnight" in html


def test_the_limit_is_counted_from_when_the_delay_began(db):
    # Late from 25 Feb 00:00 Shanghai: 13.5 days before noon on 10 March, inside the limit.
    inside = make_shipment(promised=date(2026, 2, 24))
    # Late from 24 Feb 00:00 Shanghai: 14.5 days, past it.
    outside = make_shipment(promised=date(2026, 2, 23))

    [notice] = check_and_send(inside)
    assert check_and_send(outside) == []

    assert notice.episode.shipment == inside
    assert DelayEpisode.objects.get(shipment=outside).skip_reason == SkipReason.TOO_OLD


def test_the_admin_can_lift_or_change_the_limit(db):
    NoticeRules.objects.filter(pk=1).update(notify_within_days=None)
    assert len(check_and_send(make_shipment(promised=date(2026, 1, 30)))) == 1
    NoticeRules.objects.filter(pk=1).update(notify_within_days=3)
    assert check_and_send(make_shipment(promised=date(2026, 3, 5))) == []  # 4.5 days late
    assert len(check_and_send(make_shipment(promised=date(2026, 3, 7)))) == 1  # 2.5 days


def test_a_stall_counts_from_the_scan_plus_the_threshold(db):
    # No scan for 18 days: stalled since 15 days ago (72 h after the scan), too old.
    old = make_shipment(promised=None, last_scan=NOON - timedelta(days=18))
    # No scan for 10 days: stalled since 7 days ago.
    recent = make_shipment(promised=None, last_scan=NOON - timedelta(days=10))

    assert check_and_send(old) == []
    [notice] = check_and_send(recent)

    assert DelayEpisode.objects.get(shipment=old).began_at == NOON - timedelta(days=15)
    assert notice.episode.began_at == NOON - timedelta(days=7)


def test_a_new_carrier_exception_on_a_long_late_shipment_is_still_notified(db):
    shipment = make_shipment(promised=date(2026, 1, 30))
    check_and_send(shipment)  # the lateness: too old, no notice
    scan(shipment, "exception", "Held at customs for inspection", at=NOON - timedelta(hours=1))

    [notice] = check_and_send(shipment)

    assert notice.episode.reason == "exception"
    assert notice.episode.began_at == NOON - timedelta(hours=1)
    late = DelayEpisode.objects.get(shipment=shipment, reason="late")
    assert late.skip_reason == SkipReason.TOO_OLD  # stays untold: the exception is the news


def test_an_exception_scanned_weeks_ago_and_found_only_now_is_not_notified(db):
    shipment = make_shipment(promised=None)
    scan(shipment, "lost", "Parcel lost", at=NOON - timedelta(days=20))
    assert check_and_send(shipment) == []
    episode = DelayEpisode.objects.get(reason="exception")
    assert episode.skip_reason == SkipReason.TOO_OLD
    assert episode.began_at == NOON - timedelta(days=20)


def test_the_sweep_applies_the_same_limit(db):
    old = make_shipment(promised=date(2026, 1, 30))
    fresh = make_shipment(promised=date(2026, 3, 9))
    report = services.sweep()
    assert [DelayEpisode.objects.get(shipment=fresh).pk] == report.to_notify
    assert DelayEpisode.objects.get(shipment=old).notice_state == NoticeState.SKIPPED


def test_the_admin_edits_the_limit_and_the_change_is_audited(client, admin_user):
    from helpdesk.models import AuditEntry

    client.force_login(admin_user)
    rules = NoticeRules.load()
    response = client.post(reverse("admin:notices_noticerules_change", args=[rules.pk]), {
        "late_enabled": "on", "exception_enabled": "on", "stalled_enabled": "on",
        "stalled_after_hours": "72", "notify_within_days": "30", "send_from": "09:00",
        "send_until": "21:00", "holdout_percent": "0"})
    assert response.status_code == 302
    assert NoticeRules.load().notify_within_days == 30
    entry = AuditEntry.objects.filter(action="admin.change").latest("id")
    assert entry.before == {"notify_within_days": 14}
    assert entry.after == {"notify_within_days": 30}
