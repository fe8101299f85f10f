"""A birth linked to the mother's record on the family card: the operator picks her instead
of typing her name, so the record can be checked (a woman of the card, alive at the birth,
old enough to be the mother) and her name is written as registered, not as retyped."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from satudata.registry import codes
from satudata.registry.models import Family, LifeEvent, Resident

FEMALE = 2
WIFE = 3
# Younger than this at a birth is a wrong pick or a wrong date, not a mother.
YOUNGEST_MOTHER_YEARS = 10


def mother_choices(family: Family) -> list[Resident]:
    """The women of the card who may be picked as the mother (alive, oldest first)."""
    return list(
        family.members.filter(sex=FEMALE, status=Resident.Status.ALIVE).order_by("birth_date", "id")
    )


def mother_on_card(family: Family, resident_id: int | None) -> Resident | None:
    """The resident an API call names as the mother: a member of this card, or refused."""
    if resident_id is None:
        return None
    mother = family.members.filter(pk=resident_id).first()
    if mother is None:
        raise ValidationError(
            {
                "mother": _("mother: no member of this family card has the id %(id)s.")
                % {"id": resident_id}
            }
        )
    return mother


def _years_between(earlier: datetime.date, later: datetime.date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def parents_from_record(family: Family, mother: Resident, baby_birth: datetime.date) -> dict:
    """The mother's (and, for the head's wife, the father's) names for the baby's record,
    after checking that she can be the mother; a ValidationError naming `mother` if not."""
    problem = None
    if mother.family_id != family.pk:
        problem = _("mother: %(name)s is not a member of this family card.")
    elif mother.sex != FEMALE:
        problem = _("mother: %(name)s is recorded as male.")
    elif _years_between(mother.birth_date, baby_birth) < YOUNGEST_MOTHER_YEARS:
        problem = _("mother: %(name)s (born %(born)s) is too young to be the mother.")
    elif mother.status != Resident.Status.ALIVE and not _alive_on(mother, baby_birth):
        problem = _("mother: %(name)s is not recorded as living on the birth date.")
    if problem:
        raise ValidationError(
            {
                "mother": problem
                % {"name": mother.name, "born": mother.birth_date.strftime("%d-%m-%Y")}
            }
        )
    names = {"mother_name": mother.name}
    head = family.members.filter(relationship=codes.HEAD, status=Resident.Status.ALIVE).first()
    if mother.relationship == WIFE and head is not None and head.sex != FEMALE:
        names["father_name"] = head.name  # the wife's husband heads the card
    return names


def _alive_on(mother: Resident, day: datetime.date) -> bool:
    """A mother who died (or left) on or after the birth, as in a death in childbirth."""
    ended = (
        mother.events.filter(
            kind__in=[LifeEvent.Kind.DEATH, LifeEvent.Kind.MOVE_OUT],
        )
        .order_by("-date", "-id")
        .first()
    )
    return ended is not None and ended.date >= day
