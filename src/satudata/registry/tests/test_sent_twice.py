"""A form sent twice (a double tap, or Back and Save again) is saved once; a change decided
on a stale page is refused, not applied to the record as it is now (found by browser QA)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from satudata.conftest import VILLAGE_A
from satudata.registry import jobs, services
from satudata.registry.models import ImportJob, LifeEvent, Resident
from satudata.registry.synthetic import Generator, opensid_rows
from satudata.registry.tests.helpers import registry_snapshot
from satudata.registry.tests.test_event_pages import birth_form
from satudata.registry.tests.test_views import post_import

pytestmark = pytest.mark.django_db


def token_of(page) -> str:
    return re.search(r'name="once" value="([0-9a-f]{32})"', page.content.decode()).group(1)


def temporary_person(name: str) -> dict:
    return {
        "village": VILLAGE_A,
        "nik_is_temporary": "on",
        "name": name,
        "sex": 2,
        "birth_date": "2024-01-05",
        "citizenship": 1,
    }


def test_a_person_with_a_temporary_nik_sent_twice_is_registered_once(clients):
    client = clients["operator_a"]
    form = temporary_person("Dobel Back") | {
        "once": token_of(client.get("/registry/residents/new/"))
    }
    first = client.post("/registry/residents/new/", form)
    again = client.post("/registry/residents/new/", form, follow=True)
    person = Resident.objects.get(name="Dobel Back")  # one, not two
    assert again.redirect_chain[0][0] == first["Location"] == f"/registry/residents/{person.pk}/"
    assert "sudah pernah dikirim dan disimpan" in again.content.decode()
    # A new page is a new form: a second person of the same name is not refused.
    fresh = temporary_person("Dobel Back") | {
        "once": token_of(client.get("/registry/residents/new/"))
    }
    client.post("/registry/residents/new/", fresh)
    assert Resident.objects.filter(name="Dobel Back").count() == 2


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_page(clients):
    client = clients["operator_a"]
    token = token_of(client.get("/registry/residents/new/"))
    refused = client.post("/registry/residents/new/", temporary_person("") | {"once": token})
    assert "Tidak ada yang disimpan" in refused.content.decode()
    assert token_of(refused) == token  # the page keeps its token
    saved = client.post("/registry/residents/new/", temporary_person("Rini") | {"once": token})
    assert saved.status_code == 302 and Resident.objects.filter(name="Rini").count() == 1


def test_a_birth_sent_twice_is_recorded_once(clients, household):
    family = household[0]
    client = clients["operator_a"]
    url = f"/registry/families/{family.pk}/birth/"
    form = birth_form(nik="", nik_is_temporary="on") | {"once": token_of(client.get(url))}
    client.post(url, form)
    client.post(url, form)
    assert Resident.objects.filter(name="Bayi Budi").count() == 1
    assert LifeEvent.objects.filter(kind="birth").count() == 1


def test_a_death_sent_twice_is_recorded_once(clients, household):
    daughter = household[3]
    client = clients["operator_a"]
    form = {"kind": "death", "date": "2026-02-01", "confirm": "on"}
    client.post(f"/registry/residents/{daughter.pk}/event/", form)
    again = client.post(f"/registry/residents/{daughter.pk}/event/", form, follow=True)
    assert "Rina bukan penduduk hidup" in again.content.decode()
    assert daughter.events.filter(kind="death").count() == 1


def test_a_correction_from_a_stale_object_is_refused(cast, household):
    daughter = household[3]
    stale = Resident.objects.get(pk=daughter.pk)
    services.record_death(cast.operator_a, daughter, datetime.date(2026, 2, 1))
    services.correct_to_alive(cast.operator_a, Resident.objects.get(pk=daughter.pk), "salah orang")
    with (
        pytest.raises(ValidationError, match="tidak ada yang perlu dikoreksi"),
        translation.override("id"),
    ):
        services.correct_to_alive(cast.operator_a, stale, "salah orang")
    assert daughter.events.filter(kind="correction").count() == 1


def test_a_change_of_head_from_a_stale_page_is_refused(clients, household):
    family, head, wife, daughter = household
    client = clients["operator_a"]
    url = f"/registry/families/{family.pk}/head/"
    page = client.get(url).content.decode()
    assert f'name="head_was" value="{head.pk}"' in page
    tab_a = {"new_head": wife.pk, "old_head_relationship": 2, "date": "2026-02-01"}
    tab_b = {"new_head": daughter.pk, "old_head_relationship": 2, "date": "2026-02-01"}
    assert client.post(url, tab_a | {"head_was": head.pk}).status_code == 302
    before = registry_snapshot()
    stale = client.post(url, tab_b | {"head_was": head.pk}).content.decode()
    assert "Kepala keluarga ini berubah saat formulir terbuka (sekarang: Siti)" in stale
    assert registry_snapshot() == before
    assert Resident.objects.get(pk=wife.pk).relationship == 1


def test_a_web_import_reports_in_the_uploaders_language(
    cast, settings, monkeypatch, django_capture_on_commit_callbacks
):
    launched = []
    monkeypatch.setattr(jobs.subprocess, "Popen", lambda *a, **kw: launched.append(kw["env"]))
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    english.force_login(cast.operator_a)
    rows = list(opensid_rows(Generator(3).families([VILLAGE_A], 2)))
    rows[0][6] = "12"
    post_import(english, django_capture_on_commit_callbacks, rows, "all-or-nothing")
    assert launched[0][jobs.LANGUAGE_VARIABLE] == "en"
    # The subprocess: the server's language is Indonesian, the job's English.
    monkeypatch.setenv(jobs.LANGUAGE_VARIABLE, "en")
    with translation.override("id"):
        jobs.run_job(ImportJob.objects.get().pk)
    page = english.get(f"/registry/import/{ImportJob.objects.get().pk}/").content.decode()
    assert "must have 16 digits" in page and "harus 16 digit" not in page


def test_a_change_of_head_without_the_head_it_was_opened_under_is_refused(clients, household):
    family, _head, wife, _daughter = household
    url = f"/registry/families/{family.pk}/head/"
    before = registry_snapshot()
    form = {"new_head": wife.pk, "old_head_relationship": 2, "date": "2026-02-01"}
    for head_was in ("", "abc"):
        page = clients["operator_a"].post(url, form | {"head_was": head_was}).content.decode()
        assert "Formulir ini sudah usang atau tidak lengkap" in page
        assert "tersembunyi" not in page  # one plain sentence, no "(Hidden field head_was)"
    assert registry_snapshot() == before


def test_two_tabs_opened_after_the_heads_death_refuse_the_second_change(clients, household):
    """Both tabs opened with no living head; the first made the wife head, the second then
    said "form out of date" twice, once naming the hidden field head_was."""
    family, head, wife, daughter = household
    client = clients["operator_a"]
    client.post(
        f"/registry/residents/{head.pk}/event/",
        {"confirm": "on", "kind": "death", "date": "2026-01-05"},
    )
    url = f"/registry/families/{family.pk}/head/"
    assert 'name="head_was" value="0"' in client.get(url).content.decode()
    tab = {"old_head_relationship": 2, "date": "2026-02-01", "head_was": 0}
    assert client.post(url, tab | {"new_head": wife.pk}).status_code == 302
    before = registry_snapshot()
    stale = client.post(url, tab | {"new_head": daughter.pk}).content.decode()
    assert stale.count("Kepala keluarga ini berubah saat formulir terbuka (sekarang: Siti)") == 1
    assert "usang" not in stale and "tersembunyi" not in stale
    assert registry_snapshot() == before
