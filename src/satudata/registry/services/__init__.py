"""All writes of the population registry: residents, families and life events, each audited.

Every function takes the acting user, checks the village is in their write scope, validates
with `validation.check_resident`, and writes the change and its audit entry in one transaction.
Nothing is ever hard-deleted: a death or a move changes the basic status and adds an event.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.scope import read_scope, write_scope
from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import served
from satudata.registry import arrivals, births, cells, codes, statistics
from satudata.registry.models import (
    Family,
    FormerTemporaryNik,
    LifeEvent,
    NikConflict,
    Resident,
    name_key,
)
from satudata.registry.validation import (
    check_resident,
    invisible_problem,
    kk_problem,
    named,
    outside_message,
    place_problems,
    shown_date,
    temporary_nik_problem,
    tidy_text,
    tidy_texts,
    too_long,
)

EDITABLE = (
    "nik",
    "nik_is_temporary",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "education_kk",
    "education_current",
    "occupation",
    "marital_status",
    "relationship",
    "citizenship",
    "blood_type",
    "disability",
    "father_name",
    "mother_name",
)


def require_write(actor, village_code: str) -> None:
    """PermissionDenied unless the actor may change this village's residents; a village
    outside the regencies this database serves is refused for everyone (the custodian's
    scope is everything), as no operator here could ever take its records over."""
    if not served(village_code):
        raise ValidationError({"village": outside_message(village_code)})
    if not write_scope(actor).allows(village_code):
        raise PermissionDenied(_("You may not change the residents of this village."))


def _event(actor, resident: Resident, kind: str, date=None, **extra) -> LifeEvent:
    _check_event_date(resident, date)
    _check_event_texts(extra)
    statistics.changed()
    cells.refresh([resident.village_id])
    return LifeEvent.objects.create(
        resident=resident,
        village_id=resident.village_id,
        kind=kind,
        date=date or datetime.date.today(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **extra,
    )


# How each event's texts are asked for, on its form and in the API: (field, label) by the
# event's column. A refusal names and is keyed by the field the user filled in (QA: "from/to",
# the column's name, is a word no page shows, and the move-in page could not place it).
MOVE_OUT_TEXTS = {
    "other_place": ("place", gettext_lazy("moved to")),
    "note": ("note", gettext_lazy("note")),
}
MOVE_IN_TEXTS = {"other_place": ("origin", gettext_lazy("moved from"))}
CORRECTION_TEXTS = {"note": ("note", gettext_lazy("reason"))}


def _check_event_texts(extra: dict, names: dict | None = None) -> None:
    if errors := event_text_problems(extra, names):
        raise ValidationError(errors)


def event_text_problems(extra: dict, names: dict | None = None) -> dict[str, str]:
    """A note or place longer than its column is refused, naming it (SQLite would keep it
    whole, PostgreSQL end the request with a database error); so is one holding an
    invisible character (QA: a right-to-left override in a move's destination showed the
    card's KK number reversed on the resident's page). A note may have line breaks.
    `names` (see MOVE_OUT_TEXTS) says what the caller's form calls each text; a public
    function checks its texts so before `_event` checks them again under the columns'
    names (they pass by then). Field -> message; empty when the texts pass."""
    errors = {}
    for column_name in ("note", "other_place"):
        column = LifeEvent._meta.get_field(column_name)
        field, label = (names or {}).get(column_name, (column_name, column.verbose_name))
        text = extra.get(column_name) or ""
        if column_name == "note":
            text = text.replace("\r\n", "\n").replace("\n", " ")
        if len(extra.get(column_name) or "") > column.max_length:
            errors[field] = f"{label}: {too_long(column.max_length)}"
        elif problem := invisible_problem(text):
            errors[field] = f"{label}: {problem}"
    return errors


def _check_event_date(resident: Resident, date: datetime.date | None) -> None:
    """An event cannot happen before the person was born, nor in the future. Callers run
    inside the change's transaction, so a refusal leaves nothing written."""
    if date is None:
        return
    if date > timezone.localdate():
        raise ValidationError(
            {"date": _("date: %(date)s is in the future.") % {"date": shown_date(date)}}
        )
    if resident.birth_date and date < resident.birth_date:
        raise ValidationError(
            {
                "date": _("date: %(date)s is before %(name)s's birth (%(birth)s).")
                % {
                    "date": shown_date(date),
                    "name": resident.name,
                    "birth": shown_date(resident.birth_date),
                }
            }
        )
    # Nor before what the registry already recorded of the person's life (a death dated
    # before the move onto a card, a move out before the move in). Not the date a record
    # was entered or imported: a village entering its records late dates what happened.
    latest = _last_lived(resident) if resident.pk else None
    if latest is not None and date < latest.date:
        raise ValidationError(
            {
                "date": _("date: %(date)s is before the %(event)s recorded on %(when)s.")
                % {
                    "date": shown_date(date),
                    "event": latest.get_kind_display(),
                    "when": shown_date(latest.date),
                }
            }
        )


def _last_lived(resident: Resident) -> LifeEvent | None:
    """The latest event of the person's life that still stands: not the entry of the record
    (registered, imported), not a death or move out that a correction undid, nor the
    correction itself (after it, the move out is recorded again with its true date)."""
    standing: list[LifeEvent] = []
    for event in resident.events.order_by("pk"):
        if event.kind == LifeEvent.Kind.CORRECTION:
            undone = next((e for e in reversed(standing) if e.kind in UNDONE_BY_CORRECTION), None)
            if undone is not None:
                standing.remove(undone)
        elif event.kind not in (LifeEvent.Kind.REGISTERED, LifeEvent.Kind.IMPORTED):
            standing.append(event)
    return max(standing, key=lambda e: (e.date, e.pk), default=None)


