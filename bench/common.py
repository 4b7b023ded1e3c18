"""Helpers shared by the benchmark scripts in bench/.

Run a benchmark as a script from the repository root, against the database that
bench/generate.py filled (see bench/README.md)::

    from common import setup_django

    setup_django()  # before anything imports Kefu's models

    from common import bench_user, measure, measure_page, print_table
    from tickets import selectors

    timing = measure(lambda: list(selectors.inbox_tickets()[:50]), repeat=30, warmup=3)
    page = measure_page("/tickets/", user=bench_user())
    print_table([{"what": "inbox query", "median ms": timing.median_ms,
                  "p95 ms": timing.p95_ms}, page.row()])

Nothing here imports Django at module level, so `setup_django` can run first.
"""

import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kefu_bench"

# The users bench/generate.py makes (password BENCH_PASSWORD), for logging in.
AGENT_USERNAME = "bench-agent-{:02d}"  # 1 .. --agents (50 by default)
MANAGER_USERNAME = "bench-manager-{}"  # 1 .. 3
ADMIN_USERNAME = "bench-admin"
BENCH_PASSWORD = "bench"


def setup_django(*, create_database: bool = False, production: bool = False) -> str:
    """Configure Django for the bench database and return its name.

    DATABASE_URL (default: the shared kefu_bench database) and REDIS_URL come from the
    environment; outgoing mail stays in memory; the test client's host is allowed.
    DEBUG is on unless `production`: then pages are served as in production (DEBUG off,
    static files from a collectstatic manifest, written once into KEFU_VAR_DIR, Django's
    objects frozen out of the garbage collector as gunicorn.conf.py does), except that
    requests come in over plain HTTP in-process (TLS is the proxy's job).
    """
    if production:
        os.environ.setdefault("DEBUG", "false")
        os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
        os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    if create_database:
        create_database_if_missing(os.environ["DATABASE_URL"])
    import django
    from django.conf import settings

    django.setup()
    if not settings.DEBUG and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    if production:
        import gc

        gc.freeze()  # as gunicorn.conf.py does in each web worker once Django is loaded
    return settings.DATABASES["default"]["NAME"]


def create_database_if_missing(url: str) -> bool:
    """CREATE DATABASE for a postgres:// URL unless it exists; True if it was made."""
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"The benchmarks need PostgreSQL, not {config['ENGINE']}.")
    server = psycopg2.connect(dbname="postgres", user=config.get("USER") or None,
                              password=config.get("PASSWORD") or None,
                              host=config.get("HOST") or None, port=config.get("PORT") or None)
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            return True
    finally:
        server.close()


def bench_user(role: str = "agent", number: int = 1):
    """One of the generated users: role "agent" (number 1..50), "manager" (1..3) or "admin"."""
    from django.contrib.auth import get_user_model

    username = {"agent": AGENT_USERNAME.format(number),
                "manager": MANAGER_USERNAME.format(number),
                "admin": ADMIN_USERNAME}[role]
    return get_user_model().objects.get(username=username)


class Timing(NamedTuple):
    """Wall-clock milliseconds of repeated runs: `median_ms, p95_ms = measure(...)`."""

    median_ms: float
    p95_ms: float


def _timing(samples: Sequence[float]) -> Timing:
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
    return Timing(median_ms=statistics.median(ordered), p95_ms=p95)


