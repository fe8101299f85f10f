"""Operator pages for families and life events: thin forms over registry.services.

Every page finds its family through `Family.objects.visible_to` (another village's family is a
404) and refuses accounts that may only read it (403); the services check the scope again and
write the change with its audit entry and life event in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.core import once
from satudata.core.access import scoped
from satudata.core.formerrors import labelled_errors
from satudata.core.models import SentForm
from satudata.regions.models import LocalUnit, Region
from satudata.registry import arrivals, births, codes, services
from satudata.registry.forms import (
    AddMemberForm,
    BirthForm,
    FamilyForm,
    FamilyPlaceForm,
    HeadForm,
    JoinFamilyForm,
    MoveInForm,
    SplitForm,
    apply_errors,
)
from satudata.registry.models import Family, Resident
from satudata.registry.views import form_version, village_for


def _writable_village(request) -> Region:
    village = village_for(request, request.GET.get("village") or request.POST.get("village"))
    if not write_scope(request.user).allows(village.code):
        raise PermissionDenied
    return village


def _writable_family(request, family_id: int) -> Family:
    family = get_object_or_404(
        Family.objects.visible_to(request.user).select_related("village", "unit"), pk=family_id
    )
    if not write_scope(request.user).allows(family.village_id):
        raise PermissionDenied
    return family


def _living_members(family: Family) -> list[Resident]:
    """The members a split or a change of head may pick: alive, head first."""
    return list(
        family.members.filter(status=Resident.Status.ALIVE).order_by(
            "relationship", "birth_date", "id"
        )
    )


def _unit(village: Region, unit_id: int | None) -> LocalUnit | None:
    return LocalUnit.objects.filter(pk=unit_id, village=village).first() if unit_id else None


def _page(request, form, title: str, village: Region, back: str, **extra):
    return render(
        request,
        "registry/event_form.html",
        {
            "form": form,
            "errors": labelled_errors(form) if form.is_bound else [],
            "title": title,
            "village": village,
            "back": back,
            "once": once.token_of(request),
            **extra,
        },
    )


@scoped
def family_new(request):
    village = _writable_village(request)
    form = FamilyForm(request.POST or None, village=village)
    if request.method == "POST" and form.is_valid():
        sent = once.claim(request)
        if isinstance(sent, SentForm):  # a double tap, or Back and Save again
            return once.repeat(request, sent)
        data = form.cleaned_data
        try:
            family = services.register_family(
                request.user,
                village,
                data["family_number"].strip(),
                _unit(village, data["unit"]),
                data["address"].strip(),
            )
        except ValidationError as exc:
            sent.release()
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(family)s has been registered.") % {"family": family})
            return sent.finish(redirect("registry:family", family_id=family.pk))
    return _page(request, form, _("Register a family"), village, reverse("registry:families"))


@scoped
def family_place(request, family_id: int):
    """The family moves house inside the village: its RT and address, and its living
    members' RT with it."""
    family = _writable_family(request, family_id)
    initial = {"unit": family.unit_id, "address": family.address}
    form = FamilyPlaceForm(request.POST or None, initial=initial, village=family.village)
    # The version the user started from, kept after a refusal (as on the resident's form).
    version = request.POST.get("version", "") if request.method == "POST" else family.version
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_of_village(family.village, data["unit"])
            services.move_family(request.user, family, unit, data["address"], form_version(version))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The family's RT and address have been saved."))
            return redirect("registry:family", family_id=family.pk)
    back = reverse("registry:family", args=[family.pk])
    title = _("Change the family's RT and address")
    return _page(request, form, title, family.village, back, family=family, version=version)


@scoped
def family_birth(request, family_id: int):
    family = _writable_family(request, family_id)
    mothers = births.mother_choices(family)
    form = BirthForm(request.POST or None, village=family.village, mothers=mothers)
    if request.method == "POST" and form.is_valid():
        sent = once.claim(request)
        if isinstance(sent, SentForm):  # a double tap, or Back and Save again
            return once.repeat(request, sent)
        data = dict(form.cleaned_data)
        picked = data.pop("mother")
        mother = next((m for m in mothers if m.pk == picked), None)
        try:
            baby = services.record_birth(request.user, family, data, mother=mother)
        except ValidationError as exc:
            sent.release()
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("The birth of %(name)s has been recorded.") % {"name": baby.name}
            )
            return sent.finish(redirect("registry:resident", resident_id=baby.pk))
    back = reverse("registry:family", args=[family.pk])
    return _page(request, form, _("Record a birth"), family.village, back, family=family)


def _arrival(village: Region, event_id: str):
    """A move out to this village that waits for its move in, or None."""
    if not (event_id.isascii() and event_id.isdigit()):
        return None
    return arrivals.expected_arrivals(village.code).filter(pk=int(event_id)).first()


