"""Sessions end after a working day of idleness (shared village office PCs), and a password
change says that the account's API tokens still work."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from satudata.accounts import services
from satudata.accounts.middleware import IdleSessionMiddleware
from satudata.conftest import PASSWORD

NEW_PASSWORD = "Sandi-baru-yang-panjang-2026"


def logged_in(user) -> tuple[Client, Session]:
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client, Session.objects.get(session_key=client.cookies["sessionid"].value)


def last_saved(session: Session, seconds_ago: int) -> None:
    """The session as saved that long ago (the middleware keeps the time in the session)."""
    data = Session.objects.get(pk=session.pk).get_decoded()
    data[IdleSessionMiddleware.KEY] = int(time.time()) - seconds_ago
    Session.objects.filter(pk=session.pk).update(session_data=SessionStore().encode(data))


def idle_until(session: Session, when) -> None:
    Session.objects.filter(pk=session.pk).update(expire_date=when)


@pytest.mark.django_db
def test_a_session_lasts_eight_idle_hours_and_each_request_moves_the_end(cast):
    client, session = logged_in(cast.operator_a)
    now = timezone.now()
    # Eight idle hours after the last request, plus the minute between two saves at most.
    end = now + timedelta(hours=8, seconds=settings.SESSION_TOUCH_SECONDS)
    assert abs(session.expire_date - end) < timedelta(seconds=10)
    # The cookie goes with the browser (no Max-Age); the server keeps the idle limit anyway.
    assert client.cookies["sessionid"]["max-age"] == ""
    # Seven hours 59 minutes idle: still in, and the limit starts again from this request.
    idle_until(session, now + timedelta(minutes=1))
    last_saved(session, seconds_ago=settings.SESSION_TOUCH_SECONDS)
    assert client.get("/accounts/profile/").status_code == 200
    session.refresh_from_db()
    assert session.expire_date > now + timedelta(hours=7, minutes=59)


@pytest.mark.django_db
def test_a_session_is_saved_at_most_once_a_minute(cast):
    """Each save is a write; on SQLite a long import holds the only write lock, and pages
    that wrote the session on every request waited for it, then failed with 400."""
    client, session = logged_in(cast.operator_a)
    assert client.get("/accounts/profile/").status_code == 200  # the first request saves
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/profile/").status_code == 200
        assert client.get("/registry/").status_code == 200
    writes = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert writes and all(sql.lstrip().upper().startswith("SELECT") for sql in writes)


@pytest.mark.django_db
def test_after_eight_idle_hours_the_next_page_asks_to_log_in_again(cast):
    client, session = logged_in(cast.operator_a)
    idle_until(session, timezone.now() - timedelta(seconds=1))
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_idle_limit_is_a_setting(tmp_path):
    environment = {
        **os.environ,
        "SATUDATA_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "satudata.settings",
        "SESSION_IDLE_MINUTES": "90",
    }
    code = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(90 * 60 + 60)  # + the minute between two saves


def change_password(client: Client):
    return client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )


@pytest.mark.django_db
def test_a_password_change_says_the_tokens_still_work_where_they_are_revoked(cast):
    user = cast.producer_a
    services.create_token(user, "SIMPEG")
    services.create_token(user, "e-Kinerja")
    revoked, _raw = services.create_token(user, "lama")
    services.revoke_token(user, revoked.pk)
    client, _session = logged_in(user)
    response = change_password(client)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    assert "Kata sandi Anda sudah diganti." in page
    assert "2 token API Anda tetap berlaku setelah kata sandi diubah" in page
    assert page.count(">Cabut</button>") == 2  # the two live tokens, revocable on this page


@pytest.mark.django_db
def test_without_tokens_a_password_change_says_nothing_of_them(cast):
    client, _session = logged_in(cast.producer_a)
    page = change_password(client).content.decode()
    assert "Kata sandi Anda sudah diganti." in page
    assert "token API Anda tetap berlaku" not in page


@pytest.mark.django_db
def test_a_session_saved_a_minute_ago_still_lasts_the_idle_time_after_the_last_request(cast):
    """Saved at most once a minute, a session ended up to a minute before the idle limit
    (QA: with SESSION_IDLE_MINUTES=1 an active user was logged out)."""
    client, session = logged_in(cast.operator_a)
    assert client.get("/accounts/profile/").status_code == 200  # saved now
    assert client.get("/accounts/profile/").status_code == 200  # not saved: within a minute
    session.refresh_from_db()
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    assert session.expire_date >= timezone.now() + idle
