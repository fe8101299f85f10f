"""Consistent backups and safe restores of the whole database and the uploaded files,
while the portal keeps serving.

SQLite: the online backup API (core/backup_sqlite.py). PostgreSQL: pg_dump and pg_restore
of one snapshot (core/backup_pg.py). The uploaded files go in a tar beside the database's
file (core/backup_media.py); a `.json` manifest beside it lists rows per table and the tar.

A restore first checks that the file is a Satu Data backup that this version can use (its
`django_migrations` and our tables, no migration this version does not know), then, under
one lock that keeps writers out, saves the current database as `pre-restore-…` and replaces
it: a restore never loses an acknowledged write, and a refused file changes nothing.
Everything a backup or restore writes is readable by this account only (personal data).
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from satudata.core import backup_media, backup_pg, backup_sqlite
from satudata.core.backup_common import BackupError, Schema, create_private
from satudata.env import PRIVATE_DIR, make_private

__all__ = ["BackupError", "BackupResult", "backup", "restore"]

# Tables every Satu Data database has had since its first migration.
REQUIRED_TABLES = {"django_migrations", "accounts_user", "audit_auditentry"}


@dataclass
class BackupResult:
    path: Path
    tables: dict[str, int]
    # After a restore: migrations of this version the restored database lacks.
    pending: list[str] = field(default_factory=list)
    media_restored: bool = False


def backup_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "backups"
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    make_private(folder, PRIVATE_DIR)
    return folder


def _database() -> dict:
    return settings.DATABASES["default"]


def is_sqlite() -> bool:
    return _database()["ENGINE"].endswith("sqlite3")


def default_backup_path(label: str = "satudata") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = ".sqlite3" if is_sqlite() else ".pgdump"
    return backup_dir() / f"{label}-{stamp}{suffix}"


def manifest_path(target: Path) -> Path:
    return target.with_name(target.name + ".json")


def table_counts(sqlite_path: Path | None = None) -> dict[str, int]:
    """Rows per table, of a SQLite file or of the live database."""
    if sqlite_path is not None:
        return backup_sqlite.table_counts(sqlite_path)
    if is_sqlite():
        return backup_sqlite.table_counts(Path(_database()["NAME"]))
    return backup_pg.table_counts()


def _write_manifest(target: Path, counts: dict[str, int], media: dict) -> None:
    manifest = manifest_path(target)
    create_private(manifest)
    manifest.write_text(
        json.dumps({"tables": counts, "media": media, "made": datetime.now().isoformat()}, indent=1)
    )


def backup(target: Path | None = None) -> BackupResult:
    """Write a consistent copy of the database to `target` (a new file), the media folder
    beside it, and the manifest."""
    target = Path(target) if target else default_backup_path()
    for path in (target, manifest_path(target), backup_media.archive_path(target)):
        if path.exists():
            raise BackupError(_("%(path)s already exists; choose a new file.") % {"path": path})
    if is_sqlite():
        counts = backup_sqlite.online_copy(_database()["NAME"], target)
    else:
        counts = backup_pg.dump(target)
    _write_manifest(target, counts, backup_media.archive(target))
    return BackupResult(path=target, tables=counts)


def _code_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _refuse_unless_ours(source: Path, schema: Schema) -> None:
    if not schema.tables >= REQUIRED_TABLES or not schema.migrations:
        raise BackupError(
            _("%(path)s is not a Satu Data backup (the portal's tables are missing).")
            % {"path": source}
        )
    known = _code_migrations()
    apps = {app for app, _name in known}
    newer = sorted(f"{a}.{n}" for a, n in schema.migrations if a in apps and (a, n) not in known)
    if newer:
        raise BackupError(
            _(
                "%(path)s was made by a newer version of Satu Data (%(count)d migrations this "
                "version does not have, e.g. %(example)s); upgrade Satu Data, then restore it."
            )
            % {"path": source, "count": len(newer), "example": newer[0]}
        )


def _restore_entry(source: Path) -> dict:
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "?"
    return {
        "actor_label": f"{_('system')} ({account})"[:150],
        "model_label": "core.backup",
        "object_pk": source.name[:64],
        "object_repr": _("Database restored from %(file)s") % {"file": source.name},
        "after": {"file": str(source)},
    }


def _forget_cached_pages() -> None:
    """Pages cached before the restore must not be served: the restore's audit entry gave
    the data a version no page was cached under, in every process (core/cache.py). A local
    cache is also emptied; Redis is not, as clear() empties its whole database (FLUSHDB),
    which another deployment may share."""
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(cache, RedisCache):
        cache.clear()


def restore(source: Path) -> BackupResult:
    """Replace the database's content (and the media folder) with a backup; the current
    content is saved first. BackupError, with nothing changed, for a file that is not a
    backup this version can restore."""
    from satudata.core.deployment import pending_migrations

    source = Path(source)
    if not source.is_file():
        raise BackupError(_("No backup file at %(path)s.") % {"path": source})
    if is_sqlite():
        schema = backup_sqlite.schema_of_backup(source)
    else:
        schema = backup_pg.schema_of_backup(source)
    _refuse_unless_ours(source, schema)
    has_media = backup_media.check(source)
    safety = default_backup_path("pre-restore")
    connections.close_all()
    if is_sqlite():
        safety_counts = backup_sqlite.restore_locked(
            _database()["NAME"], source, safety, lambda: _restore_entry(source)
        )
    else:
        safety_counts = backup_pg.restore_locked(source, safety, lambda: _restore_entry(source))
    # The media folder as it was is kept with the safety copy before it is replaced.
    _write_manifest(safety, safety_counts, backup_media.archive(safety))
    if has_media:
        backup_media.restore(source)
    _forget_cached_pages()
    connections.close_all()
    return BackupResult(
        path=safety, tables=table_counts(), pending=pending_migrations(), media_restored=has_media
    )
