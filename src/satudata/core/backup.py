"""Consistent backups and safe restores of the whole database, while the portal keeps serving.

SQLite: the online backup API copies a consistent snapshot page by page while other
processes keep reading and writing. PostgreSQL: pg_dump (custom format) and pg_restore.
A restore first backs up the current database, so a restore can never lose data for good.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why in one sentence."""


@dataclass
class BackupResult:
    path: Path
    tables: dict[str, int]


def backup_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _database() -> dict:
    return settings.DATABASES["default"]


def is_sqlite() -> bool:
    return _database()["ENGINE"].endswith("sqlite3")


def default_backup_path(label: str = "satudata") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = ".sqlite3" if is_sqlite() else ".pgdump"
    return backup_dir() / f"{label}-{stamp}{suffix}"


def table_counts(sqlite_path: Path | None = None) -> dict[str, int]:
    """Rows per table, of a SQLite file or of the live database."""
    if sqlite_path is not None:
        with sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True) as db:
            names = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {
                name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                for name in names
            }
    connection = connections["default"]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
        return counts


def _pg_env() -> dict[str, str]:
    db = _database()
    env = {
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER") or "",
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v}


def _run_pg_tool(args: list[str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(
            _("%(tool)s is not installed; install the PostgreSQL client tools.") % {"tool": args[0]}
        )
    import os

    result = subprocess.run(  # noqa: S603 - fixed tool, arguments we build
        [tool, *args[1:]], env={**os.environ, **_pg_env()}, capture_output=True, text=True
    )
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["?"])[0]
        raise BackupError(_("%(tool)s failed: %(error)s") % {"tool": args[0], "error": first})


def backup(target: Path | None = None) -> BackupResult:
    """Write a consistent copy of the whole database to `target` (a new file)."""
    target = Path(target) if target else default_backup_path()
    if target.exists():
        raise BackupError(_("%(path)s already exists; choose a new file.") % {"path": target})
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite():
        source = sqlite3.connect(_database()["NAME"], timeout=30)
        try:
            destination = sqlite3.connect(target)
            try:
                # pages=-1 copies everything in one step under one read snapshot, so writers
                # in other processes never make the copy inconsistent.
                source.backup(destination, pages=-1)
                check = destination.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                destination.close()
        finally:
            source.close()
        if check != "ok":
            target.unlink(missing_ok=True)
            raise BackupError(
                _("The backup failed its integrity check: %(error)s") % {"error": check}
            )
        counts = table_counts(target)
    else:
        _run_pg_tool(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"])
        counts = table_counts()
    manifest = target.with_name(target.name + ".json")
    manifest.write_text(
        json.dumps({"tables": counts, "made": datetime.now().isoformat()}, indent=1)
    )
    return BackupResult(path=target, tables=counts)


def restore(source: Path) -> BackupResult:
    """Replace the database's content with a backup; the current content is backed up first."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(_("No backup file at %(path)s.") % {"path": source})
    if is_sqlite():
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as probe:
                check = probe.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                _("%(path)s is not a Satu Data SQLite backup (%(error)s).")
                % {"path": source, "error": exc}
            ) from exc
        if check != "ok":
            raise BackupError(_("The backup file is damaged: %(error)s") % {"error": check})
    safety = backup(default_backup_path("pre-restore"))
    connections.close_all()
    if is_sqlite():
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_database()["NAME"], timeout=30)
        try:
            # The backup API writes the whole file under one write lock: readers in other
            # processes see either the old or the new database, never a mix.
            origin.backup(live, pages=-1)
        finally:
            origin.close()
            live.close()
        counts = table_counts(Path(_database()["NAME"]))
    else:
        _run_pg_tool(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_database()['NAME']}",
                str(source),
            ]
        )
        counts = table_counts()
    return BackupResult(path=safety.path, tables=counts)
