"""Thin Celery tasks around the reports' services. Each is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from . import reviews, services


@shared_task
def refresh() -> dict:
    """Every two minutes: refresh the facts and rollup days of what changed."""
    result = services.refresh_changed(now=timezone.now())
    return {"tickets": result.tickets, "days": result.days}


@shared_task
def build_weekly_review() -> int | None:
    """Monday 08:00 shop time: the review of the week that ended."""
    review = reviews.build_due_review(now=timezone.now())
    return review.pk if review else None


@shared_task
def sweep_reviews() -> int:
    """Hourly: build a review a lost Monday run left unbuilt; retry unsent emails."""
    now = timezone.now()
    reviews.build_due_review(now=now)
    retry = reviews.emails_to_retry(now=now)
    for review_id in retry:
        email_weekly_review.delay(review_id)
    return len(retry)


@shared_task
def email_weekly_review(review_id: int) -> bool:
    return reviews.send_email(review_id=review_id)
