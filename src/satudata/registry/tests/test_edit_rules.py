"""Editing residents and families as an operator meets it: stale forms, RTs, event dates,
heads of family and temporary NIKs (each found by exploratory testing of the demo)."""

from __future__ import annotations

import datetime
import json

import pytest

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.regions.services import add_local_unit
from satudata.registry import services
from satudata.registry.models import LifeEvent, Resident
from satudata.registry.tests.helpers import kk_for, registry_snapshot, resident_data

pytestmark = pytest.mark.django_db


def edit_form(person: Resident, **changes) -> dict:
    data = resident_data(name=person.name, nik=person.nik, sex=person.sex)
    data |= {"birth_date": person.birth_date.isoformat(), "citizenship": 1}
    data |= {"version": person.version, "unit": person.unit_id or ""}
    return {k: ("" if v is None else v) for k, v in (data | changes).items()}


def patch(client, url: str, body: dict):
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def rts(cast, village_a):
    rw = add_local_unit(cast.operator_a, village_a, "rw", "001")
    return (
        add_local_unit(cast.operator_a, village_a, "rt", "001", rw.pk),
        add_local_unit(cast.operator_a, village_a, "rt", "002", rw.pk),
    )


@pytest.fixture
def loner(cast, village_a):
    """A resident registered without a family card (and so without an RT)."""
    return services.register_resident(cast.operator_a, village_a, resident_data(name="Yanti"))


def test_a_second_click_after_a_stale_refusal_does_not_undo_the_other_change(clients, loner):
    url = f"/registry/residents/{loner.pk}/edit/"
    form = edit_form(loner, occupation=15)  # the form as the user opened it, version 1
    other = patch(clients["custodian"], f"/api/v1/residents/{loner.pk}", {"version": 1})
    assert other.status_code == 200  # nothing changed: no new version
    assert (
        patch(
            clients["custodian"], f"/api/v1/residents/{loner.pk}", {"version": 1, "occupation": 7}
        ).json()["version"]
        == 2
    )
    first = clients["operator_a"].post(url, form)
    assert "Orang lain sudah mengubah" in first.content.decode()
    assert 'name="version" value="1"' in first.content.decode()
    again = clients["operator_a"].post(url, form)  # the same stale form, submitted again
    assert "Orang lain sudah mengubah" in again.content.decode()
    loner.refresh_from_db()
    assert (loner.occupation, loner.version) == (7, 2)


def test_an_unchanged_save_keeps_the_version_and_writes_no_history(clients, loner):
    before = registry_snapshot()
    response = clients["operator_a"].post(f"/registry/residents/{loner.pk}/edit/", edit_form(loner))
    assert response.status_code == 302
    assert registry_snapshot() == before


def test_a_broken_version_field_is_a_stale_form_not_a_server_error(clients, loner):
    url = f"/registry/residents/{loner.pk}/edit/"
    response = clients["operator_a"].post(url, edit_form(loner, name="Yanti S", version="abc"))
    assert response.status_code == 200 and "Orang lain sudah mengubah" in response.content.decode()
    assert Resident.objects.get(pk=loner.pk).name == "Yanti"


def test_the_rt_of_a_resident_without_a_card_is_changed_on_the_edit_page(clients, loner, rts):
    url = f"/registry/residents/{loner.pk}/edit/"
    response = clients["operator_a"].post(url, edit_form(loner, unit=rts[0].pk))
    assert response.status_code == 302
    loner.refresh_from_db()
    assert (loner.unit_id, loner.version) == (rts[0].pk, 2)
    moved = patch(
        clients["operator_a"], f"/api/v1/residents/{loner.pk}", {"version": 2, "unit": rts[1].pk}
    )
    assert moved.status_code == 200 and moved.json()["unit"] == rts[1].pk


def test_another_villages_rt_is_refused_by_the_api(clients, cast, loner):
    other = add_local_unit(cast.operator_b, Region.objects.get(code=VILLAGE_B), "rw", "009")
    before = registry_snapshot()
    refused = patch(
        clients["operator_a"], f"/api/v1/residents/{loner.pk}", {"version": 1, "unit": other.pk}
    )
    assert refused.status_code == 400 and "RT" in refused.json()["detail"]
    assert registry_snapshot() == before


def test_a_field_the_edit_cannot_change_is_refused_not_ignored(clients, loner):
    before = registry_snapshot()
    for body in ({"status": 2}, {"village": VILLAGE_B}, {"family": 1}):
        response = patch(
            clients["operator_a"], f"/api/v1/residents/{loner.pk}", body | {"version": 1}
        )
        assert response.status_code in (400, 422), body
    assert registry_snapshot() == before


