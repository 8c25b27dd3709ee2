"""The session store's read path: one plain query that must behave exactly as Django's db backend does."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from console.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data) -> SessionStore:
    session = SessionStore()
    session.update(data)
    session.save()
    return session


def test_a_saved_session_loads_back():
    key = saved(theme="dark", count=3).session_key

    loaded = SessionStore(key)

    assert loaded.load() == {"theme": "dark", "count": 3}
    assert loaded.session_key == key


def test_an_expired_session_loads_empty_and_gets_a_new_key_when_saved():
    key = saved(theme="dark").session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))

    loaded = SessionStore(key)

    assert loaded.load() == {}
    assert loaded.session_key is None
    loaded["theme"] = "light"
    loaded.save()
    assert loaded.session_key != key


def test_an_unknown_key_loads_empty():
    loaded = SessionStore("x" * 32)

    assert loaded.load() == {}
    assert loaded.session_key is None
    assert not loaded.exists("x" * 32)


def test_tampered_data_loads_empty():
    key = saved(theme="dark").session_key
    Session.objects.filter(session_key=key).update(session_data="not-signed-data")

    assert SessionStore(key).load() == {}
