"""The rules of a family card's head and members: one living head, no card left headless, no
new head dated before the old one left, and the relationship a person joining a card gets.

Registration, move in, move out, pindah KK, split and change of head all apply them, so they
sit below those modules.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from satudata.audit.models import AuditEntry
from satudata.core.dates import shown_date
from satudata.registry import codes
from satudata.registry.models import Family, LifeEvent, Resident
from satudata.registry.services.common import _lock_family, living_head
from satudata.registry.services.event_log import _last_lived


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
