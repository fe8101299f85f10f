"""Benchmark: the floor under the PostgreSQL import ratio (issue "Population registry").

Run: BENCH_PG=postgres://postgres@127.0.0.1:5432/registry_floor \
     .venv/bin/python bench/registry_pg_floor.py [ROWS]        (default 600,000)
(that database is dropped and re-created)

The import's goal is <= 3x a raw COPY of the OpenSID file into an unindexed table of TEXT
columns. This measures what no importer can go below on this machine and schema: the
import's own final rows, already typed (exported after a real import), COPYed into empty
copies of the resident and family tables (constant columns as defaults, as the importer
does; as CSV, and in PostgreSQL's binary format, which the server need not parse), then
the primary keys, indexes and foreign keys the registry has, in one transaction, with no
parsing, checking or lookup at all. Each round prints both next to the raw COPY of the
same file, measured in the same round.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from common import say, scratch_dir, setup_django, timed
from registry_population import _reset_pg, import_run, raw_copy

TABLES = {"registry_family": "floor_family", "registry_resident": "floor_resident"}
CONSTANTS = ("created_at", "updated_at", "version", "is_demo", "nik_is_temporary")


FORMATS = ("csv", "binary")  # binary: no text to parse on the server, the cheapest COPY


def typed_rows(url: str, folder: Path) -> dict[str, tuple[list[str], dict[str, Path]]]:
    """Each table's loaded rows in both COPY formats, without the import's constants."""
    import psycopg

    found = {}
    with psycopg.connect(url) as con:
        for table in TABLES:
            columns = [name for name in _columns(con, table) if name not in CONSTANTS]
            paths = {}
            for form in FORMATS:
                paths[form] = folder / f"{table}.{form}"
                query = f"SELECT {', '.join(columns)} FROM {table}"  # noqa: S608
                select = f"COPY ({query}) TO STDOUT (FORMAT {form})"
                with paths[form].open("wb") as out, con.cursor().copy(select) as copy:
                    for block in copy:
                        out.write(block)
            found[table] = (columns, paths)
    return found


def schema_statements() -> tuple[list[str], list[str]]:
    """(keys, then indexes and foreign keys) of the real tables, aimed at the copies."""
    from satudata.registry import bulkindex

    def aimed(sql: str) -> str:
        for real, copy in TABLES.items():
            sql = re.sub(rf"\b(public\.)?{real}\b", copy, sql)
        return sql

    keys, rest = [], []
    for real, copy in TABLES.items():
        for _name, definition in bulkindex.primary_keys(real):
            keys.append(f"ALTER TABLE {copy} ADD {definition}")
        for _name, sql in bulkindex.secondary_indexes(real) + bulkindex.unique_indexes(real):
            rest.append(aimed(re.sub(r"INDEX \S+ ON", "INDEX ON", sql)))
        for _name, definition in bulkindex.foreign_keys(real):
            rest.append(f"ALTER TABLE {copy} ADD {aimed(definition)}")
    return keys, rest


def floor_load(
    url: str, rows: dict, keys: list[str], rest: list[str], form: str
) -> tuple[float, float]:
    """Seconds to COPY the typed rows, and to build what the tables need, in one commit."""
    import psycopg

    with psycopg.connect(url) as con:
        con.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES.values())}")
        for real, copy in TABLES.items():
            con.execute(
                f"CREATE TABLE {copy} (LIKE {real} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
            for column in set(_columns(con, real)) & set(CONSTANTS):
                value = {"created_at": "now()", "updated_at": "now()", "version": "1"}
                default = value.get(column, "false")  # the two flags
                con.execute(f"ALTER TABLE {copy} ALTER {column} SET DEFAULT {default}")
        con.commit()
        with timed() as loading:
            for real, copy in TABLES.items():
                columns, paths = rows[real]
                statement = f"COPY {copy} ({', '.join(columns)}) FROM STDIN (FORMAT {form})"
                with con.cursor().copy(statement) as sink, paths[form].open("rb") as handle:
                    while block := handle.read(1 << 20):
                        sink.write(block)
        with timed() as building:
            con.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in [*keys, *rest]:
                con.execute(statement)
            con.commit()
        con.execute(f"DROP TABLE {', '.join(TABLES.values())}")
        con.commit()
    return loading(), building()


def _columns(con, table: str) -> list[str]:
    """The table's columns, in order."""
    return [
        name
        for (name,) in con.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [table],
        )
    ]


def main(rows: int) -> None:
    url = os.environ.get("BENCH_PG")
    if not url:
        sys.exit("Set BENCH_PG=postgres://postgres@127.0.0.1:5432/registry_floor")
    folder = scratch_dir()
    source = folder / "penduduk.csv"
    maker = Path(__file__).with_name("registry_population.py")
    subprocess.run([sys.executable, maker, "--make", str(source), str(rows)], check=True)  # noqa: S603
    _reset_pg(url)
    setup_django(url)
    imported, report = import_run(source, url)
    say(f"import of {report.rows:,} rows (to have its typed rows): {imported:.1f} s")
    typed = typed_rows(url, folder)
    keys, rest = schema_statements()
    for round_number in (1, 2, 3, 4):
        baseline = raw_copy(url, source)
        for form in FORMATS:
            loading, building = floor_load(url, typed, keys, rest, form)
            floor = loading + building
            say(
                f"round {round_number}, {form}: floor {floor:.1f} s (COPY of the typed rows "
                f"{loading:.1f} s, {len(keys) + len(rest)} keys, indexes and foreign keys "
                f"{building:.1f} s); baseline raw COPY {baseline:.1f} s; ratio "
                f"{floor / baseline:.1f}x (the import's goal: <= 3x)"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 600_000)
