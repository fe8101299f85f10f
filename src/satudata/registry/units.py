"""Places inside a village (hamlet, RW, RT) that a list or an export is limited to.

A unit holds its own residents and families and those of every unit inside it (a hamlet's
RWs and RTs): residents may be placed at any level. The export, the resident and family
lists and their API routes all select through `units_inside`, so they agree on what
"RW 002" holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from satudata.accounts.scope import read_scope
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import local_unit_tree


class NoSuchUnit(LookupError):
    """The village has no hamlet, RW or RT with the id asked for."""


def _units_below(village: Region) -> list[tuple[LocalUnit, str, list[int]]]:
    """(unit, "Dusun 1 / RW 002 / RT 003", ids of the unit and every unit inside it) for
    each unit of the village, depth first, from the tree the region page draws."""
    found: list[tuple[LocalUnit, str, list[int]]] = []

    def walk(nodes, prefix: str) -> list[int]:
        ids: list[int] = []
        for unit, children in nodes:
            label = f"{prefix}{unit.label()}"
            entry = (unit, label, [unit.pk])
            found.append(entry)
            entry[2].extend(walk(children, label + " / "))
            ids.extend(entry[2])
        return ids

    walk(local_unit_tree(village), "")
    return found


def unit_choices(village: Region) -> list[tuple[int, str]]:
    """(unit id, path label) of every unit of the village: the places inside a village
    that an export or a list can be limited to."""
    return [(unit.pk, label) for unit, label, _ids in _units_below(village)]


def units_inside(village: Region, unit_id: str | int) -> tuple[str, list[int]]:
    """(path label, ids of the unit and every unit inside it); NoSuchUnit when the village
    has no unit with this id (another village's unit included)."""
    wanted = str(unit_id).strip()
    for unit, label, ids in _units_below(village):
        if str(unit.pk) == wanted:
            return label, ids
    raise NoSuchUnit(wanted)


@dataclass(frozen=True)
class ListArea:
    """What a resident or family list is limited to: one village (None: the account's
    whole scope) and, inside it, one unit with the units below it (None: all of them)."""

    village: str | None = None
    unit_ids: list[int] | None = None
    unit_label: str = ""


class BadUnit(ValueError):
    """A unit filter that names no unit of the list's village; the message says so."""


def list_area(user, village: str | None, unit_id: str | int | None) -> ListArea:
    """The area a list shows: `village` (a normalized code, or None for the account's own
    when it reads one village), narrowed to `unit_id` and the units inside it. A unit of
    another village, of a village outside the account's scope, or an unknown one raises
    BadUnit: the list never widens or falls back to other villages' data."""
    scope = read_scope(user)
    village = village or scope.village
    if unit_id in (None, ""):
        return ListArea(village=village)
    wanted = str(unit_id).strip()
    outside = BadUnit(
        _("No hamlet, RW or RT with the id %(id)s lies in a village you may read.") % {"id": wanted}
    )
    if not village:
        # An account reading many villages (custodian, district) may name a unit alone:
        # the list is then the unit's own village.
        if not (wanted.isascii() and wanted.isdigit() and len(wanted) <= 18):
            raise outside  # past 18 digits, past SQLite's 64-bit integers
        village = LocalUnit.objects.filter(pk=wanted).values_list("village_id", flat=True).first()
    place = Region.objects.filter(code=village or "").first()
    if place is None or not scope.allows(place.code):
        raise outside
    try:
        label, ids = units_inside(place, wanted)
    except NoSuchUnit as exc:
        raise BadUnit(
            _("Village %(village)s has no hamlet, RW or RT with the id %(id)s.")
            % {"village": place.code, "id": wanted}
        ) from exc
    return ListArea(village=place.code, unit_ids=ids, unit_label=label)
