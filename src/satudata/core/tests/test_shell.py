import json

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_home_is_in_indonesian_by_default_and_lists_the_deployment(client):
    page = client.get("/").content.decode()
    assert 'lang="id"' in page
    assert "Kabupaten Kubu Raya" in page and "Kabupaten Kotawaringin Barat" in page
    assert "Masuk" in page  # the login link


@pytest.mark.django_db
def test_pages_stay_indonesian_for_browsers_set_to_english(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in page and "Masuk" in page


@pytest.mark.django_db
def test_api_clients_may_ask_for_english_messages(client):
    body = client.get("/api/v1/regions/xx", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "is not a region code" in body["detail"]
    body = client.get("/api/v1/regions/xx").json()
    assert "bukan kode wilayah" in body["detail"]


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client):
    response = client.get("/lang/en/", {"next": "/regions/"})
    assert response["Location"] == "/regions/"
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "Log in" in page
    client.get("/lang/id/", {"next": "/"})
    assert "Masuk" in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switch_never_redirects_to_another_site(client):
    assert client.get("/lang/en/", {"next": "https://evil.example/"})["Location"] == "/"
    client.get("/lang/xx/")
    assert 'lang="id"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_pages_are_built_for_phones_and_load_nothing_from_other_sites(client):
    page = client.get("/").content.decode()
    assert 'name="viewport"' in page and "width=device-width" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page


@pytest.mark.django_db
def test_manifest_makes_the_portal_installable(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["icons"]


@pytest.mark.django_db
def test_phones_get_bitmap_icons_of_the_sizes_declared(client):
    import io
    import re

    from django.test import override_settings
    from PIL import Image

    manifest = json.loads(client.get("/manifest.webmanifest").content)
    pngs = {i["sizes"]: i["src"] for i in manifest["icons"] if i["type"] == "image/png"}
    assert set(pngs) == {"192x192", "512x512"}
    home = client.get("/").content.decode()
    pngs["180x180"] = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', home).group(1)
    with override_settings(DEBUG=False):
        for sizes, url in pngs.items():
            response = client.get(url)
            assert response.status_code == 200
            image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
            assert image.format == "PNG" and "x".join(map(str, image.size)) == sizes


@pytest.mark.django_db
def test_static_files_are_served_by_the_app(client):
    from django.test import override_settings

    with override_settings(DEBUG=False):
        response = client.get("/static/satudata/site.css")
    assert response.status_code == 200
    assert b"--green" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_security_headers_and_no_inline_script(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "items", "absent"),
    [
        ("custodian", ["Riwayat perubahan", "Administrasi"], ["Desa saya"]),
        ("operator_a", ["Desa saya"], ["Riwayat perubahan", "Administrasi"]),
        ("district_viewer", ["Kecamatan saya"], ["Riwayat perubahan"]),
        ("producer_a", [], ["Riwayat perubahan", "Desa saya"]),
        ("anonymous", ["Masuk"], ["Riwayat perubahan", "Desa saya"]),
    ],
)
def test_navigation_shows_each_role_its_own_pages(clients, who, items, absent):
    page = clients[who].get("/").content.decode()
    for item in items:
        assert item in page
    for item in absent:
        assert item not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("custodian", 200), ("producer_a", 302), ("operator_a", 302), ("anonymous", 302)],
)
def test_only_the_custodian_enters_the_admin_site(clients, who, status):
    assert clients[who].get("/admin/").status_code == status


def test_the_secret_key_lives_in_the_data_folder_not_in_the_repo():
    key_file = settings.DATA_DIR / "secret_key"
    assert key_file.read_text().strip() == settings.SECRET_KEY
    assert oct(key_file.stat().st_mode)[-3:] == "600"


@pytest.mark.django_db
def test_a_configured_tile_server_is_allowed_for_images_only(client, monkeypatch):
    monkeypatch.setenv("SATUDATA_MAP_TILES", "https://tiles.kuburayakab.go.id/{z}/{x}/{y}.png")
    policy = client.get("/")["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://tiles.kuburayakab.go.id;" in policy
    assert "script-src 'self';" in policy