def test_a_family_moves_rt_with_its_living_members(clients, cast, household, rts):
    family, head, wife, daughter = household
    services.record_death(cast.operator_a, wife, datetime.date(2024, 1, 2))
    page = clients["operator_a"].get(f"/registry/families/{family.pk}/")
    assert f"/registry/families/{family.pk}/place/" in page.content.decode()
    url = f"/registry/families/{family.pk}/place/"
    form = {"unit": rts[0].pk, "address": "Jl. Parit 2", "version": family.version}
    response = clients["operator_a"].post(url, form)
    assert response.status_code == 302
    family.refresh_from_db()
    assert (family.unit_id, family.address, family.version) == (rts[0].pk, "Jl. Parit 2", 2)
    units = dict(Resident.objects.filter(family=family).values_list("name", "unit_id"))
    assert units == {"Budi": rts[0].pk, "Rina": rts[0].pk, "Siti": None}  # the dead stay
    # A member's RT now follows the card: the edit page does not change it alone.
    head.refresh_from_db()
    edit = clients["operator_a"].post(
        f"/registry/residents/{head.pk}/edit/", edit_form(head, unit=rts[1].pk, name="Budi S")
    )
    assert edit.status_code == 302
    head.refresh_from_db()
    assert (head.unit_id, head.name) == (rts[0].pk, "Budi S")
    refused = patch(
        clients["operator_a"],
        f"/api/v1/residents/{head.pk}",
        {"version": head.version, "unit": rts[1].pk},
    )
    assert refused.status_code == 400 and "kartu keluarga" in refused.json()["detail"]
    family.refresh_from_db()
    body = {"unit": rts[1].pk, "version": family.version}
    moved = patch(clients["operator_a"], f"/api/v1/families/{family.pk}", body)
    assert moved.status_code == 200 and moved.json()["address"] == "Jl. Parit 2"
    assert set(
        Resident.objects.filter(family=family, status=1).values_list("unit_id", flat=True)
    ) == {rts[1].pk}


def test_another_village_cannot_move_a_family(clients, household, rts):
    family = household[0]
    before = registry_snapshot()
    assert clients["operator_b"].get(f"/registry/families/{family.pk}/place/").status_code == 404
    assert (
        clients["district_viewer"].get(f"/registry/families/{family.pk}/place/").status_code == 403
    )
    body = {"unit": rts[0].pk, "version": family.version}
    refused = patch(clients["operator_b"], f"/api/v1/families/{family.pk}", body)
    assert refused.status_code == 404
    assert registry_snapshot() == before


