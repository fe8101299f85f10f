"""Two operators' writes in one village at the same moment (QA, PostgreSQL).

Each case runs the first request in a thread that stops inside its transaction just after
the step that decides (a count refreshed, a card's head checked), and sends the second
request meanwhile; the first commits a moment later. On SQLite the second simply waits for
the one writer (IMMEDIATE transactions); on PostgreSQL it must wait for the lock that the
first holds, and then judge what the first committed.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from satudata.regions.loader import load_regions
from satudata.registry import cells, services
from satudata.registry.models import Family, PopulationCell, Resident
from satudata.registry.tests.test_api import post

PAUSE = 1.0  # seconds the first request stays in its transaction after the decisive step


@pytest.fixture
def regions_after_a_flush(transactional_db):
    """Transactional tests run last and each empties the database: load the regions again."""
    if connection.vendor != "postgresql":
        # SQLite has one writer at a time (IMMEDIATE transactions, a busy timeout); the
        # tests' shared in-memory database refuses a second one at once instead of waiting.
        pytest.skip("concurrent writers: PostgreSQL only")
    load_regions(["62"])


def at_once(monkeypatch, module, name: str, first, second) -> tuple:
    """(first's answer, second's answer): `first` pauses inside its transaction right after
    its first call of `module.name`; `second` starts then."""
    real = getattr(module, name)
    reached = threading.Event()
    first_thread: list[threading.Thread] = []

    def pausing(*args, **kwargs):
        result = real(*args, **kwargs)
        if threading.current_thread() is first_thread[0] and not reached.is_set():
            reached.set()
            time.sleep(PAUSE)
        return result

    monkeypatch.setattr(module, name, pausing)
    answers: dict[str, object] = {}

    def run(key, request):
        try:
            answers[key] = request()
        except Exception as exc:  # shown by the assertion below, not lost in the thread
            answers[key] = exc
        finally:
            connections.close_all()

    one = threading.Thread(target=run, args=("first", first))
    first_thread.append(one)
    two = threading.Thread(target=run, args=("second", second))
    one.start()
    assert reached.wait(30), "the first request never reached the step"
    two.start()
    one.join(60)
    two.join(60)
    for answer in answers.values():
        if isinstance(answer, Exception):
            raise answer
    return answers["first"], answers["second"]


def test_two_move_outs_in_one_village_both_count(
    regions_after_a_flush, clients, household, monkeypatch
):
    """Both refreshed the village's pyramid cells: the second insert broke the unique key
    and its operator got a 500, the change lost."""
    _family, _head, wife, daughter = household
    client = clients["operator_a"]

    def move_out(person):
        return lambda: post(
            client, f"/api/v1/residents/{person.pk}/events", {"kind": "move_out", "place": "X"}
        )

    one, two = at_once(monkeypatch, cells, "refresh", move_out(daughter), move_out(wife))
    assert (one.status_code, two.status_code) == (201, 201), (one.content, two.content)
    living = Resident.objects.filter(village_id=wife.village_id, status=1).count()
    counted = sum(
        sum(getattr(cell, f"m{m}") for m in range(1, 13))
        for cell in PopulationCell.objects.filter(village_id=wife.village_id)
    )
    assert counted == living == 1


def test_two_people_placed_as_head_of_one_card_at_once(
    regions_after_a_flush, clients, household, monkeypatch
):
    """Both found the new card without a head and both became its head."""
    _family, _head, wife, daughter = household
    client = clients["operator_a"]
    card = post(
        client,
        "/api/v1/families",
        {"village": wife.village_id, "family_number": "6201020101250088"},
    ).json()["id"]

    def place(person):
        return lambda: post(
            client, f"/api/v1/residents/{person.pk}/family", {"family": card, "relationship": 1}
        )

    one, two = at_once(
        monkeypatch, services.families, "_refuse_second_head", place(wife), place(daughter)
    )
    assert one.status_code == 200, one.content
    assert two.status_code == 400 and "sudah punya kepala keluarga (Siti)" in two.json()["detail"]
    heads = Resident.objects.filter(family_id=card, relationship=1, status=1)
    assert list(heads.values_list("pk", flat=True)) == [wife.pk]


def test_two_splits_of_one_member_at_once(regions_after_a_flush, clients, household, monkeypatch):
    """Both judged the member on the page's copy: the second made an empty card and a
    history that named the wrong card."""
    family, _head, _wife, daughter = household
    client = clients["operator_a"]

    def split(number):
        return lambda: post(
            client,
            f"/api/v1/families/{family.pk}/split",
            {"members": [daughter.pk], "new_head": daughter.pk, "family_number": number},
        )

    one, two = at_once(
        monkeypatch,
        services.families,
        "_refuse_head_leaving",
        split("6201020101250108"),
        split("6201020101250109"),
    )
    assert one.status_code == 201, one.content
    assert two.status_code == 400, two.content
    assert not Family.objects.filter(family_number="6201020101250109").exists()
    assert daughter.events.filter(kind="family_split").count() == 1


def test_a_birth_and_a_change_of_head_on_one_card_at_once(
    regions_after_a_flush, clients, household, monkeypatch
):
    """The birth held the village's count lock and, at commit, checked its card with a
    KEY SHARE lock; the change of head held the card FOR UPDATE and waited for the count
    lock: a deadlock, one of them a 500 (QA)."""
    import datetime

    from satudata.registry.tests.helpers import nik_for

    family, _head, wife, _daughter = household
    client = clients["operator_a"]
    birth = {"nik": nik_for(datetime.date(2026, 1, 5), 1), "name": "Bayi", "sex": 1}
    birth["birth_date"] = "2026-01-05"

    def born():
        return post(client, f"/api/v1/families/{family.pk}/births", birth)

    def new_head():
        return post(
            client,
            f"/api/v1/families/{family.pk}/head",
            {"new_head": wife.pk, "old_head_relationship": 3},
        )

    one, two = at_once(monkeypatch, cells, "refresh", born, new_head)
    assert (one.status_code, two.status_code) == (201, 200), (one.content, two.content)


def test_a_change_of_head_to_a_member_a_split_takes_away(
    regions_after_a_flush, clients, household, monkeypatch
):
    """The change of head judged the new head's card on the page's copy: the split's new
    card got two living heads, and the old card none (QA)."""
    family, head, wife, daughter = household
    client = clients["operator_a"]

    def split():
        return post(
            client,
            f"/api/v1/families/{family.pk}/split",
            {
                "members": [wife.pk, daughter.pk],
                "new_head": wife.pk,
                "family_number": "6201020101250111",
            },
        )

    def new_head():
        return post(
            client,
            f"/api/v1/families/{family.pk}/head",
            {"new_head": daughter.pk, "old_head_relationship": 11},
        )

    one, two = at_once(monkeypatch, services.families, "_refuse_head_leaving", split, new_head)
    assert one.status_code == 201, one.content
    assert two.status_code == 400, two.content
    for card in Family.objects.all():
        heads = card.members.filter(relationship=1, status=1).count()
        assert heads == 1, card.family_number
    assert Resident.objects.get(pk=head.pk).relationship == 1


def test_a_registration_while_an_import_adds_to_the_village_counts_both(
    regions_after_a_flush, clients, cast, tmp_path, monkeypatch
):
    """QA: an import that only adds residents updates the village's cells in place
    (`cells.add`); an operator's registration meanwhile refreshed them, waited on a cell the
    import had updated, then inserted again a cell the import had inserted: a 500 and the
    registration lost."""
    import datetime
    import io

    from django.core.management import call_command

    from satudata.conftest import VILLAGE_A
    from satudata.regions.models import Region
    from satudata.registry.exporter import OPENSID_HEADER
    from satudata.registry.synthetic import Generator, opensid_rows
    from satudata.registry.tests.helpers import resident_data, write_opensid_file

    rows = list(opensid_rows(Generator(5).families([VILLAGE_A], 30)))
    first = rows[0]
    sex, born = int(first[OPENSID_HEADER.index("sex")]), first[OPENSID_HEADER.index("tanggallahir")]
    # A stored cell the import adds to (it is then locked by the import's upsert), while the
    # file's other birth years are new cells.
    village = Region.objects.get(code=VILLAGE_A)
    operator = cast.members()["operator_a"]
    year = datetime.date.fromisoformat(born).year
    same_year = datetime.date(year, 1, 1 if born[5:] != "01-01" else 2)  # not the row's NIK
    services.register_resident(operator, village, resident_data(sex=sex, birth_date=same_year))
    path = write_opensid_file(tmp_path / "warga.csv", rows)

    def import_file():
        call_command("import", "residents", str(path), "--village", VILLAGE_A, stdout=io.StringIO())

    def register():
        data = resident_data(name="Rahmat", sex=1, birth_date=datetime.date(1971, 2, 3))
        return post(clients["operator_a"], "/api/v1/residents", {**data, "village": VILLAGE_A})

    _imported, registered = at_once(monkeypatch, cells, "add", import_file, register)
    assert registered.status_code == 201, registered.content
    living = Resident.objects.filter(village_id=VILLAGE_A, status=1).count()
    counted = sum(
        sum(getattr(cell, f"m{m}") for m in range(1, 13))
        for cell in PopulationCell.objects.filter(village_id=VILLAGE_A)
    )
    assert living == len(rows) + 2 - sum(
        row[OPENSID_HEADER.index("status_dasar")] not in ("", "1") for row in rows
    )
    assert counted == living
