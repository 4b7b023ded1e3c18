"""The weekly review: built once per shop week, kept as a page, emailed to the managers."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from helpdesk.celery import app
from reports import reviews
from reports.models import EmailStatus, WeeklyReview
from tests.factories import UserFactory

from .conftest import NOW, sh

WEEK_START = date(2026, 3, 2)


@pytest.mark.parametrize(("now", "week"), [
    (sh(9, 7, 59), date(2026, 2, 23)),      # Monday before 08:00: last week is not due yet
    (sh(9, 8, 0), date(2026, 3, 2)),
    (sh(11, 15), date(2026, 3, 2)),         # later in the week: a lost Monday run is caught up
    (sh(8, 23, 59), date(2026, 2, 23)),     # Sunday night
])
def test_the_review_of_the_last_week_is_due_from_monday_8_shop_time(now, week):
    assert reviews.due_week(now) == week


def test_the_review_sums_up_the_week(refreshed, monkeypatch):
    monkeypatch.setattr(reviews, "MIN_TICKETS", 1)
    content = reviews.review_content(WEEK_START)
    figures = content["figures"]
    assert (figures["created"], figures["resolved"]) == (6, 3)
    assert figures["fr_compliance"] == 60.0 and figures["breaches"] == 2
    assert content["previous"]["created"] == 0
    issues = {i["category"]: i["created"] for i in content["common_issues"]}
    assert issues["complaint"] == 2 and issues["order_status"] == 2
    assert content["messages"]["from_customers"] == 8
    # Ann's B breached its first response; Bo's C was reopened (1 of 1 resolved).
    assert [a["name"] for a in content["coaching"]] == ["Ann Agent", "Bo Chen"]
    assert content["praise"] == []
    cases = {(c["ticket_id"], c["reason"]) for c in content["cases"]}
    assert cases == {(refreshed.b.pk, "breached"), (refreshed.d.pk, "breached"),
                     (refreshed.c.pk, "reopened")}


def test_the_review_is_built_once_and_its_email_queued_after_commit(
        refreshed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = reviews.build_review(week_start=WEEK_START, now=NOW)
    again = reviews.build_review(week_start=WEEK_START, now=NOW)
    assert first.pk == again.pk and WeeklyReview.objects.count() == 1
    assert len(callbacks) == 1
    assert first.week_end == date(2026, 3, 8) and first.email_status == EmailStatus.QUEUED


def test_the_managers_get_the_review_by_email_once(refreshed, manager, agent, smtp_server,
                                                    settings):
    settings.KEFU_BASE_URL = "https://support.shop.example/"
    UserFactory(username="second-manager", role="manager", email="boss@kefu.example")
    review = reviews.build_review(week_start=WEEK_START, now=NOW)
    assert reviews.send_email(review_id=review.pk, now=NOW)
    assert not reviews.send_email(review_id=review.pk, now=NOW)       # claimed once
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1
    message = messages[0]
    assert sorted(a.strip() for a in message["To"].split(",")) == ["boss@kefu.example",
                                                                    "mei@kefu.example"]
    assert "Kefu weekly review" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "First response met: 60.0%" in text
    assert "https://support.shop.example" + reverse("reports:review", args=[review.pk]) in text
    review.refresh_from_db()
    assert review.email_status == EmailStatus.SENT and review.emailed_at == NOW


def test_a_failed_email_is_retried_by_the_sweep(refreshed, manager, settings):
    from tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    review = reviews.build_review(week_start=WEEK_START, now=NOW)
    assert not reviews.send_email(review_id=review.pk, now=NOW)
    review.refresh_from_db()
    assert review.email_status == EmailStatus.FAILED and review.email_attempts == 1
    assert reviews.emails_to_retry(now=NOW) == [review.pk]


def test_a_worker_that_died_while_sending_is_retried(refreshed):
    review = reviews.build_review(week_start=WEEK_START, now=NOW)
    WeeklyReview.objects.filter(pk=review.pk).update(email_status=EmailStatus.SENDING,
                                                     email_claimed_at=NOW)
    assert reviews.emails_to_retry(now=NOW) == []
    assert reviews.emails_to_retry(now=NOW + reviews.STUCK_AFTER * 2) == [review.pk]


def test_the_reviews_are_listed_and_shown_to_managers(client, manager, refreshed):
    review = reviews.build_review(week_start=WEEK_START, now=NOW)
    client.force_login(manager)
    listing = client.get(reverse("reports:reviews")).content.decode()
    assert reverse("reports:review", args=[review.pk]) in listing
    page = client.get(reverse("reports:review", args=[review.pk])).content.decode()
    assert "Common issues" in page and "Cases to talk through" in page
    assert reverse("tickets:detail", args=[refreshed.d.pk]) in page


def test_a_review_page_is_refused_to_an_agent(client, agent, refreshed):
    review = reviews.build_review(week_start=WEEK_START, now=NOW)
    client.force_login(agent)
    assert client.get(reverse("reports:review", args=[review.pk])).status_code == 403


def test_a_missing_review_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("reports:review", args=[999])).status_code == 404


def test_the_beat_schedule_runs_the_refresh_and_the_monday_review():
    schedule = app.conf.beat_schedule
    assert schedule["reports-refresh"]["task"] == "reports.tasks.refresh"
    weekly = schedule["reports-weekly-review"]
    assert weekly["task"] == "reports.tasks.build_weekly_review"
    assert weekly["schedule"].tz == ZoneInfo("Asia/Shanghai")
    assert weekly["schedule"].hour == {8} and weekly["schedule"].day_of_week == {1}
    assert schedule["reports-review-sweep"]["task"] == "reports.tasks.sweep_reviews"


def test_an_agent_with_every_target_met_is_praised(refreshed, manager, monkeypatch):
    from reports import services
    from tickets import services as ticket_services
    from tickets.models import Status

    from .conftest import at

    monkeypatch.setattr(reviews, "MIN_TICKETS", 1)
    with at(sh(4, 10, 30)):
        ticket_services.assign(ticket=refreshed.e, agent=manager, by=manager, at=sh(4, 10, 30))
        ticket_services.change_status(ticket=refreshed.e, status=Status.SOLVED, by=manager,
                                      at=sh(4, 10, 30))
    services.refresh_changed(now=NOW)
    content = reviews.review_content(WEEK_START)
    assert [(a["name"], a["fr_compliance"], a["first_contact_rate"])
            for a in content["praise"]] == [("Mei Manager", 100.0, 100.0)]
