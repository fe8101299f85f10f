"""Population statistics of a region: aggregates only, with small cells suppressed.

Public surfaces (the chart page, /api/v1/statistics/population) show nothing else, so no one
can be singled out: a count of 1 or 2 people is reported as "<3".

The pyramid sums the maintained cells (`PopulationCell`: village, sex, birth year, by month);
the other tables come from one scan of the region's residents. Summaries are cached for a
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


def _where(region_code: str, cells: bool = False) -> tuple[str, list]:
    """Living residents of the region: one village, or a code range for larger regions."""
    base = "" if cells else "deleted_at IS NULL AND status = 1 AND "
    if region_code.count(".") >= 3:
        return base + "village_id = %s", [region_code]
    # '/' follows '.' in ASCII: the range holds exactly the codes under "region_code.".
    return base + "village_id > %s AND village_id < %s", [region_code + ".", region_code + "/"]


def pyramid(region_code: str, today: datetime.date | None = None) -> list[dict]:
    """Men and women per five-year age group (raw counts), from the maintained cells.

    Ages are exact to the month: someone born in the current month counts as not yet having
    had this year's birthday.
    """
    today = today or datetime.date.today()
    where, params = _where(region_code, cells=True)
    months = ", ".join(f"SUM(m{m})" for m in range(1, 13))
    sql = (
        f"SELECT sex, birth_year, {months} FROM registry_populationcell "  # noqa: S608
        f"WHERE {where} GROUP BY sex, birth_year"
    )
    counts = {(sex, index): 0 for sex in (1, 2) for index in range(len(AGE_GROUPS))}
    last = len(AGE_GROUPS) - 1
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for sex, year, *by_month in cursor.fetchall():
            if sex not in (1, 2):
                continue
            passed = sum(int(n or 0) for n in by_month[: today.month - 1])
            not_yet = sum(int(n or 0) for n in by_month[today.month - 1 :])
            for age, n in ((today.year - year, passed), (today.year - year - 1, not_yet)):
                if n and age >= 0:
                    counts[(sex, min(age // 5, last))] += n
    return [
        {
            "group": f"{lo}–{hi}" if hi is not None else f"{lo}+",
            "male": counts[(1, index)],
            "female": counts[(2, index)],
        }
        for index, (lo, hi) in enumerate(AGE_GROUPS)
    ]


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
