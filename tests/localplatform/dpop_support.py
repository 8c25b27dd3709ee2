"""DPoP proofs for the platform tests, made with joserfc directly so that any field can be wrong on purpose."""

import hashlib
import json
import secrets
import time
from base64 import urlsafe_b64encode

from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

# Where the `api` fixture sends requests, as the platform sees them (tests/conftest.py).
BASE = "http://testserver/api/v1"
CHALLENGE = 'DPoP algs="ES256 RS256"'


class _Registry(jws.JWSRegistry):
    max_header_length = 4096  # RSA keys in the header


def ath(access_token: str) -> str:
    return urlsafe_b64encode(hashlib.sha256(access_token.encode()).digest()).rstrip(b"=").decode()


class Key:
    """A client's key pair; `proof()` signs a proof for one request, any claim or header overridable."""

    def __init__(self, key: ECKey | RSAKey | None = None, alg: str = "ES256"):
        self.key = key or ECKey.generate_key("P-256")
        self.alg = alg

    @property
    def jkt(self) -> str:
        return self.key.thumbprint()

    def proof(self, method: str, path: str, access_token: str | None = None, *, header=None, **claims) -> str:
        payload = {"jti": secrets.token_urlsafe(16), "htm": method, "htu": BASE + path, "iat": int(time.time())}
        if access_token is not None:
            payload["ath"] = ath(access_token)
        payload.update(claims)
        payload = {name: value for name, value in payload.items() if value is not None}
        protected = {"typ": "dpop+jwt", "alg": self.alg, "jwk": self.key.as_dict(private=False), **(header or {})}
        protected = {name: value for name, value in protected.items() if value is not None}
        registry = _Registry(algorithms=[self.alg], strict_check_header=False)
        return jws.serialize_compact(protected, json.dumps(payload).encode(), self.key, registry=registry)

    def auth(self, method: str, path: str, access_token: str, **claims) -> dict[str, str]:
        """Authorization and DPoP headers for a resource request with a bound token."""
        return {"Authorization": f"DPoP {access_token}", "DPoP": self.proof(method, path, access_token, **claims)}
