"""Fixtures of the registry's tests: village A and a household in it."""

from __future__ import annotations

import datetime

import pytest

from satudata.conftest import VILLAGE_A
from satudata.regions.models import Region
from satudata.registry import services
from satudata.registry.tests.helpers import kk_for, resident_data


@pytest.fixture
def village_a():
    return Region.objects.get(code=VILLAGE_A)


@pytest.fixture
def household(cast, village_a):
    """A family of village A: Budi (head), Siti (wife), Rina (daughter)."""
    family = services.register_family(cast.operator_a, village_a, kk_for(serial=11))
    register = services.register_resident
    head = register(cast.operator_a, village_a, resident_data(name="Budi", sex=1), family=family)
    wife = register(
        cast.operator_a, village_a, resident_data(name="Siti", relationship=3), family=family
    )
    daughter = register(
        cast.operator_a,
        village_a,
        resident_data(name="Rina", relationship=4, birth_date=datetime.date(2005, 3, 9)),
        family=family,
    )
    return family, head, wife, daughter
