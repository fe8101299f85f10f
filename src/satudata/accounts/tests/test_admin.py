"""The custodian manages accounts on the admin site."""

import pytest

from satudata.accounts.models import User
from satudata.conftest import VILLAGE_A


def _add_operator(client, region: str):
    return client.post(
        "/admin/accounts/user/add/",
        {
            "username": "operator.baru",
            "password1": "Kata-sandi-yang-panjang-42",
            "password2": "Kata-sandi-yang-panjang-42",
            "usable_password": "true",
            "role": "village_operator",
            "region": region,
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [VILLAGE_A, VILLAGE_A.replace(".", ""), f" {VILLAGE_A} "])
def test_a_village_operator_is_scoped_by_a_code_in_any_kemendagri_form(clients, typed):
    response = _add_operator(clients["custodian"], typed)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="operator.baru").region_id == VILLAGE_A


@pytest.mark.django_db
def test_a_code_that_is_no_region_code_is_refused_by_name(clients):
    response = _add_operator(clients["custodian"], "62-01-xx")
    assert response.status_code == 200
    assert "62-01-xx bukan kode wilayah" in response.content.decode()
    assert not User.objects.filter(username="operator.baru").exists()


@pytest.mark.django_db
def test_the_admin_site_names_its_sections_in_the_ui_language(clients):
    """The app headings were Django's code names ("Accounts", "Regions") on the Indonesian
    admin site (language QA)."""
    text = clients["custodian"].get("/admin/").content.decode()
    assert "Akun dan perangkat daerah" in text and "Wilayah" in text
    assert ">Accounts<" not in text and ">Regions<" not in text
