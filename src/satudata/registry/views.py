"""Operator pages of the registry and the public population chart (thin: services do the work)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.http import urlencode
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satudata.accounts.scope import read_scope, write_scope
from satudata.audit.services import history
from satudata.core import once
from satudata.core.access import custodian, public, role, scoped
from satudata.core.formerrors import labelled_errors
from satudata.core.models import SentForm
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import deployment_regencies, served
from satudata.registry import arrivals, exporter, jobs, releases, services
from satudata.registry.charts import bar_rows, pyramid_svg
from satudata.registry.forms import (
    CARD_RELATIONSHIP_HELP,
    CorrectionForm,
    EventForm,
    ImportForm,
    ResidentForm,
    apply_early,
    apply_errors,
)
from satudata.registry.import_format import max_bytes, too_large
from satudata.registry.models import Family, ImportJob, Resident
from satudata.registry.paging import WindowPage
from satudata.registry.statistics import population_summary
from satudata.registry.validation import OPTIONAL_CODES, REQUIRED_CODES


def village_for(request, code: str | None) -> Region:
    """The village named by `code`, or the account's own; 404 if there is none, or if it
    lies outside the regencies this database serves (its registry is kept elsewhere)."""
    code = code or request.user.region_id or ""
    try:
        village = Region.objects.get(code=normalize_code(code), level=Region.Level.VILLAGE)
    except (BadRegionCode, Region.DoesNotExist) as exc:
        raise Http404(_("No village has this code.")) from exc
    if not served(village.code):
        raise Http404(_("This village lies outside the regencies this database serves."))
    return village


def _many_villages(user) -> bool:
    """Whether the account's lists span several villages, so rows must name theirs (an
    operator's all belong to one: the column would only push RT off a phone's screen)."""
    return read_scope(user).village is None


@scoped
def index(request):
    query = request.GET.get("q", "").strip()[:100]
    residents = services.search_residents(request.user, query).select_related(
        "village", "unit__parent__parent"
    )
    page = WindowPage(residents, request.GET.get("page"), 50)
    return render(
        request,
        "registry/index.html",
        {
            "query": query,
            "page_obj": page,
            "many_villages": _many_villages(request.user),
            "own_village": write_scope(request.user).village,
            "arrivals": _arrivals(_arrivals_village(request)),
            "can_write": bool(
                write_scope(request.user).code or write_scope(request.user).everything
            ),
        },
    )


def _arrivals_village(request) -> str | None:
    """The operator's own village; for an account writing many (the custodian), the one it
    names with ?arrivals=1&village=CODE (the village-code form's "arrivals" button)."""
    scope = write_scope(request.user)
    if scope.village or "arrivals" not in request.GET:
        return scope.village
    try:
        code = normalize_code(request.GET.get("village", ""))
    except BadRegionCode:
        return None
    return code if scope.allows(code) else None


def _arrivals(village_code: str | None) -> list:
    """People another village moved out to this one, for its operator to take in."""
    if not village_code:
        return []
    return list(arrivals.expected_arrivals(village_code)[:100])


def _move_in_offer(village: Region, nik: str, family: Family | None, exc: ValidationError) -> str:
    """The move-in page prefilled with the NIK, when another village holds it; else ""."""
    held_elsewhere = hasattr(exc, "error_dict") and any(
        error.code == "nik_elsewhere" for error in exc.error_dict.get("nik", [])
    )
    if not held_elsewhere:
        return ""
    params = {"village": village.code, "nik": nik}
    if family is not None:
        params["kk"] = family.family_number
    return f"{reverse('registry:move_in')}?{urlencode(params)}"


@scoped
def resident_new(request):
    village = village_for(request, request.GET.get("village") or request.POST.get("village"))
    if not write_scope(request.user).allows(village.code):
        raise PermissionDenied
    # From a family page: the new person joins that family (of this village only).
    family_id = request.GET.get("family") or request.POST.get("family") or ""
    family = None
    if family_id:
        if not (family_id.isascii() and family_id.isdigit()):
            raise Http404
        family = get_object_or_404(Family.objects.filter(village=village), pk=family_id)
    form = ResidentForm(request.POST or None, village=village)
    if family is not None:
        form.fields["relationship"].help_text = CARD_RELATIONSHIP_HELP
    move_in_url = ""
    if request.method == "POST" and form.is_valid():
        sent = once.claim(request)
        if isinstance(sent, SentForm):  # a double tap, or Back and Save again
            return once.repeat(request, sent)
        data = dict(form.cleaned_data)
        unit = LocalUnit.objects.filter(pk=data.pop("unit"), village=village).first()
        try:
            resident = services.register_resident(
                request.user, village, data, family=family, unit=unit
            )
        except ValidationError as exc:
            sent.release()
            apply_errors(form, exc)
            move_in_url = _move_in_offer(village, data["nik"], family, exc)
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": resident.name})
            return sent.finish(redirect("registry:resident", resident_id=resident.pk))
    elif form.is_bound:
        apply_early(form, services.value_problems(form.cleaned_data, new=True))
    return render(
        request,
        "registry/resident_form.html",
        {
            "form": form,
            "errors": labelled_errors(form) if form.is_bound else [],
            "village": village,
            "family": family,
            "move_in_url": move_in_url,
            "once": once.token_of(request),
        },
    )


def _visible_resident(request, resident_id: int) -> Resident:
    return get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("village", "unit", "family"),
        pk=resident_id,
    )


