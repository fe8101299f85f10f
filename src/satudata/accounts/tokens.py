"""API tokens: issued once in clear, stored as a SHA-256 digest, acting with the account's scope."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from satudata.accounts.models import ApiToken, User

TOKEN_PREFIX = "sd_"  # noqa: S105 - a public marker, not a secret


def digest_of(raw: str) -> str:
    # Tokens carry 256 random bits, so a plain hash is as safe as a salted slow one here.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; the clear text is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100] or "token", digest=digest_of(raw), prefix=raw[:10]
    )
    return token, raw


def user_for_token(raw: str) -> User | None:
    """The active account a token belongs to, or None for an unknown or revoked token."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(raw.strip()), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Writing on every request would serialise readers on SQLite; once a minute is enough.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_from_request(request) -> str | None:
    """The token a client sent: `Authorization: Bearer|Token <t>`, a bare key, or X-CKAN-API-Key."""
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in {"bearer", "token"} and value.strip():
            return value.strip()
        if not value and scheme.startswith(TOKEN_PREFIX):
            return scheme  # ckanapi sends the bare key in Authorization
    ckan_key = request.META.get("HTTP_X_CKAN_API_KEY", "").strip()
    return ckan_key or None
