import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _indonesian():
    """Masked text reads "[disembunyikan]", whatever language an earlier request left on."""
    with translation.override("id"):
        yield
