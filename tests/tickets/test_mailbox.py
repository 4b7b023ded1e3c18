"""Fetching customer email from the support mailbox (tickets/mailbox.py): the loop over a
real Maildir, the command and the beat task. Messages are marked seen only once stored.

An IMAP server is out of the tests' reach (none is installed as a library here), so the
IMAP side, a thin adapter over imaplib (SEARCH UNSEEN, FETCH BODY.PEEK[], STORE \\Seen),
is not exercised; the Maildir source runs the same loop."""

import mailbox as maildir_lib
import os

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from tests.factories import CustomerFactory
from tickets import mailbox, tasks
from tickets.inbound_email import receive_email
from tickets.models import Direction, Message, Ticket

from .test_inbound_email import raw


@pytest.fixture
def maildir(tmp_path) -> maildir_lib.Maildir:
    return maildir_lib.Maildir(tmp_path / "support", create=True)


def deliver(box: maildir_lib.Maildir, message: bytes) -> str:
    """As the mail server does: a new file in new/."""
    return box.add(message)


def seen(box: maildir_lib.Maildir, key: str) -> bool:
    return "S" in box.get_message(key).get_flags()


def test_each_unseen_message_is_stored_then_marked_seen(db, maildir):
    CustomerFactory(name="Lin Wei", email="lin.wei@example.cn")
    first = deliver(maildir, raw(subject="Where is order #1?", message_id="<a@mail.cn>"))
    second = deliver(maildir, raw(sender="Wang Fang <wang@example.cn>", subject="Refund",
                                  message_id="<b@mail.cn>"))

    report = mailbox.take_in(mailbox.MaildirMailbox(maildir._path))

    assert (report.stored, report.rejected, report.failed) == (2, 0, 0)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Refund", "Where is order #1?"]
    assert seen(maildir, first) and seen(maildir, second)
    # The next run finds nothing new.
    assert mailbox.take_in(mailbox.MaildirMailbox(maildir._path)).stored == 0
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 2


def test_a_message_fetched_again_after_a_crash_is_stored_once(db, maildir):
    key = deliver(maildir, raw(message_id="<again@mail.cn>"))
    source = mailbox.MaildirMailbox(maildir._path)
    receive_email(source.read(key))  # stored, then the process died before marking it seen

    report = mailbox.take_in(source)

    assert report.stored == 1 and seen(maildir, key)
    assert Message.objects.filter(external_message_id="<again@mail.cn>").count() == 1


def test_a_message_without_a_sender_is_set_aside_and_the_rest_go_on(db, maildir):
    bad = deliver(maildir, raw(sender="undisclosed-recipients:;", message_id="<bad@mail.cn>"))
    good = deliver(maildir, raw(message_id="<good@mail.cn>"))

    report = mailbox.take_in(mailbox.MaildirMailbox(maildir._path))

    assert (report.stored, report.rejected) == (1, 1)
    assert seen(maildir, bad) and seen(maildir, good)  # never retried: it cannot succeed
    assert Ticket.objects.count() == 1


def test_a_message_that_cannot_be_read_stays_unseen_for_the_next_run(db, maildir, tmp_path):
    good = deliver(maildir, raw(message_id="<good@mail.cn>"))
    os.symlink(tmp_path / "gone", tmp_path / "support" / "new" / "1.vanished.host")

    report = mailbox.take_in(mailbox.MaildirMailbox(maildir._path))

    assert (report.stored, report.failed) == (1, 1)
    assert seen(maildir, good)
    assert mailbox.MaildirMailbox(maildir._path).unseen() == ["1.vanished.host"]


def test_a_run_takes_at_most_its_limit(db, maildir):
    for index in range(3):
        deliver(maildir, raw(message_id=f"<m{index}@mail.cn>", subject=f"Q{index}"))
    assert mailbox.take_in(mailbox.MaildirMailbox(maildir._path), limit=2).stored == 2
    assert len(mailbox.MaildirMailbox(maildir._path).unseen()) == 1


def test_the_command_reads_a_maildir(db, maildir, capsys):
    deliver(maildir, raw(message_id="<cmd@mail.cn>"))
    call_command("fetch_inbound_email", maildir=str(maildir._path))
    assert "stored 1, rejected 0, left for the next run 0" in capsys.readouterr().out
    assert Message.objects.filter(external_message_id="<cmd@mail.cn>").exists()


def test_the_command_says_when_no_mailbox_is_configured(db, settings):
    settings.INBOUND_IMAP_HOST = settings.INBOUND_MAILDIR = ""
    with pytest.raises(CommandError, match="No inbound mailbox is configured"):
        call_command("fetch_inbound_email")
    assert tasks.fetch_inbound_email() is None  # the beat task: nothing to do


def test_the_beat_task_fetches_the_configured_maildir_one_run_at_a_time(db, maildir, settings):
    settings.INBOUND_MAILDIR = str(maildir._path)
    deliver(maildir, raw(message_id="<beat@mail.cn>"))
    cache.set(mailbox.LOCK_KEY, 1)  # another run is fetching
    try:
        assert tasks.fetch_inbound_email()["busy"] is True
        assert not Message.objects.exists()
    finally:
        cache.delete(mailbox.LOCK_KEY)

    assert tasks.fetch_inbound_email() == {"stored": 1, "rejected": 0, "failed": 0,
                                           "busy": False}
    assert cache.get(mailbox.LOCK_KEY) is None


def test_the_beat_schedule_fetches_every_minute():
    from helpdesk.celery import app

    entry = app.conf.beat_schedule["fetch-inbound-email"]
    assert entry["task"] == "tickets.tasks.fetch_inbound_email"
