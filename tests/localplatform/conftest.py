import pytest
from django.core.cache import cache

from tests.localplatform.oidc_support import oidc_issuer  # noqa: F401  (the real OIDC provider, for SSO tests)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle windows live in the cache; every test starts with none open."""
    cache.clear()
    yield
    cache.clear()
