"""A birth linked to the mother's record on the family card: the operator picks her instead
of typing her name, so the record can be checked (a woman of the card, alive at the birth,
old enough to be the mother) and her name is written as registered, not as retyped."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from satudata.audit.models import AuditEntry
from satudata.core.dates import shown_date
from satudata.registry import codes
from satudata.registry.models import Family, LifeEvent, Resident

FEMALE = 2
WIFE, CHILD, CHILD_IN_LAW, GRANDCHILD = 3, 4, 5, 6  # relationship codes
# Younger than this at a birth is a wrong pick or a wrong date, not a mother.
YOUNGEST_MOTHER_YEARS = 10
ENDING = (LifeEvent.Kind.DEATH, LifeEvent.Kind.MOVE_OUT)  # the events that end a record here
# A woman of the card whose record ended (a death or a move out) this recently is still
# offered as a mother: she may have died in childbirth, or left after it. The birth date,
# known only once the form is sent, decides (`parents_from_record`, as for the API).
RECENTLY_ENDED_DAYS = 366


def mother_choices(family: Family) -> list[Resident]:
    """The women of the card who may be picked as the mother, oldest first: old enough to
    have a child today, and alive or with their record ended within the last year."""
    today = datetime.date.today()
    born_by = today.replace(year=today.year - YOUNGEST_MOTHER_YEARS, day=min(today.day, 28))
    ended = LifeEvent.objects.filter(resident=OuterRef("pk"), kind__in=ENDING).order_by("-id")
    since = today - datetime.timedelta(days=RECENTLY_ENDED_DAYS)
    return list(
        family.members.filter(sex=FEMALE, birth_date__lte=born_by)
        .annotate(ended_on=Subquery(ended.values("date")[:1]))
        .filter(Q(status=Resident.Status.ALIVE) | Q(ended_on__gte=since))
        .order_by("birth_date", "id")
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
            {"mother": problem % {"name": mother.name, "born": shown_date(mother.birth_date)}}
        )
    names = {"mother_name": mother.name}
    father = guessed_father(family, mother)
    if father is not None:
        names["father_name"] = father.name
    return names


def guessed_father(family: Family, mother: Resident) -> Resident | None:
    """The card's head, when the mother is recorded as his wife ("3 – Istri") relative to
    him: not when the headship changed hands (a change of head, or a split that made a new
    card and its head) after her relationship was last set. A son who took over from his
    late father, or who split off with his mother, may still list her as "Istri"."""
    if mother.relationship != WIFE:
        return None
    head = family.members.filter(relationship=codes.HEAD, status=Resident.Status.ALIVE).first()
    if head is None or head.sex == FEMALE:
        return None
    return head if relative_to_head(head, mother) else None


def relative_to_head(head: Resident | None, member: Resident) -> bool:
    """Whether the member's relationship was set relative to this head: the head has been
    head since the record's beginning (an import keeps no entry per resident), or the
    member's relationship was last set after the head became head."""
    if head is None:
        return False
    became_head = _last_entry(head, _made_head)
    relationship_set = _last_entry(member, _set_relationship)
    if became_head is None:
        # Head since the record began. An import keeps no entry per resident, so a head
        # imported after the member's relationship was set (a widow's new head) is told
        # by the record's age: as old as that setting, or older (one import: the same).
        set_at = (
            AuditEntry.objects.get(pk=relationship_set).at
            if relationship_set is not None
            else member.created_at
        )
        return set_at >= head.created_at
    return relationship_set is not None and relationship_set > became_head


def _last_entry(resident: Resident, test) -> int | None:
    """The id of the resident's latest history entry passing `test` (ids run in the order
    of the changes, across records)."""
    entries = AuditEntry.objects.filter(
        model_label=Resident._meta.label_lower,
        object_pk=str(resident.pk),
        action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE],
    ).order_by("-id")
    for entry in entries.only("id", "action", "before", "after").iterator():
        if test(entry.action, entry.before or {}, entry.after or {}):
            return entry.id
    return None


def _moved_card(before: dict, after: dict) -> bool:
    return "family_id" in after and before.get("family_id") != after["family_id"]


def _made_head(action: str, before: dict, after: dict) -> bool:
    """A change that made the person head: of their card (a change of head, an import) or
    of another (a split, a move onto a card), or a registration as head (a card's members
    registered before may have been set relative to an earlier head: QA, a widow's "Istri"
    gave her husband's successor as her baby's father)."""
    if after.get("relationship") != codes.HEAD:
        return False
    if action == AuditEntry.Action.CREATE:
        return True
    return before.get("relationship") != codes.HEAD or _moved_card(before, after)


def _set_relationship(action: str, before: dict, after: dict) -> bool:
    """The relationship was given: at registration, by a change of it (an edit, a change of
    head, a split that named it) or onto another card (a join, a split that named it)."""
    if action == AuditEntry.Action.CREATE:
        return True
    changed = "relationship" in after and before.get("relationship") != after["relationship"]
    return changed or _moved_card(before, after)


def baby_relationship(
    family: Family, mother: Resident | None, relationship: int | None
) -> int | None:
    """The baby's relationship to the head: a child of the head or his wife is "Anak"; a
    child of the head's child or child-in-law is "Cucu". A 4 ("Anak") chosen for the
    latter is refused (the form offers 4 by default), unless the mother's relationship was
    set relative to an earlier head (a son's wife stays "Menantu" when he takes over)."""
    grandchild = mother is not None and mother.relationship in (CHILD, CHILD_IN_LAW)
    if grandchild:
        head = family.members.filter(relationship=codes.HEAD, status=Resident.Status.ALIVE).first()
        grandchild = relative_to_head(head, mother)
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
    ended = mother.events.filter(kind__in=ENDING).order_by("-id").first()
    return ended is not None and ended.date >= day
