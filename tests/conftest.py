"""Fixtures shared by the whole suite: a fixed cast of users, a real SMTP server, a real
Celery worker process and a real browser.

In CI (KEFU_CI=1) nothing is skipped: a missing service or browser fails the run.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import TeamFactory, UserFactory

IN_CI = os.environ.get("KEFU_CI") == "1"
CHROMIUM = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_sessionstart(session):
    """In CI the suite must run on the real services, never on the embedded fallbacks."""
    if not IN_CI:
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine or not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.exit(f"KEFU_CI=1 needs PostgreSQL and Redis; got {engine} and "
                    f"{settings.CELERY_BROKER_URL}", returncode=3)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, with its serialized contents reachable from every connection object.

    Playwright's sync API keeps an asyncio loop running in the test thread, so after the first
    browser test Django's connections (a thread-critical asgiref Local) live in per-context
    storage: later tests get a new connection object without the `_test_serialized_contents`
    that serialized_rollback restores the migration-seeded rows (roles, tiers) from.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents
    yield


@pytest.fixture(autouse=True)
def _no_cached_menus():
    """The inbox's menus are cached across requests: every test starts without them."""
    from django.core.cache import cache

    from tickets import menus

    cache.delete(menus.CACHE_KEY)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever an earlier test activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# --- The cast -------------------------------------------------------------------------

@pytest.fixture
def team(db):
    return TeamFactory(name="Orders & shipping")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Returns & refunds")


@pytest.fixture
def agent(db, team):
    user = UserFactory(username="ann", first_name="Ann", last_name="Agent", role="agent")
    team.members.add(user)
    return user


@pytest.fixture
def other_agent(db, other_team):
    user = UserFactory(username="bo", first_name="Bo", last_name="Chen", role="agent")
    other_team.members.add(user)
    return user


@pytest.fixture
def manager(db, team):
    user = UserFactory(username="mei", first_name="Mei", last_name="Manager", role="manager")
    team.manager = user
    team.save(update_fields=["manager"])
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", first_name="Ada", last_name="Admin", role="admin")


@pytest.fixture
def outsider(db):
    """A logged-in user with no Kefu role (e.g. a customer account)."""
    return UserFactory(username="carl", first_name="Carl", last_name="Customer")


# --- A real SMTP server ---------------------------------------------------------------

class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        self.messages.append(message)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 20.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def smtp_server(settings):
    """A local SMTP server (aiosmtpd); Django's SMTP backend delivers to it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    mailbox.port = port
    yield mailbox
    controller.stop()


# --- A real Celery worker -------------------------------------------------------------

_WORKER_STARTED = False  # set once the session's worker process runs

def _test_database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, request):
    """A real `celery worker` process on the configured broker, against the test database.

    It also serves a local SMTP server's port when a test passes one via `smtp_port`.
    Tests that use it commit their rows, and must restore the migration-seeded data
    (roles, tiers, default policies) afterwards:
    `@pytest.mark.django_db(transaction=True, serialized_rollback=True)`.
    """
    from helpdesk.celery import app

    smtp_port = free_port()
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": _test_database_url(),
        "DEBUG": "true",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    })
    hostname = f"kefu-test-{os.getpid()}@127.0.0.1"
    log = open(Path(settings.VAR_DIR) / "test-worker.log", "w")  # noqa: SIM115 (open for the session)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool=solo",
         "-Q", ",".join(settings.KEFU_QUEUES), "-n", hostname, "--loglevel=INFO",
         "--without-gossip", "--without-mingle"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if app.control.ping(destination=[hostname], timeout=1.0):
            break
    else:
        proc.kill()
        pytest.fail("The Celery worker did not answer a ping within 60 s.")
    if proc.poll() is not None:
        log.close()
        output = (Path(settings.VAR_DIR) / "test-worker.log").read_text()[-3000:]
        pytest.fail(f"The Celery worker exited: {output}")
    proc.smtp_port = smtp_port
    global _WORKER_STARTED
    _WORKER_STARTED = True
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def worker_smtp_server(celery_worker_process):
    """A local SMTP server on the port the worker process sends to."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=celery_worker_process.smtp_port)
    controller.start()
    yield mailbox
    controller.stop()


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()


# --- A real browser -------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = ("Chromium is not installed: `apt-get install chromium` "
                   "(the browser tests drive the system Chromium).")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {
        "executable_path": CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"],
    }


@pytest.fixture
def screenshot(page, request):
    """Save a screenshot of the page as a test artifact: screenshot("inbox")."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str):
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    def do_login(user, password="pw", language=None):
        if language:
            page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                                       "url": live_server.url}])
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return do_login


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run last, after pytest-django's own ordering: Playwright leaves an asyncio
    loop in the test thread, after which Django hands out new connection objects and
    serialized_rollback can no longer restore the migration-seeded rows for the tests that
    follow. Browser tests also use live_server, which needs async-unsafe DB access."""
    browser = [item for item in items if "page" in getattr(item, "fixturenames", ())]
    if browser:
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        others = [item for item in items if "page" not in getattr(item, "fixturenames", ())]
        items[:] = others + browser


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Before the database of a test is flushed, let the real worker finish what the test
    set off (follow-up tasks too): a TRUNCATE racing a worker's row locks deadlocks. That is
    every worker test, and once the worker runs, every test that commits (its order events
    reach the worker too). A worker that does not answer is busy (the solo pool answers
    between tasks)."""
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    commits = marker is not None and marker.kwargs.get("transaction", False)
    if "celery_worker_process" not in fixtures and not (_WORKER_STARTED and commits):
        return
    from helpdesk.celery import app

    deadline = time.monotonic() + 30
    quiet_checks = 0
    while time.monotonic() < deadline and quiet_checks < 2:
        inspector = app.control.inspect(timeout=1.0)
        replies = [inspector.active(), inspector.reserved()]
        busy = any(reply is None for reply in replies) or any(
            tasks for reply in replies for tasks in reply.values())
        quiet_checks = 0 if busy else quiet_checks + 1
        if busy:
            time.sleep(0.2)
