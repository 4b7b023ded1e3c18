import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Presence and inbox counts live in the cache: every test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser(browser):
    """pytest-playwright's browser, keeping Django's serialized rollback working after it.

    Playwright's sync API leaves an asyncio loop running in the test thread, so from then on
    Django's thread-critical connection storage is context-local: tests get new connection
    objects that lack the data serialized at test-database setup, and transactional tests with
    `serialized_rollback=True` would stop restoring the migrations' rows (roles, tiers, seeded
    templates). Hand the serialized data to the new connection objects.
    """
    from django.db import connections

    thread_storage = connections._connections._storage
    for alias in connections:
        original = getattr(thread_storage, alias, None)
        contents = getattr(original, "_test_serialized_contents", None)
        if contents is not None:
            connections[alias]._test_serialized_contents = contents
    return browser
