"""Writing an import's rows on a second thread while the importer parses the next chunk.

The importer's time went to two things that can run side by side on two cores: parsing and
checking a chunk (polars, and Python) and writing the previous one (SQLite's C code or the
PostgreSQL server; both let go of the GIL). `Writer` runs a chunk's inserts on a thread, on
the connection (and so in the transaction) of the import; the importer hands it the next
chunk's inserts when it has them.

Into empty tables (a first import, `DeferredIndexes.fresh`) the importer needs no query at
all while loading, if it knows the ids of the families and units it creates: `IdBlock`
hands them out in Python from the table's next id. That is safe because nobody else can
insert meanwhile: SQLite has one writer (the import's IMMEDIATE transaction), and on
PostgreSQL the import holds the families table (DROP INDEX) and locks the units table; a
clash would still only fail the import on the primary key and roll it back.
"""

from __future__ import annotations

import threading
from itertools import chain

import polars as pl
from django.db import connection

from satudata.registry.sqlload import copy_statement, sqlite_rows, sqlite_values_limit

ROWS_PER_STATEMENT = 100


class Writer:
    """Runs one batch of inserts at a time on a background thread.

    The thread takes the DB-API connection Django opened in the importer's thread (Django's
    `connection` is per thread). Nothing else may use the connection while a batch runs:
    call `wait()` before any other query (PostgreSQL refuses a query during a COPY; SQLite
    would interleave). `submit()` waits for the previous batch first, so at most one is in
    flight. A failed batch raises from the next `wait()`/`submit()` as Django's error."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._values_limit = sqlite_values_limit(self._raw)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def submit(self, batch: list[tuple[str, pl.DataFrame, dict]]) -> None:
        """Insert each (table, frame, constants) in order; the frames' columns, and the
        constants' names, are the table's. Constants (flags, timestamps) go into SQLite's
        statement as literals rather than as a value bound in every row."""
        self.wait()
        batch = [item for item in batch if item[1].height]
        if batch:
            self._thread = threading.Thread(target=self._write, args=(batch,), daemon=True)
            self._thread.start()

    def wait(self) -> None:
        self._join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def abandon(self) -> None:
        """Let a running batch end, dropping its error: another one is being raised."""
        self._join()
        self._error = None

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _write(self, batch: list[tuple[str, pl.DataFrame, dict]]) -> None:
        # The values are made here too: made in the importer's thread, they slowed its
        # parsing more (the GIL) than they sped up this one.
        try:
            with connection.wrap_database_errors:
                for sql, values in _statements(batch, self._values_limit):
                    if connection.vendor == "postgresql":
                        with self._raw.cursor() as cursor, cursor.copy(sql) as copy:
                            copy.write(values)
                    else:
                        self._raw.executemany(sql, values)
        except BaseException as exc:  # handed to the importer's thread by wait()
            self._error = exc


def _statements(batch: list[tuple[str, pl.DataFrame, dict]], values_limit: int):
    """(statement, values) pairs inserting the batch: COPY and its CSV text on PostgreSQL,
    INSERTs and their parameter tuples on SQLite (at most `values_limit` a statement)."""
    for table, frame, constants in batch:
        if connection.vendor == "postgresql":
            frame = frame.with_columns(pl.lit(v).alias(k) for k, v in constants.items())
            yield copy_statement(table, frame)
        else:
            yield from _sqlite_inserts(table, frame, constants, values_limit)


def _sqlite_inserts(
    table: str, frame: pl.DataFrame, constants: dict, values_limit: int
) -> list[tuple[str, list]]:
    """INSERTs of ROWS_PER_STATEMENT rows each, then one for each row left over.

    One statement per row costs SQLite a statement run per row, and with AUTOINCREMENT a
    write of the table's sqlite_sequence counter at the end of each: a VALUES list of many
    rows halves the writer's time. The groups of parameters are cut by `zip` over one
    iterator (in C, no Python loop per row)."""
    names = ", ".join([*frame.columns, *constants])
    one = "(" + ", ".join(["?"] * frame.width + [_literal(v) for v in constants.values()]) + ")"
    rows = sqlite_rows(frame)
    per = max(1, min(ROWS_PER_STATEMENT, values_limit // frame.width))
    whole = len(rows) - len(rows) % per
    inserts = []
    if whole:
        flat = iter(chain.from_iterable(rows[:whole]))
        inserts.append(
            (
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * per)}",  # noqa: S608
                list(zip(*[flat] * (per * frame.width), strict=False)),
            )
        )
    if whole < len(rows):
        inserts.append((f"INSERT INTO {table} ({names}) VALUES {one}", rows[whole:]))  # noqa: S608
    return inserts


def _literal(value: bool | int | str) -> str:
    """An SQLite literal of one of the importer's own constants (never a file's value)."""
    if isinstance(value, bool | int):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


class IdBlock:
    """Ids for new rows of `table`, handed out in Python (see the module docstring)."""

    def __init__(self, table: str) -> None:
        self.table = table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
                self.next = cursor.fetchone()[0]
            else:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                high = cursor.fetchone()[0]
                # AUTOINCREMENT never reuses an id, even of a row gone since.
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                self.next = max(high, row[0] if row else 0) + 1

    def take(self, count: int) -> list[int]:
        ids = list(range(self.next, self.next + count))
        self.next += count
        return ids

    def close(self) -> None:
        """PostgreSQL: move the sequence past the ids handed out (SQLite's AUTOINCREMENT
        counter follows the inserted ids by itself)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                    [self.table, self.next],
                )
