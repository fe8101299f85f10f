"""Life events that change a person's status or village: a birth, a death, a move out, a move
in (taking over another village's record, or a new one), and the correction of a death or
move recorded by mistake.

Where a person leaves or joins a card they apply its head rules (`heads`); every event is
written through `event_log`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.audit import services as audit
from satudata.core.dates import shown_date
from satudata.regions.models import LocalUnit, Region
from satudata.registry import arrivals, births, cells, codes
from satudata.registry.models import Family, LifeEvent, NikConflict, Resident
from satudata.registry.services.common import (
    _lock_cards_then,
    _lock_family,
    _member_unit,
    _refuse_unless_alive,
    living_head,
    require_write,
)
from satudata.registry.services.conflicts import holder_of, note_conflict
from satudata.registry.services.event_log import (
    CORRECTION_TEXTS,
    MOVE_IN_TEXTS,
    MOVE_OUT_TEXTS,
    _check_event_texts,
    _event,
)
from satudata.registry.services.heads import (
    _card_relationship,
    _others_stay,
    _refuse_head_leaving,
    _refuse_second_head,
)
from satudata.registry.services.residents import register_resident
from satudata.registry.validation import named


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
    _close_conflicts(actor, nik, village)
    return holder


def _close_conflicts(actor, nik: str, village: Region) -> None:
    """The move in settles the village's open conflicts on this NIK: each closed as the
    custodian's "Close" closes one, with its audit entry (QA, tenth session: a bare UPDATE
    closed them with no trace of who settled them, or when)."""
    open_ones = NikConflict.objects.select_for_update().filter(
        nik=nik, village=village, resolved=False
    )
    for conflict in open_ones:
        audit.update(actor, conflict, resolved=True)


def _arrival_relationship(family: Family | None, given: int | None) -> int | None:
    """The relationship of a person moving in onto `family` (see `_card_relationship`): the
    one the record had was relative to the head of another card (QA: a son joined a
    stranger's card as "Anak"; a head kept "Kepala Keluarga" and was refused as a second
    head), so it does not carry over."""
    if family is None:
        return None
    return _card_relationship(family, given, arriving=True)


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
