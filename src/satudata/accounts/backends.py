"""Password login with a lockout after repeated failures for the same username."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.utils import timezone

from satudata.accounts.models import LoginThrottle


def normalized(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def is_locked(username: str | None) -> bool:
    throttle = LoginThrottle.objects.filter(username=normalized(username)).first()
    return bool(throttle and throttle.locked_until and throttle.locked_until > timezone.now())


@transaction.atomic
def note_failure(username: str | None) -> None:
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
        username=normalized(username)
    )
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    if throttle.last_failure_at and now - throttle.last_failure_at > window:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= settings.LOGIN_MAX_FAILURES:
        throttle.locked_until = now + window
    throttle.save()


def clear_failures(username: str | None) -> None:
    LoginThrottle.objects.filter(username=normalized(username)).delete()


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing a username while it is locked out.

    The throttle is kept per username whether or not such an account exists, so neither the
    message nor the lockout tells an attacker which usernames are real.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if is_locked(username):
            if request is not None:
                request.login_locked = True
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            note_failure(username)
        else:
            clear_failures(username)
        return user
