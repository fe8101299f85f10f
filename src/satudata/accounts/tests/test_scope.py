import datetime

import pytest

from satudata.conftest import DISTRICT, OTHER_DISTRICT_VILLAGE, VILLAGE_A, VILLAGE_B
from satudata.registry.models import Resident


def resident(nik: str, village: str) -> Resident:
    return Resident.objects.create(
        nik=nik,
        name="Warga " + nik[-4:],
        sex=1,
        birth_date=datetime.date(1990, 1, 1),
        village_id=village,
    )


@pytest.fixture
def residents(db):
    return {
        "a": resident("6201020101900001", VILLAGE_A),
        "b": resident("6201020101900002", VILLAGE_B),
        "other": resident("6112010101900001", OTHER_DISTRICT_VILLAGE),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("custodian", {"a", "b", "other"}),
        ("operator_a", {"a"}),
        ("operator_b", {"b"}),
        ("district_viewer", {"a", "b"}),
        ("producer_a", set()),
        ("anonymous", set()),
    ],
)
def test_residents_are_visible_only_within_the_accounts_scope(cast, residents, who, visible):
    user = cast.members()[who]
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    seen = set(Resident.objects.visible_to(user).values_list("pk", flat=True))
    assert seen == {residents[k].pk for k in visible}


@pytest.mark.django_db
def test_district_viewers_read_but_never_edit(cast, residents):
    assert not Resident.objects.editable_by(cast.district_viewer).exists()
    assert set(Resident.objects.editable_by(cast.operator_a)) == {residents["a"]}


@pytest.mark.django_db
def test_a_district_scope_does_not_leak_into_districts_with_a_longer_code(cast):
    # 62.01.02 must not match 62.01.021… style prefixes: scope compares whole code segments.
    from satudata.accounts.scope import read_scope

    scope = read_scope(cast.district_viewer)
    assert scope.allows(VILLAGE_A)
    assert scope.allows(DISTRICT)
    assert not scope.allows("62.01.020")
    assert not scope.allows("62.01.03.2001")


@pytest.mark.django_db
def test_role_bindings_are_validated(cast):
    from django.core.exceptions import ValidationError

    from satudata.accounts.models import User
    from satudata.regions.models import Region

    wrong = User(
        username="x", role=User.Role.VILLAGE_OPERATOR, region=Region.objects.get(code=DISTRICT)
    )
    with pytest.raises(ValidationError):
        wrong.full_clean()
    unbound = User(username="y", role=User.Role.PRODUCER)
    with pytest.raises(ValidationError):
        unbound.full_clean()
