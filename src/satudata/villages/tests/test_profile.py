import datetime
import re

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import DISTRICT, VILLAGE_A, VILLAGE_B
from satudata.feedback import services as feedback
from satudata.regions.models import Region
from satudata.registry.models import Resident
from satudata.villages.models import PotentialEntry

pytestmark = pytest.mark.django_db


def add_residents(village, count, sex=1, education=5, start=0):
    Resident.objects.bulk_create(
        Resident(
            nik=f"62010241019{start + i:05d}",
            name=f"Warga {start + i}",
            sex=sex,
            birth_date=datetime.date(1990, 1, 1),
            education_kk=education,
            village_id=village,
        )
        for i in range(count)
    )


def test_public_village_page_shows_aggregates_with_small_cells_hidden(client):
    add_residents(VILLAGE_A, 12, sex=1, education=5)
    add_residents(VILLAGE_A, 2, sex=2, education=8, start=100)
    page = client.get(f"/villages/{VILLAGE_A}/").content.decode()
    assert "Natai Raya" in page
    assert ">14<" in page  # total
    # Two women and two bachelors: with the total public, 12 men would give them away, so
    # both cells of each table are hidden.
    assert "<strong>*</strong>" in page and '<td class="n">*</td>' in page
    assert ">12<" not in page and ">2<" not in page
    assert "Warga" not in page and "6201024101900" not in page and "1990" not in page
    # The note about small counts is text, escaped like any other, not a stray "<3" tag start.
    assert "ditampilkan sebagai &lt;3 untuk" in page and "sebagai <3" not in page
    # A citizen finds the full statistics from the place's page.
    assert f'href="/statistics/population/{VILLAGE_A}/"' in page


def test_regency_page_lists_every_village_so_each_is_two_taps_from_home(client):
    home = client.get("/").content.decode()
    assert 'href="/villages/62.01/"' in home
    regency = client.get("/villages/62.01/").content.decode()
    assert (
        f'href="/villages/{VILLAGE_A}/"' in regency and f'href="/villages/{VILLAGE_B}/"' in regency
    )
    assert client.get(f"/villages/{DISTRICT}/").status_code == 200
    assert client.get("/villages/62/").status_code == 404  # provinces have no profile page
    assert client.get("/villages/99.99/").status_code == 404


def test_operator_keeps_potential_per_year_with_history(clients, cast):
    browser = clients["operator_a"]
    figure = {"category": "agriculture", "item": "Sawah", "value": "120", "unit": "ha"}
    browser.post(f"/villages/{VILLAGE_A}/potential/", {**figure, "year": 2025})
    browser.post(f"/villages/{VILLAGE_A}/potential/", {**figure, "year": 2026})
    browser.post(f"/villages/{VILLAGE_A}/potential/", {**figure, "year": 2026, "value": "135.5"})
    values = dict(PotentialEntry.objects.values_list("year", "value"))
    assert values[2025] == 120 and float(values[2026]) == 135.5
    changes = AuditEntry.objects.filter(model_label="villages.potentialentry", action="update")
    assert changes.count() == 1 and changes.get().before["value"] == "120.00"
    page = clients["anonymous"].get(f"/villages/{VILLAGE_A}/").content.decode()
    assert "Potensi wilayah 2026" in page and "135,5" in page


def test_a_negative_or_missing_value_is_refused(clients):
    response = clients["operator_a"].post(
        f"/villages/{VILLAGE_A}/potential/",
        {"year": 2026, "category": "agriculture", "item": "Sawah", "value": "-3", "unit": "ha"},
    )
    assert "Tulis nilai sebagai angka nol atau lebih" in response.content.decode()
    assert PotentialEntry.objects.count() == 0


def test_operator_cannot_edit_another_villages_potential(clients):
    response = clients["operator_b"].post(
        f"/villages/{VILLAGE_A}/potential/",
        {"year": 2026, "category": "agriculture", "item": "Sawah", "value": "1", "unit": "ha"},
    )
    assert response.status_code == 404
    assert PotentialEntry.objects.count() == 0


def test_custodian_and_district_viewer_compare_villages_of_a_district(clients, cast):
    from satudata.villages import services

    for village, value in ((VILLAGE_A, 120), (VILLAGE_B, 80)):
        services.save_potential(
            cast.custodian,
            Region.objects.get(code=village),
            year=2026,
            category="agriculture",
            item="Sawah",
            value=value,
            unit="ha",
        )
    for name in ("custodian", "district_viewer"):
        page = clients[name].get("/villages/compare/", {"district": DISTRICT, "year": 2026})
        text = page.content.decode()
        assert "Natai Raya" in text and "Runtu" in text
        assert re.search(r"<td>120</td>", text) and re.search(r"<td>80</td>", text)
    assert clients["operator_a"].get("/villages/compare/").status_code == 403


def test_village_page_shows_answered_public_messages_only(client, cast):
    village = Region.objects.get(code=VILLAGE_A)
    answered = feedback.submit(
        category="complaint", text="Jembatan <b>rusak</b>", village=village, contact="0812999"
    )
    feedback.reply(cast.operator_a, answered, "Sudah diperbaiki.")
    feedback.submit(category="suggestion", text="belum dijawab", village=village)
    hidden = feedback.submit(category="complaint", text="kasar sekali", village=village)
    feedback.reply(cast.operator_a, hidden, "...")
    feedback.set_hidden(cast.operator_a, hidden, True)
    page = client.get(f"/villages/{VILLAGE_A}/").content.decode()
    assert "Jembatan &lt;b&gt;rusak&lt;/b&gt;" in page and "Sudah diperbaiki." in page
    assert "belum dijawab" not in page and "kasar sekali" not in page and "0812999" not in page


