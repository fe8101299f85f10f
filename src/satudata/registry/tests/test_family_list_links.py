""" "Register a family" on the family list leads somewhere for every account that writes
(language QA: the custodian's link was a 404 "No village has this code")."""

from __future__ import annotations

import pytest

from satudata.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db


def test_the_custodian_registers_a_family_in_the_village_the_list_shows(clients):
    custodian = clients["custodian"]
    page = custodian.get("/registry/families/", {"village": VILLAGE_A}).content.decode()
    link = f'href="/registry/families/new/?village={VILLAGE_A}"'
    assert link in page
    assert custodian.get(f"/registry/families/new/?village={VILLAGE_A}").status_code == 200


def test_the_custodian_names_the_village_first_when_the_list_shows_many(clients):
    page = clients["custodian"].get("/registry/families/").content.decode()
    assert 'action="/registry/families/new/"' in page and 'name="village" required' in page
    assert 'href="/registry/families/new/"' not in page


def test_an_operator_registers_in_their_own_village(clients):
    page = clients["operator_a"].get("/registry/families/").content.decode()
    assert 'href="/registry/families/new/"' in page
    assert clients["operator_a"].get("/registry/families/new/").status_code == 200
