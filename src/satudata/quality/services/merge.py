"""The custodian's decisions on candidate pairs: merge, undo a merge, or "different people".

A merge keeps one record and soft-deletes the other; whatever pointed to the removed record
moves to the kept one, and when the kept record has no family card it takes the removed
record's card with its relationship and RT. The `Merge` row remembers exactly what changed, so
an undo can put back only that, and only while nobody has changed it since.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.quality.models import CandidatePair, Merge
from satudata.registry import cells, codes, statistics
from satudata.registry.models import MERGED_WITH, Resident

# Our own bookkeeping points at both records on purpose and is never moved.
_NOT_MOVED = {CandidatePair, Merge}

# What the kept record takes from the removed one when it has no family card: the card alone
# would leave it a member with no relationship (and the card without its head).
_FAMILY_FIELDS = ("family_id", "relationship", "unit_id")


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
    app_model, field = label.rsplit(".", 1)
    return apps.get_model(app_model), field


def _field_label(attname: str) -> str:
    return str(Resident._meta.get_field(attname.removesuffix("_id")).verbose_name)


def _refuse_unmergeable(kept: Resident, removed: Resident) -> None:
    """Records of two villages, or of two statuses, are not merged: the custodian first puts
    the registry right through the villages' own events, which the merge must not bypass."""
    family_village = removed.family.village_id if removed.family_id else kept.village_id
    if kept.village_id != removed.village_id or family_village != kept.village_id:
        # Keeping one village's record on the other village's family card would show the
        # person (NIK, birth date, parents) to an operator who may not see them (finding 2).
        raise ValidationError(
            _(
                "%(kept)s is a resident of %(kept_village)s and %(removed)s of "
                "%(removed_village)s: records of different villages are not merged. First "
                "record the move (pindah datang) in the village where the person lives now, so "
                "that both records are in one village, then merge them."
            )
            % {
                "kept": kept.name,
                "kept_village": kept.village.name,
                "removed": removed.name,
                "removed_village": removed.village.name,
            }
        )
    if kept.status != removed.status:
        raise ValidationError(
            _(
                "%(kept)s is recorded as %(kept_status)s and %(removed)s as "
                "%(removed_status)s: records of different status are not merged. First record "
                "the death or move, or correct the mistaken status, in the registry so that "
                "both agree, then merge them."
            )
            % {
                "kept": kept.name,
                "kept_status": kept.get_status_display(),
                "removed": removed.name,
                "removed_status": removed.get_status_display(),
            }
        )


def _family_taken_over(kept: Resident, removed: Resident) -> dict[str, list]:
    """{field: [before, after]} for the kept record when it takes the removed one's card."""
    if kept.family_id is not None or removed.family_id is None:
        return {}
    after = {
        "family_id": removed.family_id,
        "relationship": removed.relationship
        if removed.relationship is not None
        else kept.relationship,
        # The person's RT on that card, else the card's own (as joining a card does).
        "unit_id": removed.unit_id or removed.family.unit_id or kept.unit_id,
    }
    return {
        name: [getattr(kept, name), value]
        for name, value in after.items()
        if getattr(kept, name) != value
    }


def _has_living_head(family_id) -> bool:
    return Resident.objects.filter(
        family_id=family_id, relationship=codes.HEAD, status=Resident.Status.ALIVE
    ).exists()


def _refuse_headless_family(removed: Resident, had_head: bool) -> None:
    """Checked after the merge's changes, inside its transaction: a card whose living members
    stay must keep a living head, as when its head moves away."""
    family_id = removed.family_id
    if family_id is None or not had_head or _has_living_head(family_id):
        return
    if not Resident.objects.filter(family_id=family_id, status=Resident.Status.ALIVE).exists():
        return
    raise ValidationError(
        _(
            "%(name)s heads family card %(kk)s, whose other members stay: keep %(name)s's "
            "record, or first make another member its head on the family's page."
        )
        % {"name": removed.name, "kk": removed.family.family_number}
    )


def _set_field(actor, resident: Resident, values: dict) -> None:
    """Write the given fields of a resident, bump its version (so an edit form opened before
    is refused, not silently overwritten) and audit the change."""
    before = audit.snapshot(resident)
    for name, value in values.items():
        setattr(resident, name, value)
    resident.version += 1
    resident.save(update_fields=[*(n.removesuffix("_id") for n in values), "version", "updated_at"])
    audit.record(actor, AuditEntry.Action.UPDATE, resident, before, audit.snapshot(resident))


def _note_on_kept(actor, kept: Resident, before: int | None, after: int | None) -> None:
    """The kept record's own history says it was merged with the other record, or that the
    merge was undone: the resident's page reads only the record's own entries, and said
    nothing of a merge that brought another record's events onto it (QA, tenth session)."""
    audit.record(
        actor,
        AuditEntry.Action.UPDATE,
        kept,
        before={MERGED_WITH: before},
        after={MERGED_WITH: after},
    )


