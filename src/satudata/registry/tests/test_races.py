"""Two sessions registering the same NIK or KK number at once, and what the logs then show.

The services check a NIK before inserting it; another session can commit the same NIK in
between, and the database's unique index refuses the second insert. The user must get the
same answer as the check's (not a server error), and no log line may carry the NIK.
"""

from __future__ import annotations

import datetime
import io
import json
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.core.logs import PrivateFormatter, without_personal_data
from satudata.regions.models import Region
from satudata.registry import services
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.importer import Importer
from satudata.registry.models import Family, Resident
from satudata.registry.synthetic import Generator, opensid_rows
from satudata.registry.tests.helpers import kk_for, resident_data, write_opensid_file

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


def blind_once(monkeypatch, module, name: str) -> None:
    """The service's check sees nothing the first time, as when the other session's
    insert was not yet committed; afterwards it sees the database as it is. `module`: the
    services module that calls the check (a patch reaches only the calls made there)."""
    real = getattr(module, name)
    calls = []

    def check(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            return None
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, check)


def models_check_nothing(monkeypatch) -> None:
    """The model's own constraint check passed too: only the INSERT finds the clash."""
    monkeypatch.setattr(Resident, "validate_constraints", lambda self, exclude=None: None)
    monkeypatch.setattr(Family, "validate_constraints", lambda self, exclude=None: None)


@pytest.fixture(params=["model's constraint check", "insert"])
def clash_found_by(request, monkeypatch) -> str:
    """Where the second registration's clash shows: in the model's constraint check, or (the
    other session committed after that check too) only in the INSERT."""
    if request.param == "insert":
        models_check_nothing(monkeypatch)
    return request.param


def test_a_nik_registered_meanwhile_by_another_village_is_a_409_not_a_500(
    clients, monkeypatch, clash_found_by
):
    data = resident_data(village=VILLAGE_A)
    created = post(clients["operator_a"], "/api/v1/residents", {**data, "village": VILLAGE_A})
    assert created.status_code == 201, created.content
    blind_once(monkeypatch, services.residents, "_refuse_taken_nik")
    again = post(clients["operator_b"], "/api/v1/residents", {**data, "village": VILLAGE_B})
    assert again.status_code == 409, again.content
    assert "Natai Raya" in again.json()["detail"]
    assert Resident.objects.filter(nik=data["nik"]).count() == 1


def test_an_edit_to_a_nik_taken_meanwhile_is_refused_naming_the_village(
    clients, monkeypatch, clash_found_by
):
    held = resident_data(village=VILLAGE_A)
    created = post(clients["operator_a"], "/api/v1/residents", {**held, "village": VILLAGE_A})
    assert created.status_code == 201, created.content
    mine = resident_data(village=VILLAGE_B)
    own = post(clients["operator_b"], "/api/v1/residents", {**mine, "village": VILLAGE_B}).json()
    blind_once(monkeypatch, services.residents, "_refuse_taken_nik")
    edited = clients["operator_b"].patch(
        f"/api/v1/residents/{own['id']}",
        json.dumps({"version": 1, "nik": created.json()["nik"]}),
        content_type="application/json",
    )
    # The same answer as registering that NIK: 409, type nik_elsewhere, naming the village.
    assert edited.status_code == 409, edited.content
    assert edited.json()["type"] == "nik_elsewhere"
    assert "Natai Raya" in edited.json()["detail"]
    assert Resident.objects.get(pk=own["id"]).nik == own["nik"]


def test_a_kk_number_registered_meanwhile_is_refused_naming_the_village(
    clients, monkeypatch, clash_found_by
):
    number = kk_for(VILLAGE_A)
    created = post(
        clients["operator_a"], "/api/v1/families", {"village": VILLAGE_A, "family_number": number}
    )
    assert created.status_code == 201, created.content
    blind_once(monkeypatch, services.families, "_refuse_taken_kk")
    again = post(
        clients["operator_b"], "/api/v1/families", {"village": VILLAGE_B, "family_number": number}
    )
    assert again.status_code == 400, again.content
    assert VILLAGE_A in again.json()["detail"]
    assert Family.objects.filter(family_number=number).count() == 1