UNDONE_BY_CORRECTION = (LifeEvent.Kind.DEATH, LifeEvent.Kind.MOVE_OUT)


def _lock_family(family: Family | None) -> None:
    """Lock the card's row until the transaction ends. Whoever may give a card a head, or
    take one away, takes it first: two people placed on a headless card at once both found
    it without a head and both became head (QA, PostgreSQL).

    FOR NO KEY UPDATE, not FOR UPDATE: a resident saved onto the card meanwhile checks its
    foreign key with a KEY SHARE lock at commit, which FOR UPDATE blocks; with the village
    lock of `cells.refresh` taken in between, two writers deadlocked (QA: a birth raced with
    a change of head). And a card is locked before any of its residents, by every change
    that locks both (see `_lock_cards_then`)."""
    if family is not None:
        Family.objects.select_for_update(no_key=True).filter(pk=family.pk).first()


def _lock_cards_then(resident: Resident, *others: Family | None) -> None:
    """Lock the resident's card (as the page read it) and any other card, in id order, and
    then the resident's row: the order `change_head` and `split_family` lock in (card, then
    members), so two changes of one card never wait on each other crosswise."""
    cards = {f.pk: f for f in (resident.family, *others) if f is not None}
    for pk in sorted(cards):
        _lock_family(cards[pk])
    _fresh(resident)


def _check(data: dict) -> None:
    errors = check_resident(data)
    if errors:
        raise ValidationError(errors)


def value_problems(data: dict, *, new: bool = False) -> dict[str, str]:
    """The checks of a resident's values themselves (`check_resident`), as saving runs them,
    for a form refused before it reaches the service (`forms.apply_early`). A new person's
    empty temporary NIK is no problem: saving numbers it."""
    values = tidy_texts({k: v for k, v in data.items() if k in EDITABLE})
    problems = check_resident(values)
    if new and values.get("nik_is_temporary") and not (values.get("nik") or "").strip():
        problems.pop("nik", None)
    return problems


def holder_of(nik: str) -> Resident | None:
    """The record that holds this NIK anywhere in the database (one valid record)."""
    return Resident.objects.filter(nik=nik).select_related("village").first()


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


