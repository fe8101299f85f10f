"""QA, tenth session: rules the forms and the API applied, which a re-imported export broke
(`import_heads`, `import_rules`): a head leaving a card whose members stay, a dead person put
on another card, a birth date after the person's recorded events; and a status the file
changes leaves an "imported" life event."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from satudata.conftest import VILLAGE_A
from satudata.registry import services
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import LifeEvent, Resident
from satudata.registry.tests.helpers import kk_for
from satudata.registry.tests.test_import import fails, run
from satudata.registry.tests.test_import_fixes import errors_of, everything
from satudata.registry.tests.test_views import error_cells, post_import

pytestmark = pytest.mark.django_db
COL = {name: i for i, name in enumerate(OPENSID_HEADER)}


def exported(tmp_path) -> list[list[str]]:
    path = tmp_path / "x.csv"
    call_command(
        "export", "residents", str(path), "--village", VILLAGE_A, stdout=io.StringIO()
    )  # fmt: skip
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))[1:]


def write(tmp_path, rows, name="x.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPENSID_HEADER)
        writer.writerows(rows)
    return path


def row_of(rows, person: Resident) -> list[str]:
    return next(r for r in rows if r[COL["nik"]] == person.nik)


def error_lines(tmp_path, name="x.csv"):
    return [e[:3] for e in errors_of(tmp_path / f"{name}.errors.csv")]


# -- 1. a head leaving a card whose members stay ---------------------------------------------


def test_a_head_moved_alone_to_a_new_card_is_refused(tmp_path, household):
    family, head, _wife, _daughter = household
    row = row_of(exported(tmp_path), head)
    new_kk = kk_for(serial=71)
    row[COL["no_kk"]] = new_kk
    path = write(tmp_path, [row])
    before = everything()
    out = fails(path, "--village", VILLAGE_A)
    assert "Baris 2, kolom no_kk: nomor KK: Budi mengepalai kartu keluarga" in out
    assert family.family_number in out
    assert everything() == before
    assert error_lines(tmp_path) == [["2", "no_kk", new_kk]]
    out = run(path, "--village", VILLAGE_A, "--mode", "valid-only")
    assert "0 diperbarui" in out and "1 ditolak" in out
    head.refresh_from_db()
    assert head.family_id == family.pk


def test_a_head_may_leave_with_the_whole_family_or_hand_the_card_over(tmp_path, household):
    """Not refused: the members move too, or the file names the old card's new head."""
    family, head, wife, daughter = household
    rows = exported(tmp_path)
    moved = [row_of(rows, p) for p in (head, wife, daughter)]
    for row in moved:
        row[COL["no_kk"]] = kk_for(serial=72)
    assert "3 diperbarui" in run(write(tmp_path, moved), "--village", VILLAGE_A)
    assert {p.family.family_number for p in Resident.objects.all()} == {kk_for(serial=72)}
    # The head leaves for a third card, and the file makes the wife head of the second.
    rows = exported(tmp_path)
    head_row, wife_row = row_of(rows, head), row_of(rows, wife)
    head_row[COL["no_kk"]] = kk_for(serial=73)
    wife_row[COL["kk_level"]] = "1"
    out = run(write(tmp_path, [head_row, wife_row]), "--village", VILLAGE_A)
    assert "2 diperbarui" in out
    wife.refresh_from_db()
    head.refresh_from_db()
    assert (wife.relationship, wife.family.family_number) == (1, kk_for(serial=72))
    assert head.family.family_number == kk_for(serial=73)


# -- 2. a dead person put on another card -----------------------------------------------------


def test_a_dead_resident_is_not_moved_to_another_card(tmp_path, cast, household):
    family, _head, _wife, daughter = household
    services.record_death(cast.operator_a, daughter, datetime.date(2024, 1, 5))
    row = row_of(exported(tmp_path), daughter)
    new_kk = kk_for(serial=74)
    row[COL["no_kk"]], row[COL["kk_level"]] = new_kk, "7"
    path = write(tmp_path, [row])
    before = everything()
    out = fails(path, "--village", VILLAGE_A)
    assert (
        "Baris 2, kolom no_kk: nomor KK: Rina bukan penduduk hidup desa ini (status: mati)"
    ) in out
    assert everything() == before
    assert error_lines(tmp_path) == [["2", "no_kk", new_kk]]
    assert "1 ditolak" in run(path, "--village", VILLAGE_A, "--mode", "valid-only")
    daughter.refresh_from_db()
    assert daughter.family_id == family.pk


