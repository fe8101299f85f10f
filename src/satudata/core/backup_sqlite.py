"""SQLite backups and restores (core/backup.py holds what both databases share).

A backup is the online backup API with pages=-1: one read snapshot, so writers in other
processes never make the copy inconsistent.

A restore must not lose a write that the portal acknowledged. The safety copy and the
restore are therefore made under one write lock on the live database (BEGIN IMMEDIATE):
no write can commit between them. The backup API cannot write into a connection that holds
a transaction, so the restore copies the backup's schema and rows itself (ATTACH, DROP,
CREATE, INSERT … SELECT) inside that transaction; readers keep the old content until COMMIT
(WAL), and writers wait for it (busy timeout, 30 s).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from django.utils.translation import gettext as _

from satudata.core.backup_common import BackupError, Schema, create_private
from satudata.env import make_private


def _damaged() -> str:
    return _("The backup file %(path)s is damaged (its integrity check failed).")


def _uri(path: Path | str, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"file:{quote(str(Path(path).resolve()))}" + (f"?{query}" if query else "")


def _backup_uri(path: Path) -> str:
    """A backup opened read-only; `immutable` (no -wal beside it: nobody writes it) so that
    reading it leaves no empty -wal and -shm files beside it."""
    if Path(f"{path}-wal").exists():
        return _uri(path, mode="ro")
    return _uri(path, mode="ro", immutable="1")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(_backup_uri(path), uri=True) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: db.execute(f"SELECT COUNT(*) FROM {_quote(name)}").fetchone()[0]  # noqa: S608
            for name in names
        }


def schema_of_backup(path: Path) -> Schema:
    """The backup's tables and applied migrations; BackupError (one sentence) when the file
    is damaged or is no SQLite database at all."""
    try:
        db = sqlite3.connect(_backup_uri(path), uri=True)
        try:
            check = db.execute("PRAGMA integrity_check(1)").fetchone()[0]
            if check != "ok":
                raise BackupError(_damaged() % {"path": path})
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            migrations = set()
            if "django_migrations" in tables:
                migrations = set(db.execute("SELECT app, name FROM django_migrations"))
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise BackupError(
                _("%(path)s is not a Satu Data SQLite backup (%(error)s).")
                % {"path": path, "error": exc}
            ) from exc
        raise BackupError(_damaged() % {"path": path}) from exc
    return Schema(tables=tables, migrations=migrations)


def online_copy(live: str, target: Path) -> dict[str, int]:
    """Copy the live database into the new file `target`; its rows per table."""
    create_private(target)
    source = sqlite3.connect(live, timeout=30)
    try:
        destination = sqlite3.connect(target)
        try:
            # pages=-1 copies everything in one step under one read snapshot.
            source.backup(destination, pages=-1)
            # A backup is one self-contained file: no -wal or -shm beside it.
            destination.execute("PRAGMA journal_mode=DELETE")
            check = destination.execute("PRAGMA integrity_check(1)").fetchone()[0]
        finally:
            destination.close()
    finally:
        source.close()
    if check != "ok":
        target.unlink(missing_ok=True)
        raise BackupError(_("The backup failed its integrity check; try again."))
    make_private(target)
    return table_counts(target)


def _max_audit_id(db: sqlite3.Connection, schema: str) -> int:
    present = db.execute(
        f"SELECT 1 FROM {schema}.sqlite_master WHERE name='audit_auditentry'"  # noqa: S608
    ).fetchone()
    if not present:
        return 0  # a new, empty database
    row = db.execute(f"SELECT MAX(id) FROM {schema}.audit_auditentry").fetchone()  # noqa: S608
    highest = row[0] or 0
    # AUTOINCREMENT remembers ids of deleted rows too: those were versions once.
    sequence = db.execute(
        f"SELECT seq FROM {schema}.sqlite_sequence WHERE name='audit_auditentry'"  # noqa: S608
    ).fetchone()  # sqlite_sequence exists: audit_auditentry is an AUTOINCREMENT table
    return max(highest, sequence[0] if sequence else 0)


def _replace_content(db: sqlite3.Connection) -> None:
    """Make `main` hold exactly the schema and rows of the attached `bk`, inside the
    caller's transaction. Tables the backup does not have (added by newer migrations) go
    too, so `satudata migrate` can create them again."""
    for kind in ("view", "trigger", "table"):
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM main.sqlite_master WHERE type=? AND name NOT LIKE 'sqlite_%'",
                (kind,),
            )
        ]
        for name in names:
            db.execute(f"DROP {kind.upper()} IF EXISTS main.{_quote(name)}")
    objects = db.execute(
        "SELECT type, name, sql FROM bk.sqlite_master "
        "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    tables = [(name, sql) for kind, name, sql in objects if kind == "table"]
    for _name, sql in tables:
        db.execute(sql)
    for name, _sql in tables:
        db.execute(f"INSERT INTO main.{_quote(name)} SELECT * FROM bk.{_quote(name)}")  # noqa: S608
    has_sequence = db.execute(
        "SELECT 1 FROM bk.sqlite_master WHERE name='sqlite_sequence'"
    ).fetchone()
    if has_sequence:
        db.execute("DELETE FROM main.sqlite_sequence")
        db.execute("INSERT INTO main.sqlite_sequence SELECT * FROM bk.sqlite_sequence")
    for kind in ("index", "trigger", "view"):
        for object_kind, _name, sql in objects:
            if object_kind == kind:
                db.execute(sql)


def restore_locked(
    live: str, source: Path, safety: Path, audit_entry: Callable[[], dict]
) -> dict[str, int]:
    """Under one write lock: copy the live database to `safety`, replace its content with
    `source`'s, and write the restore's own audit entry; the safety copy's row counts."""
    db = sqlite3.connect(_uri(live), uri=True, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=OFF")  # the backup's rows are consistent already
        db.execute("ATTACH DATABASE ? AS bk", (_backup_uri(source),))
        db.execute("BEGIN IMMEDIATE")
        try:
            # Nobody can commit now; a second connection still reads (WAL), so the safety
            # copy holds every write acknowledged before this restore.
            safety_counts = online_copy(live, safety)
            newest_gone = _max_audit_id(db, "main")
            _replace_content(db)
            _record_restore(db, max(newest_gone, _max_audit_id(db, "main")) + 1, audit_entry())
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("DETACH DATABASE bk")
        # The restore wrote the whole database into the WAL: give that space back.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as exc:
        safety.unlink(missing_ok=True)
        raise BackupError(
            _("The restore failed and nothing changed: %(error)s") % {"error": exc}
        ) from exc
    finally:
        db.close()
    return safety_counts


def _record_restore(db: sqlite3.Connection, entry_id: int, entry: dict) -> None:
    """The restore's audit entry, with an id above every id the replaced data used: the
    public cache's version (the newest audit id) is then new, in every process."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    db.execute(
        "INSERT INTO main.audit_auditentry (id, at, actor_id, actor_label, action, model_label, "
        "object_pk, object_repr, region_code, before, after) "
        "VALUES (?, ?, NULL, ?, 'restore', ?, ?, ?, '', NULL, ?)",
        (
            entry_id,
            now,
            entry["actor_label"],
            entry["model_label"],
            entry["object_pk"],
            entry["object_repr"],
            json.dumps(entry["after"]),
        ),
    )
