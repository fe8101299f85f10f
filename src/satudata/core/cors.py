"""CORS for anonymous reads of open data: another agency's browser dashboard may read them.

Open data is meant to be reused, and a dashboard on another site (a province's, a
ministry's) reads it from the visitor's browser, which refuses a cross-origin answer that
does not say `Access-Control-Allow-Origin`. The public reads answer `*` for that:

- only GET and HEAD (and the preflight OPTIONS asking for them): nothing that changes data;
- only without credentials: a request carrying a cookie, `Authorization` or
  `X-CKAN-API-Key` gets no CORS header at all, so a page elsewhere can never read what a
  signed-in user or a token would see (`*` is also never combined with
  `Access-Control-Allow-Credentials`, which browsers would refuse anyway);
- only the machine-readable public endpoints: the REST API v1, the CKAN Action API (all its
  actions read) and the DCAT catalogue; never the portal's pages or forms.

An anonymous answer is the same for every origin, so `*` needs no `Vary: Origin`; it does
vary with the credentials, hence `Vary: Cookie, Authorization, X-CKAN-API-Key`.
"""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from satudata.core.cache import CREDENTIAL_HEADERS

PUBLIC_READS = re.compile(
    r"^/(api/v1(/|$)|api/3/action/|api/action/|catalog\.(ttl|jsonld)$|data/[^/]+/dcat\.)"
)
READ_METHODS = {"GET", "HEAD"}
CREDENTIALS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_X_CKAN_API_KEY")
# Besides the CORS-safelisted ones (Accept, Accept-Language…): revalidation by ETag.
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match"
EXPOSED_HEADERS = "Content-Language, ETag"
PREFLIGHT_SECONDS = 24 * 3600


def _anonymous(request) -> bool:
    return not any(request.META.get(name) for name in CREDENTIALS)


def _public_read_path(request) -> bool:
    return bool(PUBLIC_READS.match(request.path))


def _preflight(request) -> bool:
    asked = request.META.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "").upper()
    return request.method == "OPTIONS" and "HTTP_ORIGIN" in request.META and asked != ""


class PublicCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _public_read_path(request) or not _anonymous(request):
            return self.get_response(request)
        if _preflight(request):
            asked = request.META["HTTP_ACCESS_CONTROL_REQUEST_METHOD"].upper()
            if asked not in READ_METHODS:
                return self.get_response(request)  # a write: no CORS (405 or 204 + Allow)
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
            return response
        reading = request.method in READ_METHODS
        response = self.get_response(request)
        if reading:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            patch_vary_headers(response, CREDENTIAL_HEADERS)
        return response