CODED = (*REQUIRED_CODES, *OPTIONAL_CODES)


def _coded(person: Resident, field: str) -> str:
    """A code's label: in the page's language for sex and basic status (Django choices,
    as the lists show them), else the civil registry's own label."""
    if person._meta.get_field(field).choices:
        return capfirst(getattr(person, f"get_{field}_display")())
    return person.label(field)


@scoped
def resident(request, resident_id: int):
    return _resident_page(request, _visible_resident(request, resident_id))


def _resident_page(request, person: Resident, event_form=None, correction_form=None):
    """The resident's page; after a refused event or correction, with that form bound: the
    typed values kept and each error beside its field (QA, sixth session: a redirect lost
    them and showed the error as a message at the top of the page)."""
    fields = [(person._meta.get_field(f).verbose_name, _coded(person, f)) for f in CODED]
    return render(
        request,
        "registry/resident.html",
        {
            "person": person,
            "fields": fields,
            "events": person.events.select_related("to_village"),
            "history": [
                (entry, changed_labels(entry))
                for entry in history("registry.resident", person.pk)[:50]
            ],
            "can_write": write_scope(request.user).allows(person.village_id),
            "event_form": event_form or EventForm(),
            "correction_form": correction_form or CorrectionForm(),
            "event_errors": labelled_errors(event_form) if event_form else [],
            "correction_errors": labelled_errors(correction_form) if correction_form else [],
        },
    )


@scoped
def resident_edit(request, resident_id: int):
    person = _visible_resident(request, resident_id)
    if not write_scope(request.user).allows(person.village_id):
        raise PermissionDenied
    initial = {f: getattr(person, f) for f in services.EDITABLE} | {"unit": person.unit_id}
    form = ResidentForm(request.POST or None, initial=initial, village=person.village)
    if person.family_id and person.family.unit_id:
        form.fields["unit"].disabled = True  # the card's RT: changed on the family's page
        form.fields["unit"].help_text = _("The RT of the family card; change it there.")
    # The version the user started from: after a refusal the form keeps it, so a second
    # click cannot overwrite the other person's change with these stale values.
    version = request.POST.get("version", "") if request.method == "POST" else person.version
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["unit"] = services.unit_of_village(person.village, data["unit"])
            services.update_resident(request.user, person, data, form_version(version))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("registry:resident", resident_id=person.pk)
    elif form.is_bound:
        apply_early(form, services.value_problems(form.cleaned_data))
    return render(
        request,
        "registry/resident_form.html",
        {
            "form": form,
            "errors": labelled_errors(form) if form.is_bound else [],
            "village": person.village,
            "person": person,
            "version": version,
        },
    )


BOOKKEEPING = {"version", "updated_at", "created_at", "name_key"}


def changed_labels(entry) -> str:
    """The fields a change touched, by their labels ("pekerjaan, tempat lahir"), so the
    village's own history says what changed; the values stay on the custodian's page."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action != "update":
        return ""
    labels = []
    for name, value in after.items():
        if name in BOOKKEEPING or before.get(name) == value:
            continue
        try:
            labels.append(str(Resident._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)


def form_version(text) -> int:
    """The version a form started from; 0 (never a stored version) when it is not a number."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


@scoped
@require_POST
def resident_event(request, resident_id: int):
    person = _visible_resident(request, resident_id)
    form = EventForm(request.POST)
    if not form.is_valid():
        apply_early(form, _event_problems(person, form.cleaned_data))
        return _resident_page(request, person, event_form=form)
    data = form.cleaned_data
    try:
        if data["kind"] == "death":
            services.record_death(request.user, person, data["date"], data["note"])
        else:
            services.record_move_out(
                request.user,
                person,
                data["date"],
                data["place"],
                data["note"],
                to_village=data["to_village"],
            )
    except ValidationError as exc:
        apply_errors(form, exc)
        # Read again: the refused change was rolled back, the object in hand may not be.
        return _resident_page(request, _visible_resident(request, resident_id), event_form=form)
    messages.success(request, _("The event has been recorded."))
    return redirect("registry:resident", resident_id=person.pk)