def _counts_changed(*residents: Resident) -> None:
    """A record removed or brought back changes its village's counts: the pyramid's cells are
    recomputed in this transaction and the public statistics rebuilt, as for a life event."""
    statistics.changed()
    cells.refresh([r.village_id for r in residents])


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
    # of=self: PostgreSQL locks no row of a LEFT JOIN's nullable side (the family).
    lock = Resident.all_objects.select_for_update(of=("self",)).select_related("village", "family")
    kept = lock.get(pk=kept_id)
    removed = lock.get(pk=removed_id)
    if kept.deleted_at or removed.deleted_at:
        raise ValidationError(_("One of these records has been deleted meanwhile."))
    _refuse_unmergeable(kept, removed)
    had_head = removed.family_id is not None and _has_living_head(removed.family_id)
    moved = _pointers(removed)
    for label, pks in moved.items():
        model, field = _model_field(label)
        model._base_manager.filter(pk__in=pks).update(**{field: kept.pk})
    changed = _family_taken_over(kept, removed)
    if changed:
        _set_field(actor, kept, {name: after for name, (_before, after) in changed.items()})
    audit.soft_delete(actor, removed)
    _note_on_kept(actor, kept, None, removed.pk)
    _refuse_headless_family(removed, had_head)
    _counts_changed(kept, removed)
    record = Merge.objects.create(
        pair=pair,
        kept=kept,
        removed=removed,
        moved={"kept": changed, "links": moved},
        actor=actor,
    )
    audit.update(
        actor, pair, status=CandidatePair.Status.MERGED, decided_by=actor, decided_at=timezone.now()
    )
    return record


def _kept_changes(record: Merge) -> dict[str, list]:
    """{field: [before, after]} the merge wrote on the kept record."""
    if "kept" in record.moved:
        return record.moved["kept"]
    # Merges made before this was recorded changed only the family, and only of a kept
    # record without one; the removed record still holds that family.
    if record.moved.get("kept_family") is None and record.removed.family_id is not None:
        return {"family_id": [None, record.removed.family_id]}
    return {}


def _changed_after(record: Merge, kept: Resident) -> list[str]:
    """What the merge set that holds another value now, named for the custodian."""
    changed = []
    if kept.deleted_at is not None:
        changed.append(_("%(name)s was deleted") % {"name": kept.name})
    fields = [
        _field_label(name)
        for name, (_before, after) in _kept_changes(record).items()
        if getattr(kept, name) != after
    ]
    if fields:
        changed.append(f"{kept.name} ({', '.join(fields)})")
    for label, pks in record.moved.get("links", {}).items():
        model, field = _model_field(label)
        still = model._base_manager.filter(pk__in=pks, **{field: kept.pk})
        for pk in sorted(set(pks) - set(still.values_list("pk", flat=True))):
            changed.append(f"{model._meta.verbose_name} #{pk}")
    return changed


def _refuse_taken_nik(removed: Resident) -> None:
    holder = (
        Resident.objects.filter(nik=removed.nik)
        .exclude(pk=removed.pk)
        .select_related("village")
        .first()
    )
    if holder is not None:
        raise ValidationError(
            _(
                "NIK %(nik)s now belongs to %(name)s (%(village)s), so %(removed)s cannot come "
                "back: the merge cannot be undone."
            )
            % {
                "nik": removed.nik,
                "name": holder.name,
                "village": holder.village.name,
                "removed": removed.name,
            }
        )


@transaction.atomic
def undo(actor, merge_record: Merge) -> Merge:
    """Put back what the merge changed, if nobody has changed it since; else change nothing."""
    _require_custodian(actor)
    record = Merge.objects.select_for_update().get(pk=merge_record.pk)
    if record.undone_at is not None:
        raise ValidationError(_("This merge has already been undone."))
    kept = Resident.all_objects.select_for_update().get(pk=record.kept_id)
    removed = Resident.all_objects.select_for_update().get(pk=record.removed_id)
    changed = _changed_after(record, kept)
    if changed:
        # Undoing would silently overwrite an operator's later work (a move to another card).
        raise ValidationError(
            _(
                "The merge cannot be undone: changed after the merge: %(changed)s. Change "
                "them back first, or leave the merge as it is."
            )
            % {"changed": "; ".join(changed)}
        )
    if removed.deleted_at is not None:
        _refuse_taken_nik(removed)
    for label, pks in record.moved.get("links", {}).items():
        model, field = _model_field(label)
        model._base_manager.filter(pk__in=pks).update(**{field: record.removed_id})
    kept_changes = _kept_changes(record)
    if kept_changes:
        _set_field(actor, kept, {name: before for name, (before, _after) in kept_changes.items()})
    _note_on_kept(actor, kept, record.removed_id, None)
    # Marked undone first: the change history refuses to restore a record a standing merge
    # removed (Merge.audit_notes), and this is the undo it asks for.
    record.undone_at = timezone.now()
    record.save(update_fields=["undone_at"])
    # A record brought back from the change history before that was refused is alive already.
    if removed.deleted_at is not None:
        audit.restore(actor, "registry.resident", str(record.removed_id))
    _counts_changed(kept, removed)
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
    ).select_related(
        "resident_a__village", "resident_b__village", "resident_a__family", "resident_b__family"
    )
