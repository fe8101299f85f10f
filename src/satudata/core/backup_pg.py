"""PostgreSQL backups and restores (core/backup.py holds what both databases share).

A backup is `pg_dump -Fc` of a snapshot exported by our own repeatable-read transaction,
and the manifest's row counts are taken in that same transaction: they match the dump.

A restore must not lose a write that the portal acknowledged, nor leave tables of a newer
schema behind (then `satudata migrate` fails on "relation already exists"). So one session
of ours does all of it in one transaction:
1. LOCK every table IN EXCLUSIVE MODE: writers wait, readers (and pg_dump) go on;
2. the safety copy: pg_dump of this transaction's snapshot, so it holds every write
   acknowledged before the lock, and none can come after it;
3. DROP every table, view and sequence of the schema, then run the backup's SQL
   (pg_restore's script output, its COPY blocks sent through COPY FROM STDIN);
4. the restore's own audit entry, then COMMIT. Readers see the old data until then.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from satudata.core.backup_common import BackupError, Schema, create_private
from satudata.env import make_private

TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ")
META_COMMANDS = (b"\\restrict", b"\\unrestrict")  # psql-only lines of pg_dump 15.14+


def _database() -> dict:
    return settings.DATABASES["default"]


def _pg_env() -> dict[str, str]:
    db = _database()
    env = {
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER") or "",
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGSSLMODE": str(db.get("OPTIONS", {}).get("sslmode") or ""),
    }
    return {k: v for k, v in env.items() if v}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s is not installed; install the PostgreSQL client tools.") % {"tool": name}
        )
    return path


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - a PostgreSQL tool, arguments we build
        [_tool(args[0]), *args[1:]],
        env={**os.environ, **_pg_env()},
        capture_output=True,
    )


def _first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "?"


def _connect():
    import psycopg

    db = _database()
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    options = {k: v for k, v in db.get("OPTIONS", {}).items() if isinstance(v, str)}
    return psycopg.connect(**{k: v for k, v in params.items() if v}, **options)


def _tables(conn) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(conn) -> dict[str, int]:
    return {
        name: conn.execute(f"SELECT COUNT(*) FROM {_quote(name)}").fetchone()[0]  # noqa: S608
        for name in _tables(conn)
    }


def _dump(snapshot: str, target: Path) -> None:
    result = _run(
        ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}"]
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(_("pg_dump failed: %(error)s") % {"error": _first_line(result.stderr)})
    make_private(target)


def dump(target: Path) -> dict[str, int]:
    """pg_dump into the new file `target`; the rows per table in the very same snapshot."""
    import psycopg

    create_private(target)
    try:
        conn = _connect()
    except psycopg.Error as exc:
        target.unlink(missing_ok=True)
        raise BackupError(str(exc).strip().splitlines()[0]) from exc
    with conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _counts(conn)
        _dump(snapshot, target)  # while our transaction, and so the snapshot, stays open
        conn.rollback()
    return counts


def table_counts() -> dict[str, int]:
    with _connect() as conn:
        return _counts(conn)


def _damaged() -> str:
    return _("The backup file %(path)s is damaged (pg_restore cannot read it to the end).")


def schema_of_backup(path: Path) -> Schema:
    """The dump's tables (from its table of contents) and applied migrations; BackupError
    (one sentence) when pg_restore cannot read it, to its end."""
    toc = _run(["pg_restore", "--list", str(path)])
    with path.open("rb") as handle:
        archive = handle.read(5) == b"PGDMP"  # pg_dump's custom format, cut short or damaged
    if toc.returncode != 0 and archive:
        raise BackupError(_damaged() % {"path": path})
    if toc.returncode != 0:
        raise BackupError(
            _("%(path)s is not a Satu Data PostgreSQL backup (pg_restore cannot read it).")
            % {"path": path}
        )
    tables = set()
    for line in toc.stdout.decode("utf-8", "replace").splitlines():
        match = TOC_TABLE.match(line)
        if match:
            tables.add(match.group(2))
    # Reading every entry finds a truncated or damaged file before anything changes.
    whole = _run(["pg_restore", "--file=/dev/null", str(path)])
    if whole.returncode != 0:
        raise BackupError(_damaged() % {"path": path})
    migrations: set[tuple[str, str]] = set()
    if "django_migrations" in tables:
        data = _run(
            ["pg_restore", "--data-only", "--table=django_migrations", "--file=-", str(path)]
        )
        for _copy, rows in _copy_blocks(data.stdout.splitlines(keepends=True)):
            for row in rows:
                fields = row.decode("utf-8").rstrip("\n").split("\t")
                migrations.add((fields[1], fields[2]))
    return Schema(tables=tables, migrations=migrations)


def _copy_blocks(lines) -> Iterator[tuple[bytes, list[bytes]]]:
    lines = iter(lines)
    for line in lines:
        if line.startswith(b"COPY ") and line.rstrip().endswith(b"FROM stdin;"):
            rows = []
            for row in lines:
                if row.rstrip(b"\r\n") == b"\\.":
                    break
                rows.append(row)
            yield line, rows


def _run_script(conn, lines) -> None:
    """Run pg_restore's script output in our transaction: SQL as it comes, COPY blocks
    through COPY FROM STDIN."""
    lines = iter(lines)
    sql: list[bytes] = []
    for line in lines:
        if line.startswith(META_COMMANDS):
            continue
        if not (line.startswith(b"COPY ") and line.rstrip().endswith(b"FROM stdin;")):
            sql.append(line)
            continue
        if any(part.strip() for part in sql):
            conn.execute(b"".join(sql).decode("utf-8"))
        sql = []
        with conn.cursor().copy(line.decode("utf-8").rstrip().rstrip(";")) as copy:
            for row in lines:
                if row.rstrip(b"\r\n") == b"\\.":
                    break
                copy.write(row)
    if any(part.strip() for part in sql):
        conn.execute(b"".join(sql).decode("utf-8"))


def _max_audit_id(conn) -> int:
    present = conn.execute("SELECT to_regclass('audit_auditentry')").fetchone()[0]
    if present is None:
        return 0
    row = conn.execute(
        "SELECT COALESCE(MAX(id), 0), "
        "pg_sequence_last_value(pg_get_serial_sequence('audit_auditentry', 'id')::regclass) "
        "FROM audit_auditentry"
    ).fetchone()
    return max(row[0], row[1] or 0)


def _drop_everything(conn) -> None:
    """Every table, view and sequence of our schema: the backup's schema comes back whole,
    and no table of a newer schema stays to break `satudata migrate`."""
    tables = _tables(conn)
    if tables:
        conn.execute("DROP TABLE " + ", ".join(_quote(t) for t in tables) + " CASCADE")
    for kind, keyword in (("v", "VIEW"), ("m", "MATERIALIZED VIEW"), ("S", "SEQUENCE")):
        names = [
            row[0]
            for row in conn.execute(
                "SELECT relname FROM pg_class WHERE relkind = %s "
                "AND relnamespace = current_schema()::regnamespace",
                (kind,),
            )
        ]
        if names:
            conn.execute(f"DROP {keyword} IF EXISTS " + ", ".join(map(_quote, names)) + " CASCADE")


def _lock_all_tables(conn) -> str:
    """Lock every table against writers, then take the snapshot (in that order, or a write
    committed in between would be in neither copy); the exported snapshot's name."""
    import psycopg

    for _attempt in range(3):
        tables = _tables(conn)
        conn.commit()
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        if tables:
            # LOCK takes no snapshot: the transaction's snapshot is the next query's.
            conn.execute("LOCK TABLE " + ", ".join(map(_quote, tables)) + " IN EXCLUSIVE MODE")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        if _tables(conn) == tables:
            return snapshot
        conn.rollback()  # a table was made meanwhile (a dataset release): lock it too
    raise BackupError(_("Tables are being created right now; try the restore again."))


