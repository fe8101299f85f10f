"""REST routes of the registry (mounted under /api/v1/): residents, families, statistics.

Residents and families need an account and are scoped exactly as the UI (`visible_to`);
population statistics are public aggregates with small cells suppressed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from satudata.api.auth import signed_in
from satudata.core.access import public
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import Region
from satudata.registry import arrivals, births, services, units
from satudata.registry.api_schemas import (
    ArrivalOut,
    BirthIn,
    ConflictOut,
    EventIn,
    FamilyDetail,
    FamilyFilter,
    FamilyIn,
    FamilyOut,
    FamilyPage,
    FamilyPatch,
    HeadIn,
    JoinFamilyIn,
    MoveInIn,
    PopulationOut,
    ResidentFilter,
    ResidentIn,
    ResidentOut,
    ResidentPage,
    ResidentPatch,
    SplitIn,
)
from satudata.registry.models import Family, Resident
from satudata.registry.statistics import population_summary

router = Router(tags=["registry"])


# A field this route cannot change (status, village, family) is refused, not ignored:
# those changes are life events with routes of their own.


def validation_message(exc: ValidationError) -> str:
    """Our messages already name their field, so they are joined as they are."""
    return " ".join(exc.messages)


def _errors(exc: Exception):
    if isinstance(exc, PermissionDenied):
        return HttpError(403, str(exc) or _("You may not do this."))
    return HttpError(400, validation_message(exc))


def _refuse_unknown_parameters(request, filters: type[Schema]) -> None:
    """A filter this list does not have is a 400, not ignored: `?nik=…` would otherwise
    answer with the whole village, which reads as a match and hands out everyone's data."""
    accepted = list(filters.model_fields)
    unknown = sorted(set(request.GET) - set(accepted))
    if unknown:
        raise HttpError(
            400,
            _("Unknown query parameter: %(names)s. This list accepts: %(accepted)s.")
            % {"names": ", ".join(unknown), "accepted": ", ".join(accepted)},
        )


def _listed_village(raw: str | None) -> str | None:
    """The `village` filter of a list: a malformed code is a 400 and an unknown one a 404, as
    for every code of the API (not an empty list that reads as "nobody lives there"). A
    village outside the caller's scope is an empty list, as before: scope hides records,
    not the region list, which is public."""
    if not raw:
        return None
    try:
        code = normalize_code(raw)
    except BadRegionCode as exc:
        raise HttpError(400, _("village: %(problem)s") % {"problem": exc}) from exc
    if not Region.objects.filter(code=code, level=Region.Level.VILLAGE).exists():
        raise HttpError(404, _("village: no village has the code %(code)s.") % {"code": code})
    return code


def _listed_area(request, village: str | None, unit: int | None) -> units.ListArea:
    """The `unit` filter of a list: a unit of another village than the list's, of a village
    outside the caller's scope, or unknown is a 400 naming it, never a wider list."""
    try:
        return units.list_area(request.user, village, unit)
    except units.BadUnit as exc:
        raise HttpError(400, _("unit: %(problem)s") % {"problem": exc}) from exc


def _version_conflict(exc: services.VersionConflict) -> dict:
    """The 409 body of an edit based on an older read: the client re-reads and retries."""
    return {
        "detail": validation_message(exc),
        "type": "version_conflict",
        "version": exc.current_version,
    }


def _nik_conflict(exc: ValidationError) -> str | None:
    """'nik_here' or 'nik_elsewhere' when a registration clashes with a stored NIK."""
    codes = {e.code for e in getattr(exc, "error_dict", {}).get("nik", [])}
    return next((c for c in ("nik_elsewhere", "nik_here") if c in codes), None)


def _resident(request, resident_id: int) -> Resident:
    resident = Resident.objects.visible_to(request.user).filter(pk=resident_id).first()
    if resident is None:
        raise HttpError(404, _("No resident with this id is visible to you."))
    return resident


