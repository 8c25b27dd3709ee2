"""Server-side session store (database). Token-aware saving comes with the client."""

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore


class SessionStore(DbSessionStore):
    pass
