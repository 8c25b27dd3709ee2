"""DPoP proofs (RFC 9449 as contract §1.4 profiles it): checked with joserfc, their jti remembered in the database.

A proof is a JWT the client signs for one request: header `typ: dpop+jwt`, `alg` ES256 or RS256 and the
public `jwk`; claims `jti`, `htm`, `htu`, `iat` and, on resource requests, `ath` (the hash of the access
token). The platform binds a login's tokens to the key's RFC 7638 thumbprint (`cnf.jkt`) and from then on
accepts them only with a proof signed by that key. No nonces (§6 item 6).

The replay guard is a table, not a per-process cache: every worker of every process sees every jti.
"""

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import connection
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, RSAKey
from joserfc.jws import JWSRegistry

from localplatform.errors import PlatformError
from localplatform.identity.models import DpopProof

ALGORITHMS = ("ES256", "RS256")
# Sent with every 401 that a DPoP failure causes (§1.4).
CHALLENGE = 'DPoP algs="ES256 RS256"'
IAT_LEEWAY_SECONDS = 60
REPLAY_WINDOW = timedelta(minutes=5)
MAX_PROOF_LENGTH = 8192
MAX_JTI_LENGTH = 256
MIN_RSA_BITS = 2048
# Members only a private JWK has: a proof carries the public key, never the private one.
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
# Expired jti rows are deleted on about one write in this many, so the table stays small without a job.
PURGE_ONE_IN = 64


class _ProofRegistry(JWSRegistry):
    # An RS256 proof carries its RSA modulus in the header: far beyond joserfc's 512-byte default.
    max_header_length = 2048


# Unknown header parameters are allowed (RFC 7515); `crit` is still honoured.
REGISTRY = _ProofRegistry(algorithms=ALGORITHMS, strict_check_header=False)


def refusal(code: str, message: str) -> PlatformError:
    """A 401 for a DPoP failure, with the WWW-Authenticate challenge §1.4 asks for."""
    return PlatformError(code, message, headers={"WWW-Authenticate": CHALLENGE})


def invalid(message: str) -> PlatformError:
    return refusal("invalid_dpop_proof", message)


@dataclass(frozen=True)
class Proof:
    """A verified DPoP proof: the thumbprint of the key that signed it binds tokens (cnf.jkt)."""

    jkt: str
    jti: str


def token_hash(access_token: str) -> str:
    """`ath`: base64url (unpadded) SHA-256 of the access token."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def normalize_url(url: str) -> str | None:
    """scheme://host[:port]/path, lower-cased scheme and host, default port dropped, no query or fragment."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    return f"{scheme}://{host}{parts.path or '/'}"


class _HeaderError(Exception):
    pass


def _header_key(obj) -> ECKey | RSAKey:
    """The public key in a proof's header, once the header is one §1.4 allows; joserfc then checks the signature."""
    header = obj.headers()
    if header.get("typ") != "dpop+jwt":
        raise _HeaderError('The DPoP proof\'s "typ" must be "dpop+jwt".')
    if header.get("alg") not in ALGORITHMS:
        raise _HeaderError('The DPoP proof\'s "alg" must be ES256 or RS256.')
    jwk = header.get("jwk")
    if not isinstance(jwk, dict) or PRIVATE_MEMBERS & set(jwk):
        raise _HeaderError('The DPoP proof\'s "jwk" must hold the public key, and only it.')
    try:
        key = JWKRegistry.import_key(jwk)
    except (JoseError, ValueError, TypeError) as exc:
        raise _HeaderError('The DPoP proof\'s "jwk" is not a valid key.') from exc
    if not isinstance(key, ECKey | RSAKey):
        raise _HeaderError('The DPoP proof\'s "jwk" must be an EC or RSA key.')
    if isinstance(key, RSAKey) and key.raw_value.key_size < MIN_RSA_BITS:
        raise _HeaderError(f"The DPoP proof's RSA key must have at least {MIN_RSA_BITS} bits.")
    return key


