import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle windows live in the cache; every test starts with none open."""
    cache.clear()
    yield
    cache.clear()
