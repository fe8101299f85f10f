"""A NUL character in a query parameter is refused with a 400 before any view runs.

PostgreSQL cannot compare text holding one, so a search for "%00" ended in a server error
(SQLite ignores it). Django's form fields refuse NUL already; query parameters that views
read themselves (`q`, list filters) did not. One check here covers every page and the API.
"""

from __future__ import annotations

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class NulParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponseBadRequest(render_to_string("400.html", {"reason": message}, request))
