"""Secondary indexes set aside while a large import loads and rebuilt before it commits.

Maintaining the name and family indexes row by row costs more than building them once from
sorted data, when the import brings at least as many rows as the tables hold (a first import
of a regency). The drop and the rebuild run inside the import's transaction, and both
databases make DDL transactional, so a failed or rolled-back import leaves every index as it
was. Unique indexes (NIK, KK number, primary keys) stay: the importer's per-chunk lookups and
the one-record rule need them while loading. On PostgreSQL the tables' foreign keys are set
aside the same way and re-added (so validated in one pass) before the indexes are rebuilt.

PostgreSQL: DROP INDEX holds an exclusive lock on the table until commit, so other sessions
wait for the import; it is attempted only with a short lock timeout (else indexes stay) and
only when the import is at least as large as the table, i.e. not for a village's re-import
on a live regency.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection, transaction

TABLES = ("registry_resident", "registry_family")
BYTES_PER_ROW = 160  # an OpenSID CSV row is ~160 bytes; only used to estimate the row count


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's non-unique indexes."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = %s ORDER BY indexname",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL ORDER BY name",
                [table],
            )
        rows = cursor.fetchall()
    return [(name, sql) for name, sql in rows if "UNIQUE" not in sql.split(" ON ")[0].upper()]


def unique_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE UNIQUE INDEX statement) of the table's unique indexes that no
    constraint owns (the one-NIK and one-KK rules; not the primary key)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes i "
                "WHERE schemaname = current_schema() AND tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
                "ORDER BY indexname",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL ORDER BY name",
                [table],
            )
        rows = cursor.fetchall()
    return [(name, sql) for name, sql in rows if "UNIQUE" in sql.split(" ON ")[0].upper()]


def _empty() -> bool:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return False
    return True


def foreign_keys(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's foreign keys; PostgreSQL only (SQLite cannot drop
    one, and checks each with an index probe in C, which costs little)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        return cursor.fetchall()


def worth_deferring(file_bytes: int) -> bool:
    """True when the file likely holds at least as many rows as the resident table."""
    threshold = int(getattr(settings, "SATUDATA_IMPORT_DEFER_INDEXES_ROWS", 20_000))
    estimate = file_bytes // BYTES_PER_ROW
    if estimate < threshold:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_resident")
        return cursor.fetchone()[0] <= estimate


class DeferredIndexes:
    """drop() at the start of the import's transaction, rebuild() before it commits."""

    def __init__(self) -> None:
        self.saved: list[str] = []
        # True when the tables were empty and their unique indexes are set aside too: the
        # importer then skips its NIK and KK lookups (nothing else can be in the tables).
        self.fresh = False

    def drop(self) -> bool:
        quote = connection.ops.quote_name
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                saved = []
                for table in TABLES:
                    for name, sql in secondary_indexes(table):
                        cursor.execute(f"DROP INDEX {quote(name)}")
                        saved.append(sql)
                    # A deferred foreign key queues one trigger event per row and checks
                    # each at commit (PostgreSQL: 3 lookups a resident, most of the load);
                    # re-adding it validates the whole table in one join.
                    for name, definition in foreign_keys(table):
                        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
                        saved.append(
                            f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
                        )
                # Into empty tables (a first import) the unique indexes can wait as well: no
                # other session can add rows while the import holds the tables (PostgreSQL:
                # the DROP INDEX lock; SQLite: one writer), the importer keeps NIKs and KK
                # numbers unique itself, and re-creating the index checks that once more.
                fresh = _empty()
                if fresh:
                    for table in TABLES:
                        for name, sql in unique_indexes(table):
                            cursor.execute(f"DROP INDEX {quote(name)}")
                            saved.append(sql)
        except DatabaseError:
            return False  # busy table: load with the indexes in place
        self.saved = saved
        self.fresh = fresh
        return bool(saved)

    def rebuild(self) -> None:
        if not self.saved:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Deferred foreign-key checks must run before an index can be built; they
                # would run at commit anyway.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL lock_timeout = 0")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            else:
                # A small page cache makes SQLite's sorter cut the keys into many short
                # runs, which the helper threads sort side by side and merge; with a cache
                # that holds every key it sorts them in one thread. Measured on 600,000
                # residents: 1.33 s (32 MB, any threads) → 0.83–0.91 s (2 MB, 2 threads).
                cursor.execute("PRAGMA threads = 2")
                cursor.execute("PRAGMA cache_size = -2048")
            for sql in self.saved:
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                cursor.execute("PRAGMA threads = 0")
        self.saved = []
