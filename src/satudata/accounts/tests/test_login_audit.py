"""Failed logins and lockouts are in the server log: who was tried, from where; no password."""

from __future__ import annotations

import hashlib
import logging

import pytest
from django.test import Client

from satudata.conftest import PASSWORD

WRONG = "salah-Sandi-rahasia-77"


def login(username: str, password: str, **extra):
    client = Client(HTTP_ACCEPT_LANGUAGE="id", REMOTE_ADDR="203.0.113.9", **extra)
    return client.post("/accounts/login/", {"username": username, "password": password})


def login_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "satudata.accounts.login"]


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger="satudata.accounts.login")
    return caplog


@pytest.mark.django_db
def test_a_failed_login_is_one_line_with_username_and_address_never_the_password(cast, log):
    assert login(cast.operator_a.username, WRONG).status_code == 200
    assert login_lines(log) == ["Login failed for 'operator.a' from 203.0.113.9"]
    assert WRONG not in log.text


@pytest.mark.django_db
def test_the_lockout_and_refusals_while_locked_are_logged(cast, log, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _attempt in range(3):
        login("operator.a", WRONG)
    login("operator.a", PASSWORD)  # right password, but locked out
    lines = login_lines(log)
    assert lines[:2] == ["Login failed for 'operator.a' from 203.0.113.9"] * 2
    assert lines[2] == (
        "Login failed for 'operator.a' from 203.0.113.9; username now locked out for 15 minutes"
    )
    assert lines[3] == "Login refused, username locked out: 'operator.a' from 203.0.113.9"
    assert PASSWORD not in log.text and WRONG not in log.text


@pytest.mark.django_db
def test_a_username_no_account_has_is_not_written(db, log):
    """A name or a NIK typed into the username box is personal data: only a fingerprint of
    it is logged (the same for each try, so an attack on one string still shows)."""
    for typed in ("Abdul Bahri 6201023009970001", "Abdul Bahri 6201023009970001", "x" * 100):
        login(typed, WRONG)
    lines = login_lines(log)
    assert "Abdul" not in log.text and "620102" not in log.text and "x" * 40 not in log.text
    assert lines[0] == lines[1] != lines[2]
    assert lines[0].startswith("Login failed for '(no such account, fingerprint ")
    # Keyed with the server's secret: not the plain hash anyone can recompute for every NIK.
    plain = hashlib.sha256(b"Abdul Bahri 6201023009970001").hexdigest()[:8]
    assert plain not in lines[0]


@pytest.mark.django_db
def test_a_typed_username_cannot_forge_a_log_line(cast, log):
    login("operator.a\n2026-01-01 INFO fake line", WRONG)
    (line,) = login_lines(log)
    assert "\n" not in line and "fake line" not in line


@pytest.mark.django_db
def test_the_admin_sites_login_is_logged_too(cast, log):
    Client(REMOTE_ADDR="203.0.113.9").post(
        "/admin/login/", {"username": "walidata", "password": WRONG}
    )
    assert login_lines(log) == ["Login failed for 'walidata' from 203.0.113.9"]


@pytest.mark.django_db
def test_behind_the_trusted_proxy_the_clients_address_is_logged(cast, log, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7").post(
        "/accounts/login/", {"username": "camat", "password": WRONG}
    )
    assert login_lines(log) == ["Login failed for 'camat' from 198.51.100.7"]
