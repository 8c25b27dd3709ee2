"""Access and refresh tokens stay in the server-side session: never in HTML, headers or cookies."""

import pytest
from django.test import override_settings

from tests.client.support import closed_port_url
from tests.console.conftest import tokens_of

pytestmark = pytest.mark.urls("tests.console.urls")


def test_tokens_never_reach_the_browser(signed_in, cast, api):
    client = signed_in(cast.member)
    seen: list[str] = []

    def visit(method, path, **kwargs):
        response = getattr(client, method)(path, **kwargs)
        seen.append(response.content.decode())
        seen.extend(f"{name}: {value}" for name, value in response.items())
        seen.extend(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
        return response

    bundles = [tokens_of(client)]
    visit("get", "/")
    visit("get", "/", headers={"HX-Request": "true", "HX-Target": "overview"})
    visit("get", "/sign-in")
    visit("get", "/probe/me")
    visit("get", "/probe/roles/ZZZZZZZZZZ")
    visit("get", "/no-such-page")
    with override_settings(LAKESAIL_API_URL=closed_port_url()):
        visit("get", "/")
    client.session.save()
    bundles.append(tokens_of(client))
    visit("post", "/sign-out")
    visit("get", "/sign-in")

    secrets = [secret for bundle in bundles for secret in (bundle.access_token, bundle.refresh_token)]
    assert all(len(secret) > 20 for secret in secrets)
    for text in seen:
        for secret in secrets:
            assert secret not in text
