"""Checks of a deployment that Django's system checks do not make, each as one clear sentence."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _


def database_problem() -> str | None:
    """None when the database answers, else a sentence saying what is wrong."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any driver error means the same to the operator
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _("The database cannot be reached (%(engine)s): %(error)s") % {
            "engine": connection.vendor,
            "error": first_line,
        }
    return None


def pending_migrations() -> list[str]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def data_folder_problem() -> str | None:
    folder = Path(settings.DATA_DIR)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        return _("The data folder %(folder)s is not writable (%(error)s).") % {
            "folder": folder,
            "error": exc.strerror,
        }
    return None


def startup_problems(*, need_migrated: bool = True) -> list[str]:
    """Everything that stops the portal from serving, as sentences; empty when all is well."""
    problems = [p for p in (data_folder_problem(), database_problem()) if p]
    if not problems and need_migrated:
        pending = pending_migrations()
        if pending:
            problems.append(
                _(
                    "The database is not up to date (%(count)d migrations pending); "
                    "run: satudata migrate"
                )
                % {"count": len(pending)}
            )
    return problems
