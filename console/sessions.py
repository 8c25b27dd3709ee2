"""Server-side sessions (database) that hold the platform tokens and the DPoP key, and never let a stale copy win.

Tokens and the DPoP private key live only here, server side: never in cookies, HTML or logs. Several
requests of one browser session can run at once; when one of them refreshes the tokens, a slower one
that still holds the previous bundle must not write it back (its refresh token is spent, and reusing it
would revoke the login). Saving therefore re-reads the stored row under a lock and keeps the higher
generation, and the DPoP key already stored (the tokens are bound to it).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import connections, router, transaction
from django.utils import timezone

from console.client.dpop import DpopKey
from console.client.tokens import TOKENS_KEY, TokenBundle, generation_of

IDENTITY_KEY = "platform.identity"
DPOP_KEY = "platform.dpop_key"

# The browser session of the console request being served (set by console.middleware.PlatformMiddleware):
# the sign-in views' anonymous platform binds the login it starts to this session's DPoP key.
_browser_session: ContextVar = ContextVar("console_browser_session", default=None)


class SessionStore(DbSessionStore):
    """The db session backend, token-aware: see the module docstring."""

    def load(self) -> dict:
        """The stored session data, read with one plain query (not the ORM: building the query cost more than
        running it, on every page; README "Speed"). An unknown or expired key starts an empty session."""
        using = router.db_for_read(self.model)
        connection = connections[using]
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def load_locked(self) -> dict:
        """The stored session data, read with a row lock; call inside transaction.atomic()."""
        if self.session_key is None:
            return {}
        row = (
            self.model.objects.select_for_update()
            .filter(session_key=self.session_key, expire_date__gt=timezone.now())
            .first()
        )
        return self.decode(row.session_data) if row else {}

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        with transaction.atomic(using=router.db_for_write(self.model)):
            stored = self.load_locked()
            data = self._get_session()
            if generation_of(stored.get(TOKENS_KEY)) > generation_of(data.get(TOKENS_KEY)):
                data[TOKENS_KEY] = stored[TOKENS_KEY]
            if DpopKey.from_dict(stored.get(DPOP_KEY)) is not None:  # made once per session; the login is bound to it
                data[DPOP_KEY] = stored[DPOP_KEY]
            super().save(must_create=False)


def read_tokens(session) -> TokenBundle | None:
    """The token bundle of this session, or None when signed out."""
    return TokenBundle.from_dict(session.get(TOKENS_KEY))


def write_tokens(session, tokens: TokenBundle) -> None:
    session[TOKENS_KEY] = tokens.as_dict()


def dpop_key(session) -> DpopKey:
    """This browser session's DPoP key pair, made on first use and kept in the session (§5)."""
    key = DpopKey.from_dict(session.get(DPOP_KEY))
    if key is None:
        key = DpopKey.generate()
        session[DPOP_KEY] = key.as_dict()
    return key


@contextmanager
def browser_session(session) -> Iterator[None]:
    """Inside the block, current_browser_session() is `session`."""
    token = _browser_session.set(session)
    try:
        yield
    finally:
        _browser_session.reset(token)


def current_browser_session():
    """The session of the console request being served, or None outside one."""
    return _browser_session.get()


@dataclass(frozen=True)
class OrganizationChoice:
    id: str
    name: str
    member_id: str
    role_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Identity:
    """Who is signed in, as the layout shows it; a snapshot of GET /me taken at sign-in."""

    user_id: str
    display_name: str
    email: str
    organization_id: str | None
    organization_name: str | None
    role_ids: tuple[str, ...]
    organizations: tuple[OrganizationChoice, ...]

    @classmethod
    def from_me(cls, me) -> "Identity":
        """The snapshot of a `Me` (console.client.models.users.Me)."""
        choices = tuple(
            OrganizationChoice(entry.organization.id, entry.organization.name, entry.member_id, tuple(entry.role_ids))
            for entry in me.organizations
        )
        current = me.organization
        role_ids = next((choice.role_ids for choice in choices if current and choice.id == current.id), ())
        return cls(
            user_id=me.user.id,
            display_name=me.user.display_name,
            email=me.user.email,
            organization_id=current.id if current else None,
            organization_name=current.name if current else None,
            role_ids=role_ids,
            organizations=choices,
        )

    @classmethod
    def from_dict(cls, data: dict | None) -> "Identity | None":
        if not isinstance(data, dict):
            return None
        try:
            choices = tuple(
                OrganizationChoice(**{**choice, "role_ids": tuple(choice.get("role_ids", ()))})
                for choice in data.get("organizations", ())
            )
            return cls(**{**data, "role_ids": tuple(data.get("role_ids", ())), "organizations": choices})
        except TypeError:
            return None

    def as_dict(self) -> dict:
        return asdict(self)


def read_identity(session) -> Identity | None:
    return Identity.from_dict(session.get(IDENTITY_KEY))


def start_platform_session(session, tokens: TokenBundle, identity: Identity) -> None:
    """After a successful sign-in: a new session key (no fixation), then the tokens and identity."""
    session.cycle_key()
    write_tokens(session, tokens)
    session[IDENTITY_KEY] = identity.as_dict()
