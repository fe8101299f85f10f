"""Import fixes after QA: temporary NIKs round-trip, dry runs store no conflict, hamlets
match whatever their case, dates are not mistaken for Excel serials, errors come in row order."""

from __future__ import annotations

import csv
import datetime
import io
import itertools

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import add_local_unit
from satudata.registry import importer, services
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import NikConflict, Resident
from satudata.registry.tests.helpers import registry_snapshot, resident_data
from satudata.registry.tests.test_import import fails, good_rows, run, snapshot, write_csv

pytestmark = pytest.mark.django_db
COL = {name: i for i, name in enumerate(OPENSID_HEADER)}
TEMPORARY = "0" + VILLAGE_A.replace(".", "") + "00001"  # as OpenSID and the registry make one


def everything():
    """All the registry tables an import writes, to show a refused file changed nothing."""
    return (
        registry_snapshot(),
        snapshot(),
        list(LocalUnit.objects.order_by("pk").values_list("pk", "parent_id", "level", "name")),
        list(NikConflict.objects.order_by("pk").values_list("pk", "nik", "resolved")),
    )


def errors_of(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))[1:]


def slow(monkeypatch):
    monkeypatch.setattr(importer, "fast_rows", lambda imp, raw: None)  # every row per row


SERIALS = itertools.count(9001)


def dated(row: list, birth: datetime.date, text: str) -> list:
    """The row with this birth date written as `text`, and a NIK to match (a new serial)."""
    row = list(row)
    day = birth.day + (40 if row[COL["sex"]] == "2" else 0)
    nik = row[COL["nik"]]
    row[COL["nik"]] = f"{nik[:6]}{day:02d}{birth:%m%y}{next(SERIALS)}"
    row[COL["tanggallahir"]] = text
    return row


# -- 1. temporary NIKs ---------------------------------------------------------------------


@pytest.fixture
def baby(household, cast):
    """Rina's baby brother, registered by his family with a temporary NIK."""
    family = household[0]
    birth = datetime.date(2025, 6, 1)
    data = resident_data(name="Bayi Laki", sex=1, birth_date=birth, relationship=4)
    data.update(nik="", nik_is_temporary=True)
    return services.record_birth(cast.operator_a, family, data)


@pytest.mark.parametrize(("fmt", "name"), [("opensid", "natai.csv"), ("satudata", "natai.xlsx")])
def test_an_export_with_a_temporary_nik_imports_again_unchanged(tmp_path, baby, fmt, name):
    assert baby.nik == TEMPORARY and baby.nik_is_temporary
    path = tmp_path / name
    call_command("export", "residents", str(path), "--village", VILLAGE_A, "--format", fmt)
    before = everything()
    assert "0 ditambah, 0 diperbarui, 4 tidak berubah, 0 ditolak" in run(path)
    after = everything()  # one audit entry for the import, and nothing else
    assert (after[0][:3], after[1:]) == (before[0][:3], before[1:])


@pytest.mark.parametrize("vectorised", [True, False])
def test_a_temporary_nik_is_imported_with_its_flag(tmp_path, monkeypatch, vectorised):
    rows = good_rows(6)
    rows[3][COL["nik"]] = TEMPORARY  # not a district, not the birth date: not checked
    if not vectorised:
        slow(monkeypatch)
    path = write_csv(tmp_path / "w.csv", rows)
    assert f"{len(rows)} ditambah" in run(path)  # all or nothing: every row saved
    flagged = Resident.objects.filter(nik_is_temporary=True)
    assert list(flagged.values_list("nik", flat=True)) == [TEMPORARY]
    assert Resident.objects.filter(nik_is_temporary=False).count() == len(rows) - 1
    version = flagged.get().version
    assert f"0 ditambah, 0 diperbarui, {len(rows)} tidak berubah" in run(path)
    assert flagged.get().version == version