@router.get("/residents", response=ResidentPage, auth=signed_in, summary="Search residents")
def list_residents(request, filters: Query[ResidentFilter]):
    """Residents the account may see, by exact NIK/KK number or name prefix, in a village
    and a hamlet, RW or RT of it (`unit`)."""
    _refuse_unknown_parameters(request, ResidentFilter)
    area = _listed_area(request, _listed_village(filters.village), filters.unit)
    found = services.search_residents(request.user, filters.q, area.village, area.unit_ids)
    window = list(found[filters.offset : filters.offset + filters.limit])
    if len(window) < filters.limit and (window or not filters.offset):
        # The last page: the matches are the ones before it and on it.
        return {"count": filters.offset + len(window), "results": window}
    # Never COUNT(*) a whole regency per request: count up to a cap (an index range + LIMIT).
    cap = max(services.COUNT_CAP, filters.offset + filters.limit)
    count = found.values("pk")[: cap + 1].count()  # ids only: the name index covers them
    return {"count": min(count, cap), "count_capped": count > cap, "results": window}


@router.get(
    "/residents/{resident_id}", response=ResidentOut, auth=signed_in, summary="One resident"
)
def get_resident(request, resident_id: int):
    return _resident(request, resident_id)


@router.post(
    "/residents",
    response={201: ResidentOut, 409: ConflictOut},
    auth=signed_in,
    summary="Register a resident",
)
def create_resident(request, payload: ResidentIn):
    """Register a person in a village; a NIK already registered, in this village or another,
    is refused (409, `type` nik_here or nik_elsewhere)."""
    try:
        village = Region.objects.get(code=normalize_code(payload.village), level=4)
    except (BadRegionCode, Region.DoesNotExist) as exc:
        raise HttpError(400, _("village: no village has this code.")) from exc
    data = payload.dict(exclude={"village", "family", "unit"})
    try:
        services.require_write(request.user, village.code)  # scope first, then the ids
        # An unknown id is refused by name, not dropped (a person registered off the card).
        family = _family(request, payload.family) if payload.family else None
        unit = services.unit_of_village(village, payload.unit)
        resident = services.register_resident(request.user, village, data, family=family, unit=unit)
    except ValidationError as exc:
        conflict = _nik_conflict(exc)
        if conflict:
            return 409, {"detail": validation_message(exc), "type": conflict}
        raise HttpError(400, validation_message(exc)) from exc
    except PermissionDenied as exc:
        raise _errors(exc) from exc
    return 201, resident


@router.patch(
    "/residents/{resident_id}",
    response={200: ResidentOut, 409: ConflictOut},
    auth=signed_in,
    summary="Edit a resident",
)
def patch_resident(request, resident_id: int, payload: ResidentPatch):
    """A `version` older than the stored one is refused with 409 (`type` version_conflict and
    the stored `version`): read the resident again and apply the change to what is there."""
    resident = _resident(request, resident_id)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    try:
        if "unit" in changes:
            changes["unit"] = services.unit_of_village(resident.village, changes["unit"])
        return services.update_resident(request.user, resident, changes, payload.version)
    except services.VersionConflict as exc:
        return 409, _version_conflict(exc)
    except ValidationError as exc:
        conflict = _nik_conflict(exc)  # the same answer as registering that NIK
        if conflict:
            return 409, {"detail": validation_message(exc), "type": conflict}
        raise _errors(exc) from exc
    except PermissionDenied as exc:
        raise _errors(exc) from exc


@router.post(
    "/residents/{resident_id}/events",
    response={201: ResidentOut},
    auth=signed_in,
    summary="Record a death or a move out, or correct one recorded by mistake",
)
def add_event(request, resident_id: int, payload: EventIn):
    resident = _resident(request, resident_id)
    try:
        if payload.kind == "death":
            services.record_death(request.user, resident, payload.date, payload.note)
        elif payload.kind == "move_out":
            services.record_move_out(
                request.user,
                resident,
                payload.date,
                payload.place,
                payload.note,
                to_village=payload.to_village,
            )
        else:  # "correction"; the schema refuses any other kind, naming `kind`
            services.correct_to_alive(request.user, resident, payload.note, payload.date)
    except (ValidationError, PermissionDenied) as exc:
        raise _errors(exc) from exc
    resident.refresh_from_db()
    return 201, resident


@router.get("/families", response=FamilyPage, auth=signed_in, summary="List families")
def list_families(request, filters: Query[FamilyFilter]):
    _refuse_unknown_parameters(request, FamilyFilter)
    area = _listed_area(request, _listed_village(filters.village), filters.unit)
    families = services.search_families(request.user, filters.q[:100], area.village, area.unit_ids)
    window = list(families[filters.offset : filters.offset + filters.limit])
    last_page = len(window) < filters.limit and (window or not filters.offset)
    # Past the end, the offset says nothing about the matches: count them.
    count = filters.offset + len(window) if last_page else families.count()
    return {"count": count, "results": window}


