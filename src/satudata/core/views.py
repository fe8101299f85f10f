from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control

from satudata import __version__
from satudata.core.access import public


@public
@cache_control(max_age=3600, public=True)
def manifest(request):
    """The web app manifest, so the portal installs on a phone's home screen."""
    data = {
        "name": _("Satu Data"),
        "short_name": _("Satu Data"),
        "description": _("Open data of the regency's agencies and villages."),
        "start_url": "/",
        "display": "standalone",
        "background_color": "#fafcfb",
        "theme_color": "#0b5d3b",
        "lang": request.LANGUAGE_CODE,
        # PNGs for phones that install only from bitmaps (tools/make_icons.py draws them).
        "icons": [
            {"src": static("satudata/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("satudata/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("satudata/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@public
@cache_control(no_cache=True)
def service_worker(request):
    """/sw.js, at the root so it may answer for every page of the site (its scope)."""
    context = {
        "version": __version__,
        "offline_url": reverse("core:offline"),
        "css_url": static("satudata/site.css"),
        "icon_url": static("satudata/icon.svg"),
    }
    return render(request, "core/sw.js", context, content_type="text/javascript")


@public
def offline(request):
    """What the service worker shows when a page cannot load: the phone is offline."""
    return render(request, "core/offline.html")


@public
def healthz(request):
    """Liveness for a load balancer: the app answers and the database takes a query.

    A shared cache (Redis) that does not answer makes the portal slower, not unable to serve
    (core/cachebackend.py): still 200, so the balancer keeps sending traffic, but "degraded"
    for monitoring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    ping = getattr(cache, "ping", None)
    if ping and ping() is not None:
        return JsonResponse({"status": "degraded", "cache": "unreachable"})
    return JsonResponse({"status": "ok"})


@public
def set_language(request, code: str):
    """Switch the portal's language (a link, not a form, so public pages carry no CSRF token)."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in {c for c, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def bad_request(request, exception=None):
    """A 400 the request never reached a view with (a body over the size limit, a forged
    header): programs calling the API get JSON in their language, people the static page."""
    too_big = isinstance(exception, RequestDataTooBig)
    megabytes = round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1 << 20), 1)
    limit = formats.localize(megabytes if megabytes % 1 else int(megabytes))  # 2,5 / 2.5
    if not request.path.startswith("/api/"):
        if not too_big:
            return defaults.bad_request(request, exception)
        # A form with a very large text (a map pasted as GeoJSON): say what to do instead.
        page = loader.get_template("400.html").render({"too_big_mb": limit})
        return HttpResponseBadRequest(page)
    if too_big:
        detail = _("The request body is larger than the limit of %(mb)s MB.") % {"mb": limit}
    else:
        detail = _("The request cannot be processed.")
    return JsonResponse({"detail": detail}, status=400)


def server_error(request):
    """A server error: programs calling the API get JSON (they parsed Django's HTML page as
    a broken answer), people the site's static 500 page. The error itself is in the log."""
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    detail = _(
        "The server could not finish this request; the error was written to its log. "
        "Try again in a few minutes, and tell the data custodian (walidata) if it keeps "
        "happening."
    )
    return JsonResponse({"detail": detail}, status=500)
