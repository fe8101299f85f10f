"""Regional potential: Indonesian numbers, one key per item, region totals, deleting a figure."""

import datetime

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import DISTRICT, VILLAGE_A, VILLAGE_B
from satudata.villages.models import PotentialEntry

pytestmark = pytest.mark.django_db
NEXT_YEAR = datetime.date.today().year + 1


def save(client, village=VILLAGE_A, **figure):
    data = {"year": 2026, "category": "land", "item": "Sawah", "value": "10", "unit": "ha"}
    return client.post(f"/villages/{village}/potential/", {**data, **figure}, follow=True)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("1,5", "1.50"),
        ("1.234,5", "1234.50"),
        ("1.234", "1234.00"),
        ("1.234.567", "1234567.00"),
        ("135.5", "135.50"),
        ("12", "12.00"),
    ],
)
def test_indonesian_numbers_are_accepted(clients, typed, stored):
    response = save(clients["operator_a"], value=typed)
    assert "Tersimpan." in response.content.decode()
    assert str(PotentialEntry.objects.get().value) == stored


@pytest.mark.parametrize("typed", ["1,234.5", "abc", "-3", "1,555", "1.2.3"])
def test_ambiguous_or_wrong_numbers_are_refused_in_words(clients, typed):
    page = save(clients["operator_a"], value=typed).content.decode()
    if typed == "1,555":  # a comma is always the decimal mark: three decimals are too many
        assert "paling banyak memiliki dua angka desimal" in page
    else:
        assert "Tulis nilai sebagai angka nol atau lebih" in page
    assert PotentialEntry.objects.count() == 0


def test_the_same_item_with_other_spacing_or_case_is_the_same_row(clients):
    save(clients["operator_a"], item="Sawah", value="10")
    save(clients["operator_a"], item="  sawah ", value="12", unit="HA")
    entry = PotentialEntry.objects.get()
    assert entry.value == 12


def test_another_unit_does_not_overwrite_the_figure(clients):
    save(clients["operator_a"], value="10", unit="ha")
    page = save(clients["operator_a"], value="7", unit="petak").content.decode()
    assert "Sawah 2026 sudah dicatat dalam ha" in page
    entry = PotentialEntry.objects.get()
    assert (entry.value, entry.unit) == (10, "ha")


def test_the_year_is_at_most_next_year(clients):
    page = save(clients["operator_a"], year=2100).content.decode()
    assert f"Tahun harus antara 1990 dan {NEXT_YEAR}." in page
    assert PotentialEntry.objects.count() == 0
    assert "Tersimpan." in save(clients["operator_a"], year=NEXT_YEAR).content.decode()


def test_region_pages_show_each_villages_latest_year(clients):
    save(clients["operator_a"], year=2025, item="Sawah", value="40")
    save(clients["operator_b"], village=VILLAGE_B, year=NEXT_YEAR, item="Kebun jeruk", value="5")
    for path in (f"/villages/{DISTRICT}/", "/villages/62.01/"):
        page = clients["anonymous"].get(path).content.decode()
        assert "Sawah" in page and "Kebun jeruk" in page, path
        assert f"Potensi wilayah 2025–{NEXT_YEAR}" in page
    village = clients["anonymous"].get(f"/villages/{VILLAGE_A}/").content.decode()
    assert "Potensi wilayah 2025" in village and "Kebun jeruk" not in village


def test_percentages_are_averaged_never_added(clients):
    item = {"category": "infrastructure", "item": "Rumah tangga berlistrik", "unit": "%"}
    save(clients["operator_a"], value="82", **item)
    save(clients["operator_b"], village=VILLAGE_B, value="76", **item)
    page = clients["anonymous"].get(f"/villages/{DISTRICT}/").content.decode()
    row = page[page.index("Rumah tangga berlistrik") :][:300]
    assert "158" not in row and ">79 <span" in row and "rata-rata" in row


def test_operator_deletes_a_wrong_figure_audited_and_soft(clients):
    save(clients["operator_a"], year=2026, value="10")
    entry = PotentialEntry.objects.get()
    page = clients["operator_a"].get(f"/villages/{VILLAGE_A}/potential/").content.decode()
    assert f"/villages/potential/{entry.pk}/delete/" in page
    assert clients["operator_b"].post(f"/villages/potential/{entry.pk}/delete/").status_code == 404
    assert clients["district_viewer"].post(
        f"/villages/potential/{entry.pk}/delete/"
    ).status_code in (403, 404)
    response = clients["operator_a"].post(f"/villages/potential/{entry.pk}/delete/", follow=True)
    assert "Angka Sawah 2026 telah dihapus." in response.content.decode()
    assert PotentialEntry.objects.count() == 0 and PotentialEntry.all_objects.count() == 1
    assert AuditEntry.objects.filter(
        model_label="villages.potentialentry", object_pk=str(entry.pk), action="delete"
    ).exists()
    # The same item can be entered again, in another unit too.
    assert "Tersimpan." in save(clients["operator_a"], unit="petak").content.decode()


def test_a_district_viewer_asking_for_another_district_is_told_so(clients):
    response = clients["district_viewer"].get(
        "/villages/compare/", {"district": "61.12.01", "year": 2025}
    )
    assert response.status_code == 403
    assert "bukan kecamatan Anda" in response.content.decode()
    own = clients["district_viewer"].get("/villages/compare/", {"district": DISTRICT})
    assert own.status_code == 200


def test_compare_merges_spellings_of_one_item(clients, cast):
    from satudata.regions.models import Region
    from satudata.villages import services

    for village, item in ((VILLAGE_A, "Sawah"), (VILLAGE_B, "sawah  ")):
        services.save_potential(
            cast.custodian,
            Region.objects.get(code=village),
            year=2026,
            category="land",
            item=item,
            value=3,
            unit="ha",
        )
    page = clients["custodian"].get("/villages/compare/", {"district": DISTRICT, "year": 2026})
    assert page.content.decode().lower().count("<td>sawah</td>") == 1


def test_form_errors_name_the_field_by_its_label_not_its_code(clients):
    page = save(clients["operator_a"], year="abc").content.decode()
    assert "* year" not in page and "Tahun: " in page
    assert PotentialEntry.objects.count() == 0
