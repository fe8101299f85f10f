"""The rules a merge keeps: one village, one status, every family card keeps its head, and an
undo or a restore from the change history never overwrites or half-undoes anything."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.quality.models import CandidatePair, Merge
from satudata.regions.models import LocalUnit
from satudata.registry.models import Family, LifeEvent, Resident

from .helpers import person

NIK_A = "6201025705900001"
NIK_B = "6201025705900091"
HEAD, CHILD = 1, 4
TODAY = datetime.date.today().isoformat()


def candidate(a: Resident, b: Resident) -> CandidatePair:
    a, b = sorted([a, b], key=lambda r: r.pk)
    return CandidatePair.objects.create(
        resident_a=a,
        resident_b=b,
        match_probability=0.99,
        match_weight=12.5,
        agreeing=["nik", "name", "birth_date", "mother"],
    )


def merge(client, pair: CandidatePair, kept: Resident):
    keep = "a" if pair.resident_a_id == kept.pk else "b"
    return client.post(reverse("quality:merge", args=[pair.pk]), {"keep": keep}, follow=True)


def undo(client):
    return client.post(reverse("quality:undo", args=[Merge.objects.get().pk]), follow=True)


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def card(cast):
    """Family card 0001 of Runtu: head Noerul (NIK_B) in RT 01 with a daughter, plus a
    duplicate of the head (NIK_A) registered without a card."""
    unit = LocalUnit.objects.create(village_id=VILLAGE_B, level="rt", name="RT 01")
    family = Family.objects.create(family_number="6201020101200001", village_id=VILLAGE_B)
    head = person(NIK_B, "Noerul Hidajat", VILLAGE_B, family=family, relationship=HEAD, unit=unit)
    child = person(
        "6201024101150002",
        "Siti",
        VILLAGE_B,
        family=family,
        relationship=CHILD,
        unit=unit,
        birth_date=datetime.date(2015, 1, 1),
    )
    LifeEvent.objects.create(resident=head, village_id=VILLAGE_B, kind="move_in", date="2024-01-02")
    twin = person(NIK_A, "Nurul Hidayat", VILLAGE_B)
    return {"family": family, "unit": unit, "head": head, "child": child, "twin": twin}


def test_records_of_two_villages_are_not_merged(clients, card):
    # Finding 2: the kept record (village A) stayed on village B's card, so B's operator saw it.
    other = person("6201025705900092", "Nurul Hidayat", VILLAGE_A)
    pair = candidate(card["head"], other)
    response = merge(clients["custodian"], pair, other)
    body = page(response)
    assert "desa berbeda tidak digabungkan" in body and "pindah datang" in body
    other.refresh_from_db()
    assert other.family_id is None and other.village_id == VILLAGE_A
    assert Resident.objects.filter(pk=card["head"].pk).exists()
    assert not Merge.objects.exists()
    assert CandidatePair.objects.get(pk=pair.pk).status == "pending"
    # Village A's operator never sees the other village's resident on that card.
    family_page = clients["operator_a"].get(reverse("registry:family", args=[card["family"].pk]))
    assert family_page.status_code == 404


def test_records_of_different_status_are_not_merged(clients, card):
    card["twin"].status = Resident.Status.DEAD
    card["twin"].save()
    pair = candidate(card["head"], card["twin"])
    body = page(merge(clients["custodian"], pair, card["twin"]))
    assert "tercatat hidup" in body and "tercatat mati" in body and "status berbeda" in body
    assert Resident.objects.filter(pk=card["head"].pk).exists()
    assert not Merge.objects.exists()


def test_kept_record_takes_the_card_with_relationship_and_rt_and_undo_puts_all_back(clients, card):
    # Finding 3: the kept record took only the card, so the card lost its head.
    twin, head = card["twin"], card["head"]
    before = Resident.all_objects.filter(pk__in=[twin.pk, head.pk]).order_by("pk")
    before = list(before.values_list("family_id", "relationship", "unit_id", "deleted_at"))
    pair = candidate(twin, head)
    client = clients["custodian"]
    assert "Digabung. Penggabungan dapat dibatalkan" in page(merge(client, pair, twin))
    twin.refresh_from_db()
    assert (twin.family_id, twin.relationship, twin.unit_id) == (
        card["family"].pk,
        HEAD,
        card["unit"].pk,
    )
    assert Resident.all_objects.get(pk=head.pk).deleted_at is not None
    heads = Resident.objects.filter(family=card["family"], relationship=HEAD)
    assert list(heads) == [twin]
    assert set(LifeEvent.objects.values_list("resident_id", flat=True)) == {twin.pk}

    assert "Penggabungan dibatalkan." in page(undo(client))
    after = Resident.all_objects.filter(pk__in=[twin.pk, head.pk]).order_by("pk")
    assert list(after.values_list("family_id", "relationship", "unit_id", "deleted_at")) == before
    assert set(LifeEvent.objects.values_list("resident_id", flat=True)) == {head.pk}


def test_a_head_whose_members_stay_is_not_merged_away(clients, card):
    other_card = Family.objects.create(family_number="6201020101200002", village_id=VILLAGE_B)
    twin = card["twin"]
    twin.family, twin.relationship = other_card, CHILD
    twin.save()
    pair = candidate(twin, card["head"])
    body = page(merge(clients["custodian"], pair, twin))
    assert "6201020101200001" in body and "kepala" in body
    assert Resident.objects.filter(pk=card["head"].pk).exists()
    assert not Merge.objects.exists()
    assert not LifeEvent.objects.filter(resident=twin).exists()


def test_duplicates_page_shows_status_family_and_labels_in_indonesian(clients, card):
    card["twin"].status = Resident.Status.DEAD
    card["twin"].save()
    candidate(card["twin"], card["head"])
    body = page(clients["custodian"].get(reverse("quality:duplicates")))
    assert "Hidup" in body and "Mati" in body
    assert "Perempuan" in body and "Runtu" in body
    assert "6201020101200001" in body and "Kepala Keluarga" in body
    assert "NIK, nama, tanggal lahir, nama ibu" in body
    assert "birth_date" not in body


def test_undo_is_refused_when_the_kept_record_moved_card_after_the_merge(clients, cast, card):
    # Finding 4: undo set the family back to none, erasing the operator's later move.
    twin, head = card["twin"], card["head"]
    client = clients["custodian"]
    merge(client, candidate(twin, head), twin)
    new_card = Family.objects.create(family_number="6201020101200003", village_id=VILLAGE_B)
    # The new head of the old card first, so that Nurul may leave it (the operator's path).
    head_form = {"new_head": card["child"].pk, "old_head_relationship": CHILD, "date": TODAY}
    head_form["head_was"] = twin.pk  # the head the page was opened under (the kept record)
    response = clients["operator_b"].post(
        reverse("registry:head", args=[card["family"].pk]), head_form
    )
    assert response.status_code == 302, page(response)
    response = clients["operator_b"].post(
        reverse("registry:resident_family", args=[twin.pk]),
        {"family_number": "6201020101200003", "relationship": HEAD, "date": TODAY},
    )
    assert response.status_code == 302, page(response)
    twin.refresh_from_db()
    assert twin.family_id == new_card.pk

    body = page(undo(client))
    assert "diubah setelah penggabungan" in body and "Nurul Hidayat" in body
    twin.refresh_from_db()
    assert twin.family_id == new_card.pk and twin.relationship == HEAD
    assert Resident.all_objects.get(pk=head.pk).deleted_at is not None
    assert set(LifeEvent.objects.filter(resident=head).values_list("kind", flat=True)) == set()
    assert Merge.objects.get().undone_at is None
    assert CandidatePair.objects.get().status == "merged"


def test_undo_refused_for_a_taken_nik_names_its_holder(clients, card):
    # Finding 17: the refusal showed the database constraint's name.
    merge(clients["custodian"], candidate(card["twin"], card["head"]), card["twin"])
    person(NIK_B, "Orang Lain", VILLAGE_A)
    body = page(undo(clients["custodian"]))
    assert NIK_B in body and "Orang Lain" in body and "Natai Raya" in body
    assert "nik_unique_alive" not in body
    assert Resident.all_objects.get(pk=card["head"].pk).deleted_at is not None
    assert Merge.objects.get().undone_at is None


def test_a_merged_away_record_is_restored_only_by_undoing_the_merge(clients, card):
    # Finding 5: restoring it from the change history left both alive and the merge stuck.
    twin, head = card["twin"], card["head"]
    client = clients["custodian"]
    merge(client, candidate(twin, head), twin)
    deleted = page(client.get(reverse("audit:deleted")))
    assert "Noerul Hidajat" in deleted and "penggabungan" in deleted
    assert reverse("quality:merges") in deleted

    url = reverse("audit:restore", args=["registry.resident", head.pk])
    body = page(client.post(url, follow=True))
    assert "Batalkan penggabungan" in body and reverse("quality:merges") in body
    assert Resident.all_objects.get(pk=head.pk).deleted_at is not None
    assert not AuditEntry.objects.filter(object_pk=str(head.pk), action="restore").exists()

    assert "Penggabungan dibatalkan." in page(undo(client))
    assert Resident.objects.filter(pk=head.pk).exists()


def test_restore_with_a_text_id_is_not_found_not_a_crash(clients):
    response = clients["custodian"].post(
        reverse("audit:restore", args=["registry.resident", "abc"]), follow=True
    )
    assert response.status_code == 200
    assert "tidak ada" in page(response).lower()


def test_history_names_the_record_and_shows_its_merge(clients, card):
    twin, head = card["twin"], card["head"]
    merge(clients["custodian"], candidate(twin, head), twin)
    body = page(
        clients["custodian"].get(reverse("audit:record", args=["registry.resident", head.pk]))
    )
    assert "registry.resident #" not in body
    assert "<title>Riwayat data: penduduk Noerul Hidajat" in body
    assert "penduduk" in body and "Noerul Hidajat" in body
    assert "digabungkan" in body.lower() and "Nurul Hidayat" in body
    kept = page(
        clients["custodian"].get(reverse("audit:record", args=["registry.resident", twin.pk]))
    )
    assert "Noerul Hidajat" in kept and "keluarga" in kept and "family_id" not in kept


def test_a_merge_made_before_the_fields_were_recorded_is_undone_as_before(clients, card):
    twin, head = card["twin"], card["head"]
    merge(clients["custodian"], candidate(twin, head), twin)
    record = Merge.objects.get()
    # The old form of `moved`: the kept record's card before the merge, and the links.
    record.moved = {"kept_family": None, "links": record.moved["links"]}
    record.save()
    assert "Penggabungan dibatalkan." in page(undo(clients["custodian"]))
    twin.refresh_from_db()
    assert twin.family_id is None and Resident.objects.filter(pk=head.pk).exists()
