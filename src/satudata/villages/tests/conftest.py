import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


# The real-browser fixtures (Debian's chromium through Playwright) are core's, not a copy.
from satudata.core.tests.test_browser import page, regions_loaded  # noqa: E402, F401
