"""Domain events of commerce data: every order or shipment change is published here, and
the apps that react (loyalty: tier recompute; notices: delay detection) subscribe by task
name in settings.KEFU_EVENT_SUBSCRIBERS. Tasks are sent after commit; each subscriber has
a periodic sweep behind it for a task that gets lost.

A bulk writer (the CSV import) publishes inside `collected()`: the events of the block go
out once it ends, one task per subscriber with every id for a subscriber that has a batch
form (settings.KEFU_EVENT_BATCH_TASKS: it takes a list of ids), else one task per id."""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction

ORDER_CHANGED = "order_changed"
SHIPMENT_CHANGED = "shipment_changed"
# Ids per batch task: a batch task must finish well within the task time limit.
BATCH_TASK_SIZE = 500

_collecting: ContextVar[dict[str, list[int]] | None] = ContextVar("kefu_events", default=None)


def _send_after_commit(task_name: str, args: tuple) -> None:
    from helpdesk.celery import app

    transaction.on_commit(lambda: app.send_task(task_name, args=args), robust=True)


def publish(event: str, object_id: int) -> None:
    collecting = _collecting.get()
    if collecting is not None:
        if object_id not in collecting[event]:
            collecting[event].append(object_id)
        return
    for task_name in settings.KEFU_EVENT_SUBSCRIBERS.get(event, []):
        _send_after_commit(task_name, (object_id,))


def publish_many(event: str, object_ids: list[int]) -> None:
    """The event for many rows at once: a subscriber with a batch form gets the ids in
    chunks of BATCH_TASK_SIZE; any other subscriber one task per id."""
    ids = list(dict.fromkeys(object_ids))
    if not ids:
        return
    for task_name in settings.KEFU_EVENT_SUBSCRIBERS.get(event, []):
        batch_task = settings.KEFU_EVENT_BATCH_TASKS.get(task_name)
        if batch_task:
            for start in range(0, len(ids), BATCH_TASK_SIZE):
                _send_after_commit(batch_task, (ids[start:start + BATCH_TASK_SIZE],))
        else:
            for object_id in ids:
                _send_after_commit(task_name, (object_id,))


@contextmanager
def collected():
    """Hold back the events published inside the block and publish them together at its
    end (after commit, like every event). Use it inside the block's transaction."""
    if _collecting.get() is not None:  # already collecting: the outer block publishes
        yield
        return
    collecting: dict[str, list[int]] = defaultdict(list)
    token = _collecting.set(collecting)
    try:
        yield
    finally:
        _collecting.reset(token)
    for event, ids in collecting.items():
        publish_many(event, ids)


def order_changed(order) -> None:
    publish(ORDER_CHANGED, order.pk)


def shipment_changed(shipment) -> None:
    publish(SHIPMENT_CHANGED, shipment.pk)
