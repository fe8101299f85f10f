"""QA: over-long texts and bad RW/RT numbers in an import file.

On PostgreSQL a 3,000-character place of birth ended the whole import with a database error
(no row, no column named); SQLite stored it past the column's width. An RT of "abc", or an
RT without its RW, was dropped silently and the resident left outside any RT.
"""

from __future__ import annotations

import datetime

import pytest

from satudata.conftest import VILLAGE_A
from satudata.regions.models import LocalUnit
from satudata.registry import importer
from satudata.registry.models import Family, Resident
from satudata.registry.tests.test_api import register
from satudata.registry.tests.test_import import fails, good_rows, run, write_csv
from satudata.registry.tests.test_import_fixes import COL, dated, everything, slow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("vectorised", [True, False])
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("tempatlahir", "x" * 3000, "tempat lahir: paling banyak 100 karakter."),
        ("nama_ayah", "x" * 101, "nama ayah: paling banyak 100 karakter."),
        ("nama_ibu", "x" * 101, "nama ibu: paling banyak 100 karakter."),
        ("nama", "x" * 101, "nama: paling banyak 100 karakter."),
        ("dusun", "x" * 61, "dusun: paling banyak 60 karakter."),
        ("alamat", "x" * 201, "alamat: paling banyak 200 karakter."),
        ("rt", "abc", "RT: “abc” bukan angka 0 sampai 999."),
        ("rt", "3/4", "RT: “3/4” bukan angka 0 sampai 999."),
        ("rw", "1000", "RW: “1000” bukan angka 0 sampai 999."),
    ],
)
def test_a_bad_place_or_long_text_is_the_rows_error_and_nothing_is_stored(
    tmp_path, monkeypatch, vectorised, column, value, message
):
    if not vectorised:
        slow(monkeypatch)
    rows = good_rows(8)
    rows[5][COL[column]] = value
    before = everything()
    out = fails(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    assert f"Baris 7, kolom {column}: {message}" in out
    assert everything() == before


CHANGED_MEANWHILE = (
    "Pengguna lain mengubah penduduk atau kartu keluarga dari berkas ini selama impor berjalan"
)


def test_an_rt_without_its_rw_is_refused(tmp_path):
    rows = good_rows(8)
    rows[2][COL["rw"]] = ""
    out = fails(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    assert "Baris 4, kolom rt: RT: RT harus berada di bawah RW; isi kolom rw." in out
    assert Resident.objects.count() == 0


def test_padded_numbers_name_the_same_rt(tmp_path):
    """ "1", "01" and "0001" are all RT 001 (four digits were dropped before)."""
    rows = good_rows(12)
    rows = [row for row in rows if row[COL["no_kk"]] == rows[0][COL["no_kk"]]][:3]
    assert len(rows) == 3
    for row, (rw, rt) in zip(rows, [("1", "0001"), ("001", "01"), ("0001", "1")], strict=True):
        row[COL["rw"]], row[COL["rt"]] = rw, rt
    run(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    units = {r.unit_id for r in Resident.objects.all()}
    assert len(units) == 1
    rt = LocalUnit.objects.get(pk=units.pop())
    assert (rt.level, rt.name, rt.parent.name) == ("rt", "001", "001")
    assert Family.objects.count() == 1


@pytest.mark.parametrize("vectorised", [True, False])
def test_an_exported_formula_like_name_re_imports_unchanged(
    tmp_path, clients, monkeypatch, vectorised
):
    """The CSV export puts an apostrophe before a text starting with = + - @ (so that a
    spreadsheet never runs it); importing that file stored the apostrophe as part of the name."""
    if not vectorised:
        slow(monkeypatch)
    rows = good_rows(6)
    rows[1][COL["nama"]] = "@SUM(1+1)"
    rows[2][COL["tempatlahir"]] = "-Pangkalan Bun"
    run(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    export = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}")
    exported = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "'@SUM(1+1)" in exported  # quoted for spreadsheets
    (tmp_path / "export.csv").write_text(exported, encoding="utf-8")
    out = run(tmp_path / "export.csv", "--village", VILLAGE_A)
    assert "0 diperbarui" in out
    assert Resident.objects.get(nik=rows[1][COL["nik"]]).name == "@SUM(1+1)"
    assert Resident.objects.get(nik=rows[2][COL["nik"]]).birth_place == "-Pangkalan Bun"


def test_a_re_import_moves_the_card_with_its_members(tmp_path, clients):
    """The members went to the new RT and the card kept the old one and its old address,
    and a second import of the same file then called everything unchanged."""
    rows = good_rows(12)
    number = rows[0][COL["no_kk"]]
    run(write_csv(tmp_path / "first.csv", rows), "--village", VILLAGE_A)
    family = Family.objects.get(family_number=number)
    for row in rows:
        if row[COL["no_kk"]] == number:
            row[COL["alamat"]], row[COL["rt"]] = "Jl. Baru No. 1", "009"
    out = run(write_csv(tmp_path / "edited.csv", rows), "--village", VILLAGE_A)
    assert "Kartu keluarga yang RT atau alamatnya diubah oleh berkas: 1." in out
    family.refresh_from_db()
    members = {r.unit_id for r in Resident.objects.filter(family=family)}
    assert family.address == "Jl. Baru No. 1" and members == {family.unit_id}
    assert family.unit.name == "009" and family.version == 2
    history = clients["custodian"].get(f"/audit/record/registry.family/{family.pk}/")
    assert "Jl. Baru No. 1" in history.content.decode()
    again = run(write_csv(tmp_path / "edited.csv", rows), "--village", VILLAGE_A)
    assert "Kartu keluarga" not in again and "0 diperbarui" in again


def test_a_blank_address_in_the_file_keeps_the_stored_one(tmp_path):
    rows = good_rows(6)
    run(write_csv(tmp_path / "first.csv", rows), "--village", VILLAGE_A)
    stored = dict(Family.objects.values_list("family_number", "address"))
    for row in rows:
        row[COL["alamat"]] = ""
    out = run(write_csv(tmp_path / "blank.csv", rows), "--village", VILLAGE_A)
    assert "Kartu keluarga" not in out
    assert dict(Family.objects.values_list("family_number", "address")) == stored


@pytest.mark.parametrize("vectorised", [True, False])
@pytest.mark.parametrize("born", [datetime.date(1800, 1, 1), datetime.date(1, 1, 1)])
def test_a_birth_date_centuries_ago_is_refused(tmp_path, monkeypatch, vectorised, born):
    """The NIK holds only YY, so 1800-01-01 agreed with a NIK made for 2000-01-01."""
    if not vectorised:
        slow(monkeypatch)
    rows = good_rows(6)
    rows[3] = dated(rows[3], born, born.isoformat().rjust(10, "0"))
    before = everything()
    out = fails(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    assert (
        "Baris 5, kolom tanggallahir: tanggal lahir: tidak boleh lebih dari 130 tahun lalu." in out
    )
    assert everything() == before


def test_the_form_refuses_it_too(clients):
    answer = register(clients["operator_a"], birth_date=datetime.date(1850, 6, 1))
    assert answer.status_code == 400 and "130 tahun" in answer.json()["detail"]


def test_a_new_card_without_a_head_is_imported_with_a_warning(tmp_path):
    rows = good_rows(12)
    number = rows[0][COL["no_kk"]]
    for row in rows:
        if row[COL["no_kk"]] == number and row[COL["kk_level"]] == "1":
            row[COL["kk_level"]] = "2"
    out = run(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    assert (
        f"Kartu keluarga baru tanpa kepala keluarga yang hidup (kk_level 1) di berkas: 1 ({number})"
        in out
    )
    assert Family.objects.filter(family_number=number).exists()
    assert "tanpa kepala keluarga" not in run(
        write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A
    )


def test_lists_name_the_rt_by_its_path(tmp_path, clients, django_assert_max_num_queries):
    """A village has an RT 003 in every RW: the lists showed "003" alone."""
    run(write_csv(tmp_path / "w.csv", good_rows(40)), "--village", VILLAGE_A)
    rt = LocalUnit.objects.filter(level="rt", residents__isnull=False).first()
    with django_assert_max_num_queries(20):
        page = clients["operator_a"].get("/registry/").content.decode()
    assert rt.path_label() in page and " / RW " in page
    families = clients["operator_a"].get("/registry/families/").content.decode()
    assert " / RW " in families


def stored_card(tmp_path, rows) -> Family:
    run(write_csv(tmp_path / "first.csv", rows), "--village", VILLAGE_A)
    return Family.objects.get(family_number=rows[0][COL["no_kk"]])


def test_a_blank_rt_or_place_keeps_the_stored_rt_of_card_and_members(tmp_path):
    """QA: a blank RT under the same RW moved the card up to "RW 002", and a blank place
    cleared the members' RT while the card stayed."""
    rows = good_rows(12)
    family = stored_card(tmp_path, rows)
    before = (family.unit_id, sorted(Resident.objects.values_list("pk", "unit_id")))
    card = [r for r in rows if r[COL["no_kk"]] == family.family_number]
    card[0][COL["rt"]] = ""  # the head's row: RW kept, RT blank
    for row in card[1:]:
        row[COL["dusun"]] = row[COL["rw"]] = row[COL["rt"]] = ""
    out = run(write_csv(tmp_path / "blank.csv", rows), "--village", VILLAGE_A)
    assert "Kartu keluarga" not in out and "0 diperbarui" in out
    family.refresh_from_db()
    assert (family.unit_id, sorted(Resident.objects.values_list("pk", "unit_id"))) == before


def test_only_the_heads_row_places_a_stored_card_wherever_the_chunks_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK", 3)  # the card's rows fall into several chunks
    rows = good_rows(12)
    family = stored_card(tmp_path, rows)
    card = [r for r in rows if r[COL["no_kk"]] == family.family_number]
    assert card[0][COL["kk_level"]] == "1" and len(card) >= 2
    member = card[1]
    member[COL["rt"]] = "009"  # a member listed at another RT: the card does not follow
    moved = [r for r in rows if r is not member] + [member]  # after the head, in a later chunk
    out = run(write_csv(tmp_path / "edited.csv", moved), "--village", VILLAGE_A)
    assert "Kartu keluarga" not in out
    family.refresh_from_db()
    assert family.version == 1
    head_first = [member] + [r for r in rows if r is not member]  # before the head
    head_first[0][COL["rt"]] = "009"
    for row in card:
        if row[COL["kk_level"]] == "1":
            row[COL["rt"]] = "007"
    out = run(write_csv(tmp_path / "again.csv", head_first), "--village", VILLAGE_A)
    assert "Kartu keluarga yang RT atau alamatnya diubah oleh berkas: 1." in out
    family.refresh_from_db()
    assert family.unit.name == "007" and family.version == 2


def test_a_member_in_another_rt_than_the_card_is_named_in_a_warning(tmp_path):
    """Accepted (OpenSID files often list one so), but the operator learns which rows."""
    rows = good_rows(12)
    first_card = rows[0][COL["no_kk"]]
    members = [i for i, row in enumerate(rows) if row[COL["no_kk"]] == first_card]
    assert len(members) >= 2, "the generator's first card has members"
    moved = members[1]
    rows[moved][COL["rt"]] = "099" if rows[moved][COL["rt"]] != "099" else "098"
    out = run(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    assert f"{len(rows)} ditambah" in out
    assert (
        "Penduduk yang ditempatkan di RT lain dari RT kartu keluarganya: 1 "
        f"(baris {moved + 2})." in out
    )
    clean = run(write_csv(tmp_path / "w2.csv", good_rows(12, seed=8)), "--village", VILLAGE_A)
    assert "RT lain dari RT kartu keluarganya" not in clean


@pytest.mark.parametrize("vectorised", [True, False])
def test_a_blank_kode_desa_is_the_operators_village_or_named_empty(
    tmp_path, monkeypatch, vectorised, cast
):
    """It said "no village has the code None"."""
    if not vectorised:
        slow(monkeypatch)
    rows = good_rows(4)
    rows[1][COL["kode_desa"]] = ""
    path = write_csv(tmp_path / "w.csv", rows)
    out = run(path, "--user", cast.operator_a.username, "--dry-run")
    assert "4 akan ditambah" in out and "0 ditolak" in out
    before = everything()
    refused = fails(path)  # the command line with no operator: nothing to fall back on
    assert "Baris 3, kolom kode_desa: desa/kelurahan: kode_desa kosong" in refused
    assert "None" not in refused
    assert everything() == before


def test_an_import_never_undoes_a_change_saved_after_it_read_the_resident(
    tmp_path, monkeypatch, cast
):
    """A death recorded while a re-import ran was overwritten by the file's row: the person
    lived again (QA, PostgreSQL). The import now writes a row only over the version it read;
    otherwise it saves nothing and says why."""
    rows = good_rows(6)
    path = write_csv(tmp_path / "w.csv", rows)
    run(path, "--village", VILLAGE_A)
    for row in rows:
        row[COL["pekerjaan_id"]] = "2" if row[COL["pekerjaan_id"]] != "2" else "3"
    changed = write_csv(tmp_path / "changed.csv", rows)
    victim = Resident.objects.get(nik=rows[3][COL["nik"]])
    real = importer.Importer._held

    def read_then_someone_saves(self, niks):
        held = real(self, niks)
        # What another session commits between this read and the import's write.
        Resident.objects.filter(pk=victim.pk).update(
            status=Resident.Status.DEAD, version=victim.version + 1
        )
        return held

    monkeypatch.setattr(importer.Importer, "_held", read_then_someone_saves)
    out = fails(changed, "--village", VILLAGE_A)
    assert CHANGED_MEANWHILE in out
    # Nothing of the file was saved. (The stand-in for the other session ran inside the
    # import's transaction, so it is rolled back too; another session's commit stays.)
    assert list(Resident.objects.values_list("version", flat=True).distinct()) == [1]
    assert not Resident.objects.filter(occupation=int(rows[0][COL["pekerjaan_id"]])).exists()


def test_an_import_never_undoes_a_card_moved_after_it_read_the_card(tmp_path, monkeypatch, cast):
    """QA: an operator's new address for a card, saved while a re-import ran, was
    overwritten by the head's row, and the history named an address no longer stored."""
    rows = good_rows(6)
    run(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    head_row = next(r for r in rows if r[COL["kk_level"]] == "1")
    head_row[COL["alamat"]] = "Alamat Dari Berkas"
    card = Family.objects.get(family_number=head_row[COL["no_kk"]])
    real = importer.Importer._load_families

    def read_then_the_operator_moves_it(self, numbers):
        real(self, numbers)
        # What the operator's save commits between this read and the import's write.
        Family.objects.filter(pk=card.pk).update(
            address="Alamat Dari Operator", version=card.version + 1
        )

    monkeypatch.setattr(importer.Importer, "_load_families", read_then_the_operator_moves_it)
    out = fails(write_csv(tmp_path / "moved.csv", rows), "--village", VILLAGE_A)
    assert CHANGED_MEANWHILE in out
    assert not Family.objects.filter(address="Alamat Dari Berkas").exists()


def test_an_import_saves_nothing_when_a_card_got_a_head_meanwhile(
    tmp_path, monkeypatch, cast, village_a
):
    """QA (PostgreSQL): a head registered while the import ran, on a card the file gives a
    head too, left the card with two living heads."""
    from django.db import connection

    from satudata.registry import services
    from satudata.registry.tests.helpers import kk_for, resident_data

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: no head can be given while an import runs")
    card = services.register_family(cast.operator_a, village_a, kk_for(serial=77))
    wife = services.register_resident(
        cast.operator_a, village_a, resident_data(name="Istri", relationship=None)
    )
    # A card with a wife and no head (its head died, or an import left it so): registering
    # her onto the empty card would make her its head.
    Resident.objects.filter(pk=wife.pk).update(family=card, relationship=3)
    row = good_rows(1)[0]
    row[COL["no_kk"]], row[COL["kk_level"]] = card.family_number, "1"
    real = importer.Importer._note_members_elsewhere

    def checked_then_a_head_is_given(self, frame):
        real(self, frame)
        # What another session commits after the import's head checks.
        Resident.objects.filter(pk=wife.pk).update(relationship=1)

    monkeypatch.setattr(importer.Importer, "_note_members_elsewhere", checked_then_a_head_is_given)
    out = fails(write_csv(tmp_path / "head.csv", [row]), "--village", VILLAGE_A)
    assert CHANGED_MEANWHILE in out
    assert Resident.objects.filter(family=card).count() == 1
