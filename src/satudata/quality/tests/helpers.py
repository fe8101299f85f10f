"""Synthetic residents (with planted duplicates) written straight to the registry tables."""

from __future__ import annotations

import datetime

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.quality.synthetic_duplicates import plant
from satudata.registry.models import Family, Resident
from satudata.registry.synthetic import Generator


def populate(residents: int = 1500, share: float = 0.02, seed: int = 3):
    """Families in villages A and B plus planted duplicates; returns the true (NIK, NIK) pairs."""
    people = []
    families = []
    for fam in Generator(seed).families([VILLAGE_A, VILLAGE_B], residents):
        family = Family(family_number=fam.family_number, village_id=fam.village_code)
        families.append((family, fam))
    Family.objects.bulk_create([f for f, _ in families])
    records = []
    for family, fam in families:
        for p in fam.members:
            people.append((p, fam.village_code))
            records.append(_resident(p, fam.village_code, family))
    duplicates, truth = plant(people, share, seed=seed)
    records += [_resident(p, village, None) for p, village in duplicates]
    Resident.objects.bulk_create(records, batch_size=2000)
    return truth


def _resident(p, village: str, family) -> Resident:
    return Resident(
        nik=p.nik,
        nik_is_temporary=p.nik.startswith("0"),
        name=p.name,
        sex=p.sex,
        birth_place=p.birth_place,
        birth_date=p.birth_date,
        father_name=p.father_name,
        mother_name=p.mother_name,
        village_id=village,
        family=family,
    )


def person(nik: str, name: str, village: str = VILLAGE_A, **extra) -> Resident:
    data = {
        "sex": 2,
        "birth_date": datetime.date(1990, 5, 17),
        "birth_place": "Pangkalan Bun",
        "mother_name": "Aminah",
        "father_name": "Usman",
    }
    data.update(extra)
    return Resident.objects.create(nik=nik, name=name, village_id=village, **data)