def note_conflict(actor, village: Region, holder: Resident, source: str) -> None:
    """Keep for the custodian that this village tried a NIK another village holds. Each
    such answer names the holding village, so each leaves a trace in the conflict list (a
    move in tried without naming the village of origin left none: QA of 2026-11-24)."""
    conflict = NikConflict(
        nik=holder.nik,
        village=village,
        holder_village_id=holder.village_id,
        source=source,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    NikConflict.objects.add_new([conflict])


def _unit_in(village: Region, unit: LocalUnit | None) -> LocalUnit | None:
    if unit is not None and unit.village_id != village.code:
        raise ValidationError({"unit": _("RT: the unit is in another village.")})
    return unit


def _member_unit(village: Region, family: Family | None, unit: LocalUnit | None):
    """The RT of someone joining a family card: the card's, which lives at one address. An
    RT given that differs from it is refused rather than silently replaced."""
    if family is None or family.unit_id is None:
        return _unit_in(village, unit)
    if unit is not None and unit.pk != family.unit_id:
        raise ValidationError(
            {
                "unit": _(
                    "RT: family card %(kk)s is in %(rt)s, and its members live in its RT; "
                    "leave the RT empty or choose the family's."
                )
                % {"kk": family.family_number, "rt": family.unit.path_label()}
            }
        )
    return family.unit


def unit_of_village(village: Region, unit_id: int | None) -> LocalUnit | None:
    """The village's hamlet, RW or RT with this id (None: no unit); another village's or an
    unknown id is refused, naming the field."""
    if unit_id is None:
        return None
    unit = LocalUnit.objects.filter(pk=unit_id, village=village).first()
    if unit is None:
        raise ValidationError({"unit": _("RT: this village has no such RT.")})
    return unit


def living_head(family: Family | None, exclude_pk=None) -> Resident | None:
    if family is None:
        return None
    heads = Resident.objects.filter(
        family=family, relationship=codes.HEAD, status=Resident.Status.ALIVE
    )
    return heads.exclude(pk=exclude_pk).first()


def _refuse_second_head(
    family: Family | None, relationship, resident_pk=None, date: datetime.date | None = None
) -> None:
    """A family card has one living head: a second comes only through a change of head.
    `date`, when someone joins the card as its head on that date (pindah KK, move in, birth),
    must not come before a former head left it (QA, sixth session: the card had two living
    heads in between, as a change of head dated so had, fifth session)."""
    if relationship == codes.HEAD:
        _lock_family(family)
    if relationship == codes.HEAD and family is not None and date is not None:
        for old_head, left in _former_heads(family, resident_pk):
            _refuse_change_before_leaving(old_head, date, left)
    head = living_head(family, resident_pk) if relationship == codes.HEAD else None
    if head is not None:
        raise ValidationError(
            {
                "relationship": _(
                    "relationship in family: family card %(kk)s already has a head "
                    "(%(name)s); join it as another member, or change its head on the "
                    "family's page."
                )
                % {"kk": family.family_number, "name": head.name}
            }
        )


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


class VersionConflict(ValidationError):
    """A save based on an older version than the stored one. A ValidationError, so the form
    shows it as before; its own class, so the API can answer 409 with the current version
    instead of 400 (a client retries a conflict, it does not fix its data)."""

    def __init__(self, current: int, yours: int, family: bool = False):
        if yours > current:  # not a change by someone else: a version never stored
            text = _(
                "Version %(yours)d was never stored; the current one is %(theirs)d. Read "
                "the record again and apply your change to it."
            )
        elif family:
            text = _(
                "Someone else changed this family card in the meantime (version %(theirs)d, "
                "yours %(yours)d). Reload the page and apply your change again."
            )
        else:
            text = _(
                "Someone else changed this resident in the meantime (version %(theirs)d, "
                "yours %(yours)d). Reload the page and apply your change again."
            )
        super().__init__(text % {"theirs": current, "yours": yours}, code="version_conflict")
        self.current_version = current


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


@transaction.atomic
def move_family(
    actor, family: Family, unit: LocalUnit | None, address: str, version: int | None = None
) -> Family:
    """The family moves house inside the village: the card's RT and address change, and its
    living members' RT with it. Each change is in the history; nothing else is touched.
    Refused if the card was changed since `version` was read."""
    require_write(actor, family.village_id)
    unit = _unit_in(family.village, unit)
    current = Family.objects.select_for_update().get(pk=family.pk)
    if version is not None and version != current.version:
        raise VersionConflict(current.version, version, family=True)
    address = _family_address(address)
    unit_id = unit.pk if unit else None
    if unit_id == current.unit_id and address == current.address:
        return current
    audit.update(actor, current, unit=unit, address=address, version=current.version + 1)
    living = Resident.objects.select_for_update().filter(
        family=current, status=Resident.Status.ALIVE
    )
    for member in living.exclude(unit_id=unit_id) if unit_id else living.exclude(unit=None):
        audit.update(actor, member, unit=unit, version=member.version + 1)
    return current


@transaction.atomic
def register_family(
    actor, village: Region, family_number: str, unit: LocalUnit | None = None, address: str = ""
) -> Family:
    require_write(actor, village.code)
    problem = kk_problem(family_number)
    if problem:
        raise ValidationError({"family_number": named("family_number", problem)})
    address = _family_address(address)
    _refuse_taken_kk(family_number)
    family = Family(
        village=village, family_number=family_number, unit=_unit_in(village, unit), address=address
    )
    try:
        with transaction.atomic():
            return audit.create(actor, family)
    except (IntegrityError, ValidationError):  # taken meanwhile (see register_resident)
        _refuse_taken_kk(family_number)
        raise


def _family_address(address: str) -> str:
    """The card's address as stored, or a ValidationError naming the field."""
    address = tidy_text(address or "")
    problem = place_problems({"address": address}).get("address")  # the import's rule
    if problem:
        raise ValidationError({"address": problem})
    return address


def _refuse_taken_kk(family_number: str) -> None:
    holder = Family.objects.filter(family_number=family_number).select_related("village").first()
    if holder is not None:
        raise ValidationError(
            {
                "family_number": named(
                    "family_number",
                    _("already registered in the village of %(village)s (%(code)s).")
                    % {"village": holder.village.name, "code": holder.village_id},
                )
            }
        )


def record_birth(
    actor,
    family: Family,
    data: dict,
    date: datetime.date | None = None,
    mother: Resident | None = None,
):
    """A baby born into a family: registered with a birth event, as a child by default.
    `mother`, a woman of the card, gives the parents' names from the records (`births`)."""
    data = {"marital_status": 1} | {
        k: v for k, v in data.items() if v is not None or k != "marital_status"
    }
    if mother is not None and isinstance(data.get("birth_date"), datetime.date):
        require_write(actor, family.village_id)
        parents = births.parents_from_record(family, mother, data["birth_date"])
        if data.get("father_name"):  # what the operator typed wins over the guess
            parents.pop("father_name", None)
        data |= parents
    # A field left empty ("—") keeps the default: a child (of the head, or a grandchild
    # when the mother is the head's child), not married.
    data["relationship"] = births.baby_relationship(family, mother, data.get("relationship"))
    return register_resident(
        actor,
        family.village,
        data,
        family=family,
        kind=LifeEvent.Kind.BIRTH,
        date=date or data.get("birth_date"),
    )


def _fresh(resident: Resident) -> Resident:
    """Read the row again, locked until the transaction ends: the page the change came from
    may be stale (a second tap of the same form, another operator), and the checks that
    follow must judge the stored record, not the one the page loaded."""
    resident.refresh_from_db(from_queryset=Resident.all_objects.select_for_update())
    return resident


def _require_alive(resident: Resident) -> None:
    _fresh(resident)
    _refuse_unless_alive(resident)


def _refuse_unless_alive(resident: Resident) -> None:
    """The record as just read under lock (`_fresh`, `_lock_cards_then`) is a living one."""
    if resident.status != Resident.Status.ALIVE:
        raise ValidationError(
            _("%(name)s is not a living resident of this village (status: %(status)s).")
            % {"name": resident.name, "status": codes.label("status", resident.status)}
        )


@transaction.atomic
def record_death(actor, resident: Resident, date: datetime.date, note: str = "") -> Resident:
    require_write(actor, resident.village_id)
    _lock_cards_then(resident)
    _refuse_unless_alive(resident)
    audit.update(actor, resident, status=Resident.Status.DEAD, version=resident.version + 1)
    _event(actor, resident, LifeEvent.Kind.DEATH, date, note=note)
    return resident


@transaction.atomic
def record_move_out(
    actor,
    resident: Resident,
    date: datetime.date,
    destination: str = "",
    note: str = "",
    to_village: str = "",
) -> Resident:
    """A resident leaves; `to_village` (a code) names the destination when it is a village of
    this database, which alone may then take the record in (`arrivals`)."""
    require_write(actor, resident.village_id)
    _check_event_texts({"other_place": destination, "note": note}, MOVE_OUT_TEXTS)
    _lock_cards_then(resident)
    _refuse_unless_alive(resident)
    goes_to = arrivals.destination_village(to_village, resident.village_id)
    _refuse_head_leaving(resident.family, [resident])
    audit.update(actor, resident, status=Resident.Status.MOVED, version=resident.version + 1)
    _event(
        actor,
        resident,
        LifeEvent.Kind.MOVE_OUT,
        date,
        other_place=destination or (goes_to.name if goes_to else ""),
        to_village=goes_to,
        note=note,
        family_before=resident.family.family_number if resident.family else "",
    )
    return resident


@transaction.atomic
def correct_to_alive(
    actor, resident: Resident, reason: str, date: datetime.date | None = None
) -> Resident:
    """Undo a death, move out or disappearance recorded by mistake: the person counts as a
    living resident of the village again. Nothing is erased: the mistaken event stays in the
    history, followed by this correction and its reason (an operator's misclick must be
    repairable, and the repair visible)."""
    require_write(actor, resident.village_id)
    _lock_cards_then(resident)
    if resident.status == Resident.Status.ALIVE:
        raise ValidationError(
            _("%(name)s is already a living resident; there is nothing to correct.")
            % {"name": resident.name}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"note": _("reason: say why the recorded status was wrong.")})
    _check_event_texts({"note": reason}, CORRECTION_TEXTS)
    if resident.relationship == codes.HEAD:
        _lock_family(resident.family)
    if resident.relationship == codes.HEAD and living_head(resident.family, resident.pk):
        # The card named a new head meanwhile; two living heads would follow.
        raise ValidationError(
            _(
                "%(name)s was the head of family card %(kk)s, which has another head now: "
                "first edit %(name)s's relationship in the family."
            )
            % {"name": resident.name, "kk": resident.family.family_number}
        )
    mistaken = resident.events.exclude(kind=LifeEvent.Kind.CORRECTION).order_by("-pk").first()
    if date and mistaken and date < mistaken.date:
        # A correction follows the event it corrects (QA: one dated 2020 undid a 2026 move).
        raise ValidationError(
            {
                "date": _("date: %(date)s is before the event it corrects (%(event)s).")
                % {"date": shown_date(date), "event": shown_date(mistaken.date)}
            }
        )
    # Back on the card, at its address: the card may have moved house meanwhile (its living
    # members moved with it, and a member cannot change RT alone).
    family = resident.family
    unit = family.unit if family is not None and family.unit_id else resident.unit
    audit.update(
        actor,
        resident,
        status=Resident.Status.ALIVE,
        unit=unit,
        version=resident.version + 1,
    )
    _event(actor, resident, LifeEvent.Kind.CORRECTION, date, note=reason)
    return resident


