"""Checks of a deployment that Django's system checks do not make, each as one clear sentence."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from satudata.core.oserrors import reason


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
            "error": reason(exc),
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


def cache_problem() -> str | None:
    """None when the shared cache (Redis, REDIS_URL) answers or none is configured, else why.

    The portal still serves without it (core/cachebackend.py), only slower: `serve` starts
    anyway, while `check` and `/healthz` say so."""
    from django.core.cache import cache

    ping = getattr(cache, "ping", None)
    error = ping() if ping else None
    if error is None:
        return None
    return _(
        "Redis (REDIS_URL) does not answer (%(error)s): the portal serves without its shared "
        "cache, slower; start Redis or correct REDIS_URL."
    ) % {"error": error}


# Django's deploy checks (`check --deploy`) that one setting of ours answers, with what to do.
_HTTPS_CHECKS = {
    "security.W004",  # HSTS
    "security.W005",
    "security.W008",  # SSL redirect
    "security.W010",  # secure session cookie
    "security.W011",
    "security.W012",
    "security.W016",  # secure CSRF cookie
    "security.W021",
}


def _deploy_sentence(check_ids: list[str]) -> str | None:
    first = check_ids[0]
    if first in _HTTPS_CHECKS:
        return _(
            "HTTPS is off (SATUDATA_HTTPS): cookies may travel unencrypted and browsers are not "
            "told to use HTTPS; set SATUDATA_HTTPS=true behind the HTTPS proxy."
        )
    return {
        "security.W018": _(
            "DEBUG is on: an error page would show the settings and code to anyone; set "
            "DEBUG=false."
        ),
        "security.W009": _(
            "SECRET_KEY is weak (under 50 characters, few different characters, or Django's "
            "example key); put at least 50 random characters in SECRET_KEY_FILE."
        ),
        "security.W020": _(
            "ALLOWED_HOSTS is empty; set it to the portal's host name, e.g. "
            "satudata.kuburayakab.go.id."
        ),
    }.get(first)


def deploy_problems() -> list[tuple[list[str], str]]:
    """What makes this configuration unsafe on the internet: (Django's check ids, a sentence).

    Django's security checks that we explain come as one sentence per setting to change;
    others are left for Django's report (their ids are then not in this list)."""
    from django.core import checks

    issues = [
        issue
        for issue in checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
        if issue.level >= checks.WARNING and not issue.is_silenced()
    ]
    grouped: dict[str, list[str]] = {}
    for issue in issues:
        group = "https" if issue.id in _HTTPS_CHECKS else issue.id
        grouped.setdefault(group, [])
        if issue.id not in grouped[group]:
            grouped[group].append(issue.id)
            grouped[group].sort()
    problems = []
    for check_ids in grouped.values():
        sentence = _deploy_sentence(check_ids)
        if sentence:
            problems.append((check_ids, sentence))
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            (
                [],
                _(
                    "ALLOWED_HOSTS accepts any host name (*); list only the portal's own, e.g. "
                    "satudata.kuburayakab.go.id."
                ),
            )
        )
    return problems
