"""Exactly one notice when sweeps, event tasks and retries race, on PostgreSQL (SQLite
serialises every write, so it cannot show a race)."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from helpdesk.celery import app
from notices import services, tasks
from notices.models import DelayEpisode, DelayNotice
from tickets.models import Direction, Message

from .conftest import NOON, late_shipment

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not settings.IS_POSTGRES,
                       reason="needs PostgreSQL: SQLite runs one writer at a time, so there is "
                              "no concurrency to show (CI runs it on PostgreSQL)"),
]


def race(workers: list, rounds: int = 1) -> list[BaseException]:
    """Run the callables at the same moment in threads, each with its own connection."""
    barrier = threading.Barrier(len(workers))
    errors = []

    def run(work):
        try:
            barrier.wait(timeout=10)
            for _ in range(rounds):
                work()
        except BaseException as exc:  # noqa: BLE001 (reported to the test)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def eager_delivery(smtp_server):
    """Deliveries run in the thread that commits, to the local SMTP server."""
    app.conf.task_always_eager = True
    yield smtp_server
    app.conf.task_always_eager = False


def test_sweeps_event_tasks_and_retries_at_once_send_one_email(eager_delivery):
    with time_machine.travel(NOON, tick=True):
        shipment = late_shipment(last_scan=NOON - timedelta(hours=1))

        def event_task():
            tasks.shipment_changed(shipment.pk)

        def sweep():
            for episode_id in services.sweep().to_notify:
                services.send_delay_notice(episode_id=episode_id)

        errors = race([event_task, sweep, event_task, sweep, event_task, sweep], rounds=3)

    assert errors == []
    assert DelayEpisode.objects.count() == 1
    assert DelayNotice.objects.count() == 1
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1
    emails = eager_delivery.wait_for(2, timeout=3)
    assert len(emails) == 1


def test_many_workers_writing_the_same_notice_write_it_once(eager_delivery):
    with time_machine.travel(NOON, tick=True):
        shipment = late_shipment(last_scan=NOON - timedelta(hours=1))
        [episode_id] = services.check_shipments(shipment_ids=[shipment.pk])
        written = []

        def send():
            written.append(services.send_delay_notice(episode_id=episode_id))

        errors = race([send] * 8)

    assert errors == []
    assert len({notice.pk for notice in written}) == 1
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1
    assert len(eager_delivery.wait_for(2, timeout=3)) == 1


def test_concurrent_checks_of_many_shipments_open_each_episode_once():
    with time_machine.travel(NOON, tick=True):
        ids = [late_shipment(last_scan=NOON - timedelta(hours=1)).pk for _ in range(30)]

        def check_all():
            services.check_shipments(shipment_ids=ids)

        errors = race([check_all] * 6)

    assert errors == []
    assert DelayEpisode.objects.count() == 30