def record_move_in(actor, village: Region, nik: str, **details) -> Resident:
    """A person arrives (see `_move_in`). A refusal that names the village holding the NIK
    is kept for the custodian as a conflict, as a refused registration is: written after the
    move in's transaction rolled back, which would take it along (QA, fifth session)."""
    try:
        return _move_in(actor, village, nik, **details)
    except ValidationError as exc:
        # Or a registration refused for a NIK another village took meanwhile.
        named_holder = isinstance(exc, arrivals.HeldElsewhere) or any(
            error.code == "nik_elsewhere" for error in getattr(exc, "error_dict", {}).get("nik", [])
        )
        holder = holder_of(nik) if named_holder else None
        if holder is not None and holder.village_id != village.code:
            note_conflict(actor, village, holder, "form")
        raise


@transaction.atomic
def _move_in(
    actor,
    village: Region,
    nik: str,
    *,
    data: dict | None = None,
    family: Family | None = None,
    unit: LocalUnit | None = None,
    date: datetime.date | None = None,
    origin: str = "",
    from_village: str | None = None,
) -> Resident:
    """A person arrives: the existing record moves here (one valid record), or a new one.
    `from_village`, the village the caller confirmed the record is in, is checked again on
    the record read under lock: another village may have taken it in meanwhile."""
    require_write(actor, village.code)
    if family is not None and family.village_id != village.code:
        raise ValidationError({"family": _("family: the family is in another village.")})
    _check_event_texts({"other_place": origin}, MOVE_IN_TEXTS)
    holder = Resident.objects.select_for_update().filter(nik=nik).first()
    if (
        holder is not None
        and from_village is not None
        and holder.village_id not in (from_village, village.code)
    ):
        raise ValidationError(
            {
                "nik": named(
                    "nik",
                    _(
                        "this record moved to another village while the move in was being "
                        "recorded; look the NIK up again."
                    ),
                )
            }
        )
    if holder is None:
        details = {**(data or {}), "nik": nik}
        if family is not None:
            details["relationship"] = _arrival_relationship(family, details.get("relationship"))
        return register_resident(
            actor,
            village,
            details,
            family=family,
            unit=unit,
            kind=LifeEvent.Kind.MOVE_IN,
            date=date,
            other_place=origin,
        )
    if holder.village_id == village.code and holder.status == Resident.Status.ALIVE:
        raise ValidationError({"nik": named("nik", _("already registered in this village."))})
    if holder.village_id != village.code:
        _refuse_unreleased(actor, holder)
        arrivals.refuse_other_destination(actor, holder, village)
    if holder.status == Resident.Status.DEAD:
        # A death is final: moving the record would bring a dead person back to life.
        raise arrivals.HeldElsewhere(
            {
                "nik": named(
                    "nik",
                    _("belongs to a person recorded as dead (village %(code)s).")
                    % {"code": holder.village_id},
                )
            }
        )
    # No card, no relationship in one (a card is chosen later). The one given for the new
    # card must not make a second head of it.
    relationship = _arrival_relationship(family, (data or {}).get("relationship"))
    if family is not None:
        _refuse_second_head(family, relationship, holder.pk, date)
    if holder.status == Resident.Status.ALIVE:
        _refuse_head_moving_away(holder)
    moved_out = arrivals.last_move_out(holder)
    if date is not None and moved_out is not None and date < moved_out.date:
        # The arrival cannot come before the departure the other village recorded. Not by
        # name: a village that knows only a NIK and its village must not learn whose it is
        # (the moving letter in the operator's hands names the person and this date).
        raise ValidationError(
            {
                "date": _(
                    "date: %(date)s is before the move out recorded by the village of "
                    "origin (%(out)s)."
                )
                % {
                    "date": shown_date(date),
                    "out": shown_date(moved_out.date),
                }
            }
        )
    old_village, old_family = holder.village_id, holder.family
    if holder.status != Resident.Status.MOVED:  # else the old village recorded the move out
        _event(
            actor,
            holder,
            LifeEvent.Kind.MOVE_OUT,
            date,
            other_place=village.name,
            family_before=old_family.family_number if old_family else "",
        )
    audit.update(
        actor,
        holder,
        village=village,
        unit=_member_unit(village, family, unit),
        family=family,
        relationship=relationship,
        status=Resident.Status.ALIVE,
        version=holder.version + 1,
    )
    # Counted after the record left: refreshed before, the old village still counted a
    # person moved straight from it (a custodian's move in), in two villages at once.
    cells.refresh([old_village])
    _event(
        actor,
        holder,
        LifeEvent.Kind.MOVE_IN,
        date,
        other_place=origin or old_village,
        family_after=family.family_number if family else "",
    )
    NikConflict.objects.filter(nik=nik, village=village, resolved=False).update(resolved=True)
    return holder


