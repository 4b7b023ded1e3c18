"""gunicorn's settings file, read from the working directory by default (the Dockerfile's
and docker-compose.yml's commands give the bind address and the number of workers)."""

import gc


def post_worker_init(worker):
    """Once Django is loaded in the worker, move its long-lived objects (modules, models,
    settings) out of reach of the garbage collector's full passes. Without this, every few
    dozen requests one paid for a full pass over them: up to ~100-150 ms on the API's ticket
    list at p95 (bench/README.md, "Inbox and ticket page")."""
    gc.freeze()
