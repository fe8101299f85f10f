"""Population statistics of a region: aggregates only, with small cells suppressed.

Public surfaces (the chart page, /api/v1/statistics/population) show nothing else, so no one
can be singled out: a count of 1 or 2 people is reported as "<3".
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from satudata.registry import codes
from satudata.registry.models import Resident

SMALL = 3
AGE_GROUPS = [(lo, lo + 4) for lo in range(0, 75, 5)] + [(75, None)]


def suppress(count: int) -> int | str:
    """A count fit for publication: 1 and 2 become "<3"."""
    return "<3" if 0 < count < SMALL else count


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def residents_in(region_code: str):
    """Living, registered residents of a region (village, district, regency, province)."""
    scope = Q(village_id=region_code) | Q(village_id__startswith=region_code + ".")
    return Resident.objects.filter(scope, status=Resident.Status.ALIVE)


def pyramid(region_code: str, today: datetime.date | None = None) -> list[dict]:
    """Men and women per five-year age group, in one GROUP BY query; raw counts."""
    today = today or datetime.date.today()
    aggregates = {}
    for lo, hi in AGE_GROUPS:
        # Age ≥ lo  ⇔  born on or before today − lo years; age ≤ hi ⇔ born after today − (hi+1).
        cond = Q(birth_date__lte=_years_ago(today, lo))
        if hi is not None:
            cond &= Q(birth_date__gt=_years_ago(today, hi + 1))
        aggregates[f"a{lo}"] = Count("id", filter=cond)
    rows = residents_in(region_code).values("sex").annotate(**aggregates).order_by("sex")
    by_sex = {row["sex"]: row for row in rows}
    result = []
    for lo, hi in AGE_GROUPS:
        label = f"{lo}–{hi}" if hi is not None else f"{lo}+"
        result.append(
            {
                "group": label,
                "male": by_sex.get(1, {}).get(f"a{lo}", 0),
                "female": by_sex.get(2, {}).get(f"a{lo}", 0),
            }
        )
    return result


def _by_code(region_code: str, field: str) -> list[dict]:
    rows = residents_in(region_code).values(field).annotate(n=Count("id")).order_by(field)
    listing = codes.CODE_LISTS[field]
    return [
        {
            "code": row[field],
            "label": listing.get(row[field], "—") if row[field] is not None else "—",
            "count": row["n"],
        }
        for row in rows
    ]


DIMENSIONS = {
    "sex": "sex",
    "religion": "religion",
    "education": "education_kk",
    "occupation": "occupation",
    "marital_status": "marital_status",
}


def population_summary(region_code: str, today: datetime.date | None = None) -> dict:
    """Counts by sex, age group (pyramid), religion, education, occupation and marital status.

    Every count from 1 to 2 is the string "<3" (small-cell suppression); safe to publish.
    `region_code` is a dotted Kemendagri code of a village, district, regency or province.
    """
    raw_pyramid = pyramid(region_code, today)
    total = sum(g["male"] + g["female"] for g in raw_pyramid)
    summary: dict = {
        "region": region_code,
        "total": suppress(total),
        "age_groups": [
            {"group": g["group"], "male": suppress(g["male"]), "female": suppress(g["female"])}
            for g in raw_pyramid
        ],
    }
    for name, field in DIMENSIONS.items():
        summary[name] = [
            {**row, "count": suppress(row["count"])} for row in _by_code(region_code, field)
        ]
    return summary
