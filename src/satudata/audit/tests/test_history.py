import pytest

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import add_local_unit, remove_local_unit


@pytest.fixture
def unit(cast):
    return add_local_unit(
        cast.operator_a, Region.objects.get(code=VILLAGE_A), "hamlet", "Dusun Lama"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("custodian", 200),
        ("producer_a", 403),
        ("operator_a", 403),
        ("district_viewer", 403),
        ("anonymous", 302),
    ],
)
def test_only_the_custodian_reads_the_change_history(clients, who, status):
    for path in ("/audit/", "/audit/deleted/", "/audit/record/regions.localunit/1/"):
        assert clients[who].get(path).status_code == status


@pytest.mark.django_db
def test_history_shows_who_when_and_before_after_of_a_change(clients, cast, unit):
    audit.update(cast.operator_a, unit, name="Dusun Baru")
    page = clients["custodian"].get(f"/audit/record/regions.localunit/{unit.pk}/").content.decode()
    assert "Dusun Lama" in page and "Dusun Baru" in page
    assert cast.operator_a.username in page
    listing = (
        clients["custodian"].get("/audit/", {"actor": cast.operator_a.username}).content.decode()
    )
    assert "Dusun Baru" in listing


@pytest.mark.django_db
def test_custodian_restores_a_deleted_record_and_the_restore_is_audited(clients, cast, unit):
    remove_local_unit(cast.operator_a, unit)
    assert not LocalUnit.objects.filter(pk=unit.pk).exists()
    deleted_page = clients["custodian"].get("/audit/deleted/").content.decode()
    assert "Dusun Lama" in deleted_page
    response = clients["custodian"].post(
        f"/audit/record/regions.localunit/{unit.pk}/restore/", follow=True
    )
    assert "Dusun Lama sudah dipulihkan" in response.content.decode()
    assert LocalUnit.objects.filter(pk=unit.pk).exists()
    assert AuditEntry.objects.filter(object_pk=str(unit.pk), action="restore").count() == 1
    assert "Dusun Lama" not in clients["custodian"].get("/audit/deleted/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator_a", "producer_a", "district_viewer", "anonymous"])
def test_nobody_else_can_restore(clients, cast, unit, who):
    remove_local_unit(cast.operator_a, unit)
    clients[who].post(f"/audit/record/regions.localunit/{unit.pk}/restore/")
    assert not LocalUnit.objects.filter(pk=unit.pk).exists()


@pytest.mark.django_db
def test_restore_into_a_name_taken_since_is_refused_with_a_message(clients, cast, unit):
    remove_local_unit(cast.operator_a, unit)
    add_local_unit(cast.operator_a, Region.objects.get(code=VILLAGE_A), "hamlet", "Dusun Lama")
    response = clients["custodian"].post(
        f"/audit/record/regions.localunit/{unit.pk}/restore/", follow=True
    )
    assert "sudah" in response.content.decode()
    assert LocalUnit.all_objects.get(pk=unit.pk).deleted_at is not None


@pytest.mark.django_db
def test_unknown_record_types_do_not_crash_the_pages(clients):
    assert clients["custodian"].get("/audit/record/nope.nothing/1/").status_code == 200
    response = clients["custodian"].post("/audit/record/nope.nothing/1/restore/", follow=True)
    assert response.status_code == 200


@pytest.mark.django_db
def test_account_passwords_never_enter_the_history(cast):
    entry = AuditEntry.objects.get(model_label="accounts.user", object_pk=str(cast.custodian.pk))
    assert "password" not in entry.after
    assert cast.custodian.password not in str(entry.after)


@pytest.mark.django_db
def test_a_failed_change_leaves_no_audit_entry_and_no_change(cast, unit):
    from django.core.exceptions import ValidationError

    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        audit.update(cast.operator_a, unit, name="   ")
    unit.refresh_from_db()
    assert unit.name == "Dusun Lama"
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_history_dates_keep_a_four_digit_year(clients, cast):
    """strftime's %Y writes the year 5 as "5" on Linux; the page shows "0005"."""
    import datetime

    from satudata.registry import services
    from satudata.registry.tests.helpers import resident_data

    village = Region.objects.get(code=VILLAGE_A)
    person = services.register_resident(cast.operator_a, village, resident_data())
    audit.record(
        cast.custodian,
        AuditEntry.Action.UPDATE,
        person,
        before={"birth_date": "1990-05-17", "updated_at": "2026-11-24T02:35:55+00:00"},
        after={"birth_date": "0005-03-01", "updated_at": "0009-01-02T03:04:05"},
    )
    page = clients["custodian"].get(f"/audit/record/registry.resident/{person.pk}/")
    text = page.content.decode()
    assert "01-03-0005" in text and "02-01-0009 03:04:05" in text
    assert "17-05-1990" in text
    assert datetime.date(5, 3, 1).strftime("%d-%m-%Y") not in text


@pytest.mark.django_db
def test_the_history_list_names_record_types_and_fields_in_the_ui_language(clients, cast):
    """The list showed code names (registry.resident, birth_place) where the record's page
    shows "penduduk" and "tempat lahir" (language QA)."""
    from satudata.registry import services
    from satudata.registry.tests.helpers import resident_data

    village = Region.objects.get(code=VILLAGE_A)
    person = services.register_resident(cast.operator_a, village, resident_data())
    services.update_resident(cast.operator_a, person, {"birth_place": "Sampit"})
    text = clients["custodian"].get("/audit/").content.decode()
    assert "tempat lahir" in text and "birth_place" not in text
    assert ">Penduduk</option>" in text and ">registry.resident</option>" not in text
    assert f"Penduduk #{person.pk}" in text
    clients["custodian"].get("/lang/en/")
    english = clients["custodian"].get("/audit/").content.decode()
    assert "place of birth" in english and ">Resident</option>" in english
