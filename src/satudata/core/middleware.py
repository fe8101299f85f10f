"""Security headers Django does not set by itself, the portal's language choice, and a page
for a form's address opened without its form."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_vary_headers

# No inline script anywhere: every script is a static file. Styles may be inline (admin uses them).
CSP_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:{tiles}",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]


def content_security_policy() -> str:
    """The CSP, letting images come from the map tile server when one is configured."""
    tiles = urlsplit(os.environ.get("SATUDATA_MAP_TILES", "").strip())
    origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.scheme in ("http", "https") else ""
    return "; ".join(CSP_DIRECTIVES).replace("{tiles}", origin)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        return response


class LanguageMiddleware:
    """Indonesian unless the visitor chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so most phones and
    office PCs set to English would get an English portal; a regency's portal speaks
    Indonesian first. Programs calling /api/ may still ask with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def language_for(self, request) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in self.supported:
            return chosen
        if request.path.startswith("/api/"):
            asked = translation.get_language_from_request(request)
            if asked in self.supported:
                return asked
        return settings.LANGUAGE_CODE

    def __call__(self, request):
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # The API's answers follow Accept-Language too: a shared cache must keep the
        # Indonesian and the English answer apart (QA: one served the other).
        asked = ["Cookie", "Accept-Language"] if request.path.startswith("/api/") else ["Cookie"]
        patch_vary_headers(response, asked)
        return response


class MethodNotAllowedPage:
    """A page for a GET of an address that only takes a sent form (`require_POST`).

    Switching the language on a page that answered a form, or opening it again from the
    history, asks for that address with GET: Django answers 405 with an empty body, a blank
    page in either language (QA). People get a page in their language with a link to the
    page the form belongs to (the address one level up); the API keeps its JSON 405s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.content
            or request.method not in ("GET", "HEAD")
            or request.path.startswith("/api/")
        ):
            return response
        parent = request.path.rstrip("/").rsplit("/", 1)[0] + "/"
        page = loader.render_to_string("405.html", {"parent": parent}, request)
        response.content = page.encode()
        response["Content-Type"] = "text/html; charset=utf-8"
        return response