def _arrival_relationship(family: Family | None, given: int | None) -> int | None:
    """The relationship of a person moving in onto `family` (see `_card_relationship`): the
    one the record had was relative to the head of another card (QA: a son joined a
    stranger's card as "Anak"; a head kept "Kepala Keluarga" and was refused as a second
    head), so it does not carry over."""
    if family is None:
        return None
    return _card_relationship(family, given, arriving=True)


def _card_relationship(
    family: Family, given: int | None, *, arriving: bool = False, required: bool = False
) -> int:
    """The relationship of a person joining `family` (registered, moving in, or by pindah
    KK, whose form `required`s one): the one given, or, on a card with no living member
    yet, its head (a card is headed by its member). On a card with members it must be
    given: no relationship to its head can be guessed (QA, sixth session: a new member was
    stored with none). On an empty card only the head may be given: anyone else would be
    the only member of a card with no head."""
    if given not in codes.RELATIONSHIP and (given is not None or required):
        raise ValidationError(
            {"relationship": _("relationship in family: choose one from the list.")}
        )
    _lock_family(family)  # a member joining meanwhile must not find it still empty
    empty = not Resident.objects.filter(family=family, status=Resident.Status.ALIVE).exists()
    if empty and given not in (None, codes.HEAD):
        # QA, sixth session: a child moved onto an empty card made a card with no head.
        if required:
            message = _(
                "relationship in family: family card %(kk)s has no living member, and "
                'the first living member of a card is its head; choose "%(head)s".'
            )
        else:
            message = _(
                "relationship in family: family card %(kk)s has no living member, and "
                'the first living member of a card is its head; choose "%(head)s" or '
                "leave the relationship empty."
            )
        head = codes.RELATIONSHIP[codes.HEAD]
        raise ValidationError(
            {"relationship": message % {"kk": family.family_number, "head": head}}
        )
    if given is not None:
        return given
    if empty:
        return codes.HEAD
    if arriving:
        message = _(
            "relationship in family: choose the relationship to the head of family card "
            "%(kk)s, which has members already; a relationship on a previous card does "
            "not carry over."
        )
    else:
        message = _(
            "relationship in family: choose the relationship to the head of family card "
            "%(kk)s, which has members already."
        )
    raise ValidationError({"relationship": message % {"kk": family.family_number}})


def _refuse_unreleased(actor, holder: Resident) -> None:
    """A record moves to another village only once its own village has let it go: the move
    out is recorded there (as the moving letter is issued there), unless the actor may change
    both villages (the custodian). Until then the other village learns only where the NIK is
    registered: not whether the person lives, died or went missing, nor their details."""
    if holder.status == Resident.Status.MOVED or write_scope(actor).allows(holder.village_id):
        return
    raise arrivals.HeldElsewhere(
        {
            "nik": named(
                "nik",
                _(
                    "registered in the village of %(village)s (%(code)s), which has not "
                    "recorded this person's move out: ask that village's operator to record "
                    "the move out first, then record the move in here."
                )
                % {"village": holder.village.name, "code": holder.village_id},
            )
        }
    )


