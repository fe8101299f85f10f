"""Datastore tables: one real SQL table per valid release, created, filled and queried here.

Table names are generated from the release's UUID; column names are schema field names that
passed FIELD_NAME (lower-case ASCII identifiers) and are always quoted. Values always travel
as query parameters.
"""

from __future__ import annotations

import datetime
import decimal
import io

import polars as pl
from django.db import connection

from satudata.datasets.models import FIELD_NAME, Field, Release

BATCH = 50_000
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
    return SQL_TYPES[connection.vendor if connection.vendor == "postgresql" else "sqlite"].get(
        field.type, "TEXT"
    )


def create_table(release: Release, fields: list[Field], frame: pl.DataFrame) -> str:
    """Create the release's table, load the rows (COPY or executemany), then index it."""
    table = table_name_for(release)
    pg = connection.vendor == "postgresql"
    ident = "BIGSERIAL PRIMARY KEY" if pg else "INTEGER PRIMARY KEY"
    columns = ", ".join(f"{quote(f.name)} {_sql_type(f)}" for f in fields)
    names = [f.name for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE {quote(table)} ("_id" {ident}, {columns})')
        if pg:
            _copy(cursor, table, names, frame)
        else:
            _executemany(cursor, table, names, frame)
        for i, f in enumerate(fields):
            if f.indexed:
                cursor.execute(f'CREATE INDEX "{table}_i{i}" ON {quote(table)} ({quote(f.name)})')
    return table


def _executemany(cursor, table: str, names: list[str], frame: pl.DataFrame) -> None:
    # SQLite stores dates as ISO text; booleans become 0/1 on their own.
    frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(table)} ({', '.join(quote(n) for n in names)}) VALUES ({marks})"  # noqa: S608 - quoted, checked identifiers
    for start in range(0, frame.height, BATCH):
        cursor.executemany(sql, frame.slice(start, BATCH).iter_rows())


def _copy(cursor, table: str, names: list[str], frame: pl.DataFrame) -> None:
    sql = f"COPY {quote(table)} ({', '.join(quote(n) for n in names)}) FROM STDIN (FORMAT csv)"
    with cursor.cursor.copy(sql) as copy:
        for start in range(0, frame.height, BATCH):
            buffer = io.BytesIO()
            frame.slice(start, BATCH).write_csv(buffer, include_header=False)
            copy.write(buffer.getvalue())


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
