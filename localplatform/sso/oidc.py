"""The OpenID Connect side of SSO: discovery, JWKS, dynamic registration, code redemption, ID-token checks.

Every request goes to a URL an administrator supplied (or one a provider's discovery document named), so
every one goes through localplatform.outbound: checked and pinned address, no redirects, one deadline.
ID tokens are verified with PyJWT (already the platform's JOSE library, pinned in pyproject.toml): the
signature against the provider's published keys, then iss, aud, exp, iat and the nonce.
"""

import base64
import hmac
import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import jwt
from jwt.exceptions import PyJWKError

from localplatform import outbound

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 10.0
# Asymmetric algorithms only: never "none", never an HMAC keyed with something the provider also knows.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
CLOCK_SKEW_SECONDS = 60
REQUIRED_ENDPOINTS = {"authorizationEndpoint": "authorization_endpoint", "tokenEndpoint": "token_endpoint"}
OPTIONAL_ENDPOINTS = {"userinfoEndpoint": "userinfo_endpoint", "registrationEndpoint": "registration_endpoint"}


class ProviderError(Exception):
    """The provider cannot be used for this; `message` is safe to show.

    `cause` is "idp:<error>" when the provider said why (an OAuth error code), `server_error` when it
    answered 5xx, `unreachable` when no answer came back at all.
    """

    def __init__(self, message: str, cause: str | None = None, server_error: bool = False, unreachable: bool = False):
        super().__init__(message)
        self.message = message
        self.cause = cause
        self.server_error = server_error
        self.unreachable = unreachable


@dataclass(frozen=True)
class Discovery:
    issuer: str  # exactly as the provider writes it (what ID tokens carry in `iss`)
    endpoints: dict  # the contract's `discovery` object (§2.2)


@dataclass(frozen=True)
class Registration:
    client_id: str
    client_secret: str
    registration_client_uri: str | None
    registration_access_token: str | None


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


def discover(issuer: str) -> Discovery:
    """Fetch and check <issuer>/.well-known/openid-configuration (OpenID Connect Discovery 1.0)."""
    document = _json_reply(_send("GET", discovery_url(issuer)), "discovery document")
    named = document.get("issuer")
    if not isinstance(named, str) or named.rstrip("/") != issuer.rstrip("/"):
        raise ProviderError("The discovery document names another issuer than this provider's URL.")
    endpoints: dict[str, str | None] = {"jwksUri": _endpoint(document, "jwks_uri")}
    for key, name in REQUIRED_ENDPOINTS.items():
        endpoints[key] = _endpoint(document, name)
    for key, name in OPTIONAL_ENDPOINTS.items():
        endpoints[key] = _endpoint(document, name) if document.get(name) else None
    ordered = ("authorizationEndpoint", "tokenEndpoint", "jwksUri", "userinfoEndpoint", "registrationEndpoint")
    return Discovery(named, {key: endpoints[key] for key in ordered})


def fetch_keys(jwks_uri: str) -> list[dict]:
    """The signing keys the provider publishes (JWKS), at least one."""
    document = _json_reply(_send("GET", jwks_uri), "key set (JWKS)")
    keys = document.get("keys")
    usable = (
        [key for key in keys if isinstance(key, dict) and key.get("use", "sig") == "sig"]
        if isinstance(keys, list)
        else []
    )
    if not usable:
        raise ProviderError("The provider's key set (JWKS) has no signing keys.")
    return usable


