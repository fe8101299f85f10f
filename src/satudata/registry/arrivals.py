"""Moves between two villages of this database: the village of origin names the destination
when it records the move out, and from then on only that village (or an account that may
change both, the custodian) takes the record in. The destination finds the person in its list
of arrivals instead of typing a NIK from the moving letter.

A move out with no destination village (a move out of the regency, or one recorded before
destinations existed) stays open to any village, as before.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import Region
from satudata.regions.services import served
from satudata.registry.models import LifeEvent, Resident
from satudata.registry.validation import named


class HeldElsewhere(ValidationError):
    """A refused move in whose answer names the village holding the NIK: like a refused
    registration, it is kept for the custodian as a NIK conflict (`record_move_in`)."""


def destination_village(code: str, origin_code: str) -> Region | None:
    """The village a move out goes to, from the code the operator typed ('' for none)."""
    code = (code or "").strip()
    if not code:
        return None
    try:
        village = Region.objects.get(code=normalize_code(code), level=Region.Level.VILLAGE)
    except (BadRegionCode, Region.DoesNotExist):
        village = None
    # A village outside the regencies this database serves has no operator here to take
    # the record in: the record would be locked to it.
    if village is None or not served(village.code):
        raise ValidationError(
            {
                "to_village": _(
                    "destination village: %(code)s is not the code of a village of this "
                    "regency; leave it empty for a move out of the regency."
                )
                % {"code": code[:20]}
            }
        )
    if village.code == origin_code:
        raise ValidationError(
            {"to_village": _("destination village: the person already lives in this village.")}
        )
    return village


def _last_move_out():
    """The id of each resident's latest move out (a record may move more than once)."""
    return Subquery(
        LifeEvent.objects.filter(resident=OuterRef("resident"), kind=LifeEvent.Kind.MOVE_OUT)
        .order_by("-id")
        .values("id")[:1]
    )


def last_move_out(resident: Resident) -> LifeEvent | None:
    """The move out recorded last, whatever its date: after a correction, the move out
    recorded again (dated by the letter, perhaps earlier) is the one that counts."""
    return resident.events.filter(kind=LifeEvent.Kind.MOVE_OUT).order_by("-id").first()


def expected_arrivals(village_code: str):
    """The move-out events, still open, whose destination is this village: the person's
    record still sits in the village of origin with the status 'moved'."""
    return (
        LifeEvent.objects.filter(
            kind=LifeEvent.Kind.MOVE_OUT,
            to_village_id=village_code,
            resident__status=Resident.Status.MOVED,
        )
        .filter(id=_last_move_out())
        .select_related("resident", "village", "to_village")
        .order_by("date", "id")
    )


def refuse_other_destination(actor, holder: Resident, village: Region) -> None:
    """A record released to one village is not taken in by another (a mistyped NIK, or a
    village claiming someone who moved elsewhere), unless the actor may change the village of
    origin too, who can then correct the destination."""
    moved_out = last_move_out(holder)
    if moved_out is None or moved_out.to_village_id in (None, village.code):
        return
    if write_scope(actor).allows(holder.village_id):
        return
    raise HeldElsewhere(
        {
            "nik": named(
                "nik",
                _(
                    "the village of %(origin)s recorded this person's move out to the "
                    "village of %(destination)s (%(code)s); only that village can record the "
                    "move in. If the destination is wrong, ask %(origin)s's operator to "
                    "correct it."
                )
                % {
                    "origin": holder.village.name,
                    "destination": moved_out.to_village.name,
                    "code": moved_out.to_village_id,
                },
            )
        }
    )
