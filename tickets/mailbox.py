"""Customer email fetched from the support mailbox and taken in by
`inbound_email.receive_email`: a reply to any of Kefu's messages (a delay notice included)
threads into its ticket, anything else opens one.

Two sources, configured in settings: an IMAP mailbox (``INBOUND_IMAP_*``), or a local
Maildir that the mail server delivers to (``INBOUND_MAILDIR``). Both are read the same way:

- only unseen messages are read, and reading does not mark them (IMAP ``BODY.PEEK``);
- a message is marked seen only after it is stored, so a crash, a lost connection or a
  database error in between leaves it for the next run, and receive_email stores a given
  Message-ID once however often it is fetched;
- a message that can never be taken in (no sender address) is marked seen and logged, so
  it does not block the mailbox forever;
- one fetch runs at a time (a cache lock), so overlapping beat runs do not store a message
  twice.
"""

import imaplib
import logging
import mailbox as maildir_lib
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.cache import cache

from .inbound_email import InboundEmailError, receive_email

logger = logging.getLogger(__name__)

FETCH_LIMIT = 200  # messages per run; the next run takes the rest
LOCK_KEY = "kefu:inbound-email:fetching"
LOCK_SECONDS = 600


class MailboxError(RuntimeError):
    """The mail server refused a command."""


class Mailbox(Protocol):
    def unseen(self) -> list[str]: ...
    def read(self, key: str) -> bytes: ...
    def mark_seen(self, key: str) -> None: ...


class ImapMailbox:
    """A folder of an IMAP server, by message UID (stable across sessions)."""

    def __init__(self, connection: imaplib.IMAP4, folder: str = "INBOX"):
        self.connection = connection
        self._ok(connection.select(_quoted(folder)), "SELECT")

    def unseen(self) -> list[str]:
        data = self._ok(self.connection.uid("SEARCH", None, "UNSEEN"), "SEARCH")
        return [uid.decode() for uid in (data[0] or b"").split()]

    def read(self, key: str) -> bytes:
        data = self._ok(self.connection.uid("FETCH", key, "(BODY.PEEK[])"), "FETCH")
        for part in data:
            if isinstance(part, tuple):
                return part[1]
        raise MailboxError(f"FETCH {key} returned no message")

    def mark_seen(self, key: str) -> None:
        self._ok(self.connection.uid("STORE", key, "+FLAGS", "(\\Seen)"), "STORE")

    @staticmethod
    def _ok(response, command: str):
        status, data = response
        if status != "OK":
            raise MailboxError(f"{command}: {status} {data!r}")
        return data


class MaildirMailbox:
    """A Maildir the mail server delivers to: unseen until moved to cur/ with the S flag."""

    def __init__(self, path: str):
        self.path = Path(path)
        self.maildir = maildir_lib.Maildir(path, factory=None, create=False)

    def unseen(self) -> list[str]:
        """From the file names alone (new/ is unseen; cur/ carries the flags after ":2,"),
        without opening the messages already taken in."""
        keys = []
        for subdir in ("new", "cur"):
            for name in os.listdir(self.path / subdir):
                if name.startswith("."):
                    continue
                key, _sep, info = name.partition(self.maildir.colon)
                if "S" not in info.partition(",")[2]:
                    keys.append(key)
        return sorted(keys)

    def read(self, key: str) -> bytes:
        return self.maildir.get_bytes(key)

    def mark_seen(self, key: str) -> None:
        message = self.maildir[key]
        message.set_subdir("cur")
        message.add_flag("S")
        self.maildir[key] = message


def _quoted(folder: str) -> str:
    return folder if folder.startswith('"') else '"' + folder.replace('"', '\\"') + '"'


@dataclass
class FetchReport:
    stored: int = 0
    rejected: int = 0  # never to be taken in: marked seen, logged
    failed: int = 0  # left unseen for the next run
    busy: bool = False  # another fetch was running

    def as_dict(self) -> dict:
        return asdict(self)


def take_in(source: Mailbox, *, limit: int = FETCH_LIMIT) -> FetchReport:
    """Store each unseen message of the mailbox, then mark it seen."""
    report = FetchReport()
    for key in source.unseen()[:limit]:
        try:
            receive_email(source.read(key))
        except InboundEmailError as exc:
            logger.warning("Inbound email %s cannot be taken in: %s", key, exc)
            report.rejected += 1
        except Exception:
            logger.exception("Inbound email %s was not stored; it stays unseen", key)
            report.failed += 1
            continue
        else:
            report.stored += 1
        source.mark_seen(key)
    return report


def is_configured() -> bool:
    return bool(settings.INBOUND_IMAP_HOST or settings.INBOUND_MAILDIR)


@contextmanager
def configured_mailbox() -> Iterator[Mailbox]:
    """The mailbox the settings name: the Maildir, else the IMAP folder (logged in)."""
    if settings.INBOUND_MAILDIR:
        yield MaildirMailbox(settings.INBOUND_MAILDIR)
        return
    client = imaplib.IMAP4_SSL if settings.INBOUND_IMAP_SSL else imaplib.IMAP4
    connection = client(settings.INBOUND_IMAP_HOST, settings.INBOUND_IMAP_PORT,
                        timeout=settings.INBOUND_IMAP_TIMEOUT)
    try:
        connection.login(settings.INBOUND_IMAP_USER, settings.INBOUND_IMAP_PASSWORD)
        yield ImapMailbox(connection, settings.INBOUND_IMAP_FOLDER)
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            connection.logout()


def fetch(*, limit: int = FETCH_LIMIT) -> FetchReport | None:
    """One run over the configured mailbox; None when none is configured."""
    if not is_configured():
        return None
    if not cache.add(LOCK_KEY, 1, LOCK_SECONDS):
        return FetchReport(busy=True)
    try:
        with configured_mailbox() as source:
            return take_in(source, limit=limit)
    finally:
        cache.delete(LOCK_KEY)
