from django.contrib import admin
from django.urls import include, path

from satudata.api.api import api_v1

urlpatterns = [
    path("", include("satudata.portal.urls")),
    path("", include("satudata.core.urls")),
    path("regions/", include("satudata.regions.urls")),
    path("accounts/", include("satudata.accounts.urls")),
    path("audit/", include("satudata.audit.urls")),
    # Each domain app mounts its own paths (pages, CKAN API, DCAT…) from its urls.py.
    path("", include("satudata.registry.urls")),
    path("", include("satudata.datasets.urls")),
    path("", include("satudata.villages.urls")),
    path("", include("satudata.feedback.urls")),
    path("", include("satudata.letters.urls")),
    path("", include("satudata.quality.urls")),
    path("", include("satudata.integration.urls")),
    path("api/v1/", api_v1.urls),
    path("admin/", admin.site.urls),
]

# A 400 raised before any view (a body over the size limit) answers an API caller in JSON.
handler400 = "satudata.core.views.bad_request"
# A server error too: JSON for the API, the static page for people.
handler500 = "satudata.core.views.server_error"
