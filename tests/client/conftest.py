import pytest
from django.core.cache import cache

from tests.client.support import platform_of, signed_in_session
from tests.localplatform.oidc_support import oidc_issuer  # noqa: F401  (the real OIDC provider, for SSO tests)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The platform's rate limits live in the cache; no test inherits another's failed logins."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def platform_for(cast):
    """platform_for(person) -> a Platform signed in as that person, backed by a saved session."""

    def _platform_for(person):
        return platform_of(signed_in_session(person).session_key)

    return _platform_for
