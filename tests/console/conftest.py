import pytest
from django.core.cache import cache
from django.test import Client

from console.client.tokens import TOKENS_KEY, TokenBundle


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The platform's rate limits live in the cache; no test inherits another's failed logins."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Client, person, **extra):
    """POST the sign-in form as `person`; returns the response."""
    return client.post("/sign-in", {"email": person.email, "password": person.password, **extra})


def tokens_of(client: Client) -> TokenBundle | None:
    return TokenBundle.from_dict(client.session.get(TOKENS_KEY))


@pytest.fixture
def signed_in(client, cast):
    """signed_in(person) -> the client, signed in as that person."""

    def _signed_in(person):
        response = sign_in(client, person)
        assert response.status_code == 302, response.content
        return client

    return _signed_in
