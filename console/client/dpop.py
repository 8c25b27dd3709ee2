"""The console's DPoP key (RFC 9449, contract §1.4 and §5): one ES256 key pair per browser session.

The key signs a proof for every token request (so every login the console makes is bound to it) and for
every call made with a bound token. Its private half lives only in the server-side session
(console/sessions.py): never in a cookie, a page or a log line; its repr shows the thumbprint only.
"""

import hashlib
import json
import secrets
import time
from base64 import urlsafe_b64encode
from functools import cached_property, lru_cache

from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

ALGORITHM = "ES256"
CURVE = "P-256"


class DpopKey:
    """An ES256 key pair that signs DPoP proofs."""

    def __init__(self, key: ECKey):
        self._key = key

    @classmethod
    def generate(cls) -> "DpopKey":
        return cls(ECKey.generate_key(CURVE))

    @classmethod
    def from_dict(cls, data) -> "DpopKey | None":
        """The key stored in a session (a private JWK), or None when there is none or it is unusable."""
        if not isinstance(data, dict) or not all(isinstance(value, str) for value in data.values()):
            return None
        return _imported(tuple(sorted(data.items())))

    def as_dict(self) -> dict:
        """The private JWK, for the server-side session only."""
        return dict(self._key.as_dict(private=True))

    @property
    def thumbprint(self) -> str:
        """RFC 7638 thumbprint: the `cnf.jkt` of the tokens bound to this key."""
        return self._key.thumbprint()

    def proof(self, method: str, url: str, access_token: str | None = None) -> str:
        """A proof for one request: `htu` is the URL the platform sees, `ath` only with an access token.

        A compact JWS signed here with the key's `cryptography` object: joserfc's jwt.encode re-serializes
        the same header and checks its registry on every call, three times the cost of the signature itself,
        once per platform call (README "Speed"). Tests verify these proofs with joserfc.
        """
        claims: dict = {"jti": secrets.token_urlsafe(24), "htm": method.upper(), "htu": url, "iat": int(time.time())}
        if access_token is not None:
            claims["ath"] = _b64(hashlib.sha256(access_token.encode("ascii")).digest())
        signing_input = f"{self._header}.{_b64(_json(claims))}"
        r, s = decode_dss_signature(self._signer.sign(signing_input.encode("ascii"), ECDSA(SHA256())))
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    @cached_property
    def _signer(self) -> EllipticCurvePrivateKey:
        signer = self._key.private_key
        if signer is None:  # keys come from generate() or a session's private JWK
            raise ValueError("A DPoP key needs its private half to sign.")
        return signer

    @cached_property
    def _header(self) -> str:
        """The encoded protected header: the public key and the proof's type (RFC 9449 §4.2)."""
        return _b64(_json({"typ": "dpop+jwt", "alg": ALGORITHM, "jwk": self._key.as_dict(private=False)}))

    def __repr__(self) -> str:
        return f"DpopKey(thumbprint={self.thumbprint!r})"


@lru_cache(maxsize=256)
def _imported(jwk: tuple[tuple[str, str], ...]) -> DpopKey | None:
    """A session's key, imported once per process rather than on every request (~35 us each time)."""
    try:
        key = ECKey.import_key(dict(jwk))
    except (JoseError, ValueError, TypeError):
        return None
    return DpopKey(key) if key.is_private and key.curve_name == CURVE else None


def _json(value: dict) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _b64(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
