"""Duplicate searches as background jobs: asked for on the duplicates page, run by the worker.

A `DedupRun` row is the job and its record (who asked, when, stage, counts, message); the
worker (`satudata worker`, integration app) claims it like a connector run, from the table or
from the Redis queue. `satudata dedup` still runs the same search in the foreground.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.integration import queue
from satudata.quality.models import DedupRun
from satudata.quality.services import dedup

log = logging.getLogger("satudata.quality")
KIND = "dedup"  # the worker's name for these jobs (integration.queue)
# A search still "running" after this long lost its worker (600k residents take about a minute).
STALE_AFTER = datetime.timedelta(hours=2)
ACTIVE = (DedupRun.Status.DUE, DedupRun.Status.RUNNING)


@transaction.atomic
def request(actor) -> DedupRun:
    """Queue a search for duplicates, unless one is already waiting or running."""
    if not getattr(actor, "is_custodian", False):
        raise PermissionDenied(_("Only the data custodian may search for duplicates."))
    pending = DedupRun.objects.filter(status__in=ACTIVE).first()
    if pending is not None:
        return pending
    job = DedupRun.objects.create(requested_by=actor)
    audit.record(actor, AuditEntry.Action.CREATE, job, after=audit.snapshot(job))
    queue.push(KIND, job.pk)
    return job


def latest() -> DedupRun | None:
    return DedupRun.objects.select_related("requested_by").first()


def _fail_stale(now: datetime.datetime) -> None:
    with translation.override("id"):
        message = _("The worker stopped during this search; ask for a new one.")
    DedupRun.objects.filter(
        status=DedupRun.Status.RUNNING, started_at__lt=now - STALE_AFTER
    ).update(status=DedupRun.Status.FAILED, finished_at=now, message=message)


def claim(job_id: int) -> DedupRun | None:
    """Take this search if it is waiting; the conditional UPDATE lets one worker have it."""
    taken = DedupRun.objects.filter(pk=job_id, status=DedupRun.Status.DUE).update(
        status=DedupRun.Status.RUNNING, started_at=timezone.now(), stage=""
    )
    return DedupRun.objects.get(pk=job_id) if taken else None


def claim_next() -> DedupRun | None:
    """The oldest waiting search, claimed (the database queue, and Redis' safety net)."""
    _fail_stale(timezone.now())
    for job_id in (
        DedupRun.objects.filter(status=DedupRun.Status.DUE)
        .order_by("id")
        .values_list("pk", flat=True)[:5]
    ):
        job = claim(job_id)
        if job is not None:
            return job
    return None


def execute(job: DedupRun) -> DedupRun:
    """Run the linkage over the registry and record the counts; never raises."""

    def progress(stage: str) -> None:
        # Its own statement (autocommit), so the duplicates page sees the stage meanwhile.
        DedupRun.objects.filter(pk=job.pk).update(stage=stage)
        job.stage = stage

    try:
        result = dedup.run(job.requested_by, threshold=job.threshold, progress=progress)
    except Exception:
        log.exception("duplicate search %s failed", job.pk)
        job.status = DedupRun.Status.FAILED
        with translation.override("id"):
            job.message = _(
                "An internal error stopped the search; the administrator has the details."
            )
    else:
        job.status = DedupRun.Status.SUCCEEDED
        job.residents, job.pairs, job.created = result.residents, len(result.pairs), result.created
    job.finished_at = timezone.now()
    job.save(
        update_fields=["status", "stage", "residents", "pairs", "created", "message", "finished_at"]
    )
    return job


def describe(job: DedupRun) -> str:
    return _("Duplicate search %(job)s …") % {"job": job.pk}


def outcome(job: DedupRun) -> str:
    return _(
        "Duplicate search %(job)s: %(status)s, %(residents)s residents, "
        "%(pairs)s candidate pairs (%(created)s new)."
    ) % {
        "job": job.pk,
        "status": job.get_status_display(),
        "residents": job.residents,
        "pairs": job.pairs,
        "created": job.created,
    }
