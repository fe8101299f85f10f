"""Datastore tables: one real SQL table per valid release, created, filled and queried here.

Table names are generated from the release's UUID; column names are schema field names that
passed FIELD_NAME (lower-case ASCII identifiers) and are always quoted. Values always travel
as query parameters.
"""

from __future__ import annotations

import datetime
import decimal
import io
import math

import polars as pl
from django.db import connection

from satudata.datasets.models import FIELD_NAME, Field, Release

BATCH = 50_000
COPY_CHUNK = 1 << 20  # bytes per write to the COPY stream
SQL_TYPES = {
    "postgresql": {
        "integer": "BIGINT",
        "number": "DOUBLE PRECISION",
        "date": "DATE",
        "boolean": "BOOLEAN",
    },
    "sqlite": {"integer": "INTEGER", "number": "REAL", "date": "TEXT", "boolean": "INTEGER"},
}
# CKAN's type names for datastore fields.
CKAN_TYPES = {
    "integer": "int",
    "number": "numeric",
    "date": "date",
    "boolean": "bool",
    "string": "text",
    "region": "text",
    "code": "text",
}


def quote(name: str) -> str:
    """Quote an identifier we generated or checked; anything else is a programming error."""
    if not (FIELD_NAME.match(name) or name == "_id" or name.startswith("ds_")):
        raise ValueError(f"unsafe identifier {name!r}")
    return '"' + name + '"'


def table_name_for(release: Release) -> str:
    return "ds_" + release.uuid.hex


def _sql_type(field: Field) -> str:
    if connection.vendor != "postgresql":
        return SQL_TYPES["sqlite"].get(field.type, "TEXT")
    if field.type in (Field.Type.REGION, Field.Type.CODE):
        # Codes are identifiers, not words: byte order sorts them as people expect
        # ("61.12.01" < "61.12.02") and lets index builds compare with memcmp instead of the
        # locale's strcoll (measured: the region index of 1M rows built in half the time).
        return 'TEXT COLLATE "C"'
    return SQL_TYPES["postgresql"].get(field.type, "TEXT")


def index_columns(fields: list[Field]) -> list[tuple[str, ...]]:
    """The indexes of a release's table: one per indexed field; a region or code index also
    carries the first filterable column, so "this village, sorted by that number" is read in
    index order instead of sorting (or, worse, walking the number's index and filtering:
    PostgreSQL's choice when the two columns are correlated)."""
    keyed = (Field.Type.REGION, Field.Type.CODE)
    companion = next((f.name for f in fields if f.filterable and f.type not in keyed), None)
    indexes = []
    for f in fields:
        if f.indexed:
            extra = (companion,) if companion and f.type in keyed else ()
            indexes.append((f.name, *extra))
    return indexes