def test_a_server_error_quoting_a_nik_is_logged_without_it(clients, cast, monkeypatch, caplog):
    """With the NIK checks gone, the unique index's error reaches Django as a 500; its
    traceback (PostgreSQL quotes `Key (nik)=(…)`) goes out without the NIK."""
    data = resident_data(village=VILLAGE_A)
    created = post(clients["operator_a"], "/api/v1/residents", {**data, "village": VILLAGE_A})
    assert created.status_code == 201, created.content
    monkeypatch.setattr(services.residents, "_refuse_taken_nik", lambda *args, **kwargs: None)
    models_check_nothing(monkeypatch)
    operator = Client(raise_request_exception=False)
    operator.force_login(cast.members()["operator_b"])
    caplog.set_level(logging.ERROR)
    failed = post(operator, "/api/v1/residents", {**data, "village": VILLAGE_B})
    assert failed.status_code == 500
    assert data["nik"] not in failed.content.decode()
    records = [r for r in caplog.records if r.exc_info]
    assert records, "the error was not logged"
    # Every handler the record reaches (pytest's own aside) formats it privately: Django's
    # default ones (console when DEBUG, mail to ADMINS) are not among them.
    reached, logger = [], logging.getLogger("django.request")
    while logger is not None:
        reached += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    assert reached and all(isinstance(h.formatter, PrivateFormatter) for h in reached)
    console = reached[0].formatter
    raw = "\n".join(logging.Formatter().format(r) for r in records)
    logged = "\n".join(console.format(r) for r in records)
    if connection.vendor == "postgresql":
        assert data["nik"] in raw  # what the line would have carried
    assert data["nik"] not in logged
    assert "IntegrityError" in logged  # the error itself is still there to debug


def test_row_values_and_sixteen_digit_numbers_are_hidden_from_a_log_line():
    detail = (
        'duplicate key value violates unique constraint "nik_unique_alive"\n'
        "DETAIL:  Key (nik)=(6201025705900001) already exists.\n"
        'new row for relation "registry_resident" violates check constraint "sex"\n'
        "DETAIL:  Failing row contains (7, Siti (Ani), 1990-05-17, 9).\n"
        "KK 6201020101200001 and id 12345"
    )
    hidden = without_personal_data(detail)
    for secret in ("6201025705900001", "Siti", "1990-05-17", "6201020101200001"):
        assert secret not in hidden
    assert "Key (nik)=([hidden]) already exists." in hidden
    assert "Failing row contains ([hidden])." in hidden
    assert "id 12345" in hidden


def blind_import_lookups(monkeypatch) -> None:
    """The import's NIK lookups find nothing, as when another session registered a NIK of
    the file after the chunk was looked up and before it was written."""
    real = Importer._held

    def held(self, niks):
        fresh, self.fresh = self.fresh, True  # `_held` answers "none" for empty tables
        try:
            return real(self, niks)
        finally:
            self.fresh = fresh

    monkeypatch.setattr(Importer, "_held", held)


def test_an_import_meeting_a_nik_registered_meanwhile_saves_nothing_and_says_why(
    tmp_path, monkeypatch, cast
):
    rows = list(opensid_rows(Generator(11).families([VILLAGE_A], 6)))
    first = rows[0]
    services.register_resident(
        cast.members()["operator_a"],
        Region.objects.get(code=VILLAGE_A),
        resident_data(
            nik=first[OPENSID_HEADER.index("nik")],
            birth_date=datetime.date.fromisoformat(first[OPENSID_HEADER.index("tanggallahir")]),
            sex=int(first[OPENSID_HEADER.index("sex")]),
        ),
    )
    before = list(Resident.all_objects.values_list("nik", "version"))
    path = write_opensid_file(tmp_path / "warga.csv", rows)
    blind_import_lookups(monkeypatch)
    with pytest.raises(CommandError) as refused:
        call_command("import", "residents", str(path), "--village", VILLAGE_A, stdout=io.StringIO())
    assert "Pengguna lain mendaftarkan NIK" in str(refused.value)
    assert list(Resident.all_objects.values_list("nik", "version")) == before