@router.get("/families/{family_id}", response=FamilyDetail, auth=signed_in, summary="One family")
def get_family(request, family_id: int):
    family = Family.objects.visible_to(request.user).filter(pk=family_id).first()
    if family is None:
        raise HttpError(404, _("No family with this id is visible to you."))
    return family


@router.get(
    "/statistics/population", response=PopulationOut, summary="Population statistics (public)"
)
@public
def population(request, region: str):
    """Counts by sex, age group, religion, education, occupation and marital status."""
    if not region.strip():
        raise HttpError(
            400,
            _("region: give a region code, e.g. 61.12 (a regency) or 61.12.01.2001 (a village)."),
        )
    try:
        code = normalize_code(region)
    except BadRegionCode as exc:
        raise HttpError(400, _("region: %(problem)s") % {"problem": exc}) from exc
    found = Region.objects.filter(code=code).first()
    if found is None:
        raise HttpError(404, _("No region has the code %(code)s.") % {"code": code})
    return {**population_summary(code), "name": found.name}


def _village(raw: str) -> Region:
    try:
        return Region.objects.get(code=normalize_code(raw), level=Region.Level.VILLAGE)
    except (BadRegionCode, Region.DoesNotExist) as exc:
        raise HttpError(400, _("village: no village has this code.")) from exc


def _refuse_other_person(payload: MoveInIn, village: Region) -> None:
    """`person` describes the one moving in: its own NIK or village, when they differ from
    the request's, were ignored without a word (QA of 2026-11-24); so was a `relationship`
    with no `family`."""
    person = payload.person
    if payload.relationship is not None and payload.family is None:
        # Not dropped without a word (QA, sixth session): an existing record moving in
        # with no card gets no relationship.
        raise HttpError(
            400,
            _(
                "relationship: this is the relationship to the head of the card given as "
                "family; give family too, or leave relationship out."
            ),
        )
    if person is None:
        return
    if person.nik.strip() and person.nik.strip() != payload.nik.strip():
        raise HttpError(400, _("person.nik: must be the request's NIK or left empty."))
    try:
        same = normalize_code(person.village) == village.code
    except BadRegionCode:
        same = False
    if not same:
        raise HttpError(400, _("person.village: must be the request's village."))


def _confirm_origin(request, nik: str, from_village: str, village: Region) -> None:
    """A mistyped NIK must not take a stranger's record from their village: the caller names
    the village the person comes from, as the form's tick box asks the operator to."""
    holder = services.holder_of(nik.strip())
    if holder is None or holder.village_id == village.code:
        return
    try:
        stated = normalize_code(from_village) if from_village else ""
    except BadRegionCode:
        stated = ""
    if stated != holder.village_id:
        # "form": the source the custodian's list names "form or API" ("api" showed nothing).
        services.note_conflict(request.user, village, holder, "form")
        raise HttpError(
            409,
            _(
                "from_village: NIK %(nik)s is registered in another village; give that "
                "village's code (from the moving letter) to move the record here."
            )
            % {"nik": nik.strip()},
        )


def _family(request, family_id: int) -> Family:
    family = Family.objects.visible_to(request.user).filter(pk=family_id).first()
    if family is None:
        raise HttpError(404, _("No family with this id is visible to you."))
    return family


