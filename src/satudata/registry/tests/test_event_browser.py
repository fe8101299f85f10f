"""An operator splits a family card on a phone, in a real headless Chromium."""

from __future__ import annotations

import datetime

import pytest

from satudata.conftest import PASSWORD, VILLAGE_A
from satudata.core.tests.test_browser import (  # noqa: F401 - fixtures
    CHROMIUM,
    fits_the_phone,
    page,
    regions_loaded,
)
from satudata.registry.tests.helpers import kk_for, resident_data

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def test_an_operator_splits_a_family_on_a_phone(page, regions_loaded):  # noqa: F811
    from satudata.accounts.models import User
    from satudata.accounts.services import create_account
    from satudata.regions.models import Region
    from satudata.registry import services
    from satudata.registry.models import Family

    village = Region.objects.get(code=VILLAGE_A)
    operator = create_account(
        None,
        username="operator.natai",
        password=PASSWORD,
        role=User.Role.VILLAGE_OPERATOR,
        region=village,
    )
    family = services.register_family(operator, village, kk_for(serial=41))
    services.register_resident(operator, village, resident_data(name="Budi", sex=1), family=family)
    son = services.register_resident(
        operator,
        village,
        resident_data(name="Andi", sex=1, relationship=4, birth_date=datetime.date(1998, 2, 3)),
        family=family,
    )
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "operator.natai")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{page.base_url}/registry/families/{family.pk}/")
    page.click("text=Pisah KK")
    page.check(f"input[name=members][value='{son.pk}']")
    page.select_option("select[name=new_head]", str(son.pk))
    number = kk_for(serial=42)
    page.fill("input[name=family_number]", number)
    assert fits_the_phone(page)
    page.click("form.card button[type=submit]")
    assert number in page.inner_text("h1")
    assert "Andi" in page.inner_text("main") and "Kepala Keluarga" in page.inner_text("main")
    son.refresh_from_db()
    assert son.family == Family.objects.get(family_number=number)
    assert fits_the_phone(page)