# -- 3. a birth date after the recorded events ------------------------------------------------


@pytest.fixture
def baby_joined(cast, household, village_a):
    """A baby registered with a temporary NIK, who moved onto another card on 10-07-2025."""
    family = household[0]
    data = {
        "nik": "",
        "nik_is_temporary": True,
        "name": "Bayi Laki",
        "sex": 1,
        "birth_place": "Pangkalan Bun",
        "birth_date": datetime.date(2025, 6, 1),
        "religion": 1,
        "education_kk": 1,
        "occupation": 1,
        "marital_status": 1,
        "relationship": 4,
    }
    baby = services.record_birth(cast.operator_a, family, data)
    other = services.register_family(cast.operator_a, village_a, kk_for(serial=75))
    uncle = services.register_resident(
        cast.operator_a,
        village_a,
        {**data, "name": "Paman", "birth_date": datetime.date(1980, 1, 1), "relationship": 1},
        family=other,
    )
    assert uncle.relationship == 1
    services.join_family(cast.operator_a, baby, other, 4, datetime.date(2025, 7, 10))
    return baby


@pytest.mark.parametrize("web", [False, True])
def test_a_birth_date_after_the_recorded_events_is_refused(
    tmp_path, clients, settings, django_capture_on_commit_callbacks, baby_joined, web
):
    row = row_of(exported(tmp_path), baby_joined)
    row[COL["tanggallahir"]] = "2025-08-01"
    before = everything()
    expected = (
        "tanggal lahir: 01-08-2025 sesudah peristiwa pindah ke kartu keluarga lain yang "
        "tercatat pada 10-07-2025."
    )
    if web:
        settings.SATUDATA_IMPORT_INLINE = True
        client = clients["operator_a"]
        capture = django_capture_on_commit_callbacks
        response = post_import(client, capture, [row], "all-or-nothing")
        page = client.get(response["Location"]).content.decode()
        assert error_cells(page) == [["2", "tanggallahir", "01-08-2025", expected]]
    else:
        out = fails(write(tmp_path, [row]), "--village", VILLAGE_A)
        assert f"Baris 2, kolom tanggallahir: {expected}" in out
        assert error_lines(tmp_path) == [["2", "tanggallahir", "01-08-2025"]]
    after = everything()
    assert (after[0][:3], after[1:]) == (before[0][:3], before[1:])
    baby_joined.refresh_from_db()
    assert baby_joined.birth_date == datetime.date(2025, 6, 1)
    # A date before the events is a correction the import makes.
    row[COL["tanggallahir"]] = "2025-05-30"
    assert "1 diperbarui" in run(write(tmp_path, [row]), "--village", VILLAGE_A)


# -- 4. a status changed by an import leaves an "imported" life event ------------------------


def test_a_status_changed_by_import_shows_in_the_life_events(tmp_path, client, cast, household):
    _family, _head, _wife, daughter = household
    rows = exported(tmp_path)
    row_of(rows, daughter)[COL["status_dasar"]] = "2"
    out = run(write(tmp_path, rows), "--village", VILLAGE_A)
    assert "1 diperbarui" in out and "2 tidak berubah" in out
    event = LifeEvent.objects.get(kind=LifeEvent.Kind.IMPORTED)  # none for the others
    assert (event.resident_id, event.kind) == (daughter.pk, LifeEvent.Kind.IMPORTED)
    assert event.date == datetime.date.today()
    assert "hidup → mati" in event.note and "x.csv" in event.note
    client.force_login(cast.operator_a)
    page = client.get(reverse("registry:resident", args=[daughter.pk])).content.decode()
    assert "diimpor: status dasar hidup → mati, oleh impor no." in page
    # An unchanged re-import writes none.
    assert "0 diperbarui, 3 tidak berubah" in run(write(tmp_path, rows), "--village", VILLAGE_A)
    assert LifeEvent.objects.filter(kind=LifeEvent.Kind.IMPORTED).count() == 1