def _members(family: Family, ids: list[int]) -> list[Resident]:
    found = list(family.members.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise HttpError(400, _("Choose members of this family to move to the new family."))
    return found


@router.post("/families", response={201: FamilyOut}, auth=signed_in, summary="Register a family")
def create_family(request, payload: FamilyIn):
    village = _village(payload.village)
    try:
        services.require_write(request.user, village.code)  # scope first, then the unit
        unit = services.unit_of_village(village, payload.unit)
        family = services.register_family(
            request.user, village, payload.family_number, unit, payload.address
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _errors(exc) from exc
    return 201, family


@router.patch(
    "/families/{family_id}",
    response={200: FamilyOut, 409: ConflictOut},
    auth=signed_in,
    summary="Move a family's RT",
)
def patch_family(request, family_id: int, payload: FamilyPatch):
    """A `version` older than the stored one is refused with 409, as for residents."""
    family = _family(request, family_id)
    given = payload.dict(exclude_unset=True)
    try:
        unit = services.unit_of_village(family.village, given.get("unit", family.unit_id))
        address = given.get("address") if given.get("address") is not None else family.address
        return services.move_family(request.user, family, unit, address, payload.version)
    except services.VersionConflict as exc:
        return 409, _version_conflict(exc)
    except (ValidationError, PermissionDenied) as exc:
        raise _errors(exc) from exc


@router.post(
    "/families/{family_id}/births",
    response={201: ResidentOut},
    auth=signed_in,
    summary="Record a birth into a family",
)
def add_birth(request, family_id: int, payload: BirthIn):
    family = _family(request, family_id)
    try:
        data = payload.dict()
        mother = births.mother_on_card(family, data.pop("mother"))
        baby = services.record_birth(request.user, family, data, mother=mother)
    except (ValidationError, PermissionDenied) as exc:
        raise _errors(exc) from exc
    return 201, baby


@router.post(
    "/move-ins",
    response={201: ResidentOut},
    auth=signed_in,
    summary="Record a move in (the existing record moves here)",
)
def move_in(request, payload: MoveInIn):
    village = _village(payload.village)
    _refuse_other_person(payload, village)
    family = _family(request, payload.family) if payload.family else None
    data = payload.person.dict(exclude={"village", "family", "unit"}) if payload.person else None
    if payload.relationship is not None:  # an existing record moving onto a card needs one
        data = (data or {}) | {"relationship": payload.relationship}
    try:
        # Scope first: whoever may not write here learns nothing of where a NIK is held.
        services.require_write(request.user, village.code)
        _confirm_origin(request, payload.nik, payload.from_village, village)
        unit = services.unit_of_village(village, payload.unit)
        resident = services.record_move_in(
            request.user,
            village,
            payload.nik,
            data=data,
            family=family,
            unit=unit,
            date=payload.date,
            origin=payload.origin,
            from_village=_stated_origin(payload.from_village),
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _errors(exc) from exc
    return 201, resident


def _stated_origin(from_village: str) -> str | None:
    try:
        return normalize_code(from_village) if from_village else None
    except BadRegionCode:
        return None


@router.get(
    "/arrivals",
    response=list[ArrivalOut],
    auth=signed_in,
    summary="People moving to a village, waiting for its move in",
)
def list_arrivals(request, village: str):
    destination = _village(village)
    try:
        services.require_write(request.user, destination.code)
    except PermissionDenied as exc:
        raise _errors(exc) from exc
    return [
        {
            "nik": e.resident.nik,
            "name": e.resident.name,
            "sex": e.resident.sex,
            "from_village": e.village_id,
            "moved_out": e.date,
        }
        for e in arrivals.expected_arrivals(destination.code)[:500]
    ]


@router.post(
    "/families/{family_id}/split",
    response={201: FamilyOut},
    auth=signed_in,
    summary="Split members off into a new family card",
)
def split(request, family_id: int, payload: SplitIn):
    family = _family(request, family_id)
    members = _members(family, payload.members)
    head = next((m for m in members if m.pk == payload.new_head), None)
    if head is None:
        raise HttpError(400, _("The new head must be one of the members who move."))
    try:
        new = services.split_family(
            request.user,
            family,
            members,
            payload.family_number,
            head,
            payload.date,
            others=payload.others,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _errors(exc) from exc
    return 201, new


@router.post(
    "/families/{family_id}/head",
    response=FamilyDetail,
    auth=signed_in,
    summary="Change the head of family",
)
def change_head(request, family_id: int, payload: HeadIn):
    family = _family(request, family_id)
    head = family.members.filter(pk=payload.new_head).first()
    if head is None:
        raise HttpError(400, _("The new head must be a member of this family."))
    try:
        services.change_head(
            request.user,
            family,
            head,
            payload.date,
            payload.old_head_relationship,
            others=payload.others,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _errors(exc) from exc
    return family


@router.post(
    "/residents/{resident_id}/family",
    response=ResidentOut,
    auth=signed_in,
    summary="Move a resident onto another family card of the village",
)
def join_family(request, resident_id: int, payload: JoinFamilyIn):
    resident = _resident(request, resident_id)
    family = _family(request, payload.family)
    try:
        return services.join_family(
            request.user, resident, family, payload.relationship, payload.date
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _errors(exc) from exc
