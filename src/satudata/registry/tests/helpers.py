"""Small helpers for the registry tests: valid NIKs and residents built the way users do."""

from __future__ import annotations

import csv
import datetime
import itertools
from collections.abc import Iterable
from pathlib import Path

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A
from satudata.registry.models import Family, LifeEvent, Resident

_serial = itertools.count(1)


def nik_for(
    birth: datetime.date, sex: int, village: str = VILLAGE_A, serial: int | None = None
) -> str:
    district = village.replace(".", "")[:6]
    day = birth.day + (40 if sex == 2 else 0)
    return f"{district}{day:02d}{birth:%m%y}{serial or next(_serial):04d}"


def kk_for(village: str = VILLAGE_A, serial: int | None = None) -> str:
    return f"{village.replace('.', '')[:6]}0101{20}{serial or next(_serial):04d}"


def resident_data(**overrides) -> dict:
    birth = overrides.pop("birth_date", datetime.date(1990, 5, 17))
    sex = overrides.pop("sex", 2)
    village = overrides.get("village", VILLAGE_A)
    data = {
        "nik": overrides.pop("nik", None) or nik_for(birth, sex, village),
        "name": "Siti Aminah",
        "sex": sex,
        "birth_place": "Pangkalan Bun",
        "birth_date": birth,
        "religion": 1,
        "education_kk": 5,
        "occupation": 88,
        "marital_status": 2,
        "relationship": 1,
    }
    data.update(overrides)
    data.pop("village", None)
    return data


def write_opensid_file(path: Path, rows: Iterable[list]) -> Path:
    """An OpenSID import file (UTF-8 CSV, header first) of `rows`, written as it goes."""
    from satudata.registry.exporter import OPENSID_HEADER

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPENSID_HEADER)
        writer.writerows(rows)
    return path


def registry_snapshot():
    """Everything the event pages may change, to show that a refused form changed nothing."""
    return (
        list(Family.objects.order_by("pk").values_list("pk", "family_number", "unit_id")),
        list(
            Resident.objects.order_by("pk").values_list(
                "pk", "village_id", "family_id", "relationship", "status", "version"
            )
        ),
        LifeEvent.objects.count(),
        AuditEntry.objects.count(),
    )