def test_numbers_and_addresses_citizens_write_are_hidden_on_the_public_page(client, cast):
    village = Region.objects.get(code=VILLAGE_A)
    text = (
        "Lampu jalan RT 003 mati sejak 2026. Hubungi Budi NIK 6201021234560001, "
        "telp 0812-1111-2222 atau budi.s@contoh.id; KK 6201 0201 2000 0001."
    )
    answered = feedback.submit(category="complaint", text=text, village=village)
    feedback.reply(cast.operator_a, answered, "Sudah kami hubungi di +62 812 3333 4444.")
    page = client.get(f"/villages/{VILLAGE_A}/").content.decode()
    for private in ("6201021234560001", "0812-1111-2222", "budi.s@contoh.id", "6201 0201", "3333"):
        assert private not in page, private
    assert "RT 003 mati sejak 2026" in page and page.count("[disembunyikan]") == 5
    form = client.get("/feedback/").content.decode()
    assert "halaman publik desa" in form


def test_potential_api_lists_figures(client, cast):
    from satudata.villages import services

    services.save_potential(
        cast.custodian,
        Region.objects.get(code=VILLAGE_A),
        year=2026,
        category="tourism",
        item="Wisata sungai",
        value=2,
        unit="lokasi",
    )
    body = client.get(f"/api/v1/villages/{DISTRICT}/potential").json()
    assert body[0]["item"] == "Wisata sungai" and body[0]["village"] == VILLAGE_A


def test_public_village_surfaces_never_show_personal_data(client):
    from satudata.core.demo import FIRST_PHASE_VILLAGES, seed_demo
    from satudata.registry.models import Family

    seed_demo()
    residents = Resident.objects.all()
    niks = set(residents.values_list("nik", flat=True))
    kks = set(Family.objects.values_list("family_number", flat=True))
    births = {d.isoformat() for d in residents.values_list("birth_date", flat=True)}
    names = set(residents.values_list("name", flat=True))
    assert niks and names
    paths = [
        "/villages/62.01/",
        "/villages/61.12/",
        *[f"/villages/{c}/" for c in FIRST_PHASE_VILLAGES],
    ]
    paths += [f"/api/v1/villages/{c}/geojson" for c in FIRST_PHASE_VILLAGES]
    paths += [f"/api/v1/villages/{c}/potential" for c in FIRST_PHASE_VILLAGES]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        for number in re.findall(r"\d{16}", page):
            assert number not in niks and number not in kks, f"{path} shows {number}"
        for date in re.findall(r"\d{4}-\d{2}-\d{2}", page):
            assert date not in births, f"{path} shows a birth date"
        shown_names = [n for n in names if f">{n}<" in page]
        assert not shown_names, f"{path} shows {shown_names[:3]}"


def test_village_page_uses_the_registry_summary_with_age_groups_when_it_exists(client):
    pytest.importorskip("satudata.registry.statistics")
    add_residents(VILLAGE_A, 12, sex=1, education=5)
    add_residents(VILLAGE_A, 2, sex=2, education=8, start=100)
    page = client.get(f"/villages/{VILLAGE_A}/").content.decode()
    assert "Kelompok umur" in page and ">14<" in page and '<td class="n">*</td>' in page


def test_village_page_lists_open_datasets_covering_it(client, cast):
    from django.utils import timezone

    from satudata.datasets.models import Dataset

    def dataset(slug, region_code, **extra):
        item = Dataset.objects.create(
            slug=slug, title=f"Data {slug}", agency=cast.agency_a, topic="health", **extra
        )
        item.regions.add(Region.objects.get(code=region_code))
        return item

    now = timezone.now()
    dataset("puskesmas-kabupaten", "62.01", published_at=now)
    dataset("posyandu-desa-b", VILLAGE_B, published_at=now)
    dataset("draf-desa-a", VILLAGE_A)  # not published
    page = client.get(f"/villages/{VILLAGE_A}/").content.decode()
    assert "Data puskesmas-kabupaten" in page
    assert "Data posyandu-desa-b" not in page and "Data draf-desa-a" not in page
    district = client.get(f"/villages/{DISTRICT}/").content.decode()
    assert "Data posyandu-desa-b" in district and "Data puskesmas-kabupaten" in district


def test_demo_villages_show_a_map_and_potentials_marked_as_demo(client):
    from satudata.core.demo import FIRST_PHASE_VILLAGES, seed_demo
    from satudata.villages.models import MapLayer, PotentialEntry

    seed_demo()
    layers, figures = MapLayer.objects.count(), PotentialEntry.objects.count()
    assert layers >= 4 * len(FIRST_PHASE_VILLAGES) and figures > 0
    page = client.get(f"/villages/{FIRST_PHASE_VILLAGES[0]}/").content.decode()
    assert "<svg" in page and "Sawah" in page and "Posyandu" in page
    district = client.get("/api/v1/villages/62.01.02/geojson").json()
    boundaries = [f for f in district["features"] if f["properties"]["kind"] == "boundary"]
    assert len(boundaries) == len(FIRST_PHASE_VILLAGES)
    assert all("contoh demo" in f["properties"]["layer"] for f in boundaries)
    seed_demo()  # running the demo again adds nothing
    assert (MapLayer.objects.count(), PotentialEntry.objects.count()) == (layers, figures)
