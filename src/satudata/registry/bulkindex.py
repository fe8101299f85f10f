"""Secondary indexes set aside while a large import loads and rebuilt before it commits.

Maintaining the name and family indexes row by row costs more than building them once from
sorted data, when the import brings at least as many rows as the tables hold (a first import
of a regency). The drop and the rebuild run inside the import's transaction, and both
databases make DDL transactional, so a failed or rolled-back import leaves every index as it
was. Unique indexes (NIK, KK number, primary keys) stay: the importer's per-chunk lookups and
the one-record rule need them while loading. On PostgreSQL the tables' foreign keys are set
aside the same way and re-added (so validated in one pass) before the indexes are rebuilt.
Into empty PostgreSQL tables the primary keys wait too (with the other tables' foreign keys
that point at them), and the import's constant columns are loaded as column defaults.

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


def empty() -> bool:
    """True when residents and families hold no row."""
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return False
    return True


def foreign_keys(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's foreign keys; PostgreSQL only (SQLite cannot drop
    one, and checks each with an index probe in C, which costs little)."""
    return _constraints(table, "f")


def primary_keys(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's primary key; PostgreSQL only (SQLite's is the
    rowid, no index of its own)."""
    return _constraints(table, "p")


def _constraints(table: str, kind: str) -> list[tuple[str, str]]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = %s ORDER BY conname",
            [table, kind],
        )
        return cursor.fetchall()


def references_to(table: str) -> list[tuple[str, str, str]]:
    """(table, name, definition) of other tables' foreign keys to `table`; PostgreSQL only."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f' "
            "AND conrelid <> confrelid ORDER BY 1, 2",
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
        # Statements putting back what drop() set aside, run by rebuild() in this order:
        # primary keys, then indexes and the tables' own foreign keys, then the foreign
        # keys of other tables (they need the primary keys).
        self.keys: list[str] = []
        self.saved: list[str] = []
        self.references: list[str] = []
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
                fresh = empty()
                keys, references = [], []
                if fresh:
                    for table in TABLES:
                        for name, sql in unique_indexes(table):
                            cursor.execute(f"DROP INDEX {quote(name)}")
                            saved.append(sql)
                    # PostgreSQL maintains a primary key index row by row during COPY:
                    # ~1 s of the server's CPU per 600,000 residents, against ~0.2 s to
                    # build it from the loaded table. The ids come from the sequence or
                    # IdBlock, and re-adding the key checks them once more. Other
                    # tables' foreign keys to it (letters, merges, life events) must go
                    # first; they hold no row, since the table they point at is empty.
                    for table in TABLES:
                        for other, name, definition in references_to(table):
                            cursor.execute(f"ALTER TABLE {other} DROP CONSTRAINT {quote(name)}")
                            references.append(
                                f"ALTER TABLE {other} ADD CONSTRAINT {quote(name)} {definition}"
                            )
                        for name, definition in primary_keys(table):
                            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
                            keys.append(
                                f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
                            )
        except DatabaseError:
            return False  # busy table: load with the indexes in place
        self.keys, self.saved, self.references = keys, saved, references
        self.fresh = fresh
        return bool(saved)

    def load_defaults(self, table: str, constants: dict) -> dict:
        """PostgreSQL, tables set aside: make the import's constant columns (flags,
        timestamps, version) the columns' defaults until rebuild(), so that COPY neither
        sends nor parses them (the two timestamps alone cost the server ~0.6 s of CPU per
        600,000 rows). Returns the constants still to be written with each row: all of them
        on SQLite, where they are literals of the INSERT, or when the tables are not held."""
        if connection.vendor != "postgresql" or not self.saved:
            return constants
        from psycopg.sql import Literal  # PostgreSQL's driver: only needed here

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped AND NOT atthasdef",
                [table],
            )
            free = {name for (name,) in cursor.fetchall()}
            left = {}
            for column, value in constants.items():
                if column not in free:
                    left[column] = value  # a default of its own: leave it alone
                    continue
                literal = Literal(value).as_string(connection.connection)
                cursor.execute(f"ALTER TABLE {table} ALTER {column} SET DEFAULT {literal}")
                self.saved.append(f"ALTER TABLE {table} ALTER {column} DROP DEFAULT")
        return left

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
            for statement in [*self.keys, *self.saved, *self.references]:
                cursor.execute(statement)
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                _analyze(cursor)
            else:
                cursor.execute("PRAGMA threads = 0")
        self.keys, self.saved, self.references = [], [], []


def _analyze(cursor) -> None:
    """PostgreSQL: statistics of the loaded tables, committed with the rows. Without them
    (autovacuum comes a minute or more later) the planner takes `deleted_at IS NULL` for
    0.5% of the rows and reads the one-NIK partial index in full for every family on a
    page: 5.4 s for the custodian's family search after a 600,000-row import, 10 ms with
    statistics. A sample of 9,000 rows (target 30, ~0.2 s) instead of the default 30,000
    (~1 s) gives the same plans for the registry's pages."""
    cursor.execute("SET LOCAL default_statistics_target = 30")
    cursor.execute(f"ANALYZE {', '.join(TABLES)}")
    cursor.execute("RESET default_statistics_target")
