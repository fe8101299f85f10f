"""HTTP manners of /api/v1/ that ninja leaves to Django: programs get JSON, HEAD and OPTIONS.

- An unknown path (a typo, a trailing slash: routes have none) would get the site's HTML
  404 page, and a wrong method ninja's `text/html` "Method not allowed": both become
  `{"detail": …}` in the caller's language, the 405 keeping its `Allow`.
- HEAD answers as GET does, without the body (link checkers and harvesters probe URLs so);
  ninja routes know only the methods they declare.
- OPTIONS answers 204 with `Allow` (the CORS preflight of public reads is core.cors's).
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

PREFIX = "/api/v1/"


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _allowed(response) -> list[str]:
    methods = {m.strip().upper() for m in response.get("Allow", "").split(",") if m.strip()}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"})


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _not_found(request) -> JsonResponse:
    path = request.path
    if path.endswith("/") and path != PREFIX and _resolves(path.rstrip("/")):
        detail = _("This API path does not exist; did you mean %(path)s (without the slash)?")
        detail %= {"path": path.rstrip("/")}
    else:
        detail = _("This API path does not exist.")
    return JsonResponse({"detail": detail}, status=404)


def _not_allowed(request, allow: list[str]) -> JsonResponse:
    detail = _("The method %(method)s is not allowed here; use %(allowed)s.") % {
        "method": request.method,
        "allowed": ", ".join(allow),
    }
    response = JsonResponse({"detail": detail}, status=405)
    response["Allow"] = ", ".join(allow)
    return response


def _without_body(response):
    """A HEAD answer: the GET's headers (its length included), no body."""
    if response.streaming:
        if hasattr(response, "close"):
            response.close()
        headers = response.headers
        response = HttpResponse(status=response.status_code)
        for name, value in headers.items():
            response[name] = value
        return response
    response["Content-Length"] = str(len(response.content))
    response.content = b""
    return response


class ApiHttpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (request.path + "/").startswith(PREFIX):
            return self.get_response(request)
        head = request.method == "HEAD"
        if head:  # the same answer as GET, which the public cache may then hold too
            request.method = request.META["REQUEST_METHOD"] = "GET"
        response = self.get_response(request)
        if head:
            request.method = request.META["REQUEST_METHOD"] = "HEAD"
        answer = response
        if response.status_code == 405:
            allow = _allowed(response)
            if request.method == "OPTIONS":
                answer = HttpResponse(status=204)
                del answer["Content-Type"]
                answer["Allow"] = ", ".join(allow)
            elif not _is_json(response):
                answer = _not_allowed(request, allow)
        elif response.status_code == 404 and not _is_json(response):
            answer = _not_found(request)
        if answer is not response and response.has_header("Vary"):
            answer["Vary"] = response["Vary"]  # what the cache and language layers said
        return _without_body(answer) if head else answer
