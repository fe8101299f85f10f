"""Writing a chunk's rows from a polars frame: executemany on SQLite, COPY on PostgreSQL.

No Python loop per row builds values: the frame's columns are already in the table's order
and types, SQLite gets the frame's row tuples, PostgreSQL a CSV text of the frame (polars
writes it; an empty string is quoted, NULL is not, which is what COPY's CSV format expects).
Updates on PostgreSQL go through a temporary staging table and one `UPDATE … FROM`, because
an UPDATE per row was what made PostgreSQL the slower database for re-imports.
"""

from __future__ import annotations

import sqlite3

import polars as pl
from django.db import connection


def sqlite_values_limit(raw=None) -> int:
    """How many values one statement may bind on this DB-API connection (default: Django's,
    opened if need be): 32,766 since SQLite 3.32, 999 before (Django 5.2 still runs on
    3.31). 0 on PostgreSQL."""
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    if not isinstance(raw, sqlite3.Connection):
        return 0
    return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def sqlite_rows(frame: pl.DataFrame) -> list[tuple]:
    """Row tuples with dates as ISO text, as Django stores them in SQLite."""
    dates = [name for name, kind in frame.schema.items() if kind == pl.Date]
    if dates:
        frame = frame.with_columns(pl.col(dates).dt.to_string("%Y-%m-%d"))
    # zip over the columns' lists runs in C: about twice as fast as polars' row tuples.
    return list(zip(*(frame[name].to_list() for name in frame.columns), strict=True))


def copy_statement(table: str, frame: pl.DataFrame) -> tuple[str, str]:
    """The COPY statement loading the frame into `table`, and its CSV text."""
    names = ", ".join(frame.columns)
    return f"COPY {table} ({names}) FROM STDIN (FORMAT csv)", frame.write_csv(include_header=False)


def query_frame(columns: dict[str, pl.DataType], source: str, params: list) -> pl.DataFrame:
    """PostgreSQL: `SELECT <columns> <source>` as a frame of these column types.

    The server writes the rows as one CSV text (`string_agg`) that polars reads. Fetched as
    Python tuples, 600,000 residents' 20 columns took ~6 s; `COPY … TO` sends a message a
    row, ~3 s in Python. Text is quoted, so an empty string stays one; NULL is left bare,
    which polars reads as null."""
    fields = []
    for name, kind in columns.items():
        if kind == pl.Utf8:
            value = f"""'"' || replace({name}, '"', '""') || '"'"""
        elif kind == pl.Date:
            value = f"to_char({name}, 'YYYY-MM-DD')"
        else:
            value = f"{name}::text"
        fields.append(f"coalesce({value}, '')")
    sql = f"SELECT string_agg(concat_ws(',', {', '.join(fields)}), E'\\n') {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        text = cursor.fetchone()[0]
    if not text:
        return pl.DataFrame(schema=columns)
    return pl.read_csv(text.encode(), has_header=False, schema=columns)


def copy_frame(cursor, table: str, frame: pl.DataFrame) -> None:
    """COPY the frame; `cursor` is Django's cursor or psycopg's own."""
    statement, text = copy_statement(table, frame)
    cursor = getattr(cursor, "cursor", cursor)
    with cursor.copy(statement) as copy:
        copy.write(text)


def update_by_id(
    table: str, frame: pl.DataFrame, bump: str | None = None, guard: str | None = None
) -> int:
    """UPDATE rows by the frame's `id` column with its other columns (and `bump` + 1); the
    number of rows updated. With `guard`, a column of the frame holding the `bump` value
    read before, only rows still at that value are updated (someone else's change since
    is not overwritten; the caller compares the count)."""
    if frame.height == 0:
        return 0
    columns = [c for c in frame.columns if c not in ("id", guard)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = f"{table}_import_stage"
            guarded = [pl.col(guard).alias("guard_value")] if guard else []
            stage += "_guarded" if guard else ""  # one shape per temporary table
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT id, {', '.join(columns)}"
                + (f", {bump} AS guard_value" if guard else "")
                + f" FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {stage}")
            copy_frame(cursor, stage, frame.select("id", *columns, *guarded))
            sets = ", ".join(f"{c} = s.{c}" for c in columns)
            if bump:
                sets += f", {bump} = t.{bump} + 1"
            where = "t.id = s.id" + (f" AND t.{bump} = s.guard_value" if guard else "")
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM {stage} AS s WHERE {where}"  # noqa: S608
            )
            return cursor.rowcount
        sets = ", ".join(f"{c} = %s" for c in columns)
        if bump:
            sets += f", {bump} = {bump} + 1"
        # One statement a row: an UPDATE … FROM of 100 rows (SQLite ≥ 3.33) was only ~10 %
        # faster (600k rows: 3.35 → 3.1 s); rewriting each row is the cost.
        where = "id = %s" + (f" AND {bump} = %s" if guard else "")
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {where}",  # noqa: S608
            sqlite_rows(frame.select(*columns, "id", *([guard] if guard else []))),
        )
        return cursor.rowcount


def insert_returning(table: str, frame: pl.DataFrame, key: str) -> list[tuple]:
    """INSERT the frame's rows; (key, id) of each new row, so no lookup has to follow."""
    if frame.height == 0:
        return []
    names = ", ".join(frame.columns)
    found = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = f"{table}_insert_stage"
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {stage}")
            copy_frame(cursor, stage, frame)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} "  # noqa: S608
                f"RETURNING {key}, id"
            )
            return cursor.fetchall()
        rows = sqlite_rows(frame)
        per = max(1, sqlite_values_limit() // frame.width)
        for start in range(0, len(rows), per):
            part = rows[start : start + per]
            marks = ", ".join(["(" + ", ".join(["%s"] * frame.width) + ")"] * len(part))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {marks} RETURNING {key}, id",  # noqa: S608
                [value for row in part for value in row],
            )
            found.extend(cursor.fetchall())
    return found


def insert_staged(table: str, frame: pl.DataFrame, statement: str) -> None:
    """PostgreSQL: COPY the frame into a temporary table shaped like `table`'s columns and
    run `statement`, whose `{source}` becomes `SELECT … FROM` that table."""
    names = ", ".join(frame.columns)
    stage = f"{table}_stage"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {stage}")
        copy_frame(cursor, stage, frame)
        cursor.execute(statement.format(source=f"SELECT {names} FROM {stage}"))  # noqa: S608
