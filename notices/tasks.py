"""Thin tasks: detection on every shipment change, a periodic sweep behind it, and the
writing of each notice. All idempotent: safe to run twice, at once, or after a crash."""

from celery import shared_task

from . import services


@shared_task
def shipment_changed(shipment_id: int) -> int:
    """A shipment or its tracking changed (published by customers.events after commit)."""
    written = 0
    for episode_id in services.check_shipments(shipment_ids=[shipment_id]):
        if services.send_delay_notice(episode_id=episode_id) is not None:
            written += 1
    return written


@shared_task
def send_delay_notice(episode_id: int) -> bool:
    return services.send_delay_notice(episode_id=episode_id) is not None


@shared_task
def scan_shipping_delays() -> dict:
    """The beat sweep: shipments that became late or stalled, and what lost tasks left."""
    report = services.sweep()
    enqueue_notices(report.to_notify)
    return report.as_dict()


def enqueue_notices(episode_ids: list[int]) -> None:
    """One task per notice, sent over one broker connection."""
    if not episode_ids:
        return
    from helpdesk.celery import app

    with app.producer_or_acquire() as producer:
        for episode_id in episode_ids:
            send_delay_notice.apply_async((episode_id,), producer=producer)
