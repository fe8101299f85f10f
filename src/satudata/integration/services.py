"""All writes of the integration app: connectors, run requests, and running a pull.

A pulled file goes through exactly the datasets app's upload (`upload_release`) as the
connector's account, inside one transaction that is rolled back unless the release is valid:
a failed run leaves the dataset exactly as it was.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.datasets import services as datasets
from satudata.datasets.models import Dataset, Release
from satudata.integration import ckan, queue
from satudata.integration.fetch import SourceProblem, download, sniff
from satudata.integration.load import columns_changed, prepare
from satudata.integration.models import Connector, ConnectorRun

log = logging.getLogger("satudata.integration")
KIND = "connector"  # the worker's name for connector runs (integration.queue)

EDITABLE = (
    "name dataset kind url format ckan_dataset ckan_resource mapping year interval_minutes "
    "enabled timeout_seconds max_size_mb"
).split()
# Exponential backoff between attempts: 1, 2, 4, 8 minutes … never more than an hour.
RETRY_BASE_SECONDS = 60
RETRY_CAP_SECONDS = 3600
MAX_ATTEMPTS = 5
# A run still "running" after this long lost its worker (killed, machine restarted).
STALE_AFTER = datetime.timedelta(hours=2)
SHOWN_PROBLEMS = 20
# Bounds of a connector's settings: a producer must not switch off the server's safety limits
# (a 0 s time limit, a size limit that fills the disk, a pull on every worker pass).
MAX_TIMEOUT_SECONDS = 600
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 366 * 24 * 60
FIRST_YEAR = 1900


def _check_dataset(actor, dataset: Dataset) -> None:
    if not datasets.can_edit(actor, dataset):
        raise PermissionDenied(_("You may only connect sources to your own agency's datasets."))


def _check_mapping(mapping, dataset: Dataset) -> None:
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValidationError({"mapping": _("The mapping must pair source columns with fields.")})
    names = set(dataset.fields.values_list("name", flat=True))
    unknown = sorted({v.strip().lower() for v in mapping.values()} - names)
    if unknown:
        raise ValidationError(
            {"mapping": _("The dataset has no field %(names)s.") % {"names": ", ".join(unknown)}}
        )


def limits() -> dict[str, tuple[int, int]]:
    """Each bounded field's lowest and highest value, as of now (the year moves on)."""
    return {
        "timeout_seconds": (1, MAX_TIMEOUT_SECONDS),
        "max_size_mb": (1, settings.CONNECTOR_MAX_SIZE_MB),
        "interval_minutes": (MIN_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES),
        "year": (FIRST_YEAR, timezone.localdate().year + 1),
    }


def limit_problem(field: str, value) -> str | None:
    """The sentence naming the field (Indonesian in the UI) when `value` is out of bounds."""
    low, high = limits()[field]
    if value is None or low <= value <= high:
        return None
    messages = {
        "timeout_seconds": _("The time limit must be between %(low)d and %(high)d seconds."),
        "max_size_mb": _("The size limit must be between %(low)d and %(high)d MB."),
        "interval_minutes": _(
            "The pull interval must be between %(low)d minutes and one year (%(high)d minutes)."
        ),
        "year": _("The release year must be between %(low)d and %(high)d."),
    }
    return messages[field] % {"low": low, "high": high}


def _check_limits(values: dict) -> None:
    problems = {
        field: message
        for field in limits()
        if field in values and (message := limit_problem(field, values[field]))
    }
    if problems:
        raise ValidationError(problems)


def _check_kind(values: dict) -> None:
    if values.get("kind") == Connector.Kind.CKAN and not values.get("ckan_dataset"):
        raise ValidationError({"ckan_dataset": _("Name the CKAN dataset to pull.")})