def test_a_temporary_nik_in_an_xlsx_text_cell(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(OPENSID_HEADER)
    rows = good_rows(3)
    rows[0][COL["nik"]] = TEMPORARY
    for row in rows:
        book.active.append(row)
    path = tmp_path / "w.xlsx"
    book.save(path)
    run(path)
    assert Resident.objects.get(nik=TEMPORARY).nik_is_temporary


@pytest.mark.parametrize(
    ("nik", "words"),
    [
        (TEMPORARY[:-1], "harus 16 digit"),
        (TEMPORARY + "1", "harus 16 digit"),
        (TEMPORARY[:-1] + "x", "angka"),
        ("1" + TEMPORARY[1:], "bukan kode kecamatan"),  # a real NIK's rules apply
    ],
)
def test_a_malformed_temporary_nik_is_still_refused(tmp_path, nik, words):
    rows = good_rows(4)
    rows[1][COL["nik"]] = nik
    before = everything()
    out = fails(write_csv(tmp_path / "w.csv", rows))
    assert "Baris 3, kolom nik: NIK:" in out and words in out
    assert everything() == before


@pytest.mark.parametrize("vectorised", [True, False])
def test_a_new_temporary_nik_of_another_village_is_refused(tmp_path, monkeypatch, vectorised):
    """Village A's file may not use up village B's temporary serials (as the forms refuse)."""
    rows = good_rows(4)
    foreign = "0" + VILLAGE_B.replace(".", "") + "99999"
    rows[2][COL["nik"]] = foreign
    if not vectorised:
        slow(monkeypatch)
    before = everything()
    out = fails(write_csv(tmp_path / "w.csv", rows))
    assert "Baris 4, kolom nik: NIK: NIK sementara desa ini" in out
    assert "6201022016" in out and foreign in out
    assert everything() == before


# -- 2. NIK conflicts ----------------------------------------------------------------------


def moved_file(tmp_path, name: str, rows: list) -> object:
    """Village B's file holding the first NIK of village A's rows."""
    moved = [[*rows[0][:21], VILLAGE_B]]
    moved[0][COL["no_kk"]] = "6201020101209999"
    return write_csv(tmp_path / name, moved)


def test_a_dry_run_stores_no_conflict_and_a_real_run_only_one(tmp_path):
    rows = good_rows(3)
    run(write_csv(tmp_path / "a.csv", rows))
    path = moved_file(tmp_path, "b.csv", rows)
    before = everything()
    for _ in range(2):
        assert "sudah terdaftar di desa Natai Raya (62.01.02.2016)" in fails(path, "--dry-run")
    assert everything() == before
    for _ in range(2):  # the rows are refused twice, the conflict is one
        fails(path)
        run(path, "--mode", "valid-only")
    conflict = NikConflict.objects.get()
    assert (conflict.nik, conflict.village_id, conflict.holder_village_id, conflict.source) == (
        rows[0][COL["nik"]],
        VILLAGE_B,
        VILLAGE_A,
        "import",
    )
    # Once the custodian closed it, the next attempt is a new conflict.
    NikConflict.objects.update(resolved=True)
    fails(path)
    assert NikConflict.objects.filter(resolved=False).count() == 1
    assert NikConflict.objects.count() == 2


def test_a_web_dry_run_stores_no_conflict(
    tmp_path, cast, clients, settings, django_capture_on_commit_callbacks
):
    settings.SATUDATA_IMPORT_INLINE = True
    rows = good_rows(3, village=VILLAGE_B)
    run(write_csv(tmp_path / "b.csv", rows))
    mine = [r[:21] for r in rows[:1]]  # no kode_desa: the operator's own village, A
    mine[0][COL["no_kk"]] = "6201020101209998"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([OPENSID_HEADER[:-1], *mine])

    def upload(**dry_run):
        with django_capture_on_commit_callbacks(execute=True):
            response = clients["operator_a"].post(
                "/registry/import/",
                {
                    "file": SimpleUploadedFile("w.csv", buffer.getvalue().encode()),
                    "mode": "all-or-nothing",
                    "village": "",
                    **dry_run,
                },
            )
        assert response.status_code == 302
        return clients["operator_a"].get(response["Location"]).content.decode()

    before = everything()
    assert "sudah terdaftar di desa Runtu (62.01.02.2012)" in upload(dry_run="on")
    assert everything()[1:] == before[1:]  # the job's row and nothing else
    assert not NikConflict.objects.exists()
    # The same upload for real logs the conflict, once however often it is tried.
    upload()
    upload()
    conflict = NikConflict.objects.get()
    assert (conflict.village_id, conflict.holder_village_id) == (VILLAGE_A, VILLAGE_B)
    assert conflict.actor == cast.operator_a


# -- 3. hamlets ----------------------------------------------------------------------------


def test_hamlets_match_whatever_their_case_and_spaces(tmp_path, cast):
    village = Region.objects.get(code=VILLAGE_A)
    hamlet = add_local_unit(cast.operator_a, village, "hamlet", "Dusun 1")
    rows = good_rows(6)
    for row in rows[:3]:
        row[COL["dusun"]], row[COL["rw"]], row[COL["rt"]] = " dusun  1", "1", "2"
    for row, spelling in zip(rows[3:], ("DUSUN  Baru", "dusun baru", "Dusun Baru"), strict=True):
        row[COL["dusun"]], row[COL["rw"]], row[COL["rt"]] = spelling, "01", "002"
    run(write_csv(tmp_path / "w.csv", rows))
    hamlets = LocalUnit.objects.filter(village=village, level="hamlet")
    assert sorted(hamlets.values_list("name", flat=True)) == ["DUSUN  Baru", "Dusun 1"]
    for name in ("Dusun 1", "DUSUN  Baru"):
        rts = LocalUnit.objects.filter(parent__parent__name=name, level="rt")
        assert list(rts.values_list("name", "parent__name")) == [("002", "001")]
    niks = [r[COL["nik"]] for r in rows[:3]]
    units = set(
        Resident.objects.filter(nik__in=niks).values_list("unit__parent__parent", flat=True)
    )
    assert units == {hamlet.pk}
    # A re-import in yet another spelling changes nothing.
    for row in rows:
        row[COL["dusun"]] = row[COL["dusun"]].upper()
    assert f"{len(rows)} tidak berubah" in run(write_csv(tmp_path / "v.csv", rows))
    assert hamlets.count() == 2


def test_hamlets_match_in_a_fresh_import_too(tmp_path, cast, monkeypatch):
    """Into empty tables the units are read up front (`_load_all_units`)."""
    village = Region.objects.get(code=VILLAGE_A)
    add_local_unit(cast.operator_a, village, "hamlet", "Dusun 1")
    monkeypatch.setattr(importer.bulkindex, "worth_deferring", lambda size: True)
    rows = good_rows(3)
    for row in rows:
        row[COL["dusun"]] = "DUSUN 1"
    run(write_csv(tmp_path / "w.csv", rows))
    hamlets = LocalUnit.objects.filter(village=village, level="hamlet")
    assert list(hamlets.values_list("name", flat=True)) == ["Dusun 1"]


# -- 4. dates ------------------------------------------------------------------------------


@pytest.mark.parametrize("vectorised", [True, False])
def test_day_first_dates_without_zero_padding(tmp_path, monkeypatch, vectorised):
    rows = good_rows(4)
    birth = datetime.date(1990, 5, 7)
    rows[0] = dated(rows[0], birth, "7/5/1990")
    rows[1] = dated(rows[1], birth, "7-5-1990")
    rows[2] = dated(rows[2], birth, "07/5/1990")
    rows[3] = dated(rows[3], birth, "33000")  # an Excel serial saved as text: 1990-05-07
    if not vectorised:
        slow(monkeypatch)
    run(write_csv(tmp_path / "w.csv", rows))
    assert set(Resident.objects.values_list("birth_date", flat=True)) == {birth}


@pytest.mark.parametrize(
    "text", ["1905", "1990", "999", "9999", "1e4", "99999", "1905.0", "7/5/90", "32/1/1990"]
)
def test_a_year_or_an_implausible_serial_is_not_a_date(tmp_path, text):
    rows = good_rows(4)
    rows[2] = dated(rows[2], datetime.date(1905, 3, 19), text)
    before = everything()
    out = fails(write_csv(tmp_path / "w.csv", rows))
    assert f"Baris 4, kolom tanggallahir: tanggal lahir: “{text}” bukan tanggal yang sah" in out
    assert "tidak cocok" not in out
    assert everything() == before


def test_xlsx_numbers_are_still_excel_serials(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(OPENSID_HEADER)
    birth = datetime.date(1990, 5, 7)
    row = dated(good_rows(1)[0], birth, "")
    book.active.append([*row[:9], 33000, *row[10:]])
    path = tmp_path / "w.xlsx"
    book.save(path)
    run(path)
    assert Resident.objects.get().birth_date == birth


# -- 5. the order of errors ----------------------------------------------------------------


@pytest.mark.parametrize("vectorised", [True, False])
def test_errors_are_listed_by_row_then_column(tmp_path, monkeypatch, vectorised):
    first = good_rows(3)
    run(write_csv(tmp_path / "a.csv", first))
    rows = good_rows(5, village=VILLAGE_B, seed=8)
    held = [*first[0][:21], VILLAGE_B]
    held[COL["no_kk"]] = rows[0][COL["no_kk"]]
    rows.insert(0, held)  # row 2: a conflict, found after the row checks
    rows[1][COL["agama_id"]] = "9"  # row 3: two errors, in the file's column order
    rows[1][COL["nama"]] = ""
    rows[3][COL["pekerjaan_id"]] = "99"  # row 5
    if not vectorised:
        slow(monkeypatch)
    path = write_csv(tmp_path / "w.csv", rows)
    before = everything()
    out = fails(path)
    assert [e[:2] for e in errors_of(tmp_path / "w.csv.errors.csv")] == [
        ["2", "nik"],
        ["3", "nama"],
        ["3", "agama_id"],
        ["5", "pekerjaan_id"],
    ]
    shown = [line for line in out.splitlines() if line.strip().startswith("Baris")]
    assert [line.split(":")[0].strip() for line in shown] == [
        "Baris 2, kolom nik",
        "Baris 3, kolom nama",
        "Baris 3, kolom agama_id",
        "Baris 5, kolom pekerjaan_id",
    ]
    assert everything()[:3] == before[:3]  # only the conflict is new
    assert NikConflict.objects.get().nik == held[COL["nik"]]


# -- residents without a family card -------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("opensid", "natai.csv"), ("satudata", "natai.xlsx")])
def test_an_export_with_a_resident_without_a_card_imports_again_unchanged(
    tmp_path, household, cast, village_a, fmt, name
):
    """Someone registered without a card is exported with a blank KK number; the file
    re-imports in all-or-nothing mode (it was refused: "nomor KK wajib diisi")."""
    data = resident_data(name="Tanpa Kartu", relationship=None)
    lone = services.register_resident(cast.operator_a, village_a, data)
    assert lone.family_id is None
    path = tmp_path / name
    call_command("export", "residents", str(path), "--village", VILLAGE_A, "--format", fmt)
    before = everything()
    assert "0 ditambah, 0 diperbarui, 4 tidak berubah, 0 ditolak" in run(path)
    after = everything()
    assert (after[0][:3], after[1:]) == (before[0][:3], before[1:])


def test_a_blank_kk_number_is_refused_for_a_new_or_carded_resident(tmp_path, household):
    """Only a stored resident without a card may have a blank KK number: a new person
    needs one, and a member of a card cannot leave it by a blank cell."""
    family, head = household[0], household[1]
    new_row = good_rows(1)[0]
    new_row[COL["no_kk"]] = ""
    path = tmp_path / "blank.csv"
    call_command("export", "residents", str(path), "--village", VILLAGE_A, "--format", "opensid")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.reader(handle))
    carded = next(r for r in exported[1:] if r[COL["nik"]] == head.nik)
    carded[COL["no_kk"]] = ""
    write_csv(path, [carded, new_row])
    before = everything()
    message = fails(path)
    assert "2 ditolak" in message
    rejected = errors_of(tmp_path / "blank.csv.errors.csv")
    assert [(r[0], r[1]) for r in rejected] == [("2", "no_kk"), ("3", "no_kk")]
    assert all("nomor KK: wajib diisi" in r[3] for r in rejected)
    assert everything() == before
    assert Resident.objects.get(pk=head.pk).family_id == family.pk
