"""Population statistics of a region: aggregates only, with small cells suppressed.

Public surfaces (the chart page, /api/v1/statistics/population) show nothing else, so no one
can be singled out: a count of 1 or 2 people is reported as "<3".

The pyramid is one GROUP BY on (sex, age group) read from a covering index
(`resident_pyramid_idx`); the other tables come from one more scan. Summaries are cached for a
few minutes: public aggregates may lag a registration by that much.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import connection

from satudata.registry import codes

SMALL = 3
AGE_GROUPS = [(lo, lo + 4) for lo in range(0, 75, 5)] + [(75, None)]
CACHE_SECONDS = 300
GENERATION_KEY = "registry:population:generation"
DIMENSIONS = {
    "religion": "religion",
    "education": "education_kk",
    "occupation": "occupation",
    "marital_status": "marital_status",
}


def suppress(count: int) -> int | str:
    """A count fit for publication: 1 and 2 become "<3"."""
    return "<3" if 0 < count < SMALL else count


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _where(region_code: str) -> tuple[str, list]:
    """Living residents of the region: one village, or a code range for larger regions."""
    base = "deleted_at IS NULL AND status = 1 AND "
    if region_code.count(".") >= 3:
        return base + "village_id = %s", [region_code]
    # '/' follows '.' in ASCII: the range holds exactly the codes under "region_code.".
    return base + "village_id > %s AND village_id < %s", [region_code + ".", region_code + "/"]


def pyramid(region_code: str, today: datetime.date | None = None) -> list[dict]:
    """Men and women per five-year age group (raw counts), in one GROUP BY query."""
    today = today or datetime.date.today()
    whens, params = [], []
    for index, (lo, _hi) in enumerate(AGE_GROUPS):
        # Age ≥ lo  ⇔  born on or before today − lo years; checked youngest group first.
        whens.append(f"WHEN birth_date <= %s THEN {index}")
        params.append(_years_ago(today, lo))
    # Oldest group first, so each WHEN needs only its lower bound.
    whens.reverse()
    params.reverse()
    where, where_params = _where(region_code)
    sql = (
        f"SELECT sex, CASE {' '.join(whens)} ELSE -1 END AS grp, COUNT(*) "  # noqa: S608
        f"FROM registry_resident WHERE {where} GROUP BY 1, 2"
    )
    counts: dict[tuple[int, int], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params + where_params)
        for sex, group, n in cursor.fetchall():
            counts[(sex, group)] = n
    result = []
    for index, (lo, hi) in enumerate(AGE_GROUPS):
        result.append(
            {
                "group": f"{lo}–{hi}" if hi is not None else f"{lo}+",
                "male": counts.get((1, index), 0),
                "female": counts.get((2, index), 0),
            }
        )
    return result


def _dimensions(region_code: str) -> dict[str, dict]:
    """Counts by sex, religion, education, occupation and marital status, in one scan."""
    where, params = _where(region_code)
    columns = ", ".join(DIMENSIONS.values())
    sql = (
        f"SELECT sex, {columns}, COUNT(*) FROM registry_resident "  # noqa: S608
        f"WHERE {where} GROUP BY sex, {columns}"
    )
    totals: dict[str, dict] = {"sex": {}} | {name: {} for name in DIMENSIONS}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for sex, *values, n in cursor.fetchall():
            totals["sex"][sex] = totals["sex"].get(sex, 0) + n
            for name, value in zip(DIMENSIONS, values, strict=True):
                totals[name][value] = totals[name].get(value, 0) + n
    return totals


def _rows(field: str, counts: dict) -> list[dict]:
    listing = codes.CODE_LISTS[field]
    return [
        {
            "code": code,
            "label": listing.get(code, str(code)) if code is not None else "—",
            "count": suppress(n),
        }
        for code, n in sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or 0))
    ]


def population_summary(region_code: str, today: datetime.date | None = None) -> dict:
    """Counts by sex, age group (pyramid), religion, education, occupation and marital status.

    Every count from 1 to 2 is the string "<3" (small-cell suppression); safe to publish.
    `region_code` is a dotted Kemendagri code of a village, district, regency or province.
    """
    generation = cache.get_or_set(GENERATION_KEY, 0)
    key = f"registry:population:{generation}:{region_code}:{today or datetime.date.today()}"
    summary = cache.get(key)
    if summary is None:
        summary = _summary(region_code, today)
        cache.set(key, summary, CACHE_SECONDS)
    return summary


def changed() -> None:
    """Called by every registry write: cached summaries are not used again."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1)


def _summary(region_code: str, today: datetime.date | None) -> dict:
    raw_pyramid = pyramid(region_code, today)
    dims = _dimensions(region_code)
    total = sum(dims["sex"].values())
    summary: dict = {
        "region": region_code,
        "total": suppress(total),
        "age_groups": [
            {"group": g["group"], "male": suppress(g["male"]), "female": suppress(g["female"])}
            for g in raw_pyramid
        ],
        "sex": _rows("sex", dims["sex"]),
    }
    for name, field in DIMENSIONS.items():
        summary[name] = _rows(field, dims[name])
    return summary