def measure(func: Callable[[], Any], *, repeat: int = 20, warmup: int = 2) -> Timing:
    """Run `func` `warmup` times untimed, then `repeat` times; median and p95 in ms."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return _timing(samples)


@dataclass
class PageTiming:
    """A page served by Django in-process: time, SQL queries, status and size."""

    url: str
    status: int
    median_ms: float
    p95_ms: float
    queries: int  # the most any warm-up run made (they should all make the same number)
    kilobytes: float

    def row(self, label: str | None = None) -> dict[str, Any]:
        return {"page": label or self.url, "status": self.status, "median ms": self.median_ms,
                "p95 ms": self.p95_ms, "queries": self.queries, "KB": self.kilobytes}


def measure_page(url: str, *, user=None, repeat: int = 20, warmup: int = 2,
                 method: str = "get", data: Any = None, headers: Mapping[str, str] | None = None,
                 expect: int | None = 200) -> PageTiming:
    """Request `url` through Django's test client as `user` (logged in; None: anonymous).

    The time is the server's: the request goes through the middleware, view and template
    in this process, with no network or browser. The warm-up runs count the SQL queries
    (CaptureQueriesContext); the timed runs are not instrumented, so the count costs them
    nothing. `headers={"HX-Request": "true"}` asks for an htmx partial. A response other
    than `expect` stops the benchmark with its status.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if user is not None:
        client.force_login(user)
    send = getattr(client, method.lower())
    samples, queries, status, size = [], 0, 0, 0
    for run in range(max(1, warmup) + repeat):
        counting = run < max(1, warmup)
        with CaptureQueriesContext(connection) if counting else nullcontext() as captured:
            started = time.perf_counter()
            response = send(url, data=data, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
        if expect is not None and response.status_code != expect:
            raise SystemExit(f"{method.upper()} {url} answered {response.status_code}, "
                             f"expected {expect}")
        status, size = response.status_code, len(response.content)
        if counting:
            queries = max(queries, len(captured))
        else:
            samples.append(elapsed)
    timing = _timing(samples)
    return PageTiming(url=url, status=status, median_ms=timing.median_ms,
                      p95_ms=timing.p95_ms, queries=queries, kilobytes=size / 1024)


def backend_cpu_seconds(connection=None) -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend process (when the
    server runs on this machine), so figures can be read apart from the machine's load."""
    if connection is None:
        from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Page:
    """A page for `measure_pages`: its label in the table, URL and method."""

    label: str
    url: str
    method: str = "get"


def measure_pages(pages: Sequence[Page], *, user, repeat: int = 20,
                  warmup: int = 2) -> list[dict[str, Any]]:
    """Like `measure_page` for several pages, in rounds: each round requests every page once,
    so a machine that slows down or speeds up during the run (a shared one does) weighs on
    every page alike rather than on the last ones. Also the CPU time this process spent on
    each request (time.process_time: Django's own work, without waiting for a CPU or for
    PostgreSQL). Returns one table row per page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    walls: dict[int, list[float]] = {i: [] for i in range(len(pages))}
    cpus: dict[int, list[float]] = {i: [] for i in range(len(pages))}
    queries = dict.fromkeys(range(len(pages)), 0)
    last = {}
    for run in range(max(1, warmup) + repeat):
        counting = run < max(1, warmup)
        for i, page in enumerate(pages):
            send = getattr(client, page.method)
            with CaptureQueriesContext(connection) if counting else nullcontext() as captured:
                wall, cpu = time.perf_counter(), time.process_time()
                response = send(page.url)
                cpu = (time.process_time() - cpu) * 1000
                wall = (time.perf_counter() - wall) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{page.method.upper()} {page.url} answered "
                                 f"{response.status_code}")
            last[i] = response
            if counting:
                queries[i] = max(queries[i], len(captured))
            else:
                walls[i].append(wall)
                cpus[i].append(cpu)
    rows = []
    for i, page in enumerate(pages):
        wall, cpu = _timing(walls[i]), _timing(cpus[i])
        rows.append({"page": page.label, "status": last[i].status_code,
                     "median ms": wall.median_ms, "p95 ms": wall.p95_ms,
                     "queries": queries[i], "KB": len(last[i].content) / 1024,
                     "CPU median ms": cpu.median_ms, "CPU p95 ms": cpu.p95_ms})
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def format_table(rows: Iterable[Mapping[str, Any] | Sequence[Any]],
                 headers: Sequence[str] | None = None) -> str:
    """A Markdown table (paste it into bench/README.md). Rows are dicts (their keys are
    the headers; a row without a key leaves the cell empty) or sequences with `headers`
    given. Floats get one decimal, integers thousands separators."""
    rows = list(rows)
    if headers is None:  # every key of the dict rows, in order of first appearance
        headers = list(dict.fromkeys(k for row in rows if isinstance(row, Mapping) for k in row))
    cells = [[_cell(row.get(h, "")) for h in headers] if isinstance(row, Mapping)
             else [_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [all(r[i][:1].isdigit() or r[i][:1] == "-" for r in cells if r[i])
               for i in range(len(headers))]

    def line(values):
        return "| " + " | ".join(v.rjust(w) if num else v.ljust(w)
                                 for v, w, num in zip(values, widths, numeric, strict=True)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if num else ("-" * (w + 2))
                          for w, num in zip(widths, numeric, strict=True)) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in cells)])


def print_table(rows: Iterable[Mapping[str, Any] | Sequence[Any]],
                headers: Sequence[str] | None = None, *, title: str | None = None) -> str:
    """Print `format_table(rows, headers)` (under `title`, if given) and return it."""
    table = format_table(rows, headers)
    print(f"\n{title}\n\n{table}\n" if title else f"\n{table}\n", flush=True)
    return table