@transaction.atomic
def create_connector(actor, **values) -> Connector:
    """A new connector on a dataset the actor may change; it runs as the actor's account."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown connector fields {unknown}")
    dataset = values["dataset"]
    _check_dataset(actor, dataset)
    _check_limits(values)
    _check_kind(values)
    _check_mapping(values.get("mapping") or {}, dataset)
    connector = Connector(agency_id=dataset.agency_id, owner=actor, **values)
    connector.next_run_at = timezone.now()
    return audit.create(actor, connector)


@transaction.atomic
def update_connector(actor, connector: Connector, **changes) -> Connector:
    if not Connector.objects.editable_by(actor).filter(pk=connector.pk).exists():
        raise PermissionDenied(_("You may only change your own agency's connectors."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown connector fields {unknown}")
    dataset = changes.get("dataset", connector.dataset)
    _check_dataset(actor, dataset)
    _check_limits(changes)
    _check_kind({"kind": connector.kind, "ckan_dataset": connector.ckan_dataset, **changes})
    _check_mapping(changes.get("mapping", connector.mapping) or {}, dataset)
    source = ("url", "kind", "format", "ckan_dataset", "ckan_resource", "mapping", "dataset")
    # Compare with the stored record: a bound form has already set the new values on `connector`.
    stored = Connector.all_objects.get(pk=connector.pk)
    if any(k in changes and changes[k] != getattr(stored, k) for k in source):
        # A new source starts over: no stale ETag, no stale column list.
        changes.update(etag="", last_modified="", source_modified="", source_columns=[])
    changes["agency_id"] = dataset.agency_id
    changes["owner"] = actor
    return audit.update(actor, connector, **changes)


@transaction.atomic
def delete_connector(actor, connector: Connector) -> Connector:
    if not Connector.objects.editable_by(actor).filter(pk=connector.pk).exists():
        raise PermissionDenied(_("You may only change your own agency's connectors."))
    connector.runs.filter(status=ConnectorRun.Status.DUE).delete()
    return audit.soft_delete(actor, connector)


@transaction.atomic
def request_run(actor, connector: Connector) -> ConnectorRun:
    """Run now: queue a run for the worker unless one is already waiting or running."""
    if not Connector.objects.editable_by(actor).filter(pk=connector.pk).exists():
        raise PermissionDenied(_("You may only run your own agency's connectors."))
    pending = connector.runs.filter(
        status__in=[ConnectorRun.Status.DUE, ConnectorRun.Status.RUNNING]
    ).first()
    if pending is not None:
        return pending
    run = ConnectorRun.objects.create(
        connector=connector, due_at=timezone.now(), requested_by=actor
    )
    audit.record(actor, AuditEntry.Action.CREATE, run, after=audit.snapshot(run))
    queue.push(KIND, run.pk)
    return run


# The worker's side: scheduling, claiming and running.


def reclaim_stale(now: datetime.datetime | None = None) -> int:
    """Fail runs whose worker died mid-run, and queue their retry, so nothing stays stuck."""
    now = now or timezone.now()
    stale = ConnectorRun.objects.filter(
        status=ConnectorRun.Status.RUNNING, started_at__lt=now - STALE_AFTER
    ).select_related("connector")
    count = 0
    for run in stale:
        if ConnectorRun.objects.filter(pk=run.pk, status=ConnectorRun.Status.RUNNING).update(
            status=ConnectorRun.Status.FAILED
        ):
            with translation.override("id"):
                message = _("The worker stopped during this run (no result after %(h)d hours).") % {
                    "h": STALE_AFTER.total_seconds() // 3600
                }
            _finish(run, ConnectorRun.Status.FAILED, [message], retry=True)
            count += 1
    return count


def enqueue_scheduled(now: datetime.datetime | None = None) -> int:
    """Queue one run for every enabled connector whose next pull time has come."""
    now = now or timezone.now()
    reclaim_stale(now)
    queued = 0
    for connector in Connector.objects.filter(enabled=True, next_run_at__lte=now):
        minutes = max(MIN_INTERVAL_MINUTES, connector.interval_minutes)  # saved before the bounds
        following = now + datetime.timedelta(minutes=minutes)
        with transaction.atomic():
            # Only the worker that moves next_run_at forward queues the run.
            moved = Connector.objects.filter(
                pk=connector.pk, next_run_at=connector.next_run_at
            ).update(next_run_at=following)
            pending = connector.runs.filter(
                status__in=[ConnectorRun.Status.DUE, ConnectorRun.Status.RUNNING]
            ).exists()
            if moved and not pending:
                run = ConnectorRun.objects.create(connector=connector, due_at=now)
                queue.push(KIND, run.pk)
                queued += 1
    return queued


def _due(now: datetime.datetime):
    return ConnectorRun.objects.filter(
        status=ConnectorRun.Status.DUE, due_at__lte=now, connector__deleted_at__isnull=True
    )


def claim(run_id: int, now: datetime.datetime | None = None) -> ConnectorRun | None:
    """Take this run if it is due; the conditional UPDATE lets only one worker have it."""
    now = now or timezone.now()
    if not _due(now).filter(pk=run_id).exists():
        return None
    taken = ConnectorRun.objects.filter(pk=run_id, status=ConnectorRun.Status.DUE).update(
        status=ConnectorRun.Status.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return None
    return ConnectorRun.objects.select_related("connector", "connector__dataset").get(pk=run_id)


def claim_next(now: datetime.datetime | None = None) -> ConnectorRun | None:
    """Take the oldest due run (the database queue, and the Redis queue's safety net)."""
    now = now or timezone.now()
    while True:
        candidate = _due(now).order_by("due_at", "id").values_list("pk", flat=True).first()
        if candidate is None:
            return None
        run = claim(candidate, now)
        if run is not None:
            return run


def backoff(attempt: int) -> datetime.timedelta:
    return datetime.timedelta(
        seconds=min(RETRY_BASE_SECONDS * 2 ** (attempt - 1), RETRY_CAP_SECONDS)
    )


def _finish(run: ConnectorRun, status: str, messages: list[str], retry: bool = False) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.messages = messages
    if status == ConnectorRun.Status.FAILED and retry and run.attempt < MAX_ATTEMPTS:
        run.next_retry_at = run.finished_at + backoff(run.attempt)
        with translation.override("id"):
            run.messages.append(
                _("Attempt %(n)d of %(max)d failed; trying again at %(at)s.")
                % {
                    "n": run.attempt,
                    "max": MAX_ATTEMPTS,
                    "at": timezone.localtime(run.next_retry_at).strftime("%Y-%m-%d %H:%M"),
                }
            )
        retry_run = ConnectorRun.objects.create(
            connector=run.connector,
            attempt=run.attempt + 1,
            due_at=run.next_retry_at,
            requested_by=run.requested_by,
        )
        queue.push(KIND, retry_run.pk, due_at=retry_run.due_at)
    run.save()


def _period(connector: Connector) -> dict:
    return {"year": connector.year or timezone.localdate().year}


def _upload(run: ConnectorRun, path: Path, fmt: str, source_name: str) -> Release:
    """Upload through the datasets app; anything but a valid release is rolled back."""
    connector = run.connector

    class Invalid(Exception):
        pass

    try:
        with transaction.atomic():
            release = datasets.upload_release(
                connector.owner,
                connector.dataset,
                path=path,
                fmt=fmt,
                source_name=source_name,
                **_period(connector),
            )
            if release.status != Release.Status.VALID:
                raise Invalid(release)
    except Invalid as exc:
        release = exc.args[0]
        with translation.override("id"):
            lines = [
                _("The source's data did not pass validation (%(n)d problems); nothing was loaded.")
                % {"n": release.error_count}
            ]
        lines += [p["message"] for p in release.report.get("problems", [])[:SHOWN_PROBLEMS]]
        raise SourceProblem("\n".join(lines)) from None
    except PermissionDenied as exc:
        with translation.override("id"):
            raise SourceProblem(
                _(
                    "The connector's account may no longer change this dataset; "
                    "edit and save it again."
                )
            ) from exc
    except ValidationError as exc:
        raise SourceProblem(" ".join(exc.messages)) from exc
    return release


def _bounded(connector: Connector) -> dict:
    """The time and size limits of a pull, kept within bounds even for connectors saved
    before the bounds were checked."""
    timeout = min(max(connector.timeout_seconds, 1), MAX_TIMEOUT_SECONDS)
    size_mb = min(max(connector.max_size_mb, 1), settings.CONNECTOR_MAX_SIZE_MB)
    return {"timeout": timeout, "max_bytes": size_mb << 20}


def _pull_url(run: ConnectorRun) -> tuple[str, list[str]]:
    connector = run.connector
    got = download(
        connector.url,
        **_bounded(connector),
        etag=connector.etag,
        last_modified=connector.last_modified,
    )
    if got.not_modified:
        with translation.override("id"):
            return ConnectorRun.Status.UNCHANGED, [
                _("The source has not changed since the last pull (HTTP 304).")
            ]
    run.size = got.size
    paths = {got.path}
    try:
        sniff(got.path, got.content_type, connector.format)
        path, fmt, columns = prepare(got.path, connector.format, connector.mapping)
        paths.add(path)
        changed = columns_changed(connector.source_columns, columns)
        if changed:
            raise SourceProblem(changed)
        name = connector.url.rsplit("/", 1)[-1][:200]
        release = _upload(run, path, fmt, name)
    finally:
        for p in paths:
            p.unlink(missing_ok=True)
    run.release = release
    run.rows = release.row_count
    Connector.all_objects.filter(pk=connector.pk).update(
        etag=got.etag, last_modified=got.last_modified, source_columns=columns
    )
    return ConnectorRun.Status.SUCCEEDED, _loaded(release)


def _loaded(release: Release) -> list[str]:
    with translation.override("id"):
        return [
            _("%(rows)d rows loaded as release %(release)s.")
            % {"rows": release.row_count, "release": f"{release.period_label} v{release.version}"}
        ]


def _pull_ckan(run: ConnectorRun) -> tuple[str, list[str]]:
    connector = run.connector
    got = ckan.pull(
        connector.url,
        connector.ckan_dataset,
        connector.ckan_resource,
        since=connector.source_modified,
        **_bounded(connector),
    )
    if got.unchanged:
        with translation.override("id"):
            return ConnectorRun.Status.UNCHANGED, [
                _("The CKAN dataset has not changed since the last pull (metadata_modified %(m)s).")
                % {"m": got.modified}
            ]
    run.size = got.size
    paths = {got.path}
    try:
        path, fmt, columns = prepare(got.path, "json", connector.mapping)
        paths.add(path)
        changed = columns_changed(connector.source_columns, columns)
        if changed:
            raise SourceProblem(changed)
        release = _upload(run, path, fmt, connector.ckan_dataset)
    finally:
        for p in paths:
            p.unlink(missing_ok=True)
    run.release = release
    run.rows = release.row_count
    Connector.all_objects.filter(pk=connector.pk).update(
        source_modified=got.modified, source_columns=columns
    )
    return ConnectorRun.Status.SUCCEEDED, _loaded(release)


def execute(run: ConnectorRun) -> ConnectorRun:
    """Pull the source of a claimed run and record how it went; never raises for the source."""
    pull = _pull_ckan if run.connector.kind == Connector.Kind.CKAN else _pull_url
    try:
        status, messages = pull(run)
    except SourceProblem as exc:
        _finish(run, ConnectorRun.Status.FAILED, exc.message.split("\n"), retry=exc.retry)
    except Exception:
        log.exception("connector run %s failed unexpectedly", run.pk)
        with translation.override("id"):
            message = _("An internal error stopped the run; the administrator has the details.")
        _finish(run, ConnectorRun.Status.FAILED, [message], retry=True)
    else:
        _finish(run, status, messages)
    return run


def describe(run: ConnectorRun) -> str:
    return _("Pull %(run)s: %(connector)s (attempt %(attempt)s) …") % {
        "run": run.pk,
        "connector": run.connector.name,
        "attempt": run.attempt,
    }


def outcome(run: ConnectorRun) -> str:
    line = _("Pull %(run)s: %(status)s, %(rows)s rows.") % {
        "run": run.pk,
        "status": run.get_status_display(),
        "rows": run.rows,
    }
    return " ".join([line, *run.messages[:1]])


def work_once(now: datetime.datetime | None = None, say=None) -> list[ConnectorRun]:
    """Connectors only, from the tables: queue what is scheduled, then run every due run.

    `satudata worker` uses `integration.worker` instead, which runs every kind of job."""
    enqueue_scheduled(now)
    done = []
    while (run := claim_next(now)) is not None:
        if say:
            say(describe(run))
        execute(run)
        if say:
            say(outcome(run))
        done.append(run)
    return done
