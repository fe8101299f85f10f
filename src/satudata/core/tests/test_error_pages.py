"""The 403, 404, 500 and 400 pages: the site's own, in the visitor's language, with the reason.

The test settings run with DEBUG off, so the test client gets the pages a visitor gets.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

from satudata import urls as site_urls
from satudata.conftest import DISTRICT, VILLAGE_A, client_for

pytestmark = pytest.mark.django_db


def crash(request):
    raise RuntimeError("secret internal detail: NIK 6201024505900001")


# This module is also the URLconf of the 500 test: the site plus one view that fails, at a
# page's address and at the API's, with the site's own error handlers.
urlpatterns = [
    path("crash/", crash),
    path("api/v1/crash/", crash),
    path("", include("satudata.urls")),
]
handler400, handler500 = site_urls.handler400, site_urls.handler500


def ids(message: str) -> str:
    with translation.override("id"):
        return translation.gettext(message)


def test_district_viewer_gets_an_indonesian_403_page_with_the_navigation(clients):
    response = clients["district_viewer"].get(reverse("registry:import"))
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "Akses ditolak" in page
    assert "403 Forbidden" not in page
    assert "Akun Anda (camat) tidak boleh membuka halaman ini" in page
    # The site's header and navigation, with the district viewer's own entry.
    assert 'class="site-header"' in page
    assert f'href="{reverse("regions:detail", args=[DISTRICT])}"' in page
    assert ">Beranda<" in page and "Keluar" in page  # nav and the logout button
    assert f'href="{reverse("portal:home")}">Ke beranda</a>' in page


def test_403_links_back_to_the_page_the_visitor_came_from_only_on_this_site(clients):
    client = clients["district_viewer"]
    came_from = "http://testserver/registry/"
    page = client.get(reverse("registry:import"), HTTP_REFERER=came_from).content.decode()
    assert f'href="{came_from}"' in page and "Kembali ke halaman sebelumnya" in page
    page = client.get(
        reverse("registry:import"), HTTP_REFERER="https://evil.example/x"
    ).content.decode()
    assert "evil.example" not in page and "Kembali ke halaman sebelumnya" not in page


def test_unknown_statistics_code_gives_an_indonesian_404_with_the_reason():
    response = client_for(None).get("/statistics/population/xyz/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "Halaman tidak ditemukan" in page
    assert ids("No region has this code.") in page
    assert "Not Found" not in page and "requested resource" not in page
    assert f'href="{reverse("accounts:login")}"' in page  # the anonymous visitor's nav


def test_the_reason_given_by_the_view_is_shown(clients):
    response = clients["operator_a"].get(
        reverse("registry:export"), {"village": VILLAGE_A, "rt": "987654"}
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert ids("This village has no hamlet, RW or RT with this number.") in page
    assert "Halaman tidak ditemukan" in page


def test_djangos_internal_messages_are_not_shown(clients):
    # get_object_or_404 says "No Resident matches the given query." (English, a model name).
    response = clients["operator_a"].get(reverse("registry:resident", args=[987654]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "matches the given query" not in page and "Resident" not in page
    assert "Halaman tidak ditemukan" in page
    # An unknown address: Django's resolver (its patterns, "Resolver404") is not shown.
    page = client_for(None).get("/no/such/page/").content.decode()
    assert "Resolver404" not in page and "tried" not in page
    assert "Halaman tidak ditemukan" in page


def test_the_english_switch_gives_english_pages(clients):
    client = client_for(None)
    target = "/statistics/population/xyz/"
    switched = client.get(reverse("core:set_language", args=["en"]), {"next": target})
    assert switched.status_code == 302
    response = client.get(target)
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Page not found" in page and "No region has this code." in page
    assert "Go to the home page" in page
    assert "Halaman tidak ditemukan" not in page

    camat = clients["district_viewer"]
    camat.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = camat.get(reverse("registry:import")).content.decode()
    assert '<html lang="en">' in page and "Access denied" in page
    assert "Your account (camat) may not open this page" in page


@pytest.mark.urls(__name__)
def test_500_page_is_the_sites_and_tells_nothing_internal(cast):
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "Terjadi kesalahan" in page and 'class="site-header"' in page
    assert "/static/satudata/site.css" in page and 'href="/"' in page
    assert "secret" not in page and "6201024505900001" not in page and "RuntimeError" not in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/crash/").content.decode()
    assert '<html lang="en">' in page and "Something went wrong" in page


@pytest.mark.urls(__name__)
def test_a_server_error_under_the_api_answers_json_in_the_callers_language(cast):
    """QA: an API client got Django's HTML page for a 500."""
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/crash/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert detail.startswith("Server tidak dapat menyelesaikan permintaan ini")
    assert "secret" not in detail and "6201024505900001" not in detail
    english = client.get("/api/v1/crash/", headers={"accept-language": "en"}).json()["detail"]
    assert english.startswith("The server could not finish this request")


def test_500_and_400_pages_need_neither_the_request_context_nor_the_database(
    django_assert_num_queries,
):
    request = RequestFactory().get("/")
    with translation.override("id"), django_assert_num_queries(0):
        failed = server_error(request)
        refused = bad_request(request, ValueError("x"))
    assert failed.status_code == 500 and "Terjadi kesalahan" in failed.content.decode()
    assert refused.status_code == 400
    assert "Permintaan tidak dapat diproses" in refused.content.decode()


def test_a_form_without_its_csrf_token_gets_the_sites_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="id">' in page and "Formulir tidak dapat dikirim" in page
    assert "CSRF verification failed" not in page


@pytest.mark.django_db
def test_an_api_body_over_the_size_limit_is_answered_in_json(settings, clients):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = clients["operator_a"]
    client.raise_request_exception = False
    body = '{"name": "' + "x" * 4096 + '"}'
    response = client.post("/api/v1/residents", body, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "lebih besar dari batas" in response.json()["detail"]
    page = Client(raise_request_exception=False).post(
        "/feedback/", {"text": "x" * 4096}, HTTP_ACCEPT_LANGUAGE="id"
    )
    assert page.status_code in (400, 403) and "text/html" in page["Content-Type"]


@pytest.mark.django_db
def test_a_form_over_the_size_limit_tells_the_person_to_send_a_file(settings, clients):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5 << 19  # 2.5 MB, Django's default
    client = clients["operator_a"]
    client.raise_request_exception = False
    pasted = '{"type": "Point", "coordinates": [' + "1" * (3 << 20) + ", 0]}"
    response = client.post(
        f"/villages/{VILLAGE_A}/layers/draw/", {"name": "Peta besar", "geojson": pasted}
    )
    assert response.status_code == 400 and "text/html" in response["Content-Type"]
    page = response.content.decode()
    assert "lebih besar dari batas 2,5 MB" in page and "sebagai berkas" in page
