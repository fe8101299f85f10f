"""A NUL character in the path, a query parameter or a small body is refused with a 400
before any view runs.

PostgreSQL cannot compare text holding one, so a search for "%00" ended in a server error
(SQLite ignores it). Django's form fields refuse NUL already; query parameters that views
read themselves (`q`, list filters), paths (`/api/v1/feedback/track/%00`) and JSON bodies
did not. One check here covers every page and the API (CKAN's envelope under /api/3/).
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponseBadRequest, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Bodies read here are the small ones Django reads into memory anyway; uploads (multipart)
# carry files, where a NUL byte is data, and their text fields go through forms.
CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")


def has_nul(value) -> bool:
    """Whether a parsed JSON value holds a NUL in any string (key or value), at any depth."""
    waiting = [value]
    while waiting:
        item = waiting.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            waiting.extend(item.keys())
            waiting.extend(item.values())
        elif isinstance(item, list):
            waiting.extend(item)
    return False


def _body_has_nul(request) -> bool:
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type not in CHECKED_BODIES:
        return False
    try:
        body = request.body
    except RequestDataTooBig:
        return False  # the view answers Django's own refusal as it does
    if request.content_type == "application/x-www-form-urlencoded" and (
        b"%00" in body or b"\x00" in body
    ):
        try:
            form = QueryDict(body, encoding=request.encoding)
        except TooManyFieldsSent:
            return False  # the view answers Django's own refusal as it does
        if any("\x00" in v for name, values in form.lists() for v in [name, *values]):
            return True
    if b"\\u0000" not in body:
        return False
    # An escaped NUL in JSON (also sent as a form: CKAN's actions read a body that starts
    # with "{" as JSON whatever its type). A raw NUL is not valid JSON: the view refuses it.
    try:
        return has_nul(json.loads(body))
    except (ValueError, RecursionError):
        return False  # not JSON: the view says so


def _refusal(request, message: str):
    path = request.path
    if path.startswith(("/api/3/", "/api/action/")):
        error = {"__type": "Bad request", "message": message}
        return JsonResponse({"success": False, "error": error}, status=400)
    if path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(render_to_string("400.html", {"reason": message}, request))


class NulParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            # /api/v1/feedback/track/%00 reached a database lookup by the path's value.
            message = _("The address contains a NUL character, which is refused.")
            return _refusal(request, message)
        if _body_has_nul(request):
            message = _("The request body contains a NUL character, which is refused.")
            return _refusal(request, message)
        if "%00" not in request.META.get("QUERY_STRING", ""):
            # No NUL can be in it; and request.GET is not parsed here, so a view still
            # answers its own errors (too many fields) as it does.
            return self.get_response(request)
        names = sorted(
            {name for name, values in request.GET.lists() for v in [name, *values] if "\x00" in v}
        )
        if not names:
            return self.get_response(request)
        message = _("The query parameter %(names)s contains a NUL character, which is refused.") % {
            "names": ", ".join(name.replace("\x00", "\\0") for name in names)
        }
        return _refusal(request, message)
