import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Presence and inbox counts live in the cache: every test starts without them."""
    cache.clear()
    yield
    cache.clear()
