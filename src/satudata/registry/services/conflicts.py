"""NIKs held by another village: who holds a NIK, the trace a refused attempt leaves for the
custodian, and the custodian closing it.

Registration and move in both leave that trace, so it lives apart from either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.regions.codes import level_of
from satudata.regions.models import Region
from satudata.registry.models import NikConflict, Resident


def holder_of(nik: str) -> Resident | None:
    """The record that holds this NIK anywhere in the database (one valid record)."""
    return Resident.objects.filter(nik=nik).select_related("village").first()


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


def resolve_conflict(actor, conflict: NikConflict) -> NikConflict:
    """The custodian closes a NIK conflict settled outside the registry (the villages agreed
    the NIK was mistyped, say); a move in to the village that tried closes it by itself."""
    _require_custodian(actor)
    if conflict.resolved:
        return conflict
    return audit.update(actor, conflict, resolved=True)


# The record id of the audit entries of a close in bulk: one entry for thousands of
# conflicts, so it names no single one; the history of "bulk" lists every close in bulk.
BULK_RECORD = "bulk"


@dataclass(frozen=True)
class ConflictFilters:
    """What the custodian's list selects: region codes in the dotted form (a village, or a
    district or regency meaning every village under it), '' for any."""

    tried: str = ""  # where the village that tried the NIK lies
    holder: str = ""  # where the village that holds it lies
    source: str = ""  # NikConflict.source: "form" (form or API) or "import"
    show_all: bool = False  # closed conflicts too


def selected(filters: ConflictFilters) -> QuerySet[NikConflict]:
    """The conflicts the filters select, newest first. Codes are the Region keys, so each
    filter is a test on the conflict's own column, no join: equality for a village, a
    prefix for a district or regency."""
    found = NikConflict.objects.all()
    if not filters.show_all:
        found = found.filter(resolved=False)
    if filters.tried:
        found = found.filter(_within("village", filters.tried))
    if filters.holder:
        found = found.filter(_within("holder_village", filters.holder))
    if filters.source:
        found = found.filter(source=filters.source)
    return found


def _within(village: str, code: str) -> Q:
    """The conflict's `village` (a foreign key) in the region `code`: that village, or
    every village under it."""
    if level_of(code) == Region.Level.VILLAGE:
        return Q(**{f"{village}_id": code})
    # "61.12.01." with the dot, as `regions.codes.within` tests "lies under this code". The
    # code is the key the column holds, so Django tests the column itself, with no join.
    return Q(**{f"{village}__code__startswith": code + "."})


@transaction.atomic
def close_selected(
    actor, filters: ConflictFilters, expected: int, newest: int | None = None
) -> int:
    """Close every open conflict the filters select (not only a page of them), when they
    are still the `expected` number the custodian was shown, up to the `newest` id the page
    showed; otherwise close none.

    One UPDATE and one audit entry, however many conflicts: a rolled-back import left
    18,186 of them (QA), closed one by one before. The UPDATE itself counts what it
    closed, and it takes no conflict logged after the page was drawn, so a conflict logged
    or closed meanwhile is not closed unseen: the count differs and the transaction rolls
    back (QA: one closed and one logged left the count as shown, and the new one was
    closed unseen)."""
    _require_custodian(actor)
    open_filters = ConflictFilters(filters.tried, filters.holder, filters.source, False)
    chosen = selected(open_filters)
    if newest is not None:
        chosen = chosen.filter(pk__lte=newest)
    closed = chosen.update(resolved=True)
    if closed != expected:
        raise ValidationError(
            _(
                "The list changed since it was shown: the filters now select %(now)s open "
                "conflicts, not %(shown)s. Nothing was closed; look at the list again."
            )
            % {"now": _number(closed), "shown": _number(expected)},
            code="stale",
        )
    if closed:
        _audit_bulk_close(actor, open_filters, closed)
    return closed


def _audit_bulk_close(actor, filters: ConflictFilters, closed: int) -> None:
    # One entry with what selected them, not one per conflict: 18,186 entries would bury
    # the rest of the history. `record` needs one record; this names none, so the entry
    # is built with the helper `record` uses (as the importer builds its entries).
    entry = audit.unsaved_entry(
        actor,
        AuditEntry.Action.UPDATE,
        NikConflict._meta.label_lower,
        BULK_RECORD,
        ngettext(
            "%(n)s NIK conflict closed at once",
            "%(n)s NIK conflicts closed at once",
            closed,
        )
        % {"n": _number(closed)},
        filters.tried,  # the audit page's region filter finds it under that village or area
        before={"resolved": False},
        after={
            "resolved": True,
            "closed": closed,
            # The filters as given: a district or regency code means all its villages.
            "village_id": filters.tried or None,
            "holder_village_id": filters.holder or None,
            "source": filters.source or None,
        },
    )
    entry.save(force_insert=True)


def _number(n: int) -> str:
    return number_format(n, force_grouping=True)  # 18.186, as the page shows it


def _require_custodian(actor) -> None:
    if not getattr(actor, "is_custodian", False):
        raise PermissionDenied(_("Only the data custodian may close a NIK conflict."))
