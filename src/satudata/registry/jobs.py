"""Web imports as background jobs: a row in ImportJob, run by a `satudata import` subprocess.

The import runs in one database transaction, so its progress cannot be read from the
database meanwhile (and SQLite allows one writer); the subprocess writes progress to a small
file next to the upload, which any web worker process can read.

A job whose process died (a server restart, the out-of-memory killer) would show "running"
forever: the process touches its progress file every `HEARTBEAT_SECONDS`, and a job page
that finds no sign of life for `ABANDONED_AFTER` seconds ends the job as failed. Its
transaction died with the process, so nothing was saved, unless it had committed (the
importer marks the job committed inside its transaction).

An upload holds a village's residents (NIK, KK numbers, birth dates, addresses). It is
deleted, with the progress file, as soon as its job ends: the rows are in the database or
were refused, and the operator still has the file. The error file quotes refused values, so
it is kept for `SATUDATA_IMPORT_ERROR_DAYS` (30) days, long enough to correct and re-import,
and then deleted by the next job to start. An error file no job refers to (the job rejected
nothing, failed, or its process died) is deleted when the job ends; one left by an older
version, or by a process killed before its job was ended, goes with the other files of the
folder no job refers to once it is as old.
"""

from __future__ import annotations

import csv
import datetime
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satudata.registry.models import ImportJob

UPLOAD_DIR = "imports"
ERRORS_SHOWN = 20  # on the job's page; the error file holds them all
LANGUAGE_VARIABLE = "SATUDATA_JOB_LANGUAGE"  # the uploader's language, for the subprocess
HEARTBEAT_SECONDS = 10
ABANDONED_AFTER = 120  # seconds without a heartbeat: the job's process is gone
log = logging.getLogger("satudata.registry")


def upload_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def error_days() -> int:
    return int(getattr(settings, "SATUDATA_IMPORT_ERROR_DAYS", 30))


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:  # an operator's problem to fix, not a reason to fail the job
        log.warning("could not delete %s: %s", path, exc.strerror)


def forget_old_error_files() -> int:
    """Delete the error files of jobs that ended more than `error_days()` ago, and the files
    of the upload folder as old that no job refers to; returns how many jobs lost theirs."""
    cutoff = timezone.now() - datetime.timedelta(days=error_days())
    old = list(
        ImportJob.objects.filter(finished_at__lt=cutoff).exclude(error_path="").only("error_path")
    )
    for job in old:
        _discard(Path(job.error_path))
    forgotten = ImportJob.objects.filter(pk__in=[job.pk for job in old]).update(error_path="")
    _forget_orphans(cutoff)
    return forgotten


def _forget_orphans(cutoff: datetime.datetime) -> None:
    """Delete the files of the upload folder last written before `cutoff` that no job refers
    to: an error file of a job that rejected nothing or whose process was killed, an upload
    or progress file a killed process left. A queued or running job's files are kept."""
    folder = upload_dir()
    kept = {
        Path(name).resolve()
        for name in ImportJob.objects.exclude(error_path="").values_list("error_path", flat=True)
    }
    active = ImportJob.objects.filter(state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING))
    for job in active.only("path"):
        for path in (Path(job.path), progress_path(job), error_file(job)):
            kept.add(path.resolve())
    for item in folder.iterdir():
        try:
            if not item.is_file() or item.stat().st_mtime >= cutoff.timestamp():
                continue
        except OSError:  # gone meanwhile
            continue
        if item.resolve() not in kept:
            _discard(item)


def progress_path(job: ImportJob) -> Path:
    return Path(job.path).with_suffix(".progress.json")


def error_file(job: ImportJob) -> Path:
    """Where the job's import writes its error file, whether or not a row is rejected."""
    return Path(job.path).with_suffix(".errors.csv")


def read_progress(job: ImportJob) -> dict:
    try:
        return json.loads(progress_path(job).read_text())
    except (OSError, ValueError):
        return {"done": job.done_bytes, "total": job.size, "rows": job.rows}


def start(job: ImportJob) -> None:
    """Run the job after the current transaction commits: inline in tests, else a process."""

    def launch():
        if getattr(settings, "SATUDATA_IMPORT_INLINE", False):
            run_job(job.pk)
        else:
            subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
                [sys.executable, "-m", "satudata", "import", "residents", "--job", str(job.pk)],
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                # The report speaks the uploader's language, not the server's default.
                env=os.environ | {LANGUAGE_VARIABLE: language},
            )

    language = translation.get_language() or settings.LANGUAGE_CODE

    transaction.on_commit(launch)