def _refuse_head_moving_away(holder: Resident) -> None:
    """A person moving in who still heads a card in their old village, with members who
    stay there: that village names a new head first (only its operator may), or the card
    would be left without one."""
    family = holder.family
    if holder.relationship == codes.HEAD and family is not None and _others_stay(family, [holder]):
        raise arrivals.HeldElsewhere(
            {
                "nik": named(
                    "nik",
                    _(
                        "%(name)s still heads family card %(kk)s in village %(village)s, "
                        "whose other members stay there: that village's operator must first "
                        "name a new head of that card."
                    )
                    % {
                        "name": holder.name,
                        "kk": family.family_number,
                        "village": holder.village.name,
                    },
                )
            }
        )


@transaction.atomic
def change_head(
    actor,
    family: Family,
    new_head: Resident,
    date: datetime.date | None = None,
    old_head_relationship: int = 11,
    head_was: int | None = None,
    others: dict[int, int] | None = None,
) -> Family:
    """Make another member the head of family; the old head gets another relationship.
    `head_was`, the head the form showed (0: none living), refuses a change decided on a
    stale page: the old head's new relationship was chosen for that person, not for whoever
    heads the card now.
    `others` (member id -> relationship) gives the other members' relationships to the new
    head (a son who takes over: his mother becomes "Orang Tua"); members not named keep
    theirs."""
    require_write(actor, family.village_id)
    _lock_family(family)  # one change at a time
    _fresh(new_head)  # judged as stored now: a split may have taken them meanwhile
    current = living_head(family)
    if head_was is not None and (current.pk if current else 0) != head_was:
        raise ValidationError(
            _(
                "The head of this family changed while the form was open (now: %(name)s). "
                "Open the form again."
            )
            % {"name": current.name if current else "—"}
        )
    if new_head.family_id != family.pk:
        raise ValidationError(_("The new head must be a member of this family."))
    _refuse_unless_alive(new_head)
    if old_head_relationship not in codes.RELATIONSHIP or old_head_relationship == codes.HEAD:
        raise ValidationError(_("Choose the old head's new relationship in the family."))
    if new_head.relationship == codes.HEAD:
        raise ValidationError(
            _("%(name)s is already the head of this family.") % {"name": new_head.name}
        )
    relationships = _others_relationships(family, new_head, current, others or {})
    old_heads = list(family.members.filter(relationship=codes.HEAD).exclude(pk=new_head.pk))
    for old in old_heads:
        _refuse_change_before_leaving(old, date)
    for old in old_heads:
        # A head who died keeps the card's one-head rule by becoming "other" (the change is
        # in the audit trail), but gets no life event dated after their death.
        audit.update(actor, old, relationship=old_head_relationship, version=old.version + 1)
        if old.status == Resident.Status.ALIVE:
            _event(actor, old, LifeEvent.Kind.HEAD_CHANGE, date, family_after=family.family_number)
    audit.update(actor, new_head, relationship=codes.HEAD, version=new_head.version + 1)
    _event(actor, new_head, LifeEvent.Kind.HEAD_CHANGE, date, family_after=family.family_number)
    for member, relationship in relationships:
        audit.update(actor, member, relationship=relationship, version=member.version + 1)
    return family


def _refuse_change_before_leaving(
    old_head: Resident, date: datetime.date | None, left: LifeEvent | None = None
) -> None:
    """A card gets its next head once its head has died or moved out, not before (QA: a
    change dated a month before the head's death gave the card two living heads in that
    month). A living old head's own event is checked by `_event`. `left`, the event by which
    the old head left the card, when known (`_former_heads`)."""
    if date is None:
        return
    if left is None:
        if old_head.status == Resident.Status.ALIVE:
            return
        left = _last_lived(old_head)
    if left is not None and date < left.date:
        raise ValidationError(
            {
                "date": _(
                    "date: %(date)s is before %(name)s, the head until then, left the card "
                    "(%(event)s, %(when)s)."
                )
                % {
                    "date": shown_date(date),
                    "name": old_head.name,
                    "event": left.get_kind_display().lower(),
                    "when": shown_date(left.date),
                }
            }
        )


def _former_heads(family: Family, resident_pk=None):
    """(person, the event that ended their headship or None) for each former head of the
    card: those still on it, dead or moved out (`_last_lived` dates it), and those who left
    it as its head (QA, sixth session: a head who left by pindah KK on the 20th is no member
    any more, and a new head joining "on the 10th" was taken)."""
    for old_head in family.members.filter(relationship=codes.HEAD).exclude(pk=resident_pk):
        if old_head.status != Resident.Status.ALIVE:
            yield old_head, None
    yield from _heads_who_left(family, resident_pk)


# The events by which a person leaves a card: its KK number is their `family_before`.
LEAVING = (LifeEvent.Kind.FAMILY_JOIN, LifeEvent.Kind.FAMILY_SPLIT, LifeEvent.Kind.MOVE_OUT)


