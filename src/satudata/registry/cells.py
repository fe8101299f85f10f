"""The maintained pyramid aggregate (PopulationCell): rebuilt per village from residents.

A village's cells are recomputed with one GROUP BY over its residents (found through the
`(village, name_key)` index; a few thousand rows), in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

CHUNK = 500


def _year_month() -> tuple[str, str]:
    if connection.vendor == "postgresql":
        return (
            "CAST(EXTRACT(YEAR FROM birth_date) AS integer)",
            "CAST(EXTRACT(MONTH FROM birth_date) AS integer)",
        )
    # SQLite stores dates as 'YYYY-MM-DD' text.
    return "CAST(substr(birth_date, 1, 4) AS integer)", "CAST(substr(birth_date, 6, 2) AS integer)"


def refresh(villages: Iterable[str]) -> None:
    """Recompute the cells of these villages from their living residents."""
    codes = sorted({v for v in villages if v})
    year, month = _year_month()
    with connection.cursor() as cursor:
        for start in range(0, len(codes), CHUNK):
            part = codes[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"DELETE FROM registry_populationcell WHERE village_id IN ({marks})",  # noqa: S608
                part,
            )
            cursor.execute(
                "INSERT INTO registry_populationcell "  # noqa: S608
                "(village_id, sex, birth_year, birth_month, count) "
                f"SELECT village_id, sex, {year}, {month}, COUNT(*) FROM registry_resident "
                f"WHERE status = 1 AND deleted_at IS NULL AND village_id IN ({marks}) "
                f"GROUP BY village_id, sex, {year}, {month}",
                part,
            )
