"""The custodian's decisions on candidate pairs: merge, undo a merge, or "different people"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.quality.models import CandidatePair, Merge
from satudata.registry.models import Resident

# Our own bookkeeping points at both records on purpose and is never moved.
_NOT_MOVED = {CandidatePair, Merge}


def _require_custodian(actor) -> None:
    if not getattr(actor, "is_custodian", False):
        raise PermissionDenied(_("Only the data custodian may decide on duplicates."))


def _pointers(resident: Resident) -> dict[str, list[int]]:
    """Every record of another table that points at this resident, as {label: [pks]}."""
    found: dict[str, list[int]] = {}
    for rel in Resident._meta.related_objects:
        model = rel.related_model
        if model in _NOT_MOVED or rel.many_to_many or not rel.field.concrete:
            continue
        manager = model._base_manager
        pks = list(manager.filter(**{rel.field.name: resident.pk}).values_list("pk", flat=True))
        if pks:
            found[f"{model._meta.label_lower}.{rel.field.name}"] = pks
    return found


def _model_field(label: str):
    from django.apps import apps

    app_model, field = label.rsplit(".", 1)
    return apps.get_model(app_model), field


@transaction.atomic
def merge(actor, pair: CandidatePair, keep: str) -> Merge:
    """Keep one record of the pair; the other is soft-deleted and what pointed to it moves."""
    _require_custodian(actor)
    pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != CandidatePair.Status.PENDING:
        raise ValidationError(_("This pair has already been decided."))
    if keep not in ("a", "b"):
        raise ValidationError(_("Choose which record to keep."))
    kept_id, removed_id = (
        (pair.resident_a_id, pair.resident_b_id)
        if keep == "a"
        else (pair.resident_b_id, pair.resident_a_id)
    )
    kept = Resident.all_objects.select_for_update().get(pk=kept_id)
    removed = Resident.all_objects.select_for_update().get(pk=removed_id)
    if kept.deleted_at or removed.deleted_at:
        raise ValidationError(_("One of these records has been deleted meanwhile."))
    moved = _pointers(removed)
    for label, pks in moved.items():
        model, field = _model_field(label)
        model._base_manager.filter(pk__in=pks).update(**{field: kept.pk})
    kept_family_before = kept.family_id
    if kept.family_id is None and removed.family_id is not None:
        before = audit.snapshot(kept)
        kept.family_id = removed.family_id
        kept.version += 1
        kept.save(update_fields=["family", "version", "updated_at"])
        audit.record(actor, AuditEntry.Action.UPDATE, kept, before, audit.snapshot(kept))
    audit.soft_delete(actor, removed)
    record = Merge.objects.create(
        pair=pair,
        kept=kept,
        removed=removed,
        moved={"kept_family": kept_family_before, "links": moved},
        actor=actor,
    )
    audit.update(
        actor, pair, status=CandidatePair.Status.MERGED, decided_by=actor, decided_at=timezone.now()
    )
    return record


@transaction.atomic
def undo(actor, merge_record: Merge) -> Merge:
    """Put everything back exactly as it was before the merge."""
    _require_custodian(actor)
    record = Merge.objects.select_for_update().get(pk=merge_record.pk)
    if record.undone_at is not None:
        raise ValidationError(_("This merge has already been undone."))
    kept = Resident.all_objects.select_for_update().get(pk=record.kept_id)
    for label, pks in record.moved.get("links", {}).items():
        model, field = _model_field(label)
        model._base_manager.filter(pk__in=pks).update(**{field: record.removed_id})
    if kept.family_id != record.moved.get("kept_family"):
        before = audit.snapshot(kept)
        kept.family_id = record.moved.get("kept_family")
        kept.version += 1
        kept.save(update_fields=["family", "version", "updated_at"])
        audit.record(actor, AuditEntry.Action.UPDATE, kept, before, audit.snapshot(kept))
    audit.restore(actor, "registry.resident", str(record.removed_id))
    record.undone_at = timezone.now()
    record.save(update_fields=["undone_at"])
    pair = record.pair
    audit.update(actor, pair, status=CandidatePair.Status.PENDING, decided_by=None, decided_at=None)
    return record


@transaction.atomic
def mark_different(actor, pair: CandidatePair) -> CandidatePair:
    """Two different people: this pair is never proposed again."""
    _require_custodian(actor)
    pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != CandidatePair.Status.PENDING:
        raise ValidationError(_("This pair has already been decided."))
    return audit.update(
        actor,
        pair,
        status=CandidatePair.Status.DIFFERENT,
        decided_by=actor,
        decided_at=timezone.now(),
    )


def pending_pairs():
    """Pending pairs whose two records both still exist, strongest first."""
    return CandidatePair.objects.filter(
        status=CandidatePair.Status.PENDING,
        resident_a__deleted_at__isnull=True,
        resident_b__deleted_at__isnull=True,
    ).select_related("resident_a__village", "resident_b__village")
