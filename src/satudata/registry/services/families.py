"""Family cards: registering one, moving house inside the village, changing its head, splitting
it (pisah KK), and a living resident joining another card (pindah KK).

A change of a card's members locks the card before them (see `common._lock_cards_then`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.regions.models import LocalUnit, Region
from satudata.registry import codes
from satudata.registry.models import Family, LifeEvent, Resident
from satudata.registry.services.common import (
    VersionConflict,
    _fresh,
    _lock_cards_then,
    _lock_family,
    _refuse_unless_alive,
    _require_alive,
    _unit_in,
    living_head,
    require_write,
)
from satudata.registry.services.event_log import _event
from satudata.registry.services.heads import (
    _card_relationship,
    _others_stay,
    _refuse_change_before_leaving,
    _refuse_head_leaving,
    _refuse_second_head,
)
from satudata.registry.validation import kk_problem, named, place_problems, tidy_text


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
    # Under lock, as stored now: an edit of the old head saved meanwhile would otherwise be
    # written back over with the values read here (audit.update saves the whole record; QA).
    old_heads = list(
        family.members.select_for_update()
        .filter(relationship=codes.HEAD)
        .exclude(pk=new_head.pk)
        .order_by("pk")
    )
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


def _others_relationships(family, new_head, old_head, others: dict[int, int]) -> list:
    """(member, new relationship) for the other living members whose relationship changes
    with the head; a ValidationError naming the member for an id or code that cannot be."""
    skip = {new_head.pk, old_head.pk if old_head else None}
    living = family.members.filter(status=Resident.Status.ALIVE).exclude(pk__in=skip)
    # Locked, in id order (as split_family's members): saved below with these values.
    members = {m.pk: m for m in living.select_for_update().order_by("pk")}
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
