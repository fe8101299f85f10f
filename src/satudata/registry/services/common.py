"""What every write of the registry shares: the write-scope check, the row locks taken before
a record is judged, the checks that a record is a living one, the RT helpers, the editable
fields and the version conflict.

Kept below the resident, event and family modules, which all use it, so that none of them
has to import another for these.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import served
from satudata.registry import codes
from satudata.registry.models import Family, Resident
from satudata.registry.validation import check_resident, outside_message

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
            # The translated status (the code list's label is Indonesian in any language).
            % {"name": resident.name, "status": resident.get_status_display()}
        )