def test_a_family_edit_based_on_an_older_read_is_refused_not_overwritten(clients, household, rts):
    family = household[0]
    url = f"/api/v1/families/{family.pk}"
    first = patch(clients["operator_a"], url, {"address": "Jl. Baru 1", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    before = registry_snapshot()
    # A second client read version 1 too: its change would silently undo the first one.
    stale = patch(clients["operator_a"], url, {"address": "Jl. Lama", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["type"] == "version_conflict" and stale.json()["version"] == 2
    assert "kartu keluarga" in stale.json()["detail"]
    missing = patch(clients["operator_a"], url, {"address": "Jl. Lama"})
    assert missing.status_code in (400, 422) and "version" in missing.content.decode()
    page = clients["operator_a"].post(
        f"/registry/families/{family.pk}/place/",
        {"unit": rts[0].pk, "address": "Jl. Lama", "version": 1},
    )
    assert page.status_code == 200 and "Muat ulang halaman" in page.content.decode()
    assert 'name="version" value="1"' in page.content.decode()  # kept: a 2nd click fails too
    family.refresh_from_db()
    assert (family.address, family.version) == ("Jl. Baru 1", 2)
    assert registry_snapshot() == before


def test_a_death_before_birth_or_in_the_future_is_refused(clients, household):
    daughter = household[3]  # born 2005-03-09
    before = registry_snapshot()
    url = f"/registry/residents/{daughter.pk}/event/"
    page = clients["operator_a"].post(
        url, {"confirm": "on", "kind": "death", "date": "1990-01-01", "note": ""}, follow=True
    )
    assert "sebelum kelahiran Rina (09-03-2005)" in page.content.decode()
    api = clients["operator_a"].post(
        f"/api/v1/residents/{daughter.pk}/events",
        json.dumps({"kind": "death", "date": "2004-12-31"}),
        content_type="application/json",
    )
    assert api.status_code == 400 and "tanggal" in api.json()["detail"]
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    api = clients["operator_a"].post(
        f"/api/v1/residents/{daughter.pk}/events",
        json.dumps({"kind": "move_out", "date": future}),
        content_type="application/json",
    )
    assert api.status_code == 400 and "masa depan" in api.json()["detail"]
    assert registry_snapshot() == before


def test_a_move_in_cannot_come_before_the_move_out(cast, household, village_a):
    daughter = household[3]
    services.record_move_out(cast.operator_a, daughter, datetime.date(2025, 1, 1))
    village_b = Region.objects.get(code=VILLAGE_B)
    before = registry_snapshot()
    with pytest.raises(services.ValidationError) as refused:
        services.record_move_in(
            cast.operator_b, village_b, daughter.nik, date=datetime.date(2024, 12, 1)
        )
    message = " ".join(refused.value.messages)
    assert "sebelum pindah keluar yang dicatat desa asal (01-01-2025)" in message
    assert "Rina" not in message  # village B may know only the NIK: not whose it is
    assert registry_snapshot() == before
    services.record_move_in(
        cast.operator_b, village_b, daughter.nik, date=datetime.date(2025, 2, 1)
    )
    assert Resident.objects.get(pk=daughter.pk).village_id == VILLAGE_B


def test_a_split_may_not_take_the_head_away_from_members_who_stay(clients, household):
    family, head, wife, daughter = household
    before = registry_snapshot()
    response = clients["operator_a"].post(
        f"/registry/families/{family.pk}/split/",
        {
            "members": [head.pk],
            "new_head": head.pk,
            "family_number": kk_for(serial=99),
            "date": "2025-05-05",
        },
    )
    assert "Budi adalah kepala keluarga" in response.content.decode()
    assert registry_snapshot() == before


def test_the_head_in_office_is_not_offered_as_the_new_head(clients, cast, household):
    family, head, wife, daughter = household
    page = clients["operator_a"].get(f"/registry/families/{family.pk}/head/").content.decode()
    assert f'<option value="{wife.pk}"' in page and f'<option value="{head.pk}"' not in page
    before = registry_snapshot()
    with pytest.raises(services.ValidationError):
        services.change_head(cast.operator_a, family, head)
    assert registry_snapshot() == before


def test_a_baby_without_a_nik_gets_the_next_temporary_one(clients, household):
    family = household[0]
    url = f"/registry/families/{family.pk}/birth/"
    for name in ("Bayi Satu", "Bayi Dua"):
        response = clients["operator_a"].post(
            url,
            {
                "name": name,
                "sex": 1,
                "birth_date": "2026-01-05",
                "nik": "",
                "nik_is_temporary": "on",
                "relationship": 4,
            },
        )
        assert response.status_code == 302, response.content.decode()[-1500:]
    babies = Resident.objects.filter(name__startswith="Bayi").order_by("pk")
    prefix = "0" + VILLAGE_A.replace(".", "")
    assert [(b.nik, b.nik_is_temporary) for b in babies] == [
        (f"{prefix}00001", True),
        (f"{prefix}00002", True),
    ]
    assert LifeEvent.objects.filter(kind="birth").count() == 2


def test_the_custodian_may_type_the_village_code_without_dots_and_an_unknown_one_is_refused(
    clients, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(code: str):
        file = SimpleUploadedFile("kosong.csv", b"nama,nik\n", content_type="text/csv")
        return clients["custodian"].post(
            "/registry/import/",
            {"file": file, "village": code, "mode": "all-or-nothing", "dry_run": "on"},
        )

    refused = upload("99.99.99.9999")
    assert refused.status_code == 200
    assert "tidak ada desa dengan kode 99.99.99.9999" in refused.content.decode().lower()
    accepted = upload(VILLAGE_A.replace(".", ""))
    assert accepted.status_code == 302
    from satudata.registry.models import ImportJob

    assert ImportJob.objects.get().village_id == VILLAGE_A


def test_a_page_number_past_any_list_shows_the_first_page(clients, loner):
    response = clients["operator_a"].get("/registry/?page=99999999999999999999")
    assert response.status_code == 200 and "Yanti" in response.content.decode()


def test_rt_choices_run_by_hamlet_then_rw_then_rt(clients, cast, village_a):
    for hamlet_name, rw_number, rt_number in (("Dusun 2", "001", "001"), ("Dusun 1", "002", "001")):
        hamlet = add_local_unit(cast.operator_a, village_a, "hamlet", hamlet_name)
        rw = add_local_unit(cast.operator_a, village_a, "rw", rw_number, hamlet.pk)
        add_local_unit(cast.operator_a, village_a, "rt", rt_number, rw.pk)
    page = clients["operator_a"].get(f"/registry/residents/new/?village={VILLAGE_A}")
    text = page.content.decode()
    assert text.index("Dusun 1 / RW 002 / RT 001") < text.index("Dusun 2 / RW 001 / RT 001")


def test_the_import_link_is_only_shown_to_those_who_may_import(clients, cast):
    for name, shown in (("operator_a", True), ("custodian", True), ("district_viewer", False)):
        page = clients[name].get("/registry/families/").content.decode()
        assert ('href="/registry/import/"' in page) is shown, name


def test_a_birth_left_without_relationship_is_a_child_and_the_api_takes_one(clients, household):
    family = household[0]
    url = f"/registry/families/{family.pk}/birth/"
    response = clients["operator_a"].post(
        url,
        {"name": "Bayi", "sex": 2, "birth_date": "2026-02-01", "nik": "", "nik_is_temporary": "on"},
    )
    assert response.status_code == 302
    assert Resident.objects.get(name="Bayi").relationship == 4
    api = clients["operator_a"].post(
        f"/api/v1/families/{family.pk}/births",
        json.dumps(
            {
                "name": "Cucu",
                "sex": 1,
                "birth_date": "2026-03-01",
                "nik_is_temporary": True,
                "relationship": 5,
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["relationship"] == 5


def test_a_correction_by_api_needs_no_date(clients, cast, household):
    daughter = household[3]
    services.record_death(cast.operator_a, daughter, datetime.date(2025, 1, 1))
    response = clients["operator_a"].post(
        f"/api/v1/residents/{daughter.pk}/events",
        json.dumps({"kind": "correction", "note": "salah orang"}),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == 1
    assert LifeEvent.objects.filter(kind="correction").get().date == datetime.date.today()


def test_recent_imports_show_date_village_dry_run_and_counts(clients, cast, village_a):
    from satudata.registry.models import ImportJob

    ImportJob.objects.create(
        file_name="warga.csv",
        path="/nonexistent",
        village=village_a,
        mode="all-or-nothing",
        dry_run=True,
        state="done",
        added=12,
        rejected=1,
        actor=cast.operator_a,
    )
    page = clients["operator_a"].get("/registry/import/").content.decode()
    assert "warga.csv" in page and "Natai Raya" in page
    # A dry run saved nothing: it says what would have been added, not that it was.
    assert "uji coba" in page and "12 ditambah" not in page
    assert "tidak ada yang disimpan; 12 akan ditambah, 0 akan diperbarui" in page


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused_on_the_form(clients):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from satudata.registry.models import ImportJob

    page = clients["operator_a"].post(
        "/registry/import/",
        {"file": SimpleUploadedFile("warga.txt", b"nama,nik\n"), "mode": "all-or-nothing"},
    )
    assert "warga.txt bukan berkas CSV atau XLSX" in page.content.decode()
    assert not ImportJob.objects.exists()


def test_a_refused_nik_tried_twice_is_one_open_conflict(cast, household):
    from satudata.registry.models import NikConflict

    village_b = Region.objects.get(code=VILLAGE_B)
    for _attempt in range(2):
        with pytest.raises(services.ValidationError):
            services.register_resident(
                cast.operator_b, village_b, resident_data(nik=household[1].nik, sex=1)
            )
    assert NikConflict.objects.filter(resolved=False).count() == 1


def test_a_temporary_nik_in_another_scripts_digits_is_refused(clients, household):
    before = registry_snapshot()
    response = clients["operator_a"].post(
        f"/registry/families/{household[0].pk}/birth/",
        {
            "name": "Bayi",
            "sex": 1,
            "birth_date": "2026-01-05",
            "nik": "0" + "\u0661" * 15,
            "nik_is_temporary": "on",
            "relationship": 4,
        },
    )
    assert "NIK sementara terdiri atas 16 digit" in response.content.decode()
    assert registry_snapshot() == before


def test_without_script_a_death_needs_the_box_ticked(clients, household):
    # The confirmation is part of the form: a stray tap with script off records nothing.
    before = registry_snapshot()
    url = f"/registry/residents/{household[2].pk}/event/"
    page = clients["operator_a"].post(url, {"kind": "death", "date": "2026-01-01"}, follow=True)
    assert "centang kotak" in page.content.decode()
    assert registry_snapshot() == before


def test_missing_birth_place_and_parents_leave_no_stray_punctuation(clients, cast, village_a):
    person = services.register_resident(
        cast.operator_a, village_a, resident_data(name="Tuti", birth_place="")
    )
    page = clients["operator_a"].get(f"/registry/residents/{person.pk}/").content.decode()
    assert "<td>17-05-1990</td>" in page and "<td> / </td>" not in page


def test_nik_and_kk_fields_bring_up_the_number_pad(clients):
    page = clients["operator_a"].get("/registry/residents/new/").content.decode()
    assert page.count('inputmode="numeric"') >= 1
    assert 'type="search"' in clients["operator_a"].get("/registry/").content.decode()
