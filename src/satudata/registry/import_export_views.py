"""Operator pages for residents in bulk: a file's import (and its job's progress), exports."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from satudata.accounts.scope import read_scope, write_scope
from satudata.core.access import role, scoped
from satudata.regions.models import Region
from satudata.registry import exporter, jobs, units
from satudata.registry.forms import ImportForm
from satudata.registry.import_format import max_bytes, too_large
from satudata.registry.models import ImportJob
from satudata.registry.views import village_for


@role("village_operator")
def import_start(request):
    own_village = write_scope(request.user).village
    form = ImportForm(request.POST or None, request.FILES or None, own_village=own_village)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # The form has no village field for an operator of one village; a crafted one
        # naming another village is refused as before, not silently replaced.
        typed = (form.cleaned_data.get("village") or request.POST.get("village", "")).strip()
        village = typed or own_village or request.user.region_id or ""
        if village and not write_scope(request.user).allows(village):
            raise PermissionDenied
        if upload.size > max_bytes():
            form.add_error("file", too_large(upload.size))
        else:
            suffix = Path(upload.name).suffix.lower()[:5]
            target = jobs.upload_dir() / f"{get_random_string(16)}{suffix}"
            with target.open("wb") as handle:
                for piece in upload.chunks():
                    handle.write(piece)
            job = ImportJob.objects.create(
                file_name=Path(upload.name).name[:200],
                path=str(target),
                village=Region.objects.filter(code=village).first() if village else None,
                mode=form.cleaned_data["mode"],
                dry_run=form.cleaned_data["dry_run"],
                size=upload.size,
                actor=request.user,
            )
            jobs.start(job)
            return redirect("registry:import_job", job_id=job.pk)
    recent = [
        jobs.fail_if_abandoned(j)
        for j in ImportJob.objects.filter(actor=request.user).select_related("village")[:10]
    ]
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "recent": recent,
            "own_village": Region.objects.filter(code=own_village).first() if own_village else None,
        },
    )


def _job(request, job_id: int) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=job_id)
    if not (request.user.is_custodian or job.actor_id == request.user.pk):
        raise Http404
    return job


@scoped
def import_job(request, job_id: int):
    job = jobs.fail_if_abandoned(_job(request, job_id))
    progress = jobs.read_progress(job)
    total = progress.get("total") or job.size or 1
    percent = min(100, int(100 * progress.get("done", 0) / total))
    if job.state == ImportJob.State.DONE:
        percent = 100
    running = job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    errors, more_errors = ([], False) if running else jobs.first_errors(job)
    return render(
        request,
        "registry/import_job.html",
        {
            "job": job,
            "percent": percent,
            "rows": progress.get("rows", job.rows),
            "running": running,
            "errors": errors,
            "more_errors": more_errors,
            "error_days": jobs.error_days(),
        },
    )


@scoped
def import_errors(request, job_id: int):
    job = _job(request, job_id)
    if not job.error_path or not Path(job.error_path).exists():
        raise Http404
    return FileResponse(
        Path(job.error_path).open("rb"), as_attachment=True, filename=f"kesalahan-{job.pk}.csv"
    )


@scoped
def export(request):
    """Residents of a village (or one hamlet, RW or RT) the user may see, as CSV or XLSX;
    without a village, the page that chooses one."""
    if "village" not in request.GET:
        return _export_page(request)
    village = village_for(request, request.GET.get("village"))
    if not read_scope(request.user).allows(village.code):
        raise Http404
    unit = request.GET.get("rt", "").strip()
    fmt = request.GET.get("format", "opensid")
    if fmt not in exporter.FORMATS:
        fmt = "opensid"
    file_type = "xlsx" if request.GET.get("type") == "xlsx" else "csv"
    try:
        residents, area = exporter.residents_to_export(
            request.user, village, unit, fmt=fmt, file_type=file_type
        )
    except units.NoSuchUnit as exc:
        raise Http404(_("This village has no hamlet, RW or RT with this number.")) from exc
    # The file is named after the area as operators name it ("dusun-1-rw-002-rt-003").
    name = f"penduduk-{village.code}" + (f"-{slugify(area)}" if area else "") + f"-{fmt}"
    lines = exporter.rows(residents, fmt)
    if file_type == "xlsx":
        response = HttpResponse(
            exporter.xlsx_bytes(lines),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = StreamingHttpResponse(exporter.csv_chunks(lines), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _export_page(request):
    villages = exporter.villages_to_export(request.user)
    chosen = request.GET.get("for") or (villages[0].code if len(villages) == 1 else "")
    village = village_for(request, chosen) if chosen else None
    if village is not None and not read_scope(request.user).allows(village.code):
        raise Http404
    return render(
        request,
        "registry/export.html",
        {
            "villages": villages,
            "village": village,
            "units": units.unit_choices(village) if village else [],
        },
    )