def _heads_who_left(family: Family, resident_pk=None):
    """(person, leaving event) for each person who left the card while heading it. A life
    event does not say the relationship the person had; the change of their record in the
    audit trail does (its `before`: on this card, as head), and the event written with it
    dates it: a pindah KK or split writes its event right after the change, a move in
    elsewhere takes the record the move out (written before) released."""
    leaving = LifeEvent.objects.filter(
        village_id=family.village_id, family_before=family.family_number, kind__in=LEAVING
    ).exclude(resident_id=resident_pk)
    people = {str(pk) for pk in leaving.values_list("resident_id", flat=True)}
    if not people:
        return
    changes = AuditEntry.objects.filter(
        model_label=Resident._meta.label_lower,
        object_pk__in=people,
        action=AuditEntry.Action.UPDATE,
    ).order_by("id")
    for change in changes:
        before, after = change.before or {}, change.after or {}
        if (
            before.get("family_id") != family.pk
            or after.get("family_id") == family.pk
            or before.get("relationship") != codes.HEAD
        ):
            continue
        theirs = leaving.filter(resident_id=int(change.object_pk)).select_related("resident")
        moved_away = before.get("status") != Resident.Status.ALIVE or before.get(
            "village_id"
        ) != after.get("village_id")
        if moved_away:
            event = theirs.filter(kind=LifeEvent.Kind.MOVE_OUT, created_at__lte=change.at)
            event = event.order_by("-pk").first()
        else:
            event = theirs.exclude(kind=LifeEvent.Kind.MOVE_OUT)
            event = event.filter(created_at__gte=change.at).order_by("pk").first()
        if event is not None:
            yield event.resident, event


def _others_relationships(family, new_head, old_head, others: dict[int, int]) -> list:
    """(member, new relationship) for the other living members whose relationship changes
    with the head; a ValidationError naming the member for an id or code that cannot be."""
    skip = {new_head.pk, old_head.pk if old_head else None}
    members = {
        m.pk: m for m in family.members.filter(status=Resident.Status.ALIVE).exclude(pk__in=skip)
    }
    changes = []
    for pk, relationship in others.items():
        member = members.get(pk)
        if member is None:
            raise ValidationError(
                _("%(id)s is not another living member of this family card.") % {"id": pk}
            )
        if relationship not in codes.RELATIONSHIP or relationship == codes.HEAD:
            raise ValidationError(
                _("relationship of %(name)s: choose one from the list, other than the head.")
                % {"name": member.name}
            )
        if relationship != member.relationship:
            changes.append((member, relationship))
    return changes


@transaction.atomic
def split_family(
    actor,
    family: Family,
    members: list[Resident],
    new_family_number: str,
    new_head: Resident,
    date: datetime.date | None = None,
    address: str = "",
    others: dict[int, int] | None = None,
) -> Family:
    """Some members leave a family card for a new one (pisah KK), with its own head.
    `others` (member id -> relationship) gives the other leaving members' relationships to
    the new head, as for a change of head; members not named keep theirs, which the births
    then no longer read as relative to this card's head (`births.guessed_father`)."""
    require_write(actor, family.village_id)
    if new_head not in members:
        raise ValidationError(_("The new head must be one of the members who move."))
    # Read again under lock before judging: two splits of one member sent at once both
    # passed a check made on the page's copies (QA, PostgreSQL: an empty second card).
    _lock_family(family)
    for member in members:
        _require_alive(member)
    if not members or any(m.family_id != family.pk for m in members):
        raise ValidationError(_("Choose members of this family to move to the new family."))
    _refuse_emptying_split(family, members)
    _refuse_head_leaving(family, members)
    given = _split_relationships(members, new_head, others or {})
    new_family = register_family(
        actor, family.village, new_family_number, family.unit, address or family.address
    )
    # Those who keep their relationship move first, those given one after the new head:
    # the history then shows which relationships were set relative to the new head.
    for member in sorted(members, key=lambda m: (m.pk == new_head.pk) + 2 * (m.pk in given)):
        relationship = given.get(member.pk, member.relationship)
        if member.pk == new_head.pk:
            relationship = codes.HEAD
        elif relationship == codes.HEAD:
            relationship = 11
        audit.update(
            actor,
            member,
            family=new_family,
            relationship=relationship,
            version=member.version + 1,
        )
        _event(
            actor,
            member,
            LifeEvent.Kind.FAMILY_SPLIT,
            date,
            family_before=family.family_number,
            family_after=new_family_number,
        )
    return new_family


def _refuse_emptying_split(family: Family, members: list[Resident]) -> None:
    """A split takes some members to a new card; the card they leave keeps a living member
    (QA: ticking everyone left the old KK number with nobody on it). The card is locked, and
    the members read again, by the caller, so a member joining or leaving meanwhile counts."""
    if not _others_stay(family, members):
        raise ValidationError(
            {
                "members": _(
                    "members who move: at least one living member must stay on family card "
                    "%(kk)s; a split moves some members to a new card, not all of them."
                )
                % {"kk": family.family_number}
            }
        )


def _split_relationships(members, new_head, others: dict[int, int]) -> dict[int, int]:
    """The leaving members' relationships to the new head, by id; a ValidationError naming
    `others` or the member for an id or code that cannot be."""
    leaving = {m.pk: m for m in members if m.pk != new_head.pk}
    for pk, relationship in others.items():
        member = leaving.get(pk)
        if member is None:
            raise ValidationError(
                {
                    "others": _(
                        "others: %(id)s is not one of the members who move, other than the "
                        "new head."
                    )
                    % {"id": pk}
                }
            )
        if relationship not in codes.RELATIONSHIP or relationship == codes.HEAD:
            raise ValidationError(
                {
                    f"rel_{pk}": _(
                        "relationship of %(name)s: choose one from the list, other than the head."
                    )
                    % {"name": member.name}
                }
            )
    return dict(others)


