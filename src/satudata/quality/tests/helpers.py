"""Synthetic residents (with planted duplicates) written straight to the registry tables."""

from __future__ import annotations

import datetime

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.quality import synthetic_duplicates
from satudata.registry.models import Resident


def populate(residents: int = 1500, share: float = 0.02, seed: int = 3):
    """Families in villages A and B plus planted duplicates; returns the true (NIK, NIK) pairs."""
    return synthetic_duplicates.populate([VILLAGE_A, VILLAGE_B], residents, share, seed)


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
