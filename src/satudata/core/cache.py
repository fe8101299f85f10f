"""Caching of what anonymous visitors get, invalidated by any change to the data.

Every write goes through an audited service, so the newest audit entry's id is a version
number of all data: a one-row index lookup that every worker process sees the same way.
Responses are cached per (version, local day, language, URL) and carry an ETag, so browsers and
proxies revalidate cheaply (304) and the portal stays up under many visitors.

Shared caches (a CDN, an office proxy) must keep anonymous and credentialed answers apart:
with a key, `package_search` also lists limited datasets, and without one a harvester would
get the anonymous copy. So answers vary on every credential (`Vary: Cookie, Authorization,
X-CKAN-API-Key`), and every answer to a signed-in user or a token, which may hold personal
data (`/api/v1/residents`, a resident's page, an export), is `Cache-Control: private,
no-store`: kept by no cache at all.

An answer built from figures older than the data version (the population statistics serve
their previous snapshot while a new one is built) calls `not_current()`: it is sent with
`Cache-Control: no-cache` and no ETag, and never stored under that version. Stored, it would
be served as current beside fresher answers, and their difference could single out a person.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from contextvars import ContextVar
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpResponseNotModified
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from satudata.audit.models import AuditEntry

NOT_CACHED_PREFIXES = ("/accounts/", "/admin/", "/audit/", "/static/", "/lang/", "/healthz")
MAX_CACHED_BYTES = 2 * 1024 * 1024
CREDENTIAL_HEADERS = ("Cookie", "Authorization", "X-CKAN-API-Key")
SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
SEPARATORS = re.compile(r"[^0-9A-Za-z&=]+")  # what may split a typed number

# The request being answered, as a mutable mark (seen even where a view runs in a copied
# context); set by code that answers from figures older than the data version.
_answer: ContextVar[dict | None] = ContextVar("satudata_public_answer", default=None)


def not_current() -> None:
    """The answer being built shows figures older than the data: it must not be cached."""
    answer = _answer.get()
    if answer is not None:
        answer["stale"] = True


def data_version() -> int:
    return AuditEntry.objects.aggregate(v=Max("id"))["v"] or 0


def _credentialed(request) -> bool:
    if "HTTP_AUTHORIZATION" in request.META or "HTTP_X_CKAN_API_KEY" in request.META:
        return True
    return request.user.is_authenticated


def _holds_a_personal_number(request) -> bool:
    """A 16-digit number in the query (a NIK or KK number typed into a search, however it
    is split: spaces, dots, slashes, underscores, full-width digits): the answer, which may
    repeat it, is kept by no cache. Numbers that merely run together are not cached either,
    which costs only a cache miss."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return False
    digits = SEPARATORS.sub("", unicodedata.normalize("NFKC", unquote_plus(query)))
    return bool(SIXTEEN_DIGITS.search(digits))


def _refusal(response) -> bool:
    """A 401/403, or a redirect to the login page: its `next=` repeats the address asked
    for (`/registry/?q=<NIK>`), and it answers for a page that holds personal data."""
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
    return bool(location) and location.startswith(resolve_url(settings.LOGIN_URL))


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(NOT_CACHED_PREFIXES):
        return False
    return not _credentialed(request) and not _holds_a_personal_number(request)


def _cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return False
    return len(response.content) <= MAX_CACHED_BYTES


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._respond(request)
        if _credentialed(request) and not request.path.startswith("/static/"):
            # A signed-in page or file (a resident's page, an export, a letter) may hold
            # personal data: no shared cache keeps it, nor the browser of a village office's
            # shared PC after the operator logs out.
            patch_cache_control(response, private=True, no_store=True)
        elif _refusal(response) or _holds_a_personal_number(request):
            patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, CREDENTIAL_HEADERS)
        return response

    def _respond(self, request):
        seconds = settings.SATUDATA_PUBLIC_CACHE_SECONDS
        if seconds <= 0 or not _cacheable_request(request):
            return self.get_response(request)
        language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        # The local day too: a page is written for its day (the statistics' next release
        # "by 1 December", ages), so none is served from before midnight after it.
        today = timezone.localdate().isoformat()
        fingerprint = f"{data_version()}|{today}|{language}|{request.get_full_path()}"
        digest = hashlib.sha256(fingerprint.encode()).hexdigest()
        etag = f'"{digest[:32]}"'
        if etag in request.headers.get("If-None-Match", ""):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return not_modified
        key = f"public-page:{digest}"
        response = cache.get(key)
        if response is None:
            answer = {"stale": False}
            marker = _answer.set(answer)
            try:
                response = self.get_response(request)
            finally:
                _answer.reset(marker)
            if answer["stale"]:
                # Figures older than `data_version()`: not stored under it, and not to be
                # reused by a browser or proxy either; the next request may have fresh ones.
                patch_cache_control(response, no_cache=True)
                return response
            if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                # The page holds this visitor's CSRF token (a form, e.g. /feedback/): a
                # stored copy would hand it to the next visitor, whose POST then fails.
                patch_cache_control(response, private=True, no_store=True)
                return response
            if not _cacheable_response(response):
                return response
            response["ETag"] = etag
            patch_cache_control(response, public=True, max_age=seconds)
            patch_vary_headers(response, CREDENTIAL_HEADERS)
            cache.set(key, response, seconds * 10)
        return response
