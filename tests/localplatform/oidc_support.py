"""OpenID Connect providers for the SSO tests, all on loopback.

- `oidc_issuer`: the real, certified provider (panva's oidc-provider, scripts/oidc_provider.mjs) that
  bin/test starts before pytest; its URL is in LAKESAIL_TEST_OIDC_ISSUER. Run outside bin/test, the tests
  that need it are skipped (bin/test always runs them).
- `sign_in_at_provider()`: goes through that provider's login and consent pages as a browser would, and
  returns the query the provider sends back to the redirect URI (what the console forwards).
- `Forge`: a tiny provider of our own (discovery, JWKS, token endpoint) that answers the code with
  whatever ID token a test signs with its test key: the tokens a real provider will not mint (signed by
  another key, expired, with a wrong nonce, audience or issuer, alg none or HS256).
"""

import base64
import hashlib
import html
import json
import os
import re
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, urljoin, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from localplatform.sso.services import identity_providers as providers

CALLBACK = "http://testserver/sign-in/sso/callback"  # the allow-list entry of the `api` fixture's origin


@pytest.fixture
def oidc_issuer() -> str:
    """The real provider's issuer URL (bin/test starts it on a free loopback port)."""
    issuer = os.environ.get("LAKESAIL_TEST_OIDC_ISSUER")
    if not issuer:
        pytest.skip("needs the OIDC provider that bin/test starts (LAKESAIL_TEST_OIDC_ISSUER is not set)")
    return issuer


def sign_in_at_provider(authorization_url: str, login: str, *, redirect_uri: str = CALLBACK, cancel=False) -> dict:
    """Sign in at the real provider's development pages (login, then consent; or Cancel on the login page)
    and return the query of the redirect back to `redirect_uri`, which is never requested."""
    assert urlsplit(authorization_url).hostname in ("127.0.0.1", "localhost", "::1")
    with httpx.Client(follow_redirects=False, timeout=10, trust_env=False) as browser:
        request = browser.build_request("GET", authorization_url)
        for _ in range(12):
            response = browser.send(request)
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(redirect_uri):
                    return dict(parse_qsl(urlsplit(location).query))
                request = browser.build_request("GET", location)
                continue
            assert response.status_code == 200, response.text[:500]
            page = response.text
            if cancel:
                abort = re.search(r'href="([^"]*/abort)"', page)
                assert abort, page[:500]
                request = browser.build_request("GET", urljoin(str(response.url), html.unescape(abort[1])))
                continue
            action = re.search(r'<form[^>]*action="([^"]+)"', page)
            prompt = re.search(r'name="prompt" value="(\w+)"', page)
            assert action and prompt, page[:500]
            form = {"prompt": prompt[1]}
            if prompt[1] == "login":
                form |= {"login": login, "password": "any password"}
            request = browser.build_request("POST", urljoin(str(response.url), html.unescape(action[1])), data=form)
    raise AssertionError("the provider never redirected back")


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """An RSA key per name, made once per test run (key generation is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


class Forge:
    """A loopback OIDC provider whose token endpoint answers with the ID token a test chose.

    `reply` is the token endpoint's next answer, (status, JSON body); `requests` records (method, path,
    headers, body) of every request it received.
    """

    KID = "forge-key"
    CLIENT_ID = "lakesail-forge"
    CLIENT_SECRET = "forge-client-secret-of-at-least-32-bytes"

    def __init__(self, *, registration: bool = False, discovery_status: int = 200, registration_status: int = 201):
        self.key = rsa_key("forge")
        self.other_key = rsa_key("another")
        self.registration = registration
        self.discovery_status = discovery_status
        self.registration_status = registration_status
        self.reply: tuple[int, dict] = (400, {"error": "invalid_grant"})
        self.requests: list[tuple[str, str, dict, bytes]] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def discovery(self) -> dict:
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }
        if self.registration:
            document["registration_endpoint"] = f"{self.issuer}/register"
        return document

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.KID, "use": "sig", "alg": "RS256"}]}

    def claims(self, nonce: str, **changes) -> dict:
        """Valid ID-token claims for this sign-in; `changes` replace some (None removes one)."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.CLIENT_ID,
            "sub": "forge-subject",
            "email": "member@acme.test",
            "email_verified": True,
            "nonce": nonce,
            "iat": now,
            "exp": now + 300,
        }
        claims.update(changes)
        return {key: value for key, value in claims.items() if value is not None}

    def sign(self, claims: dict, *, key=None, algorithm: str = "RS256", kid: str | None = KID) -> str:
        headers = {"kid": kid} if kid else {}
        return jwt.encode(claims, key if key is not None else self.key, algorithm=algorithm, headers=headers)

    def answer_with(self, id_token: str) -> None:
        self.reply = (200, {"access_token": "forge-access", "token_type": "Bearer", "id_token": id_token})

    def __enter__(self) -> "Forge":
        forge = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                forge.requests.append(("GET", self.path, dict(self.headers.items()), b""))
                if self.path == "/.well-known/openid-configuration":
                    self.answer(forge.discovery_status, forge.discovery())
                elif self.path == "/jwks":
                    self.answer(200, forge.jwks())
                else:
                    self.answer(404, {"error": "not_found"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                forge.requests.append(("POST", self.path, dict(self.headers.items()), body))
                if self.path == "/token":
                    self.answer(*forge.reply)
                elif self.path == "/register" and forge.registration_status < 300:
                    self.answer(forge.registration_status, {"client_id": "registered", "client_secret": "minted"})
                elif self.path == "/register":
                    self.answer(forge.registration_status, {"error": "access_denied", "error_description": "closed"})
                else:
                    self.answer(404, {"error": "not_found"})

            def answer(self, status: int, document: dict):
                content = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

    def token_requests(self) -> list[dict[str, str]]:
        """The forms the token endpoint received."""
        return [dict(parse_qsl(body.decode())) for method, path, _, body in self.requests if path == "/token"]


def pkce_matches(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=") == challenge


@pytest.fixture
def forge():
    with Forge() as provider:
        yield provider


@pytest.fixture
def real_idp(cast, oidc_issuer):
    """The real provider, added to Acme by auto-setup: claims acme.test, provisions new people."""
    return providers.auto_setup(
        cast.org,
        cast.owner.member,
        name="Local OIDC",
        provider_url=oidc_issuer,
        redirect_uris=[CALLBACK],
        email_domains=["acme.test"],
        auto_provision=True,
    )
