"""Writing a chunk's rows from a polars frame: executemany on SQLite, COPY on PostgreSQL.

No Python loop per row builds values: the frame's columns are already in the table's order
and types, SQLite gets the frame's row tuples, PostgreSQL a CSV text of the frame (polars
writes it; an empty string is quoted, NULL is not, which is what COPY's CSV format expects).
Updates on PostgreSQL go through a temporary staging table and one `UPDATE … FROM`, because
an UPDATE per row was what made PostgreSQL the slower database for re-imports.

`Writer` does the inserts on a second thread, on the same connection and transaction, so
the database writes one chunk while the importer parses the next (polars, and SQLite's and
libpq's C code, let go of the GIL).
"""

from __future__ import annotations

import threading

import polars as pl
from django.db import connection


def _sqlite_rows(frame: pl.DataFrame) -> list[tuple]:
    """Row tuples with dates as ISO text, as Django stores them in SQLite."""
    dates = [name for name, kind in frame.schema.items() if kind == pl.Date]
    if dates:
        frame = frame.with_columns(pl.col(dates).dt.to_string("%Y-%m-%d"))
    # zip over the columns' lists runs in C: about twice as fast as polars' row tuples.
    return list(zip(*(frame[name].to_list() for name in frame.columns), strict=True))


def _copy(cursor, table: str, frame: pl.DataFrame) -> None:
    """COPY the frame; `cursor` is Django's cursor or psycopg's own."""
    names = ", ".join(frame.columns)
    cursor = getattr(cursor, "cursor", cursor)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(frame.write_csv(include_header=False))


def insert(table: str, frame: pl.DataFrame) -> None:
    """INSERT the frame's rows; its column names are the table's."""
    if frame.height == 0:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, frame)
            return
        marks = ", ".join(["%s"] * frame.width)
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(frame.columns)}) VALUES ({marks})",  # noqa: S608
            _sqlite_rows(frame),
        )


class Writer:
    """Inserts frames one at a time on a background thread.

    The thread uses the connection Django opened in this thread (Django's `connection` is
    per thread, so the thread takes the DB-API connection itself), so its rows are in the
    import's transaction. Nothing else may use the connection while a write is running:
    call `wait()` before any other query (PostgreSQL refuses a query during a COPY; SQLite
    would interleave). `insert()` waits for the previous write first, so at most one chunk
    is in flight. A failed write raises from the next `wait()` as Django's error."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def insert(self, table: str, frame: pl.DataFrame) -> None:
        self.wait()
        if frame.height == 0:
            return
        self._thread = threading.Thread(target=self._write, args=(table, frame), daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def abandon(self) -> None:
        """Let a running write end, dropping its error: another one is being raised."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._error = None

    def _write(self, table: str, frame: pl.DataFrame) -> None:
        try:
            with connection.wrap_database_errors:
                if connection.vendor == "postgresql":
                    with self._raw.cursor() as cursor:
                        _copy(cursor, table, frame)
                else:
                    marks = ", ".join("?" * frame.width)
                    self._raw.executemany(
                        f"INSERT INTO {table} ({', '.join(frame.columns)}) VALUES ({marks})",  # noqa: S608
                        _sqlite_rows(frame),
                    )
        except BaseException as exc:  # handed to the importer's thread by wait()
            self._error = exc


def update_by_id(table: str, frame: pl.DataFrame, bump: str | None = None) -> None:
    """UPDATE rows by the frame's `id` column with its other columns (and `bump` + 1)."""
    if frame.height == 0:
        return
    columns = [c for c in frame.columns if c != "id"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = f"{table}_import_stage"
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT id, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {stage}")
            _copy(cursor, stage, frame.select("id", *columns))
            sets = ", ".join(f"{c} = s.{c}" for c in columns)
            if bump:
                sets += f", {bump} = t.{bump} + 1"
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM {stage} AS s WHERE t.id = s.id"  # noqa: S608
            )
            return
        sets = ", ".join(f"{c} = %s" for c in columns)
        if bump:
            sets += f", {bump} = {bump} + 1"
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE id = %s",  # noqa: S608
            _sqlite_rows(frame.select(*columns, "id")),
        )


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
            _copy(cursor, stage, frame)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} "  # noqa: S608
                f"RETURNING {key}, id"
            )
            return cursor.fetchall()
        rows = _sqlite_rows(frame)
        per = 30000 // frame.width  # SQLite allows 32,766 parameters a statement
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
        _copy(cursor, stage, frame)
        cursor.execute(statement.format(source=f"SELECT {names} FROM {stage}"))  # noqa: S608