@scoped
def move_in(request):
    village = _writable_village(request)
    initial = {"nik": request.GET.get("nik", "")[:16], "family_number": request.GET.get("kk", "")}
    arrival = _arrival(village, request.GET.get("arrival", ""))
    if arrival is not None:  # from the list of arrivals: nothing to type, nothing to mistype
        initial |= {"nik": arrival.resident.nik, "origin": arrival.village.name, "confirm": True}
    form = MoveInForm(request.POST or None, initial=initial, village=village)
    if request.method == "POST" and form.is_valid():
        details = dict(form.cleaned_data)
        nik = details.pop("nik").strip()
        number = details.pop("family_number").strip()
        unit, date, origin = details.pop("unit"), details.pop("date"), details.pop("origin")
        confirmed = details.pop("confirm")
        family = Family.objects.filter(village=village, family_number=number).first()
        holder = services.holder_of(nik) if nik else None
        if number and family is None:
            message = _("KK number: no family card %(number)s in this village.")
            apply_errors(form, ValidationError({"family_number": message % {"number": number}}))
        elif holder and holder.village_id != village.code and not confirmed:
            # A mistyped NIK must not silently take a stranger's record from their village.
            services.note_conflict(request.user, village, holder, "form")
            form.add_error(
                "confirm",
                _(
                    "NIK %(nik)s is registered in the village of %(village)s (%(code)s); "
                    "tick this box to move that record here."
                )
                % {"nik": nik, "village": holder.village.name, "code": holder.village_id},
            )
        elif isinstance(sent := once.claim(request), SentForm):
            return once.repeat(request, sent)  # a double tap, or Back and Save again
        else:
            try:
                # The details are used only when the NIK is new to the whole database.
                resident = services.record_move_in(
                    request.user,
                    village,
                    nik,
                    data=details,
                    family=family,
                    unit=_unit(village, unit),
                    date=date,
                    origin=origin.strip(),
                    from_village=holder.village_id if holder else None,
                )
            except ValidationError as exc:
                sent.release()
                apply_errors(form, exc)
            else:
                messages.success(request, _("%(name)s has moved in.") % {"name": resident.name})
                return sent.finish(redirect("registry:resident", resident_id=resident.pk))
    return _page(request, form, _("Record a move in"), village, reverse("registry:index"))


@scoped
def family_split(request, family_id: int):
    family = _writable_family(request, family_id)
    members = _living_members(family)
    form = SplitForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [m for m in members if m.pk in data["members"]]
        head = next(m for m in chosen if m.pk == data["new_head"])
        try:
            new = services.split_family(
                request.user,
                family,
                chosen,
                data["family_number"].strip(),
                head,
                data["date"],
                data["address"].strip(),
                others=form.others(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(count)d members now belong to %(family)s.")
                % {"count": len(chosen), "family": new},
            )
            return redirect("registry:family", family_id=new.pk)
    back = reverse("registry:family", args=[family.pk])
    return _page(request, form, _("Split the family"), family.village, back, family=family)


@scoped
def family_head(request, family_id: int):
    family = _writable_family(request, family_id)
    # The head in office is not a choice: making them head again would change nothing.
    members = [m for m in _living_members(family) if m.relationship != codes.HEAD]
    form = HeadForm(request.POST or None, members=members, head=services.living_head(family))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        head = next(m for m in members if m.pk == data["new_head"])
        try:
            services.change_head(
                request.user,
                family,
                head,
                data["date"],
                data["old_head_relationship"],
                head_was=data["head_was"],
                others=form.others(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s is now the head of the family.") % {"name": head.name}
            )
            return redirect("registry:family", family_id=family.pk)
    back = reverse("registry:family", args=[family.pk])
    return _page(request, form, _("Change the head of family"), family.village, back, family=family)


def _place(request, form, find) -> Resident | None:
    """Pindah KK from a valid form: `find(data)` gives (person, family) or raises a
    ValidationError naming the field; the service's refusals go onto the form too."""
    data = form.cleaned_data
    try:
        person, family = find(data)
        services.join_family(request.user, person, family, data["relationship"], data["date"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(
        request,
        _("%(name)s is now on family card %(kk)s.")
        % {"name": person.name, "kk": family.family_number},
    )
    return person


@scoped
def resident_family(request, resident_id: int):
    """Pindah KK within the village: the person moves onto another card, found by number."""
    person = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("village", "family"),
        pk=resident_id,
    )
    if not write_scope(request.user).allows(person.village_id):
        raise PermissionDenied

    def find(data):
        # Only this village's cards are looked up: another village's number is "not found",
        # so the form never tells whether a KK exists elsewhere.
        number = data["family_number"].strip()
        family = Family.objects.filter(village=person.village, family_number=number).first()
        if family is None:
            raise ValidationError(
                {
                    "family_number": _("KK number: no family card %(number)s in this village.")
                    % {"number": number}
                }
            )
        return person, family

    form = JoinFamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _place(request, form, find):
        return redirect("registry:resident", resident_id=person.pk)
    back = reverse("registry:resident", args=[person.pk])
    title = _("Move %(name)s to another family card") % {"name": person.name}
    return _page(request, form, title, person.village, back, family=person.family)


@scoped
def family_add(request, family_id: int):
    """The same move from the family's page: a resident of the village, found by NIK."""
    family = _writable_family(request, family_id)

    def find(data):
        nik = data["nik"].strip()
        person = Resident.objects.filter(village=family.village, nik=nik).first()
        if person is None:
            raise ValidationError(
                {
                    "nik": _(
                        "NIK: no resident of this village has NIK %(nik)s; register the "
                        "person or record a move in."
                    )
                    % {"nik": nik}
                }
            )
        return person, family

    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _place(request, form, find):
        return redirect("registry:family", family_id=family.pk)
    back = reverse("registry:family", args=[family.pk])
    title = _("Add a resident of the village to this family")
    return _page(request, form, title, family.village, back, family=family)
