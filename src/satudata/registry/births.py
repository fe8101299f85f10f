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
WIFE, CHILD, CHILD_IN_LAW, GRANDCHILD = 3, 4, 5, 6  # relationship codes
# Younger than this at a birth is a wrong pick or a wrong date, not a mother.
YOUNGEST_MOTHER_YEARS = 10


def mother_choices(family: Family) -> list[Resident]:
    """The women of the card who may be picked as the mother (alive, old enough to have a
    child today, oldest first)."""
    today = datetime.date.today()
    born_by = today.replace(year=today.year - YOUNGEST_MOTHER_YEARS, day=min(today.day, 28))
    return list(
        family.members.filter(
            sex=FEMALE, status=Resident.Status.ALIVE, birth_date__lte=born_by
        ).order_by("birth_date", "id")
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
    # The wife's husband heads the card, unless the headship changed hands: a son who took
    # over from his late father may still list his mother as "Istri".
    husband = mother.relationship == WIFE and head is not None and head.sex != FEMALE
    if husband and not family_had_head_change(family):
        names["father_name"] = head.name
    return names


def family_had_head_change(family: Family) -> bool:
    return LifeEvent.objects.filter(
        kind=LifeEvent.Kind.HEAD_CHANGE, family_after=family.family_number
    ).exists()


def baby_relationship(mother: Resident | None, relationship: int | None) -> int | None:
    """The baby's relationship to the head: a child of the head or his wife is "Anak"; a
    child of the head's child or child-in-law is "Cucu". A 4 ("Anak") chosen for the
    latter is refused (the form offers 4 by default)."""
    grandchild = mother is not None and mother.relationship in (CHILD, CHILD_IN_LAW)
    if relationship is None:
        return GRANDCHILD if grandchild else CHILD
    if grandchild and relationship == CHILD:
        raise ValidationError(
            {
                "relationship": _(
                    "relationship in family: the mother, %(name)s, is the head's child or "
                    "child-in-law, so her baby is the head's grandchild: choose 6 – Cucu."
                )
                % {"name": mother.name}
            }
        )
    return relationship


def _alive_on(mother: Resident, day: datetime.date) -> bool:
    """A mother who died (or left) on or after the birth, as in a death in childbirth. The
    event recorded last ended her record: an earlier one may have been corrected."""
    ended = (
        mother.events.filter(kind__in=[LifeEvent.Kind.DEATH, LifeEvent.Kind.MOVE_OUT])
        .order_by("-id")
        .first()
    )
    return ended is not None and ended.date >= day
