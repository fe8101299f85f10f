"""The maintained pyramid aggregate (PopulationCell): rebuilt per village from residents.

A village's cells are recomputed with one GROUP BY over its residents (found through the
`(village, name_key)` index; a few thousand rows), in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from django.db import connection

from satudata.registry import sqlload

CHUNK = 500


def _year_month() -> tuple[str, str]:
    if connection.vendor == "postgresql":
        return (
            "CAST(EXTRACT(YEAR FROM birth_date) AS integer)",
            "CAST(EXTRACT(MONTH FROM birth_date) AS integer)",
        )
    # SQLite stores dates as 'YYYY-MM-DD' text.
    return "CAST(substr(birth_date, 1, 4) AS integer)", "CAST(substr(birth_date, 6, 2) AS integer)"


MONTHS = ", ".join(f"m{m}" for m in range(1, 13))


def counts_sql(where: str) -> str:
    """SELECT of the cells (village_id, sex, birth_year, m1…m12) of the living residents
    matching `where`, counted from the residents themselves."""
    year, month = _year_month()
    sums = ", ".join(f"SUM(CASE WHEN {month} = {m} THEN 1 ELSE 0 END)" for m in range(1, 13))
    return (
        f"SELECT village_id, sex, {year}, {sums} FROM registry_resident "  # noqa: S608
        f"WHERE status = 1 AND deleted_at IS NULL AND {where} GROUP BY village_id, sex, {year}"
    )


def select_sql(where: str) -> str:
    """INSERT … SELECT of the cells of the residents matching `where`."""
    return (
        f"INSERT INTO registry_populationcell (village_id, sex, birth_year, {MONTHS}) "
        + counts_sql(where)
    )


def refresh(villages: Iterable[str]) -> None:
    """Recompute the cells of these villages from their living residents.

    On PostgreSQL two transactions refreshing one village at once would both delete its
    cells and both insert them again: the second insert broke the unique key (a 500 for one
    of two operators saving in the same village). So each village's row in the region table
    is locked first (FOR NO KEY UPDATE: it does not stop the foreign-key checks of inserts
    that name the village), in code order, until the transaction ends; the second then
    deletes and counts what the first committed. SQLite has one writer at a time anyway."""
    codes = sorted({v for v in villages if v})
    with connection.cursor() as cursor:
        _lock_villages(cursor, codes)
        for start in range(0, len(codes), CHUNK):
            part = codes[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"DELETE FROM registry_populationcell WHERE village_id IN ({marks})",  # noqa: S608
                part,
            )
            cursor.execute(select_sql(f"village_id IN ({marks})"), part)


def add(counts: pl.DataFrame) -> None:
    """Add counts of newly inserted living residents (columns village_id, sex, birth_year,
    m1…m12) to the cells.

    For an import that only inserted, this equals `refresh` of its villages (the cells
    counted the village's living residents before; the new ones add to them) without
    scanning every resident again."""
    if counts.height == 0:
        return
    sets = ", ".join(f"m{m} = registry_populationcell.m{m} + excluded.m{m}" for m in range(1, 13))
    upsert = (
        f"INSERT INTO registry_populationcell (village_id, sex, birth_year, {MONTHS}) "
        "{source} ON CONFLICT (village_id, sex, birth_year) DO UPDATE SET " + sets
    )
    if connection.vendor == "postgresql":
        # The villages' locks of `refresh` first (QA: an operator's refresh during an
        # import's upsert waited on a cell the import updated, then re-inserted the cells
        # the import had inserted meanwhile, breaking the unique key: a 500 and a lost
        # registration). With them the refresh waits for the import's commit and counts it.
        with connection.cursor() as cursor:
            _lock_villages(cursor, sorted(set(counts["village_id"].to_list())))
        # COPY into a staging table and one INSERT … SELECT: psycopg adapting ~300k
        # parameters took seconds.
        sqlload.insert_staged("registry_populationcell", counts, upsert)
        return
    rows = counts.rows()
    per = min(1000, sqlload.sqlite_values_limit() // 15)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            part = rows[start : start + per]
            values = ", ".join(["(" + ", ".join(["%s"] * 15) + ")"] * len(part))
            cursor.execute(
                upsert.format(source=f"VALUES {values}"), [v for row in part for v in row]
            )


def _lock_villages(cursor, codes: list[str]) -> None:
    """PostgreSQL: lock the villages' rows of the region table until the transaction ends
    (FOR NO KEY UPDATE: inserts naming a village still pass their foreign-key checks), in
    code order, so that two writers of cells never wait on each other crosswise."""
    if connection.vendor == "postgresql" and codes:
        cursor.execute(
            "SELECT code FROM regions_region WHERE code = ANY(%s) ORDER BY code FOR NO KEY UPDATE",
            [codes],
        )
