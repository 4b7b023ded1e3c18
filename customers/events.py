"""Domain events of commerce data: every order or shipment change is published here, and
the apps that react (loyalty: tier recompute; notices: delay detection) subscribe by task
name in settings.KEFU_EVENT_SUBSCRIBERS. Tasks are sent after commit; each subscriber has
a periodic sweep behind it for a task that gets lost."""

from django.conf import settings
from django.db import transaction

ORDER_CHANGED = "order_changed"
SHIPMENT_CHANGED = "shipment_changed"


def publish(event: str, object_id: int) -> None:
    from helpdesk.celery import app

    for task_name in settings.KEFU_EVENT_SUBSCRIBERS.get(event, []):
        transaction.on_commit(
            lambda task_name=task_name: app.send_task(task_name, args=(object_id,)), robust=True
        )


def order_changed(order) -> None:
    publish(ORDER_CHANGED, order.pk)


def shipment_changed(shipment) -> None:
    publish(SHIPMENT_CHANGED, shipment.pk)
