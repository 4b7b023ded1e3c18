import threading

import pytest
from django.db import connections


@pytest.fixture(autouse=True)
def _keep_serialized_rollback_data_after_the_browser(request):
    """pytest-playwright leaves an asyncio loop running in the main thread. From then on
    Django keeps database connections per context instead of per thread (asgiref's
    thread-critical Local), so later tests get a fresh connection object that lacks the
    migration data `serialized_rollback` restores (roles, tiers), and the transactional tests
    after a browser test would lose it. Hand that data over to the new connection object."""
    yield
    if "page" not in request.fixturenames:
        return
    per_thread = connections._connections._storage
    if not isinstance(per_thread, threading.local):
        return
    for alias in connections:
        original = getattr(per_thread, alias, None)
        contents = getattr(original, "_test_serialized_contents", None)
        if contents is not None and not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents
