"""Population statistics of a region: aggregates only, with small cells suppressed.

Public surfaces (the chart page, /api/v1/statistics/population, village pages) show nothing
else, so no one can be singled out: a count of 1 or 2 people is reported as "<3". Every table
of a region sums to the same public total, so "<3" alone can be undone by subtraction (total
145, published cells 143: the two "<3" cells are 1 each). Where that would work, the small
cells and the smallest larger cells are all shown as "*" (hidden), so that nobody can tell
which hidden cell is the small one; see `protect`. A region too small to protect publishes no
breakdown at all.

Not covered: differencing across levels (a district's count minus its villages' published
counts) and across time (a summary before and after one registration).

The pyramid sums the maintained cells (`PopulationCell`: village, sex, birth year, by month);
the other tables come from one scan of the region's residents. Summaries are cached for a
few minutes: public aggregates may lag a registration by that much.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from satudata.registry import codes

SMALL = 3
SMALL_MARK = "<3"
HIDDEN = "*"  # hidden so that a small count cannot be worked out; may be any number
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
    """A count fit for publication on its own: 1 and 2 become "<3"."""
    return SMALL_MARK if 0 < count < SMALL else count


def protect(counts: list[int]) -> list[int | str] | None:
    """The cells of a table whose sum is public, published so that no hidden cell is exact.

    Whoever knows this rule and the sum learns only the sum of the hidden cells. None when no
    choice of cells protects the table: every positive cell holds the same 1 or 2.
    """
    small = {n for n in counts if 0 < n < SMALL}
    if len(small) != 1:
        # No small cell, or 1s and 2s both: the sum of the "<3" cells fits every order of
        # those 1s and 2s, so each of them may be either.
        return [suppress(n) for n in counts]
    # The small cells are all 1 or all 2, and their sum (the total minus the published
    # cells) says which. Hide the smallest larger cells with them, all under one mark: any
    # hidden cell may then hold any other hidden cell's number, which includes a number
    # under 3 and one of 3 or more. A separate mark for the larger cells would not do: it
    # tells that they are 3 or more and no bigger than the smallest published cell, bounds
    # that pin the cells often (one "<3", one hidden, hidden sum 4: they are 1 and 3).
    larger = [n for n in counts if n >= SMALL]
    if not larger:
        return None
    # Every cell equal to the smallest: which of equal cells hides must not depend on order,
    # or swapping two hidden numbers could change the output and so rule the swap out.
    floor = min(larger)
    return [HIDDEN if 0 < n <= floor else n for n in counts]


def protect_pyramid(groups: list[dict], sex: dict) -> list[dict] | None:
    """The pyramid's cells as published, given the sex table as published.

    Each sex's column sums to that sex's cell of the sex table, so a column whose sum is
    public is protected like a table. A column whose sum is hidden is hidden whole, zeros
    too: its published cells, or just how many of them are not zero, would bound that sum.
    Age groups are published nowhere else, so the rows need nothing of their own.
    """
    columns = {}
    for key, code in (("male", 1), ("female", 2)):
        raw = [group[key] for group in groups]
        if isinstance(sex.get(code, 0), int):
            columns[key] = protect(raw)
            if columns[key] is None:
                return None
        else:
            columns[key] = [HIDDEN] * len(raw)
    return [
        {"group": group["group"], "male": male, "female": female}
        for group, male, female in zip(groups, columns["male"], columns["female"], strict=True)
    ]


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
    had this year's birthday, except a baby born this month, who is 0 (not -1, and never
    dropped: each sex's column must add up to the published sex count, which `protect_pyramid`
    relies on).
    """
    today = today or timezone.localdate()
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
                if n:
                    counts[(sex, min(max(age, 0) // 5, last))] += n
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


def _rows(field: str, counts: dict) -> list[dict] | None:
    """A table's rows as published, or None when it cannot be protected."""
    listing = codes.CODE_LISTS[field]
    ordered = sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or 0))
    shown = protect([n for _, n in ordered])
    if shown is None:
        return None
    return [
        {
            "code": code,
            "label": listing.get(code, str(code)) if code is not None else "—",
            "count": count,
        }
        for (code, _), count in zip(ordered, shown, strict=True)
    ]


def population_summary(region_code: str, today: datetime.date | None = None) -> dict:
    """Counts by sex, age group (pyramid), religion, education, occupation and marital status.

    Every count from 1 to 2 is the string "<3" or "*", and so are larger counts where the
    public total would give a small one away ("*": hidden, any number); safe to publish.
    `region_code` is a dotted Kemendagri code of a village, district, regency or province.
    """
    generation = cache.get_or_set(GENERATION_KEY, 0)
    key = f"registry:population:{generation}:{region_code}:{today or timezone.localdate()}"
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
    return publish(region_code, pyramid(region_code, today), _dimensions(region_code))


def publish(region_code: str, raw_pyramid: list[dict], dims: dict[str, dict]) -> dict:
    """The public summary of a region's raw counts: every table protected, or none shown."""
    total = sum(dims["sex"].values())
    return _published(region_code, total, raw_pyramid, dims) or _withheld(region_code, raw_pyramid)


def _published(region_code: str, total: int, raw_pyramid: list[dict], dims: dict) -> dict | None:
    """The summary with every table protected, or None if the region is too small for that."""
    if 0 < total < SMALL:
        # With a total of 1 or 2, every cell is small and the tables tell each other's sums.
        return None
    tables = {"sex": _rows("sex", dims["sex"])}
    for name, field in DIMENSIONS.items():
        tables[name] = _rows(field, dims[name])
    if None in tables.values():
        return None
    age_groups = protect_pyramid(raw_pyramid, {row["code"]: row["count"] for row in tables["sex"]})
    if age_groups is None:
        return None
    return {"region": region_code, "total": total, "age_groups": age_groups, **tables}


def _withheld(region_code: str, raw_pyramid: list[dict]) -> dict:
    """A region with a table that cannot be protected shows only that it is hidden.

    The total is hidden too: published, it could pin the table that made the region fall
    here (4 residents and no sex table: 2 men and 2 women). A total of 1 or 2 is hidden the
    same way, so that "*" does not tell which case it is.
    """
    return {
        "region": region_code,
        "total": HIDDEN,
        "age_groups": [
            {"group": group["group"], "male": HIDDEN, "female": HIDDEN} for group in raw_pyramid
        ],
        "sex": [],
        **{name: [] for name in DIMENSIONS},
    }
