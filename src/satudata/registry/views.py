"""Operator pages of residents: the list, registering, a resident's page, edits, events and
corrections; and `village_for` and `form_version`, which the other registry pages use.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.scope import write_scope
from satudata.audit.services import history
from satudata.core import once
from satudata.core.access import scoped
from satudata.core.formerrors import labelled_errors
from satudata.core.models import SentForm
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import served
from satudata.registry import arrivals, services
from satudata.registry.forms import (
    CARD_RELATIONSHIP_HELP,
    CorrectionForm,
    EventForm,
    ResidentForm,
    apply_early,
    apply_errors,
)
from satudata.registry.list_filter import ListFilter
from satudata.registry.models import MERGED_WITH, Family, Resident
from satudata.registry.paging import WindowPage
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


@scoped
def index(request):
    filters = ListFilter(request.GET, user=request.user)
    residents = filters.rows(services.search_residents, Resident.objects.none())
    page = WindowPage(
        residents.select_related("village", "unit__parent__parent"), request.GET.get("page"), 50
    )
    context = filters.page_context()
    context.update(page_obj=page, arrivals=_arrivals(_arrivals_village(request)))
    return render(request, "registry/index.html", context)


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


HISTORY_SHOWN = 50  # changes on the resident's page before "show the whole history"


def _resident_page(request, person: Resident, event_form=None, correction_form=None):
    """The resident's page; after a refused event or correction, with that form bound: the
    typed values kept and each error beside its field (QA, sixth session: a redirect lost
    them and showed the error as a message at the top of the page)."""
    fields = [(person._meta.get_field(f).verbose_name, _coded(person, f)) for f in CODED]
    entries = history("registry.resident", person.pk)
    # The latest changes, and the whole history on asking (QA, tenth session: only the
    # latest 50 were shown, with no word that there were more). Here, not on the audit
    # pages, which an operator may not open.
    whole = request.GET.get("history") == "all"
    shown = list(entries if whole else entries[: HISTORY_SHOWN + 1])
    more = not whole and len(shown) > HISTORY_SHOWN
    total = entries.count() if more else len(shown)
    return render(
        request,
        "registry/resident.html",
        {
            "person": person,
            "fields": fields,
            "events": person.events.select_related("to_village"),
            "history": [(entry, changed_labels(entry)) for entry in shown[: len(shown) - more]],
            "history_more": more,
            "history_total": total,
            "history_shown": HISTORY_SHOWN,
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
    if MERGED_WITH in after:
        # A merge of duplicates: the other record by its id, never by its NIK.
        if after[MERGED_WITH] is not None:
            return _("merged with record #%(id)s") % {"id": after[MERGED_WITH]}
        return _("merge with record #%(id)s undone") % {"id": before.get(MERGED_WITH)}
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
