"""Registering and editing a resident: numbering temporary NIKs, refusing a NIK another record
holds (the conflict kept for the custodian), and the checks an edit passes (the version read,
the head of the card, the birth date against the events, the card's RT).

A birth and a new arrival are registered here too, called from `events`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.regions.models import LocalUnit, Region
from satudata.registry import cells, codes, statistics
from satudata.registry.models import Family, FormerTemporaryNik, LifeEvent, Resident, name_key
from satudata.registry.services.common import (
    EDITABLE,
    VersionConflict,
    _check,
    _lock_family,
    _member_unit,
    _unit_in,
    require_write,
)
from satudata.registry.services.conflicts import holder_of, note_conflict
from satudata.registry.services.event_log import _event
from satudata.registry.services.heads import _card_relationship, _refuse_second_head
from satudata.registry.validation import (
    check_resident,
    named,
    shown_date,
    temporary_nik_problem,
    tidy_texts,
)


def value_problems(data: dict, *, new: bool = False) -> dict[str, str]:
    """The checks of a resident's values themselves (`check_resident`), as saving runs them,
    for a form refused before it reaches the service (`forms.apply_early`). A new person's
    empty temporary NIK is no problem: saving numbers it."""
    values = tidy_texts({k: v for k, v in data.items() if k in EDITABLE})
    problems = check_resident(values)
    if new and values.get("nik_is_temporary") and not (values.get("nik") or "").strip():
        problems.pop("nik", None)
    return problems


def _refuse_taken_nik(
    actor, village: Region, nik: str, source: str = "form", resident: Resident | None = None
) -> None:
    # A new NIK (registered, or changed by an edit): a temporary one must be this village's,
    # and not one given before to someone else (`resident`: the one being edited).
    if nik.startswith("0") and (problem := temporary_nik_problem(nik, village.code)):
        raise ValidationError({"nik": named("nik", problem)})
    former = FormerTemporaryNik.objects.filter(nik=nik)
    if nik.startswith("0") and former.exclude(resident=resident).exists():
        message = _(
            "was the temporary NIK of someone who has a real NIK now; a temporary NIK is "
            "never given twice."
        )
        raise ValidationError({"nik": named("nik", message)})
    holder = holder_of(nik)
    if holder is None:
        return
    if holder.village_id == village.code:
        message = named("nik", _("already registered in this village."))
        raise ValidationError({"nik": ValidationError(message, code="nik_here")})
    note_conflict(actor, village, holder, source)
    message = named(
        "nik",
        _("already registered in the village of %(village)s (%(code)s); record a move in instead.")
        % {"village": holder.village.name, "code": holder.village_id},
    )
    raise ValidationError({"nik": ValidationError(message, code="nik_elsewhere")})


def register_resident(
    actor,
    village: Region,
    data: dict,
    *,
    family: Family | None = None,
    unit: LocalUnit | None = None,
    kind: str = LifeEvent.Kind.REGISTERED,
    date: datetime.date | None = None,
    note: str = "",
    other_place: str = "",
) -> Resident:
    """Add a person to a village's registry (a birth, a move in or a first registration).

    A NIK another village holds is refused, and the conflict is kept for the custodian even
    though nothing else is saved (it is written before the registration's transaction).
    """
    require_write(actor, village.code)
    values = tidy_texts({k: v for k, v in data.items() if k in EDITABLE})
    numbered = values.get("nik_is_temporary") and not (values.get("nik") or "").strip()
    for attempt in range(TEMPORARY_NIK_TRIES):
        if numbered:
            values["nik"] = next_temporary_nik(village)
        _check(values)
        retry = numbered and attempt + 1 < TEMPORARY_NIK_TRIES
        if retry and holder_of(values["nik"]):
            continue  # two registrations at once read the same highest serial
        try:
            _refuse_taken_nik(actor, village, values["nik"])
        except ValidationError:
            if retry:
                continue  # taken between the look above and this check: the next serial
            raise
        try:
            with transaction.atomic():
                return _register(
                    actor, village, values, family, unit, kind, date, note, other_place
                )
        except (IntegrityError, ValidationError):
            if retry and holder_of(values["nik"]):
                continue  # the other one committed between the check and the insert
            # Another session registered the NIK after the check: the model's constraint
            # check ("Constraint nik_unique_alive is violated") or the insert refuses it. The
            # user gets the check's own answer, naming the village, not a server error.
            _refuse_taken_nik(actor, village, values["nik"])
            raise
    raise AssertionError("unreachable: the last try returns or raises")


TEMPORARY_NIK_TRIES = 5


def next_temporary_nik(village: Region) -> str:
    """A temporary NIK for someone without one yet, as OpenSID makes it: 0, the village's
    10-digit code and a 5-digit serial, the next one after the village's highest (deleted
    records included, so a number is never given twice)."""
    prefix = "0" + village.code.replace(".", "")
    in_use = (
        Resident.all_objects.filter(nik__startswith=prefix)
        .order_by("-nik")
        .values_list("nik", flat=True)
        .first()
    )
    replaced = (
        FormerTemporaryNik.objects.filter(nik__startswith=prefix)
        .order_by("-nik")
        .values_list("nik", flat=True)
        .first()
    )
    highest = max(in_use or "", replaced or "")
    serial = int(highest[len(prefix) :] or 0) + 1 if highest else 1
    if serial % 10000 == 0:
        serial += 1  # a NIK ending in 0000 is refused (validation.temporary_nik_problem)
    if serial > 99999:  # a sixth digit would make a NIK of 17 digits, refused as mistyped
        raise ValidationError(
            {
                "nik": named(
                    "nik",
                    _(
                        "the serial numbers of this village's temporary NIKs are used up "
                        "(%(highest)s is taken); type a temporary NIK of this village with a "
                        "serial number not yet used."
                    )
                    % {"highest": highest},
                )
            }
        )
    return f"{prefix}{serial:05d}"


def _register(actor, village, values, family, unit, kind, date, note, other_place) -> Resident:
    if family is not None and family.village_id != village.code:
        raise ValidationError({"family": _("family: the family is in another village.")})
    if family is not None and kind != LifeEvent.Kind.BIRTH:  # a birth's is the baby's own
        values["relationship"] = _card_relationship(family, values.get("relationship"))
    _refuse_second_head(family, values.get("relationship"), date=date)
    if kind == LifeEvent.Kind.BIRTH and family is not None:
        _refuse_birth_recorded_twice(family, values)
    resident = Resident(
        village=village,
        unit=_member_unit(village, family, unit),
        family=family,
        **values,
    )
    audit.create(actor, resident)
    _event(
        actor,
        resident,
        kind,
        date,
        note=note,
        other_place=other_place,
        family_after=family.family_number if family else "",
    )
    return resident


def _refuse_birth_recorded_twice(family: Family, values: dict) -> None:
    """The same baby sent from two open pages (two tabs, two operators) was saved twice: a
    baby with a temporary NIK has no NIK for the unique index to refuse. Twins have names
    of their own, so a baby of the same name, birth date and mother on the card is one
    already recorded. The card is locked first, so that two such births wait for each
    other (SQLite's write lock does this already)."""
    _lock_family(family)
    same = Resident.objects.filter(
        family=family,
        name_key=name_key(values.get("name") or ""),
        birth_date=values.get("birth_date"),
        mother_name__iexact=values.get("mother_name") or "",
    ).first()
    if same is not None:
        raise ValidationError(
            {
                "name": named(
                    "name",
                    _(
                        "the birth of %(name)s on %(date)s is already recorded on this card "
                        "(NIK %(nik)s); it was not recorded twice."
                    )
                    % {
                        "name": same.name,
                        "date": shown_date(same.birth_date),
                        "nik": same.nik,
                    },
                )
            }
        )


@transaction.atomic
def update_resident(actor, resident: Resident, changes: dict, version: int | None = None):
    """Change a resident's details; refused if someone saved a newer version meanwhile."""
    require_write(actor, resident.village_id)
    current = Resident.objects.select_for_update().get(pk=resident.pk)
    if version is not None and version != current.version:
        raise VersionConflict(current.version, version)
    values = tidy_texts({k: v for k, v in changes.items() if k in EDITABLE})
    if "unit" in changes:
        unit = _unit_in(current.village, changes["unit"])
        if (unit.pk if unit else None) != current.unit_id:
            _refuse_member_rt(current, unit)
            values["unit"] = unit
    if all(getattr(current, k) == v for k, v in values.items()):
        # Nothing changed: no new version, so other people's open forms stay valid.
        return current
    merged = {f: getattr(current, f) for f in EDITABLE} | values
    _check(merged)
    if values.get("relationship") == codes.HEAD and current.relationship != codes.HEAD:
        _refuse_dead_head(current)
        _refuse_second_head(current.family, codes.HEAD, current.pk)
    if "relationship" in values:
        _refuse_head_demotion(current, values["relationship"])
    if values.get("birth_date") and values["birth_date"] != current.birth_date:
        _refuse_birth_after_events(current, values["birth_date"])
    new_nik = merged["nik"] != current.nik  # (audit.update sets current's fields)
    if new_nik:
        _refuse_taken_nik(actor, current.village, merged["nik"], resident=current)
    replaced = current.nik if new_nik and current.nik_is_temporary else None
    statistics.changed()
    try:
        with transaction.atomic():
            updated = audit.update(actor, current, version=current.version + 1, **values)
            if replaced:
                FormerTemporaryNik.objects.get_or_create(
                    nik=replaced, defaults={"resident": current}
                )
    except (IntegrityError, ValidationError):
        if new_nik:  # taken meanwhile? (see register_resident)
            _refuse_taken_nik(actor, current.village, merged["nik"], resident=current)
        raise
    cells.refresh([current.village_id])
    return updated


def _refuse_dead_head(resident: Resident) -> None:
    """Only a living member becomes head (QA: an edit made a dead child a second head, and
    the next change of head turned its "Anak" into "Lainnya")."""
    if resident.status != Resident.Status.ALIVE:
        raise ValidationError(
            {
                "relationship": _(
                    "relationship in family: %(name)s is recorded as %(status)s and cannot "
                    'become head of family; a living member becomes head through "Change the '
                    "head of family\" on the family's page."
                )
                % {"name": resident.name, "status": resident.get_status_display().lower()}
            }
        )


def _refuse_head_demotion(resident: Resident, relationship) -> None:
    """The living head of a card stays its head until a change of head names the next one;
    an edit of the relationship alone would leave the card without a head."""
    if (
        resident.relationship == codes.HEAD
        and relationship != codes.HEAD
        and resident.family_id is not None
        and resident.status == Resident.Status.ALIVE
    ):
        raise ValidationError(
            {
                "relationship": _(
                    "relationship in family: %(name)s heads family card %(kk)s; name the new "
                    'head with "Change the head of family" on the family\'s page, which '
                    "gives %(name)s another relationship."
                )
                % {"name": resident.name, "kk": resident.family.family_number}
            }
        )


def _refuse_birth_after_events(resident: Resident, birth_date: datetime.date) -> None:
    """A corrected birth date cannot come after something the person already did (a death,
    a move, a change of family card)."""
    earlier = (
        resident.events.exclude(kind=LifeEvent.Kind.BIRTH)
        .filter(date__lt=birth_date)
        .order_by("date")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            {
                "birth_date": _(
                    "date of birth: %(date)s is after the %(event)s recorded on %(when)s."
                )
                % {
                    "date": shown_date(birth_date),
                    "event": earlier.get_kind_display(),
                    "when": shown_date(earlier.date),
                }
            }
        )


def _refuse_member_rt(resident: Resident, unit: LocalUnit | None) -> None:
    """A member of a family card with an RT lives at the card's address: the RT is changed
    for the whole card (`move_family`), not for one member. Moving a member to the card's
    own RT is allowed: it mends a member left elsewhere."""
    family = resident.family
    if (
        family is not None
        and family.unit_id is not None
        and family.unit_id != getattr(unit, "pk", None)
    ):
        raise ValidationError(
            {
                "unit": _(
                    "RT: %(name)s is on family card %(kk)s and lives in its RT; change the "
                    "RT of the whole family on the family's page."
                )
                % {"name": resident.name, "kk": family.family_number}
            }
        )
