import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English unless a test says otherwise (a request in another
    language leaves that language active in the thread)."""
    with translation.override("en"):
        yield
