"""DPoP in the console (§1.4, §5): sign-in binds the login to the browser session's key, kept server side, and
turning on requireDpop signs nobody out."""

import time
from dataclasses import replace

from django.conf import settings

from console.client.dpop import DpopKey
from console.client.tokens import TOKENS_KEY
from console.sessions import DPOP_KEY
from localplatform.identity.models import Login
from tests.client.support import session_auth
from tests.client.test_dpop import bearer_session
from tests.console.accounts_support import enable_totp, other_code
from tests.console.conftest import sign_in, tokens_of
from tests.localplatform.helpers import ok


def require_dpop(organization) -> None:
    organization.require_dpop = True
    organization.save(update_fields=["require_dpop"])


def key_of(client) -> DpopKey:
    key = DpopKey.from_dict(client.session.get(DPOP_KEY))
    assert key is not None
    return key


def history(response) -> list[str]:
    return response.wsgi_request.platform.history


def expire_soon(client) -> None:
    """The console believes the access token has 30 s left: the next page refreshes first."""
    session = client.session
    session[TOKENS_KEY] = replace(tokens_of(client), expires_at=time.time() + 30).as_dict()
    session.save()


def test_sign_in_binds_the_login_to_the_sessions_key(client, cast):
    assert sign_in(client, cast.member).status_code == 302
    assert tokens_of(client).token_type == "DPoP"
    assert Login.objects.get(user=cast.member.user).dpop_jkt == key_of(client).thumbprint


def test_the_mfa_step_binds_with_the_key_made_at_the_first_step(client, cast):
    sign_in(client, cast.member)
    totp = enable_totp(client)
    client.post("/sign-out")
    assert sign_in(client, cast.member)["Location"] == "/sign-in/mfa"
    key = key_of(client)  # made by the first step, kept for the second
    assert client.post("/sign-in/mfa", {"code": other_code(totp)})["Location"] == "/"
    assert key_of(client).thumbprint == key.thumbprint
    login = Login.objects.filter(user=cast.member.user, revoked_at__isnull=True).get()
    assert (login.token_type, login.dpop_jkt) == ("DPoP", key.thumbprint)


def test_each_browser_session_has_its_own_key(client, cast):
    sign_in(client, cast.member)
    first = key_of(client).thumbprint
    client.post("/sign-out")
    sign_in(client, cast.member)
    assert key_of(client).thumbprint != first


def test_turning_on_require_dpop_signs_nobody_out_across_a_refresh(client, cast, api):
    """Must show 3: the owner turns requireDpop on and keeps working, through a token refresh."""
    sign_in(client, cast.owner)
    headers = session_auth(client.session, "PATCH", "/org/settings")  # the owner's own login
    assert ok(api.patch("/org/settings", json={"requireDpop": True}, headers=headers))["requireDpop"] is True
    assert client.get("/members").status_code == 200
    expire_soon(client)
    response = client.get("/members")
    assert response.status_code == 200 and "Mia Member" in response.content.decode()
    assert history(response)[0] == "POST /auth/token/refresh 200"
    assert client.get("/account/sessions").status_code == 200


def test_a_bearer_session_from_before_is_bound_when_require_dpop_comes(client, cast):
    """A browser session holding a Bearer login and no key (signed in before the console bound logins)."""
    client.cookies[settings.SESSION_COOKIE_NAME] = bearer_session(cast.member).session_key
    require_dpop(cast.org)
    response = client.get("/members")
    assert response.status_code == 200
    first, refresh, again = history(response)[:3]
    assert first.endswith(" 401") and refresh == "POST /auth/token/refresh 200" and again == first[:-3] + "200"
    assert tokens_of(client).token_type == "DPoP"
    assert Login.objects.get(user=cast.member.user).dpop_jkt == key_of(client).thumbprint


def test_the_private_key_never_reaches_the_browser(client, cast):
    response = sign_in(client, cast.member)
    private = key_of(client).as_dict()["d"]
    pages = [response, client.get("/"), client.get("/members"), client.get("/account/sessions")]
    for page in pages:
        assert private not in page.content.decode()
        assert all(private not in value for _, value in page.items())
    assert all(private not in morsel.value for morsel in client.cookies.values())