def verify(value: str | None, method: str, urls: Collection[str], access_token: str | None = None) -> Proof:
    """The proof sent with a request, checked against it (§1.4); 401 invalid_dpop_proof otherwise.

    `urls` are the URLs the request may be named by (htu); `access_token` is the token a resource request
    presents (its hash must be the proof's `ath`), None on a token-issuing request (which must have no `ath`).
    A proof that passes is remembered: the same jti within 5 minutes is refused.
    """
    if not value:
        raise invalid("Send a DPoP proof in the DPoP header.")
    if len(value) > MAX_PROOF_LENGTH or "," in value:  # a comma: several DPoP headers were sent
        raise invalid("Send exactly one DPoP proof.")
    try:
        token = jwt.decode(value, _header_key, algorithms=ALGORITHMS, registry=REGISTRY)
        jkt = JWKRegistry.import_key(token.header["jwk"]).thumbprint()  # RFC 7638, of the key checked above
    except _HeaderError as exc:
        raise invalid(str(exc)) from None
    except (JoseError, ValueError, TypeError, KeyError):
        raise invalid("The DPoP proof is not a valid signed JWT.") from None
    claims = token.claims
    check_claims(claims, method, urls, access_token)
    remember(claims["jti"])
    return Proof(jkt=jkt, jti=claims["jti"])


def check_claims(claims: dict, method: str, urls: Collection[str], access_token: str | None) -> None:
    """jti, htm, htu, iat and ath as §1.4 says."""
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 0 < len(jti) <= MAX_JTI_LENGTH:
        raise invalid('The DPoP proof needs a unique "jti".')
    if claims.get("htm") != method.upper():
        raise invalid(f"The DPoP proof's \"htm\" must be the request's method, {method.upper()}.")
    htu = claims.get("htu")
    expected = {normalize_url(url) for url in urls} - {None}
    if not isinstance(htu, str) or normalize_url(htu) not in expected:
        raise invalid('The DPoP proof\'s "htu" must be the URL of this request, without query or fragment.')
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise invalid('The DPoP proof needs "iat", the time it was made.')
    if abs(timezone.now().timestamp() - iat) > IAT_LEEWAY_SECONDS:
        raise invalid(f"The DPoP proof's \"iat\" is more than {IAT_LEEWAY_SECONDS} s away from the server's time.")
    ath = claims.get("ath")
    if access_token is None:
        if ath is not None:
            raise invalid('A DPoP proof for a token request has no "ath".')
    elif not isinstance(ath, str) or not hmac.compare_digest(ath, token_hash(access_token)):
        raise invalid('The DPoP proof\'s "ath" must be the hash of the access token sent with it.')


def remember(jti: str) -> None:
    """Record a jti for 5 minutes; 401 invalid_dpop_proof when it is already recorded (a replay)."""
    now = timezone.now()
    key = hashlib.sha256(jti.encode()).hexdigest()
    if not _record(key, now):
        raise invalid("This DPoP proof was already used: sign a new proof for every request.")
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        DpopProof.objects.filter(expires_at__lte=now).delete()


def _record(key: str, now) -> bool:
    """Insert the jti's row, or take over one whose 5 minutes are over; False when it is still in its window.

    One statement (SQLite and PostgreSQL both have INSERT ... ON CONFLICT ... WHERE), so every worker sees the
    same answer without a lock, and a resource request pays one write, not a savepoint and two queries.
    """
    ops = connection.ops
    table = ops.quote_name(DpopProof._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (jti_hash, expires_at) VALUES (%s, %s) "  # noqa: S608 (our own table name)
            f"ON CONFLICT (jti_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE {table}.expires_at <= %s",
            [key, ops.adapt_datetimefield_value(now + REPLAY_WINDOW), ops.adapt_datetimefield_value(now)],
        )
        return cursor.rowcount == 1


def require_proof(organization, proof: Proof | None) -> None:
    """401 dpop_required when a token request for an organization that requires DPoP comes without a proof."""
    if proof is None and organization is not None and organization.require_dpop:
        raise refusal(
            "dpop_required", "This organization requires DPoP: send a DPoP proof to have the tokens bound to your key."
        )
