"""A file that changes residents leaves their history: each change is in the audit trail with
the values before and after, a death is not undone by a file, and a web import that saved
nothing is still on record (it read which NIKs other villages hold)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from satudata.audit.models import AuditEntry
from satudata.registry import services
from satudata.registry.models import ImportJob, Resident
from satudata.registry.tests.test_import import fails, good_rows, run, write_csv
from satudata.registry.tests.test_import_fixes import COL, everything

pytestmark = pytest.mark.django_db


def test_a_re_import_keeps_the_old_values_in_the_audit_trail(tmp_path, clients):
    rows = good_rows(3)
    run(write_csv(tmp_path / "a.csv", rows))
    person = Resident.objects.get(nik=rows[1][COL["nik"]])
    old_place = person.birth_place
    rows[1][COL["tempatlahir"]] = "Sungai Ambawang"
    out = run(write_csv(tmp_path / "b.csv", rows))
    assert "1 diperbarui" in out
    entry = AuditEntry.objects.get(model_label="registry.resident", object_pk=str(person.pk))
    assert entry.action == "update"
    assert (entry.before, entry.after) == (
        {"birth_place": old_place},
        {"birth_place": "Sungai Ambawang"},
    )
    page = clients["custodian"].get(f"/audit/record/registry.resident/{person.pk}/")
    assert old_place in page.content.decode() and "Sungai Ambawang" in page.content.decode()
    # The village's own page says what changed, without the values.
    own = clients["operator_a"].get(f"/registry/residents/{person.pk}/").content.decode()
    assert "sistem: diubah (tempat lahir)" in own


def test_a_file_does_not_bring_the_dead_back(tmp_path, cast):
    rows = good_rows(3)
    run(write_csv(tmp_path / "a.csv", rows))
    person = Resident.objects.get(nik=rows[1][COL["nik"]])
    services.record_death(cast.operator_a, person, datetime.date(2026, 1, 2))
    before = everything()
    out = fails(write_csv(tmp_path / "b.csv", rows))  # the old file still says "alive"
    assert "Baris 3, kolom status_dasar:" in out and "tercatat mati" in out
    assert everything() == before


def test_a_web_dry_run_is_in_the_audit_trail(
    tmp_path, clients, settings, django_capture_on_commit_callbacks
):
    settings.SATUDATA_IMPORT_INLINE = True
    path = write_csv(tmp_path / "w.csv", good_rows(3))
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["operator_a"].post(
            "/registry/import/",
            {
                "file": SimpleUploadedFile("w.csv", path.read_bytes()),
                "mode": "all-or-nothing",
                "village": "",
                "dry_run": "on",
            },
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    entry = AuditEntry.objects.get(model_label="registry.importjob", object_pk=str(job.pk))
    assert entry.actor.username == "operator.a"
    assert entry.after["dry_run"] is True and entry.after["committed"] is False
    assert not Resident.objects.exists()


def test_a_second_head_for_one_card_is_refused_naming_the_first(tmp_path):
    rows = good_rows(6)
    kk = rows[0][COL["no_kk"]]
    first = next(
        i for i, r in enumerate(rows) if r[COL["no_kk"]] == kk and r[COL["kk_level"]] == "1"
    )
    other = next(i for i, r in enumerate(rows) if r[COL["no_kk"]] == kk and i != first)
    rows[other][COL["kk_level"]] = "1"
    before = everything()
    out = fails(write_csv(tmp_path / "w.csv", rows))
    assert (
        f"Baris {other + 2}, kolom kk_level: hubungan dalam keluarga: kartu keluarga {kk} "
        f"sudah punya kepala keluarga di baris {first + 2}."
    ) in out
    assert everything() == before


@pytest.fixture
def imported(tmp_path):
    """A village imported from a file: its rows, and one card with a head and a member."""
    rows = good_rows(12)
    run(write_csv(tmp_path / "a.csv", rows))
    kk = next(
        r[COL["no_kk"]]
        for r in rows
        if sum(1 for o in rows if o[COL["no_kk"]] == r[COL["no_kk"]]) >= 2
    )
    card = [r for r in rows if r[COL["no_kk"]] == kk]
    head = next(r for r in card if r[COL["kk_level"]] == "1")
    member = next(r for r in card if r[COL["kk_level"]] != "1")
    return rows, kk, head, member


def with_level(row: list, level: str) -> list:
    changed = list(row)
    changed[COL["kk_level"]] = level
    return changed


def heads_of(kk: str) -> list[str]:
    living = Resident.objects.filter(family__family_number=kk, relationship=1, status=1)
    return sorted(living.values_list("nik", flat=True))


def test_a_file_cannot_give_a_stored_card_a_second_head(tmp_path, imported):
    _rows, kk, head, member = imported
    promoted = with_level(member, "1")
    before = everything()
    out = fails(write_csv(tmp_path / "b.csv", [promoted]))
    assert (
        f"kartu keluarga {kk} sudah punya kepala keluarga di basis data, {head[COL['nama']]}" in out
    )
    assert everything() == before and heads_of(kk) == [head[COL["nik"]]]
    # Both rows of a change of head in one file: accepted, one head after.
    demoted = with_level(head, "9")
    out = run(write_csv(tmp_path / "c.csv", [promoted, demoted]))
    assert "2 diperbarui" in out and heads_of(kk) == [member[COL["nik"]]]


def test_a_file_cannot_leave_a_stored_card_without_a_head(tmp_path, imported):
    _rows, kk, head, _member = imported
    before = everything()
    out = fails(write_csv(tmp_path / "b.csv", [with_level(head, "9")]))
    assert f"{head[COL['nama']]} adalah kepala keluarga kartu keluarga {kk} di basis data" in out
    assert everything() == before and heads_of(kk) == [head[COL["nik"]]]


def test_a_file_does_not_bring_back_who_moved_out(tmp_path, cast, imported):
    rows, _kk, _head, member = imported
    person = Resident.objects.get(nik=member[COL["nik"]])
    services.record_move_out(cast.operator_a, person, datetime.date(2026, 1, 2))
    before = everything()
    out = fails(write_csv(tmp_path / "b.csv", rows))
    assert "kolom status_dasar:" in out and "tercatat pindah" in out
    assert everything() == before
