"""QA: a village outside the regencies this database serves (SATUDATA_REGENCIES) took
residents, by import and through the API, though no operator here could ever take those
records over (move-out destinations were already limited the same way)."""

from __future__ import annotations

import pytest

from satudata.conftest import VILLAGE_A
from satudata.regions.models import Region
from satudata.registry.models import Resident
from satudata.registry.tests.test_api import register
from satudata.registry.tests.test_import import fails, good_rows, write_csv
from satudata.registry.tests.test_import_fixes import COL, everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def outside() -> str:
    """A village of the test provinces in a regency the deployment does not serve."""
    return (
        Region.objects.filter(code__startswith="62.", level=Region.Level.VILLAGE)
        .exclude(code__startswith="62.01.")
        .values_list("code", flat=True)
        .first()
    )


def test_an_import_row_for_such_a_village_is_refused(tmp_path, outside):
    rows = good_rows(4)
    for row in rows:
        row[COL["kode_desa"]] = outside
    before = everything()
    out = fails(write_csv(tmp_path / "w.csv", rows))
    assert (
        f"Baris 2, kolom kode_desa: desa/kelurahan: {outside} bukan desa/kelurahan dari "
        "kabupaten yang dilayani basis data ini (61.12, 62.01)." in out
    )
    assert everything() == before


def test_the_api_refuses_it_even_to_the_custodian(clients, outside):
    answer = register(clients["custodian"], village=outside)
    assert answer.status_code == 400
    assert "bukan desa/kelurahan dari kabupaten yang dilayani" in answer.json()["detail"]
    assert not Resident.objects.exists()
    assert register(clients["custodian"], village=VILLAGE_A).status_code == 201


def test_the_forms_of_such_a_village_are_not_found(clients, outside):
    for path in ("/registry/residents/new/", "/registry/families/new/", "/registry/move-in/"):
        page = clients["custodian"].get(path, {"village": outside})
        assert page.status_code == 404
        assert "Desa ini di luar kabupaten yang dilayani basis data ini." in page.content.decode()
    ours = clients["custodian"].get("/registry/residents/new/", {"village": VILLAGE_A})
    assert ours.status_code == 200


def test_an_import_for_such_a_village_is_refused_before_any_row(tmp_path, outside):
    out = fails(write_csv(tmp_path / "w.csv", good_rows(3)), "--village", outside)
    assert "bukan desa/kelurahan dari kabupaten yang dilayani" in out
    assert "Baris" not in out
