"""The weekly review (seed: review the week's interactions, name the common issues,
praise excellent service, coach where service was poor), built once per shop week from
the rollup, kept as a page and emailed to the managers once."""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk.roles import Role
from tickets.models import Direction, Message, Ticket

from . import metrics, selectors
from .facts import shop_zone
from .filters import Filters
from .models import EmailStatus, TicketFact, WeeklyReview

logger = logging.getLogger(__name__)

BUILD_AT = time(8, 0)            # Monday, shop time
MIN_TICKETS = 5                  # agents with fewer resolved tickets are not ranked
PRAISE_COUNT = 3
COACHING_COUNT = 3
CASES = 5
MAX_EMAIL_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=15)


def due_week(now: datetime) -> date:
    """The Monday of the last complete shop week, once its review is due (Monday 08:00
    shop time onwards)."""
    local = now.astimezone(shop_zone())
    this_monday = local.date() - timedelta(days=local.weekday())
    if local.weekday() == 0 and local.time() < BUILD_AT:
        return this_monday - timedelta(days=14)
    return this_monday - timedelta(days=7)


def _agent_rows(groups: dict[str, dict], names: dict[str, str]) -> list[dict]:
    rows = []
    for value, measures in groups.items():
        if not value:
            continue
        s = metrics.summarize(measures)
        rows.append({"agent_id": int(value), "name": names.get(value, value),
                     "resolved": s.resolved, "created": s.created,
                     "fr_compliance": s.fr_compliance, "res_compliance": s.res_compliance,
                     "first_contact_rate": s.first_contact_rate, "reopen_rate": s.reopen_rate,
                     "breaches": s.breaches, "fr_p50": s.fr_p50})
    return rows


def _figures(s: metrics.Summary) -> dict:
    return {"created": s.created, "resolved": s.resolved, "fr_compliance": s.fr_compliance,
            "nr_compliance": s.nr_compliance, "res_compliance": s.res_compliance,
            "fr_p50": s.fr_p50, "fr_p90": s.fr_p90, "res_p50": s.res_p50, "res_p90": s.res_p90,
            "breaches": s.breaches, "first_contact_rate": s.first_contact_rate,
            "reopen_rate": s.reopen_rate, "repeat_contact_rate": s.repeat_contact_rate,
            "complaints": s.complaints, "recovery_rate": s.recovery_rate}


def review_content(week_start: date) -> dict:
    """The review of the shop week starting on ``week_start`` (a Monday), as JSON."""
    week = Filters(start=week_start, end=week_start + timedelta(days=6))
    previous = Filters(start=week_start - timedelta(days=7), end=week_start - timedelta(days=1))
    summary = metrics.summarize(metrics.summed(selectors.daily(week).values()))
    before = metrics.summarize(metrics.summed(selectors.daily(previous).values()))
    groups = selectors.breakdowns(week, ["agent", "category"])
    earlier = selectors.breakdowns(previous, ["category"])["category"]
    names = selectors.names({"agent": set(groups["agent"])}).get("agent", {})
    zone = shop_zone()
    start_at = datetime.combine(week.start, time.min, tzinfo=zone)
    end_at = start_at + timedelta(days=7)
    messages = dict(Message.objects.filter(created_at__gte=start_at, created_at__lt=end_at)
                    .values_list("direction").annotate(n=Count("id")).order_by())

    issues = sorted(groups["category"].items(), key=lambda kv: -kv[1]["created"])
    common = [{"category": value, "created": m["created"],
               "previous": earlier.get(value, {}).get("created", 0),
               "complaints": m["complaints"]} for value, m in issues[:5] if m["created"]]

    agents = [a for a in _agent_rows(groups["agent"], names) if a["resolved"] >= MIN_TICKETS]
    coaching = sorted(
        [a for a in agents if a["breaches"] or (a["fr_compliance"] or 100) < 90
         or (a["reopen_rate"] or 0) > 20],
        key=lambda a: (-a["breaches"], a["fr_compliance"] or 0))[:COACHING_COUNT]
    coached = {a["agent_id"] for a in coaching}
    praise = sorted([a for a in agents if a["agent_id"] not in coached],
                    key=lambda a: (-(a["fr_compliance"] or 0), -(a["first_contact_rate"] or 0),
                                   -a["resolved"]))[:PRAISE_COUNT]
    return {
        "week_start": week.start.isoformat(), "week_end": week.end.isoformat(),
        "figures": _figures(summary), "previous": _figures(before),
        "messages": {"from_customers": messages.get(Direction.INBOUND, 0),
                     "replies": messages.get(Direction.OUTBOUND, 0),
                     "notes": messages.get(Direction.NOTE, 0)},
        "common_issues": common, "praise": praise, "coaching": coaching,
        "cases": _challenging_cases(week),
    }