class Heartbeat:
    """Touches `path` every `every` seconds until the block ends (a thread: the import's
    own progress calls stop during the index rebuild and the commit)."""

    def __init__(self, path: Path, every: float = HEARTBEAT_SECONDS) -> None:
        self.path, self.every = path, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> Heartbeat:
        self.path.touch()
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.path.touch()
            except OSError:  # the folder went away; the job's page will say it stopped
                return


def fail_if_abandoned(job: ImportJob) -> ImportJob:
    """End a queued or running job whose process gave no sign of life for ABANDONED_AFTER
    seconds; returns the job as it now stands."""
    active = (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    if job.state not in active:
        return job
    try:
        alive = progress_path(job).stat().st_mtime
    except OSError:
        alive = job.created_at.timestamp()
    if time.time() - alive < ABANDONED_AFTER:
        return job
    job.refresh_from_db()
    if job.state not in active:  # it ended meanwhile, by itself or by another page view
        return job
    if job.committed:  # it died after its commit, before it wrote its own end
        state, message = ImportJob.State.DONE, ""
    else:
        state = ImportJob.State.FAILED
        message = _(
            "The import's process stopped before it finished (the server restarted, or ran "
            "out of memory); nothing was saved. Please upload the file again."
        )
    # Only from the state seen: two page views may find the same job at once.
    ended = ImportJob.objects.filter(pk=job.pk, state=job.state).update(
        state=state, message=message, finished_at=timezone.now()
    )
    if ended:
        log.warning("import job %s gave no sign of life; ended as %s", job.pk, state)
        # The error file too (empty or cut short): the job's end refers to none.
        for leftover in (Path(job.path), progress_path(job), error_file(job)):
            _discard(leftover)
    job.refresh_from_db()
    return job


def run_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.state != ImportJob.State.QUEUED:
        return job
    language = os.environ.get(LANGUAGE_VARIABLE) or translation.get_language()
    with translation.override(language or settings.LANGUAGE_CODE):
        return _run(job)


def _run(job: ImportJob) -> ImportJob:
    from satudata.registry.importer import run_import

    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state"])
    forget_old_error_files()
    target = progress_path(job)

    def progress(done: int, total: int, rows: int) -> None:
        target.write_text(json.dumps({"done": done, "total": total, "rows": rows}))

    try:
        with Heartbeat(target):
            report = run_import(
                Path(job.path),
                actor=job.actor,
                village=job.village_id,
                mode=job.mode,
                dry_run=job.dry_run,
                error_path=error_file(job),
                progress=progress,
                file_name=job.file_name,
                job=job,
            )
    except Exception as exc:  # the user must see a result, whatever happened
        log.exception("import job %s failed unexpectedly", job.pk)  # core.logs hides NIKs
        message = _("The import stopped on an unexpected error; nothing was saved (%(error)s).")
        job.state = ImportJob.State.FAILED
        first_line = (str(exc).splitlines() or [""])[0]
        job.message = (message % {"error": first_line})[:2000]
    else:
        job.rows, job.added, job.updated = report.rows, report.added, report.updated
        job.unchanged = report.unchanged
        job.rejected, job.committed = report.rejected, report.committed
        job.message = report.message
        job.warnings = "\n".join(report.warnings)
        job.error_path = report.error_path if report.rejected else ""
        job.state = ImportJob.State.FAILED if report.message else ImportJob.State.DONE
    job.done_bytes = job.size
    job.finished_at = timezone.now()
    job.save()
    leftovers = [Path(job.path), target]
    if not job.error_path:
        # Nothing rejected, or the import failed: the error file (its header, or a part)
        # is referred to by no job and would stay in the folder for ever.
        leftovers.append(error_file(job))
    for leftover in leftovers:
        _discard(leftover)
    return job


def first_errors(job: ImportJob, limit: int = ERRORS_SHOWN) -> tuple[list[list[str]], bool]:
    """The first `limit` lines (row, column, value, message) of the job's error file, for its
    page, and whether the file holds more.

    The page is the job's, scoped like the download: the values shown are the operator's own
    rows. The file can hold a line per rejected row of a 200 MB upload, so only the first
    lines are read."""
    path = Path(job.error_path) if job.error_path else None
    if path is None or not path.exists():
        return [], False
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)  # the header
        found = [row for _, row in zip(range(limit + 1), rows, strict=False)]
    return found[:limit], len(found) > limit
