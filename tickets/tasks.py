from celery import shared_task

from . import mailbox, outbound


@shared_task(autoretry_for=(outbound.TransientDeliveryError,), retry_backoff=30,
             retry_backoff_max=900, max_retries=outbound.MAX_ATTEMPTS)
def deliver_message(message_id: int) -> bool:
    return outbound.deliver(message_id)


@shared_task
def deliver_queued_messages() -> int:
    """Sweep: deliver what a lost task left in the queue."""
    ids = outbound.requeue_stuck()
    for message_id in ids:
        deliver_message.delay(message_id)
    return len(ids)


@shared_task
def fetch_inbound_email() -> dict | None:
    """Beat: take in the support mailbox's new customer email (when one is configured)."""
    report = mailbox.fetch()
    return report.as_dict() if report else None
