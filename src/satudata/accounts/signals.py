"""Failed logins in the server log, so a security officer can see an attack as it happens.

One line per failure: the username as typed when it is an account's (shortened, quoted so it
cannot forge a log line; else a fingerprint of it), the client's address and whether the
username is now locked out; never the password.
Django sends `user_login_failed` for every login form, the admin site's included."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from satudata.accounts.backends import is_locked

log = logging.getLogger("satudata.accounts.login")

# Enough to recognise an account; a password typed into the username box is not written whole.
USERNAME_SHOWN = 30


def _address(request) -> str:
    if request is None:
        return "-"
    from satudata.feedback.services import client_address  # honours TRUSTED_PROXIES

    return client_address(request.META) or "-"


def _shown(typed: str) -> str:
    """The username as typed when an account has it; else only a short fingerprint. A
    mistyped username is often a person's name or NIK (typed into the wrong box), which
    must not reach a log line; the fingerprint still shows one string tried many times."""
    typed = typed.strip()
    if get_user_model().objects.filter(username__iexact=typed).exists():
        return typed[:USERNAME_SHOWN]
    # Keyed with the server's secret: a plain hash of a NIK is found again by trying the few
    # hundred thousand NIKs of a district in a second.
    digest = salted_hmac("satudata.failed-login", typed).hexdigest()[:8]
    return f"(no such account, fingerprint {digest})"


@receiver(user_login_failed, dispatch_uid="satudata-login-failed-log")
def log_failed_login(sender, credentials, request=None, **kwargs) -> None:
    typed = str(credentials.get("username") or "")
    shown = _shown(typed)
    address = _address(request)
    if getattr(request, "login_locked", False):
        log.warning("Login refused, username locked out: %r from %s", shown, address)
    elif typed and is_locked(typed):
        log.warning(
            "Login failed for %r from %s; username now locked out for %d minutes",
            shown,
            address,
            settings.LOGIN_LOCKOUT_MINUTES,
        )
    else:
        log.warning("Login failed for %r from %s", shown, address)
