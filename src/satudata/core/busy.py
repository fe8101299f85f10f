"""The embedded SQLite database has one writer at a time, and a large import holds it for its
whole transaction (tens of seconds for a regency). A request that must write meanwhile waits
the busy timeout; if the import still holds the lock it gets a clear "busy, try again" (503
with Retry-After) instead of a server error, and nothing it started is kept (the request's
writes roll back with the failed statement's transaction)."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_SECONDS = 10


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


class BusyDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not is_busy(exc):
            return None
        if request.path.startswith("/api/"):
            # The busy page's sentence, in the caller's language (was English only).
            detail = _(
                "A large import is being saved and holds the database for a moment. Nothing "
                "was changed by this request; try again in a few seconds."
            )
            response = JsonResponse({"detail": detail}, status=503)
        else:
            page = render_to_string("503.html", request=request)
            response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
