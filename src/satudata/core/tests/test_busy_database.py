"""While a large import holds SQLite's only write lock, signed-in pages keep answering: the
session's end is moved on only when the lock is free, and a write that cannot wait gets a
clear 503 "busy, try again" instead of a server error (QA: 400 after 30 s, and a 500 on login).
The lock is stood in for by the error SQLite raises when its busy timeout runs out."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import OperationalError

from satudata.conftest import PASSWORD, VILLAGE_A
from satudata.registry import services
from satudata.registry.tests.test_api import register

pytestmark = pytest.mark.django_db

LOCKED = OperationalError("database is locked")


def locked(*args, **kwargs):
    raise LOCKED


def test_pages_answer_when_the_session_cannot_be_saved(clients, monkeypatch, settings):
    settings.SESSION_TOUCH_SECONDS = 0  # every request would move the end on
    monkeypatch.setattr(SessionStore, "save", locked)
    for path in ("/registry/", "/registry/families/", "/accounts/profile/"):
        assert clients["operator_a"].get(path).status_code == 200


def test_pages_answer_when_the_session_row_cannot_be_written(clients, monkeypatch, settings):
    """One layer down: the database store catches the lock's error itself and raises its
    own UpdateError, which is no DatabaseError (QA: every signed-in page a 500 during a long
    SQLite import)."""
    settings.SESSION_TOUCH_SECONDS = 0
    monkeypatch.setattr(Session, "save", locked)
    for path in ("/registry/", "/registry/families/", "/accounts/profile/"):
        assert clients["operator_a"].get(path).status_code == 200


def test_a_write_that_finds_the_database_busy_is_told_to_try_again(clients, monkeypatch):
    monkeypatch.setattr(services, "register_resident", locked)
    answer = register(clients["operator_a"], village=VILLAGE_A)
    assert answer.status_code == 503 and answer["Retry-After"] == "10"
    assert answer.json() == {
        "detail": "Sebuah impor besar sedang disimpan dan memakai basis data sebentar. "
        "Permintaan ini tidak mengubah apa pun; coba lagi beberapa detik lagi."
    }


def test_a_login_while_the_database_is_busy_gets_the_busy_page(client, cast, monkeypatch):
    monkeypatch.setattr(SessionStore, "create", locked)
    page = client.post(
        "/accounts/login/", {"username": cast.operator_a.username, "password": PASSWORD}
    )
    assert page.status_code == 503
    assert "Basis data sedang sibuk" in page.content.decode()
