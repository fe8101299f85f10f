import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import DISTRICT, VILLAGE_A, VILLAGE_B
from satudata.regions.models import LocalUnit


@pytest.mark.django_db
def test_anyone_browses_province_to_village(client):
    assert "Kalimantan Barat" in client.get("/regions/").content.decode()
    regency = client.get("/regions/62.01/").content.decode()
    assert "Arut Selatan" in regency
    district = client.get(f"/regions/{DISTRICT}/").content.decode()
    assert "Natai Raya" in district
    village = client.get(f"/regions/{VILLAGE_A}/")
    assert village.status_code == 200
    assert "Kotawaringin Barat" in village.content.decode()  # breadcrumbs


@pytest.mark.django_db
def test_region_page_accepts_undotted_codes_and_404s_unknown_ones(client):
    assert client.get("/regions/6201022016/").status_code == 200
    assert client.get("/regions/99.99/").status_code == 404
    assert client.get("/regions/not-a-code/").status_code == 404


@pytest.mark.django_db
def test_region_search_page_finds_villages(client):
    page = client.get("/regions/", {"q": "runtu"}).content.decode()
    assert VILLAGE_B in page


@pytest.mark.django_db
def test_operator_sees_the_unit_form_only_on_own_village(clients):
    assert "Tambah unit" in clients["operator_a"].get(f"/regions/{VILLAGE_A}/").content.decode()
    assert "Tambah unit" not in clients["operator_b"].get(f"/regions/{VILLAGE_A}/").content.decode()
    assert "Tambah unit" not in clients["anonymous"].get(f"/regions/{VILLAGE_A}/").content.decode()


@pytest.mark.django_db
def test_operator_builds_hamlet_rw_rt_through_the_form_and_each_is_audited(clients, cast):
    browser = clients["operator_a"]
    browser.post(f"/regions/{VILLAGE_A}/units/", {"level": "hamlet", "name": "Dusun I"})
    hamlet = LocalUnit.objects.get(village_id=VILLAGE_A, name="Dusun I")
    browser.post(f"/regions/{VILLAGE_A}/units/", {"level": "rw", "name": "1", "parent": hamlet.pk})
    rw = LocalUnit.objects.get(village_id=VILLAGE_A, level="rw")
    response = browser.post(
        f"/regions/{VILLAGE_A}/units/", {"level": "rt", "name": "3", "parent": rw.pk}, follow=True
    )
    assert "Dusun I / RW 001 / RT 003" in response.content.decode()
    entries = AuditEntry.objects.filter(model_label="regions.localunit", action="create")
    assert entries.count() == 3
    assert {e.actor_id for e in entries} == {cast.operator_a.pk}
    assert {e.region_code for e in entries} == {VILLAGE_A}


@pytest.mark.django_db
def test_duplicate_rt_numbers_in_another_spelling_are_refused(clients):
    browser = clients["operator_a"]
    browser.post(f"/regions/{VILLAGE_A}/units/", {"level": "rw", "name": "001"})
    response = browser.post(
        f"/regions/{VILLAGE_A}/units/", {"level": "rw", "name": "1"}, follow=True
    )
    assert LocalUnit.objects.filter(village_id=VILLAGE_A, level="rw").count() == 1
    assert "sudah" in response.content.decode()  # "already has a unit" in Indonesian


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator_b", "district_viewer", "producer_a"])
def test_others_cannot_add_units_through_the_form(clients, who):
    response = clients[who].post(f"/regions/{VILLAGE_A}/units/", {"level": "hamlet", "name": "X"})
    assert response.status_code == 403
    assert not LocalUnit.objects.filter(village_id=VILLAGE_A).exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_before_adding_units(clients):
    response = clients["anonymous"].post(f"/regions/{VILLAGE_A}/units/", {"level": "hamlet"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_operator_removes_a_unit_and_others_cannot(clients, cast):
    from satudata.regions.models import Region
    from satudata.regions.services import add_local_unit

    unit = add_local_unit(cast.operator_a, Region.objects.get(code=VILLAGE_A), "hamlet", "Dusun Z")
    assert clients["operator_b"].post(f"/regions/units/{unit.pk}/delete/").status_code == 403
    assert LocalUnit.objects.filter(pk=unit.pk).exists()
    clients["operator_a"].post(f"/regions/units/{unit.pk}/delete/")
    assert not LocalUnit.objects.filter(pk=unit.pk).exists()
    assert LocalUnit.all_objects.get(pk=unit.pk).deleted_at is not None


def test_headings_name_the_kind_once(client, db):
    regency = client.get("/regions/62.01/").content.decode()
    assert "<h1>Kabupaten Kotawaringin Barat</h1>" in regency
    village = client.get("/regions/62.01.02.2016/").content.decode()
    assert "<h1>Desa Natai Raya</h1>" in village
    stats = client.get("/statistics/population/62.01/").content.decode()
    assert "Kabupaten Kabupaten" not in stats


@pytest.mark.django_db
def test_the_search_pager_keeps_the_whole_query(client):
    # "&" in a query used to end it in the next page's link: page 2 searched "sungai" alone.
    page = client.get("/regions/", {"q": "sungai & #"}).content.decode()
    assert "?q=sungai+%26+%23&amp;page=2" in page
