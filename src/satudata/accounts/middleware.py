"""Authenticating API requests by token, so every route sees one `request.user`."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from satudata.accounts.tokens import token_from_request, user_for_token
from satudata.core.sqlite import short_lock_wait

API_PREFIXES = ("/api/",)
# CKAN's clients read every answer as CKAN's envelope, so on these paths the action view
# itself refuses a bad key (403 "Authorization Error", which ckanapi raises as NotAuthorized).
CKAN_PREFIXES = ("/api/3/action/", "/api/action/")


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIXES):
            raw = token_from_request(request)
            if raw is not None:
                user = user_for_token(raw)
                if user is None:
                    return self.refuse(request)
                request.user = user
                request.token_auth = True
                # A token is sent deliberately by a program, never by a browser on its own.
                request._dont_enforce_csrf_checks = True
        return self.get_response(request)

    def refuse(self, request):
        if request.path.startswith(CKAN_PREFIXES):
            # Never the session's account: the request goes on as nobody's, marked refused.
            request.user = AnonymousUser()
            request.api_token_refused = True
            return self.get_response(request)
        response = JsonResponse(
            {"detail": _("The API token is not valid or has been revoked.")}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        # This middleware answers before the cache middleware, which marks the other
        # credentialed answers: a refusal is kept by no cache either.
        patch_cache_control(response, private=True, no_store=True)
        return response


class IdleSessionMiddleware:
    """Moves a signed-in session's end on as it is used (SESSION_IDLE_MINUTES after the last
    request, up to SESSION_TOUCH_SECONDS later), saving it at most once every
    SESSION_TOUCH_SECONDS rather than on every request.

    A save is a database write. On SQLite a long import holds the only write lock for its
    whole transaction, and Django's SESSION_SAVE_EVERY_REQUEST made every signed-in page,
    the import's own progress page included, wait 30 s for it and then fail with 400.
    """

    KEY = "_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.is_empty():
            return response  # no session to keep alive (anonymous, or just logged out)
        if session.modified:
            return response  # the view changed it: SessionMiddleware saves it, end and all
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= settings.SESSION_TOUCH_SECONDS:
            session[self.KEY] = now
            try:
                with short_lock_wait():
                    session.save()
            except (DatabaseError, UpdateError):
                # A long import holds SQLite's write lock: the next request tries again. The
                # database store turns the lock's DatabaseError into its own UpdateError.
                pass
            session.modified = False  # saved (or skipped): SessionMiddleware must not wait
        return response