def restore_locked(source: Path, safety: Path, audit_entry: Callable[[], dict]) -> dict[str, int]:
    """The four steps above; the safety copy's row counts."""
    import psycopg

    create_private(safety)
    script = None
    try:
        with _connect() as conn:
            snapshot = _lock_all_tables(conn)
            safety_counts = _counts(conn)
            _dump(snapshot, safety)
            newest_gone = _max_audit_id(conn)
            _drop_everything(conn)
            script = subprocess.Popen(  # noqa: S603 - pg_restore, arguments we build
                [_tool("pg_restore"), "--no-owner", "--no-acl", "--file=-", str(source)],
                env={**os.environ, **_pg_env()},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            _run_script(conn, script.stdout)
            error = script.stderr.read()
            if script.wait() != 0:
                raise BackupError(_("pg_restore failed: %(error)s") % {"error": _first_line(error)})
            conn.execute("RESET search_path")  # the script emptied it
            entry_id = max(newest_gone, _max_audit_id(conn)) + 1
            _record_restore(conn, entry_id, audit_entry())
    except (psycopg.Error, BackupError) as exc:
        safety.unlink(missing_ok=True)
        if isinstance(exc, BackupError):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackupError(
            _("The restore failed and nothing changed: %(error)s") % {"error": first}
        ) from exc
    finally:
        if script is not None and script.poll() is None:
            script.kill()
            script.wait()
    return safety_counts


def _record_restore(conn, entry_id: int, entry: dict) -> None:
    """The restore's audit entry, with an id above every id the replaced data used: the
    public cache's version (the newest audit id) is then new, in every process."""
    from psycopg.types.json import Jsonb

    conn.execute(
        "INSERT INTO audit_auditentry (id, at, actor_id, actor_label, action, model_label, "
        "object_pk, object_repr, region_code, before, after) "
        "VALUES (%s, now(), NULL, %s, 'restore', %s, %s, %s, '', NULL, %s)",
        (
            entry_id,
            entry["actor_label"],
            entry["model_label"],
            entry["object_pk"],
            entry["object_repr"],
            Jsonb(entry["after"]),
        ),
    )
    conn.execute("SELECT setval(pg_get_serial_sequence('audit_auditentry', 'id'), %s)", (entry_id,))
