"""Thin Celery tasks around the SLA services (queue "sla"). Each is safe to run twice."""

import logging
from dataclasses import asdict

from celery import shared_task

from . import escalation, services
from . import sweep as sweeping

logger = logging.getLogger(__name__)


@shared_task
def sweep() -> dict:
    """Every minute: record due warnings and breaches, retry lost escalations and emails."""
    result = sweeping.sweep()
    for notification_id in escalation.emails_to_retry():
        send_notification_email.delay(notification_id)
    return asdict(result)


@shared_task
def escalate_breaches(timer_ids: list[int]) -> int:
    escalated = 0
    for timer_id in timer_ids:
        try:
            escalated += escalation.escalate(timer_id=timer_id)
        except Exception:  # one failure must not hold up the others; the sweep retries it
            logger.exception("Escalation of SLA timer %s failed", timer_id)
    return escalated


@shared_task(autoretry_for=(escalation.TransientEmailError,), retry_backoff=30,
             retry_backoff_max=900, max_retries=escalation.MAX_EMAIL_ATTEMPTS)
def send_notification_email(notification_id: int) -> bool:
    return escalation.send_email(notification_id=notification_id)


@shared_task
def reapply_configuration(after_id: int = 0) -> int | None:
    """After an admin's change to policies or calendars: open tickets' clocks under the new
    configuration, a batch per task (the next batch is enqueued until all are done)."""
    last = services.reapply_configuration(after_id=after_id)
    if last is not None:
        reapply_configuration.delay(last)
    return last