class TableLoader:
    """A release's table filled frame by frame (COPY on PostgreSQL, executemany of the raw
    sqlite3 connection on SQLite), indexed and analysed once at the end.

    On PostgreSQL the row ids are numbered here and the primary key is added after the load:
    a BIGSERIAL would call nextval() and insert into the key's B-tree for every row, while
    one sorted build at the end costs a fraction of that."""

    def __init__(self, release: Release, fields: list[Field]):
        self.table = table_name_for(release)
        self.fields = fields
        self.names = [f.name for f in fields]
        self.pg = connection.vendor == "postgresql"
        self.rows = 0
        ident = "BIGINT NOT NULL" if self.pg else "INTEGER PRIMARY KEY"
        columns = ", ".join(f"{quote(f.name)} {_sql_type(f)}" for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE TABLE {quote(self.table)} ("_id" {ident}, {columns})')

    def append(self, frame: pl.DataFrame, copy_data: bytes | None = None) -> None:
        """Load a checked frame; on PostgreSQL `copy_data` may be its copy_rows() bytes, made
        beforehand in another thread."""
        with connection.cursor() as cursor:
            if self.pg:
                if copy_data is None:
                    copy_data = copy_rows(frame, self.rows + 1)
                _copy(cursor, self.table, ["_id", *self.names], copy_data)
            else:
                _executemany(self.table, self.names, frame)
        self.rows += frame.height

    def finish(self) -> str:
        """Index the filter columns and refresh the planner's statistics; the table name."""
        table = quote(self.table)
        with connection.cursor() as cursor:
            if not self.pg:
                # Index builds sort the whole column: give SQLite a 64 MB page cache and a
                # helper thread for that, then go back to the defaults.
                cursor.execute("PRAGMA cache_size")
                cache_size = cursor.fetchone()[0]
                cursor.execute("PRAGMA cache_size = -65536")
                cursor.execute("PRAGMA threads = 2")
            else:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                cursor.execute(f'ALTER TABLE {table} ADD PRIMARY KEY ("_id")')
            for i, columns in enumerate(index_columns(self.fields)):
                names = ", ".join(quote(n) for n in columns)
                cursor.execute(f'CREATE INDEX "{self.table}_i{i}" ON {table} ({names})')
            if not self.pg:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
                cursor.execute("PRAGMA threads = 0")
                # A sample is enough for the planner to prefer a selective filter index.
                cursor.execute("PRAGMA analysis_limit = 1000")
                cursor.execute(f"ANALYZE {table}")
            else:
                # The same on PostgreSQL: 3,000 sampled rows instead of 30,000 (the default
                # target reads nearly every page of a 1M-row table, 1.4 s of the upload); the
                # planner needs distinct counts for equality filters, which a sample gives.
                cursor.execute("SET LOCAL default_statistics_target = 10")
                cursor.execute(f"ANALYZE {table}")
                cursor.execute("SET LOCAL default_statistics_target TO DEFAULT")
        return self.table

    def discard(self) -> None:
        drop_table(self.table)


def create_table(release: Release, fields: list[Field], frame: pl.DataFrame) -> str:
    """Create the release's table from one frame, load and index it."""
    loader = TableLoader(release, fields)
    loader.append(frame)
    return loader.finish()


def _executemany(table: str, names: list[str], frame: pl.DataFrame) -> None:
    # SQLite stores dates as ISO text; booleans become 0/1 on their own. The raw sqlite3
    # cursor skips Django's per-statement wrapper; values are still parameters.
    frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    marks = ", ".join(["?"] * len(names))
    sql = f"INSERT INTO {quote(table)} ({', '.join(quote(n) for n in names)}) VALUES ({marks})"  # noqa: S608 - quoted, checked identifiers
    raw = connection.connection
    for start in range(0, frame.height, BATCH):
        # Whole columns to Python lists, then zipped: much cheaper than polars' row tuples.
        part = frame.slice(start, BATCH)
        columns = [column.to_list() for column in part.iter_columns()]
        raw.executemany(sql, zip(*columns, strict=True))


def copy_rows(frame: pl.DataFrame, first_id: int) -> bytes:
    """A checked frame as PostgreSQL COPY input: CSV rows numbered from `first_id`. Pure
    polars (no database), so the upload's reader thread makes it while the request thread is
    still copying the previous block."""
    buffer = io.BytesIO()
    frame.with_row_index("_id", offset=first_id).write_csv(buffer, include_header=False)
    return buffer.getvalue()


def _copy(cursor, table: str, names: list[str], data: bytes) -> None:
    # FREEZE: the table was created in this (sub)transaction, so its rows may be written
    # already frozen and all-visible; the first readers and vacuum then rewrite nothing.
    columns = ", ".join(quote(n) for n in names)
    sql = f"COPY {quote(table)} ({columns}) FROM STDIN (FORMAT csv, FREEZE)"
    with cursor.cursor.copy(sql) as copy:
        view = memoryview(data)
        for start in range(0, len(view), COPY_CHUNK):
            copy.write(view[start : start + COPY_CHUNK])


def drop_table(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")


def to_python(field_type: str, value):
    """A stored value as JSON-friendly Python, the same on SQLite and PostgreSQL."""
    if value is None:
        return None
    if field_type == "boolean":
        return bool(value)
    if field_type == "integer":
        return int(value)
    if field_type == "number" and isinstance(value, float):
        # Never NaN or Infinity (not JSON; uploads refuse them, older tables may hold them);
        # a whole value as a whole number (2, not 2.0) while a float holds it exactly.
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) <= 2**53:
            return int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        # PostgreSQL's SUM of BIGINT is NUMERIC; JSON wants a number, not a string.
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def db_value(field: Field, raw):
    """A filter value converted for the database; ValueError when it does not fit the type."""
    if field.type == "integer":
        return int(str(raw).strip())
    if field.type == "number":
        return float(str(raw).strip())
    if field.type == "boolean":
        text = str(raw).strip().lower()
        if text in ("true", "1", "ya", "yes"):
            return True
        if text in ("false", "0", "tidak", "no"):
            return False
        raise ValueError(raw)
    if field.type == "date":
        day = datetime.date.fromisoformat(str(raw).strip())
        return day if connection.vendor == "postgresql" else day.isoformat()
    return str(raw)