def _event_problems(person: Resident, data: dict) -> dict:
    """The event's checks of single values: its texts and a move out's destination code."""
    move_out = data.get("kind") == "move_out"
    texts = {"note": data.get("note"), "other_place": data.get("place") if move_out else ""}
    problems: dict = services.event_text_problems(texts, services.MOVE_OUT_TEXTS)
    if move_out:
        try:
            arrivals.destination_village(data.get("to_village", ""), person.village_id)
        except ValidationError as exc:
            problems |= exc.message_dict
    return problems


@scoped
@require_POST
def resident_correct(request, resident_id: int):
    """A death, move out or disappearance recorded by mistake: living again, with a reason."""
    person = _visible_resident(request, resident_id)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _resident_page(request, person, correction_form=form)
    try:
        services.correct_to_alive(request.user, person, form.cleaned_data["note"])
    except ValidationError as exc:
        apply_errors(form, exc)
        person = _visible_resident(request, resident_id)
        return _resident_page(request, person, correction_form=form)
    messages.success(
        request,
        _("%(name)s is recorded as a living resident again.") % {"name": person.name},
    )
    return redirect("registry:resident", resident_id=person.pk)


@scoped
def families(request):
    query = request.GET.get("q", "").strip()[:100]
    found = services.search_families(request.user, query).select_related(
        "unit__parent__parent", "village"
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    scope = write_scope(request.user)
    return render(
        request,
        "registry/families.html",
        {
            "page_obj": page,
            "query": query,
            "query_string": urlencode({"q": query}) + "&" if query else "",
            "can_write": bool(scope.code or scope.everything),
            "many_villages": _many_villages(request.user),
        },
    )


@scoped
def family(request, family_id: int):
    found = get_object_or_404(
        Family.objects.visible_to(request.user).select_related("unit"), pk=family_id
    )
    # The card's own village's people only (see FamilyOut.resolve_members).
    members = found.members.filter(village_id=found.village_id).order_by(
        "relationship", "birth_date"
    )
    return render(
        request,
        "registry/family.html",
        {
            "family": found,
            "members": members,
            "can_write": write_scope(request.user).allows(found.village_id),
        },
    )


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
    except exporter.NoSuchUnit as exc:
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
            "units": exporter.unit_choices(village) if village else [],
        },
    )


@custodian
@require_http_methods(["GET", "POST"])
def publish_statistics(request):
    """The custodian publishes a release of the public statistics now (e.g. after an import)."""
    if request.method == "GET":
        # An address, not a form (e.g. `?next=` after signing in again): nothing is
        # published by following a link, so lead to the page whose button does it.
        if releases.mode() not in releases.PERIODS:
            messages.info(request, _("Public statistics are live: there is nothing to publish."))
        else:
            messages.info(
                request,
                _("Nothing was published by opening this address: use the button on this page."),
            )
        return redirect(_statistics_page(request.GET.get("region", "")))
    sent = once.claim(request)
    if isinstance(sent, SentForm):  # a double click: the first click's release
        return once.repeat(request, sent)
    if releases.mode() not in releases.PERIODS:
        messages.info(request, _("Public statistics are live: there is nothing to publish."))
    else:
        release = releases.publish(request.user)
        report = messages.success if release.published_now else messages.info
        report(request, releases.outcome(release))
    return sent.finish(redirect(_statistics_page(request.POST.get("region", ""))))


def _statistics_page(code: str) -> str:
    """Back to the statistics page the button was on (its form sends the region); for a
    code that names no region, those of the first regency this database serves."""
    try:
        region = Region.objects.filter(code=normalize_code(code)).first()
    except BadRegionCode:
        region = None
    region = region or deployment_regencies().order_by("code").first()
    return reverse("registry:population", args=[region.code]) if region else "/"


@public
def population(request, code: str):
    try:
        region = Region.objects.get(code=normalize_code(code))
    except (BadRegionCode, Region.DoesNotExist) as exc:
        raise Http404(_("No region has this code.")) from exc
    summary = population_summary(region.code)
    as_of = datetime.date.fromisoformat(summary["as_of"])
    next_release = releases.next_release(as_of)
    return render(
        request,
        "registry/population.html",
        {
            "region": region,
            "summary": summary,
            "as_of": as_of,
            "next_release": next_release,
            # Its day has come (the period's first visits, while it is being made): the
            # page says so rather than promise it "by" a day that is today or past.
            "release_due": next_release is not None and next_release <= timezone.localdate(),
            "once": once.new_token(),  # the custodian's publish button
            "pyramid": pyramid_svg(summary["age_groups"]),
            "bars": [
                (_("Sex"), bar_rows(summary["sex"])),
                (_("Religion"), bar_rows(summary["religion"])),
                (_("Education"), bar_rows(summary["education"])),
                (_("Occupation"), bar_rows(summary["occupation"], top=15)),
                (_("Marital status"), bar_rows(summary["marital_status"])),
            ],
        },
    )
