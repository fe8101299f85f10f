"""The shared test cast and fixtures: every route is tested with who may and who may not."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from satudata.accounts.models import Agency, User
from satudata.accounts.services import create_account
from satudata.regions.loader import load_regions
from satudata.regions.models import Region
from satudata.registry import statistics

# The seed plans' two regencies; tests load their provinces (not the whole country) for speed.
TEST_PROVINCES = ["61", "62"]
VILLAGE_A = "62.01.02.2016"  # Natai Raya
VILLAGE_B = "62.01.02.2012"  # Runtu
DISTRICT = "62.01.02"  # Arut Selatan
OTHER_DISTRICT_VILLAGE = "61.12.01.2001"  # Sungai Raya, Kubu Raya
PASSWORD = "uji-Sandi-2026!"


@pytest.fixture(autouse=True)
def _fresh_statistics():
    """Each test's database rolls back under the process's statistics snapshot: drop it."""
    statistics.forget()


@pytest.fixture(autouse=True)
def _default_language():
    """A request through the test client leaves its language active in this thread (a
    server's next request sets its own); a CLI command called by the next test would speak
    it. Each test starts in the default language, as a new process does."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_regions(TEST_PROVINCES)


@dataclass
class Cast:
    custodian: User
    producer_a: User
    producer_b: User
    operator_a: User
    operator_b: User
    district_viewer: User
    agency_a: Agency
    agency_b: Agency

    def members(self) -> dict[str, User | None]:
        return {
            "custodian": self.custodian,
            "producer_a": self.producer_a,
            "producer_b": self.producer_b,
            "operator_a": self.operator_a,
            "operator_b": self.operator_b,
            "district_viewer": self.district_viewer,
            "anonymous": None,
        }


def make_user(username: str, role: str, **scope) -> User:
    return create_account(None, username=username, password=PASSWORD, role=role, **scope)


@pytest.fixture
def cast(db) -> Cast:
    agency_a = Agency.objects.create(slug="dinkes", name="Dinas Kesehatan", acronym="Dinkes")
    agency_b = Agency.objects.create(slug="dinsos", name="Dinas Sosial", acronym="Dinsos")
    region = Region.objects.get
    return Cast(
        custodian=make_user("walidata", User.Role.CUSTODIAN),
        producer_a=make_user("produsen.a", User.Role.PRODUCER, agency=agency_a),
        producer_b=make_user("produsen.b", User.Role.PRODUCER, agency=agency_b),
        operator_a=make_user(
            "operator.a", User.Role.VILLAGE_OPERATOR, region=region(code=VILLAGE_A)
        ),
        operator_b=make_user(
            "operator.b", User.Role.VILLAGE_OPERATOR, region=region(code=VILLAGE_B)
        ),
        district_viewer=make_user("camat", User.Role.DISTRICT_VIEWER, region=region(code=DISTRICT)),
        agency_a=agency_a,
        agency_b=agency_b,
    )


def client_for(user: User | None) -> Client:
    """A browser session logged in as `user` (anonymous for None), speaking Indonesian."""
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(cast) -> dict[str, Client]:
    return {name: client_for(user) for name, user in cast.members().items()}
