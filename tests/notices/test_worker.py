"""Through a real Celery worker: a shipment change becomes exactly one email, even when the
task is delivered again, the sweep runs at the same time, or the worker is killed halfway
through writing the notice."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from customers import events
from helpdesk.celery import app
from notices import services
from notices.models import DelayEpisode, DelayNotice, NoticeState
from notices.tasks import enqueue_notices
from tests.conftest import _test_database_url, wait_until
from tickets.models import Channel, DeliveryStatus, Direction, Message, Ticket

from .conftest import make_shipment

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def daytime_zone() -> str:
    """A time zone where it is now about noon, so the worker sends without quiet hours."""
    offset = (12 - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def late_parcel(**fields):
    today = timezone.now().date()
    return make_shipment(promised=today - timedelta(days=2), time_zone=daytime_zone(),
                         last_scan=timezone.now() - timedelta(hours=2), **fields)


def outbound_count() -> int:
    return Message.objects.filter(direction=Direction.OUTBOUND).count()


def test_a_shipment_change_becomes_one_email_even_when_the_task_runs_again(
        celery_worker_process, worker_smtp_server):
    shipment = late_parcel(email="late@example.com", number="50400")
    with transaction.atomic():
        events.shipment_changed(shipment)  # published to notices.tasks.shipment_changed

    [email] = worker_smtp_server.wait_for(1, timeout=60)
    notice = DelayNotice.objects.get()
    assert email["To"] == "late@example.com"
    assert email["Message-ID"] == notice.message.external_message_id
    assert email["Subject"] == f"Your order #50400 is running late [#{notice.ticket_id}]"
    assert "I'm tracking your order #50400" in email.get_content()
    assert wait_until(lambda: Message.objects.get(pk=notice.message_id).delivery_status
                      == DeliveryStatus.SENT)

    # The broker delivers the task again, and the sweep and a resend run too.
    app.send_task("notices.tasks.shipment_changed", args=(shipment.pk,))
    app.send_task("notices.tasks.shipment_changed", args=(shipment.pk,))
    app.send_task("notices.tasks.send_delay_notice", args=(notice.episode_id,))
    app.send_task("notices.tasks.scan_shipping_delays")
    app.send_task("notices.tasks.shipment_changed", args=(shipment.pk,))
    assert_one_email_each(worker_smtp_server, "late@example.com")


def assert_one_email_each(mailbox, address: str) -> None:
    """Queue a task for another late parcel behind everything sent so far: once its email
    is in, the worker has run every earlier task, and `address` must still have one."""
    marker = late_parcel(email="marker@example.com")
    app.send_task("notices.tasks.shipment_changed", args=(marker.pk,))
    emails = mailbox.wait_for(2, timeout=60)
    assert sorted(email["To"] for email in emails) == sorted([address, "marker@example.com"])
    time.sleep(1)
    assert len(mailbox.messages) == 2
    assert DelayNotice.objects.count() == 2
    assert outbound_count() == 2


# --- A worker killed in the middle of writing the notice ---------------------------------

@pytest.fixture
def doomed_worker(celery_worker_process):
    """A second real worker on a queue of its own, to be killed with SIGKILL mid-task."""
    queue = f"doomed-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    hostname = f"{queue}@127.0.0.1"
    log_path = Path(settings.VAR_DIR) / f"{queue}.log"
    env = dict(os.environ, DATABASE_URL=_test_database_url(), DEBUG="true",
               EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(celery_worker_process.smtp_port))
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool=solo",
             "-Q", queue, "-n", hostname, "--loglevel=INFO", "--without-gossip",
             "--without-mingle"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if app.control.ping(destination=[hostname], timeout=1.0):
            break
    else:
        proc.kill()
        pytest.fail(f"The second worker did not start: {log_path.read_text()[-2000:]}")
    proc.queue, proc.log_path = queue, log_path
    yield proc
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
    log_path.unlink(missing_ok=True)


class Blocker(threading.Thread):
    """Holds a database lock the worker will wait on, in its own transaction, then rolls it
    back. On PostgreSQL: an uncommitted notice row for the episode, so the worker gets as
    far as writing its own ticket and message and then waits on the unique index. On
    SQLite: the database's write lock."""

    def __init__(self, episode: DelayEpisode):
        super().__init__(daemon=True)
        self.episode = episode
        self.holding = threading.Event()
        self.release = threading.Event()

    def run(self):
        try:
            with transaction.atomic():
                if settings.IS_POSTGRES:
                    ticket = Ticket.objects.create(customer_id=self.episode.shipment.customer_id,
                                                   subject="placeholder",
                                                   created_at=timezone.now())
                    message = Message.objects.create(
                        ticket=ticket, direction=Direction.OUTBOUND, channel=Channel.EMAIL,
                        body_text="placeholder", created_at=timezone.now())
                    DelayNotice.objects.create(episode=self.episode, ticket=ticket,
                                               message=message, language="en",
                                               created_at=timezone.now())
                else:
                    DelayEpisode.objects.filter(pk=self.episode.pk).update(
                        notice_state=NoticeState.PENDING)
                self.holding.set()
                self.release.wait(timeout=120)
                transaction.set_rollback(True)
        finally:
            connection.close()


def worker_is_waiting(proc) -> bool:
    if settings.IS_POSTGRES:
        with connection.cursor() as cursor:
            # Waiting to insert its notice: its ticket and message are already written.
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND wait_event_type = 'Lock' AND query LIKE "
                           "'INSERT INTO \"notices_delaynotice\"%%'")
            return cursor.fetchone()[0] > 0
    return "send_delay_notice" in proc.log_path.read_text()


def test_a_worker_killed_while_writing_the_notice_leaves_nothing_and_one_email_follows(
        celery_worker_process, worker_smtp_server, doomed_worker):
    shipment = late_parcel(email="killed@example.com")
    [episode_id] = services.check_shipments(shipment_ids=[shipment.pk])
    episode = DelayEpisode.objects.select_related("shipment").get(pk=episode_id)

    blocker = Blocker(episode)
    blocker.start()
    assert blocker.holding.wait(timeout=30)
    app.send_task("notices.tasks.send_delay_notice", args=(episode_id,),
                  queue=doomed_worker.queue)
    assert wait_until(lambda: worker_is_waiting(doomed_worker), timeout=30)
    time.sleep(1)  # well inside the task now
    os.kill(doomed_worker.pid, signal.SIGKILL)
    doomed_worker.wait(timeout=20)
    blocker.release.set()
    blocker.join(timeout=30)

    # The killed transaction left nothing behind: no ticket, message or notice.
    assert Ticket.objects.count() == 0
    assert outbound_count() == 0
    assert DelayEpisode.objects.get().notice_state == NoticeState.PENDING
    assert worker_smtp_server.messages == []

    # The broker's redelivery and the sweep's backstop both come along.
    app.send_task("notices.tasks.send_delay_notice", args=(episode_id,))
    later = timezone.now() + services.PENDING_GRACE + timedelta(seconds=1)
    enqueue_notices(services.sweep(now=later).to_notify)
    app.send_task("notices.tasks.send_delay_notice", args=(episode_id,))

    [email] = worker_smtp_server.wait_for(1, timeout=60)
    assert email["To"] == "killed@example.com"
    assert email["Message-ID"] == DelayNotice.objects.get().message.external_message_id
    assert_one_email_each(worker_smtp_server, "killed@example.com")
