"""Thin Celery tasks. The ingest_* ones run on the "ingest" queue (helpdesk/celery.py)."""

from celery import shared_task

from .webhooks import receipt


@shared_task(name="customers.tasks.ingest_webhook_delivery")
def ingest_webhook_delivery(delivery_id: int) -> str:
    return receipt.process(delivery_id=delivery_id)


@shared_task(name="customers.tasks.ingest_sweep_webhook_deliveries")
def ingest_sweep_webhook_deliveries() -> int:
    return receipt.sweep()
