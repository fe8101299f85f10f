"""QA of the fifth session, through the API and the forms: one open NIK conflict per NIK and
village even when two requests race, a refused move in that names the holding village leaves
a conflict, and a malformed region code is a 400."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connections, transaction

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.registry.models import NikConflict, NikConflictQuerySet, Resident
from satudata.registry.tests.helpers import resident_data
from satudata.registry.tests.test_api import post
from satudata.registry.tests.test_arrivals import move_out
from satudata.registry.tests.test_concurrent_writes import PAUSE, regions_after_a_flush  # noqa: F401


def open_conflicts() -> list[tuple[str, str, str, str]]:
    found = NikConflict.objects.filter(resolved=False).order_by("pk")
    return list(found.values_list("nik", "village_id", "holder_village_id", "source"))


def register_at_b(client, nik: str):
    """Village B's operator registers someone with a NIK that village A holds."""
    data = resident_data(name="Budi", sex=1) | {"nik": nik, "village": VILLAGE_B}
    return post(client, "/api/v1/residents", data)


# -- 1. one open conflict per NIK and village ------------------------------------------------


@pytest.mark.django_db
def test_a_taken_nik_sent_twice_leaves_one_open_conflict(clients, household):
    head = household[1]
    for _ in range(2):
        assert register_at_b(clients["operator_b"], head.nik).status_code == 409
    assert open_conflicts() == [(head.nik, VILLAGE_B, VILLAGE_A, "form")]


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_conflict_for_a_nik_and_village(clients, household):
    head = household[1]
    register_at_b(clients["operator_b"], head.nik)
    copy = NikConflict(nik=head.nik, village_id=VILLAGE_B, holder_village_id=VILLAGE_A)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    # Closed, it stays in the list of all conflicts, and the next attempt opens a new one.
    NikConflict.objects.update(resolved=True)
    register_at_b(clients["operator_b"], head.nik)
    assert NikConflict.objects.filter(resolved=False).count() == 1
    assert NikConflict.objects.count() == 2


def test_two_registrations_of_a_taken_nik_at_once_leave_one_open_conflict(
    regions_after_a_flush,  # noqa: F811
    clients,
    household,
    monkeypatch,
):
    """Both looked for an open conflict, found none and added one (QA, PostgreSQL): the first
    request waits just before its insert while the second adds its conflict."""
    head = household[1]
    real = NikConflictQuerySet.bulk_create
    first: list[threading.Thread] = []
    reached = threading.Event()

    def waiting(self, *args, **kwargs):
        if threading.current_thread() is first[0] and not reached.is_set():
            reached.set()
            time.sleep(PAUSE)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(NikConflictQuerySet, "bulk_create", waiting)
    answers: dict[str, object] = {}

    def run(key: str) -> None:
        try:
            answers[key] = register_at_b(clients["operator_b"], head.nik).status_code
        except Exception as exc:  # shown by the assertion below, not lost in the thread
            answers[key] = exc
        finally:
            connections.close_all()

    one = threading.Thread(target=run, args=("first",))
    first.append(one)
    two = threading.Thread(target=run, args=("second",))
    one.start()
    assert reached.wait(30), "the first request never reached its insert"
    two.start()
    one.join(60)
    two.join(60)
    assert answers == {"first": 409, "second": 409}
    assert open_conflicts() == [(head.nik, VILLAGE_B, VILLAGE_A, "form")]


# -- 2. a refused move in that names the holding village leaves a trace ----------------------


@pytest.mark.django_db
def test_a_move_in_naming_the_village_that_has_not_released_the_record_is_listed(
    clients, household
):
    """The request names the right village of origin, so it passes the API's own check; the
    service then refuses it naming that village, and wrote no conflict."""
    head = household[1]
    body = {"village": VILLAGE_B, "nik": head.nik, "from_village": VILLAGE_A}
    for _ in range(2):
        answer = post(clients["operator_b"], "/api/v1/move-ins", body)
        assert answer.status_code == 400
        detail = answer.json()["detail"]
        assert "terdaftar di desa Natai Raya (62.01.02.2016), yang belum mencatat" in detail
    assert open_conflicts() == [(head.nik, VILLAGE_B, VILLAGE_A, "form")]
    assert Resident.objects.get(pk=head.pk).village_id == VILLAGE_A


@pytest.mark.django_db
def test_the_ticked_move_in_form_refused_the_same_way_is_listed_too(clients, household):
    head = household[1]
    form = {"nik": head.nik, "confirm": "on", "date": "2026-03-10", "citizenship": 1}
    page = clients["operator_b"].post(f"/registry/move-in/?village={VILLAGE_B}", form)
    assert "yang belum mencatat kepindahan keluar orang ini" in page.content.decode()
    assert open_conflicts() == [(head.nik, VILLAGE_B, VILLAGE_A, "form")]


@pytest.mark.django_db
def test_a_move_in_of_a_record_released_to_another_village_is_listed(clients, household):
    """Village A let Rina go to a third village; B's operator is refused, naming A."""
    daughter = household[3]
    moved = move_out(clients["operator_a"], daughter, "62.01.02.2010")
    assert "Peristiwa telah dicatat" in moved.content.decode()
    body = {"village": VILLAGE_B, "nik": daughter.nik, "from_village": VILLAGE_A}
    answer = post(clients["operator_b"], "/api/v1/move-ins", body)
    assert answer.status_code == 400
    assert "hanya desa itu yang dapat mencatat pindah datang" in answer.json()["detail"]
    assert open_conflicts() == [(daughter.nik, VILLAGE_B, VILLAGE_A, "form")]


@pytest.mark.django_db
def test_a_move_in_after_the_move_out_leaves_no_conflict(clients, household):
    daughter = household[3]
    move_out(clients["operator_a"], daughter, VILLAGE_B)
    body = {"village": VILLAGE_B, "nik": daughter.nik, "from_village": VILLAGE_A}
    answer = post(clients["operator_b"], "/api/v1/move-ins", body)
    assert answer.status_code == 201, answer.content
    assert not NikConflict.objects.exists()


@pytest.mark.django_db
def test_a_refusal_that_names_no_village_leaves_no_conflict(clients, household):
    """Released to B, but dated before the move out: the answer names a date, not a village."""
    daughter = household[3]
    move_out(clients["operator_a"], daughter, VILLAGE_B)
    body = {"village": VILLAGE_B, "nik": daughter.nik, "from_village": VILLAGE_A}
    answer = post(clients["operator_b"], "/api/v1/move-ins", body | {"date": "2026-01-01"})
    assert answer.status_code == 400 and "tanggal" in answer.json()["detail"]
    assert not NikConflict.objects.exists()


# -- 4. malformed region codes -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", ["62..01", "62.01.02.2016.", ".62.01", "62.01.", "６２", "62.01.02.２０１６", "62 .01"]
)
def test_a_malformed_region_code_of_the_statistics_is_a_400_naming_it(client, code):
    answer = client.get("/api/v1/statistics/population", {"region": code})
    assert answer.status_code == 400, answer.content
    assert answer.json()["detail"].startswith(f"region: {code} bukan kode wilayah")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["62.01", "6201", "62 01", "62-01-02-2016", "6201022016"])
def test_well_formed_region_codes_of_the_statistics_are_still_read(client, code):
    answer = client.get("/api/v1/statistics/population", {"region": code})
    assert answer.status_code == 200, answer.content
