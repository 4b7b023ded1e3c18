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
def send_delay_notices(episode_ids: list[int]) -> int:
    """A batch from the sweep: each notice in its own transaction, so a retry of the batch
    after a crash writes only the ones still missing."""
    return sum(services.send_delay_notice(episode_id=episode_id) is not None
               for episode_id in episode_ids)


@shared_task
def scan_shipping_delays() -> dict:
    """The beat sweep: shipments that became late or stalled, and what lost tasks left."""
    report = services.sweep()
    enqueue_notices(report.to_notify)
    return report.as_dict()


NOTICE_BATCH = 25


def enqueue_notices(episode_ids: list[int]) -> None:
    """Tasks of NOTICE_BATCH notices each (the workers share them out), over one broker
    connection."""
    if not episode_ids:
        return
    from helpdesk.celery import app

    with app.producer_or_acquire() as producer:
        for start in range(0, len(episode_ids), NOTICE_BATCH):
            send_delay_notices.apply_async((episode_ids[start:start + NOTICE_BATCH],),
                                           producer=producer)
