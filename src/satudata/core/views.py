from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

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
        "icons": [{"src": static("satudata/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@public
def healthz(request):
    """Liveness for a load balancer: the app answers and the database takes a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