def _challenging_cases(week: Filters) -> list[dict]:
    """Breached first responses and reopened tickets of the week: cases to talk through."""
    breached = list(TicketFact.objects.filter(
        created_day__range=(week.start, week.end), first_response="breached")
        .order_by("-first_response_seconds", "ticket_id")
        .values_list("ticket_id", flat=True)[:CASES])
    reopened = list(TicketFact.objects.filter(
        resolved_day__range=(week.start, week.end), reopens__gt=0)
        .order_by("-reopens", "ticket_id").values_list("ticket_id", flat=True)[:CASES])
    subjects = dict(Ticket.objects.filter(pk__in=breached + reopened)
                    .values_list("pk", "subject"))
    return ([{"ticket_id": pk, "subject": subjects.get(pk, ""), "reason": "breached"}
             for pk in breached]
            + [{"ticket_id": pk, "subject": subjects.get(pk, ""), "reason": "reopened"}
               for pk in reopened if pk not in breached])


def build_review(*, week_start: date, now: datetime) -> WeeklyReview:
    """The review of that week, built once (the week is unique); its email is sent after
    commit."""
    existing = WeeklyReview.objects.filter(week_start=week_start).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            review = WeeklyReview.objects.create(
                week_start=week_start, week_end=week_start + timedelta(days=6),
                content=review_content(week_start), created_at=now)
    except IntegrityError:
        return WeeklyReview.objects.get(week_start=week_start)
    enqueue_email(review)
    return review


def build_due_review(*, now: datetime) -> WeeklyReview | None:
    return build_review(week_start=due_week(now), now=now)


def enqueue_email(review: WeeklyReview) -> None:
    from .tasks import email_weekly_review

    transaction.on_commit(lambda: email_weekly_review.delay(review.pk), robust=True)


def recipients() -> list[str]:
    return sorted(set(get_user_model().objects.filter(
        is_active=True, groups__name=Role.MANAGER).exclude(email="")
        .values_list("email", flat=True)))


def send_email(*, review_id: int, now: datetime | None = None) -> bool:
    """Email the review to the managers, once: the row is claimed by an UPDATE first."""
    now = now or timezone.now()
    claimed = WeeklyReview.objects.filter(
        pk=review_id, email_status__in=[EmailStatus.QUEUED, EmailStatus.FAILED],
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
    ).update(email_status=EmailStatus.SENDING, email_claimed_at=now,
             email_attempts=F("email_attempts") + 1)
    if not claimed:
        return False
    review = WeeklyReview.objects.get(pk=review_id)
    to = recipients()
    if not to:
        WeeklyReview.objects.filter(pk=review_id).update(
            email_status=EmailStatus.SENT, emailed_at=now, email_error="no manager has an email")
        return False
    with translation.override(settings.LANGUAGE_CODE):
        base_url = settings.KEFU_BASE_URL.rstrip("/")
        context = {"review": review, "content": review.content, "base_url": base_url,
                   "url": base_url + reverse("reports:review", args=[review.pk])}
        subject = render_to_string("reports/email/review_subject.txt", context).strip()
        body = render_to_string("reports/email/review_body.txt", context)
        html = render_to_string("reports/email/review_body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as exc:  # SMTP errors of every kind: the sweep retries
        logger.warning("Emailing weekly review %s failed: %s", review_id, exc)
        WeeklyReview.objects.filter(pk=review_id).update(email_status=EmailStatus.FAILED,
                                                         email_error=str(exc)[:1000])
        return False
    WeeklyReview.objects.filter(pk=review_id).update(email_status=EmailStatus.SENT,
                                                     emailed_at=now, email_error="")
    return True


def emails_to_retry(*, now: datetime) -> list[int]:
    """Reviews whose email is still to send: queued or failed (attempts left), or claimed
    by a worker that died (put back first)."""
    WeeklyReview.objects.filter(email_status=EmailStatus.SENDING,
                                email_claimed_at__lt=now - STUCK_AFTER).update(
        email_status=EmailStatus.FAILED)
    return list(WeeklyReview.objects.filter(
        Q(email_status=EmailStatus.QUEUED) | Q(email_status=EmailStatus.FAILED),
        email_attempts__lt=MAX_EMAIL_ATTEMPTS).values_list("pk", flat=True))