def register(
    endpoint: str, redirect_uris: list[str], client_name: str, initial_access_token: str | None
) -> Registration:
    """Register LakeSail as a confidential web client (RFC 7591) and return its credentials."""
    metadata = {
        "client_name": client_name,
        "application_type": "web",
        "redirect_uris": redirect_uris,
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    headers = {"Content-Type": "application/json"}
    if initial_access_token:
        headers["Authorization"] = f"Bearer {initial_access_token}"
    reply = _send("POST", endpoint, content=json.dumps(metadata).encode(), headers=headers)
    if reply.status >= 500:
        raise ProviderError(f"{reply.where} answered {reply.status}.", f"idp:http_{reply.status}", server_error=True)
    document = _object_or_empty(reply)
    if reply.status not in (200, 201):
        raise ProviderError(f"The provider refused the registration{_described(document)}.", _cause(document))
    client_id, client_secret = document.get("client_id"), document.get("client_secret")
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= 255:
        raise ProviderError("The provider registered no client LakeSail can use (no client_id of 1 to 255 characters).")
    if not isinstance(client_secret, str) or not client_secret:
        raise ProviderError("The provider registered no confidential client (no client_secret).")
    uri, token = document.get("registration_client_uri"), document.get("registration_access_token")
    return Registration(
        client_id,
        client_secret,
        uri if isinstance(uri, str) and token else None,
        token if isinstance(token, str) and uri else None,
    )


def deregister(registration_client_uri: str, registration_access_token: str) -> bool:
    """Delete a client registered by auto-setup (RFC 7592); False when the provider did not confirm it."""
    headers = {"Authorization": f"Bearer {registration_access_token}"}
    try:
        reply = outbound.request("DELETE", registration_client_uri, headers=headers, timeout=5.0)
    except outbound.OutboundError:
        return False
    return reply.status == 204


def redeem_code(endpoint: str, code: str, redirect_uri: str, verifier: str, client_id: str, secret: str) -> str:
    """Exchange an authorization code (with its PKCE verifier) for the ID token; client_secret_basic."""
    credentials = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"  # RFC 6749 §2.3.1
    headers = {
        "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    reply = _send("POST", endpoint, content=urlencode(form).encode(), headers=headers)
    document = _object_or_empty(reply)
    if reply.status != 200:
        raise ProviderError(f"The identity provider refused the sign-in code{_described(document)}.", _cause(document))
    id_token = document.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise ProviderError("The identity provider returned no ID token.")
    return id_token


def verify_id_token(id_token: str, keys: list[dict], issuer: str, client_id: str, nonce: str) -> dict:
    """The ID token's claims once its signature, iss, aud (and azp), exp, iat and nonce check out."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.InvalidTokenError:
        raise ProviderError("The ID token is malformed.") from None
    algorithm = header.get("alg")
    if algorithm not in SIGNING_ALGORITHMS:
        raise ProviderError("The ID token is signed with an algorithm LakeSail does not accept.")
    claims = None
    for key in _candidates(keys, header.get("kid"), algorithm):
        try:
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=[algorithm],
                audience=client_id,
                issuer=issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
            break
        except jwt.InvalidSignatureError:
            continue
        except jwt.InvalidTokenError as error:
            raise ProviderError(_token_problem(error)) from None
    if claims is None:
        raise ProviderError("The ID token's signature does not match any key the provider publishes.")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise ProviderError("The ID token was issued to another client.")
    if not isinstance(claims.get("nonce"), str) or not _same(claims["nonce"], nonce):
        raise ProviderError("The ID token's nonce does not match this sign-in.")
    return claims


# --- helpers ------------------------------------------------------------------------------------------


def _send(method: str, url: str, **options) -> outbound.Reply:
    try:
        return outbound.request(method, url, timeout=TIMEOUT_SECONDS, **options)
    except outbound.OutboundError as error:
        raise ProviderError(error.message, unreachable=not error.permanent) from None


def _json_reply(reply: outbound.Reply, what: str) -> dict:
    if reply.status >= 500:
        raise ProviderError(f"{reply.where} answered {reply.status}.", f"idp:http_{reply.status}", server_error=True)
    if reply.status != 200:
        raise ProviderError(f"No {what} at {reply.where} (HTTP {reply.status}).")
    document = _object_or_empty(reply)
    if not document:
        raise ProviderError(f"The {what} at {reply.where} is not a JSON object.")
    return document


def _object_or_empty(reply: outbound.Reply) -> dict:
    try:
        document = reply.json()
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _endpoint(document: dict, name: str) -> str:
    url = document.get(name)
    try:
        outbound.parse(url)
    except outbound.InvalidDestination:
        raise ProviderError(f"The discovery document has no usable {name}.") from None
    return str(url)


def _cause(document: dict) -> str | None:
    error = document.get("error")
    if isinstance(error, str) and error and len(error) <= 64 and all(c.isalnum() or c in "_.-" for c in error):
        return f"idp:{error}"
    return None


def _described(document: dict) -> str:
    description = document.get("error_description") or document.get("error")
    if not isinstance(description, str) or not description.isprintable():
        return ""
    return f": {description[:200]}"


def _candidates(keys: list[dict], kid, algorithm: str) -> list[jwt.PyJWK]:
    """The published keys that may have signed a token with this header, as PyJWT keys."""
    found = []
    for key in keys:
        if (kid is not None and key.get("kid") != kid) or key.get("alg", algorithm) != algorithm:
            continue
        try:
            found.append(jwt.PyJWK(key, algorithm=algorithm))
        except (PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
            continue
    return found


def _token_problem(error: jwt.InvalidTokenError) -> str:
    if isinstance(error, jwt.ExpiredSignatureError):
        return "The ID token has expired."
    if isinstance(error, jwt.InvalidAudienceError):
        return "The ID token was issued to another client."
    if isinstance(error, jwt.InvalidIssuerError):
        return "The ID token was issued by another issuer."
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"The ID token has no {error.claim} claim."
    if isinstance(error, jwt.ImmatureSignatureError):
        return "The ID token is not valid yet."
    return "The ID token is malformed."


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