def _refuse_head_leaving(family: Family | None, leaving: list[Resident]) -> None:
    """A head may leave a card (pindah or pisah KK) only with its last living members:
    a card whose members stay needs a head, so the headship is handed over first."""
    if family is None:
        return
    if any(person.relationship == codes.HEAD for person in leaving):
        _lock_family(family)  # members joining meanwhile would be left without a head
    for person in leaving:
        if (
            person.relationship == codes.HEAD
            and person.family_id == family.pk
            and _others_stay(family, leaving)
        ):
            raise ValidationError(
                _(
                    "%(name)s heads family card %(kk)s, whose other members stay: make one of "
                    'them its head first ("Change the head of family" on the family\'s page).'
                )
                % {"name": person.name, "kk": family.family_number}
            )


def _others_stay(family: Family, leaving: list[Resident]) -> bool:
    """Whether the card keeps living members once these people leave it."""
    stay = Resident.objects.filter(family=family, status=Resident.Status.ALIVE)
    return stay.exclude(pk__in=[m.pk for m in leaving]).exists()


@transaction.atomic
def join_family(
    actor,
    resident: Resident,
    family: Family,
    relationship: int,
    date: datetime.date | None = None,
) -> Resident:
    """A living resident moves onto another family card of the same village (pindah KK: a
    daughter who marries into her husband's family), or onto a first card if registered without
    one. The old card keeps its other members; the person's RT becomes the family's."""
    require_write(actor, resident.village_id)
    _lock_cards_then(resident, family)
    _refuse_unless_alive(resident)
    if family.village_id != resident.village_id:
        raise ValidationError({"family_number": _("KK number: the family is in another village.")})
    if resident.family_id == family.pk:
        raise ValidationError(
            {
                "family_number": _("KK number: %(name)s is already on this family card.")
                % {"name": resident.name}
            }
        )
    _card_relationship(family, relationship, required=True)
    _refuse_second_head(family, relationship, date=date)
    old = resident.family
    _refuse_head_leaving(old, [resident])
    audit.update(
        actor,
        resident,
        family=family,
        relationship=relationship,
        unit=family.unit or resident.unit,
        version=resident.version + 1,
    )
    _event(
        actor,
        resident,
        LifeEvent.Kind.FAMILY_JOIN,
        date,
        family_before=old.family_number if old else "",
        family_after=family.family_number,
    )
    return resident


COUNT_CAP = 1000  # search results are counted up to this many (the API says when capped)


def resolve_conflict(actor, conflict: NikConflict) -> NikConflict:
    """The custodian closes a NIK conflict settled outside the registry (the villages agreed
    the NIK was mistyped, say); a move in to the village that tried closes it by itself."""
    if not getattr(actor, "is_custodian", False):
        raise PermissionDenied(_("Only the data custodian may close a NIK conflict."))
    if conflict.resolved:
        return conflict
    return audit.update(actor, conflict, resolved=True)


def search_families(user, query: str = ""):
    """Families the user may see, each with its head's name (`head_name`, None when no
    living head is recorded) and its living members (`living`); by exact KK number or by
    the start of the head's name. Operators look a family up by its head, as on paper."""
    living = Resident.objects.filter(family=OuterRef("pk"), status=Resident.Status.ALIVE)
    families = Family.objects.visible_to(user).annotate(
        head_name=Subquery(
            living.filter(relationship=codes.HEAD).order_by("id").values("name")[:1]
        ),
        living=Coalesce(
            Subquery(
                living.order_by().values("family").annotate(n=Count("id")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )
    query = tidy_text(query or "")
    if query.isdigit():
        return families.filter(family_number=query).order_by("village_id", "family_number")
    key = name_key(query)
    if key:
        # Joined to the heads whose name starts so, in the order of their names and then
        # their ids: the page reads the (name key, id) index in order and stops at its end
        # (the custodian's search over a whole regency sorted up to ~3,000 matching
        # families by KK number before; by family id, every head of a common name).
        upper = key[:-1] + chr(ord(key[-1]) + 1)
        scope = read_scope(user)
        # A village operator's heads are found through the (village, name key) index.
        where = Q(members__village_id=scope.village) if scope.village else Q()
        return families.filter(
            where,
            members__name_key__gte=key,
            members__name_key__lt=upper,
            members__relationship=codes.HEAD,
            members__status=Resident.Status.ALIVE,
            members__deleted_at__isnull=True,
        ).order_by("members__name_key", "members__id")
    return families.order_by("village_id", "family_number")


def search_residents(user, query: str = "", village: str | None = None):
    """Residents the user may see, by exact NIK or KK number or by name prefix (indexed)."""
    residents = Resident.objects.visible_to(user)
    if village:
        residents = residents.filter(village_id=village)
    query = tidy_text(query or "")
    if query.isdigit() and len(query) == 16:
        # Two exact index lookups (NIK; members of the family card), then the scoped rows.
        ids = list(Resident.objects.filter(nik=query).values_list("id", flat=True))
        families = Family.objects.filter(family_number=query).values_list("id", flat=True)
        if families:
            ids += Resident.objects.filter(family_id__in=list(families)).values_list(
                "id", flat=True
            )
        return residents.filter(pk__in=ids).order_by("name_key", "id")
    key = name_key(query)
    if key:
        upper = key[:-1] + chr(ord(key[-1]) + 1)
        residents = residents.filter(name_key__gte=key, name_key__lt=upper)
    return residents.order_by("name_key", "id")
