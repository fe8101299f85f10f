"""NIKs held by another village: who holds a NIK, the trace a refused attempt leaves for the
custodian, and the custodian closing it.

Registration and move in both leave that trace, so it lives apart from either.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from satudata.audit import services as audit
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
    if not getattr(actor, "is_custodian", False):
        raise PermissionDenied(_("Only the data custodian may close a NIK conflict."))
    if conflict.resolved:
        return conflict
    return audit.update(actor, conflict, resolved=True)
