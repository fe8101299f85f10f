"""Writing records with their history: every create, change, delete and restore is audited.

Services of the other apps call these so that change logging lives in one place.
Each function runs inside the caller's transaction, or opens one of its own.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.audit.models import AuditEntry, SoftDeleteModel

M = TypeVar("M", bound=models.Model)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored values of a record's concrete fields, as JSON-safe values."""
    data: dict[str, Any] = {}
    # Secrets such as password hashes never go into the history.
    excluded = getattr(instance, "audit_exclude", ())
    for field in instance._meta.concrete_fields:
        if field.attname in excluded:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, datetime.datetime | datetime.date | datetime.time):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal | uuid.UUID):
            value = str(value)
        elif isinstance(value, bytes | memoryview):
            continue
        data[field.attname] = value
    return data


def _region_code(instance: models.Model) -> str:
    getter = getattr(instance, "audit_region_code", None)
    return getter() if callable(getter) else ""


def record(
    actor,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    region_code: str | None = None,
) -> AuditEntry:
    """Write one audit entry; call it inside the transaction that made the change.
    `region_code` overrides the record's own (a region, which has none, for an export)."""
    entry = unsaved_entry(
        actor,
        action,
        instance._meta.label_lower,
        instance.pk,
        str(instance),
        _region_code(instance) if region_code is None else region_code,
        before,
        after,
    )
    entry.save(force_insert=True)
    return entry


def unsaved_entry(
    actor,
    action: str,
    model_label: str,
    object_pk,
    object_repr: str,
    region_code: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """An audit entry not yet saved: `record` saves one, a bulk change (an import updating
    thousands of residents) saves many in one `bulk_create`."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=actor_obj,
        actor_label=actor_obj.get_username() if actor_obj else _("system"),
        action=action,
        model_label=model_label,
        object_pk=str(object_pk),
        object_repr=object_repr[:200],
        region_code=region_code,
        before=before,
        after=after,
    )


@transaction.atomic
def create(actor, instance: M) -> M:
    """Validate and save a new record, with its audit entry."""
    instance.full_clean()
    instance.save(force_insert=True)
    record(actor, AuditEntry.Action.CREATE, instance, after=snapshot(instance))
    return instance


@transaction.atomic
def update(actor, instance: M, **changes: Any) -> M:
    """Apply changes to a record, validate, save and audit before/after."""
    before = snapshot(type(instance)._base_manager.select_for_update().get(pk=instance.pk))
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    after = snapshot(instance)
    if after != before:
        record(actor, AuditEntry.Action.UPDATE, instance, before=before, after=after)
    return instance


@transaction.atomic
def soft_delete(actor, instance: SoftDeleteModel) -> SoftDeleteModel:
    """Mark a record deleted; it stays restorable from its history."""
    if instance.deleted_at is not None:
        return instance
    before = snapshot(instance)
    instance.deleted_at = timezone.now()
    instance.save(update_fields=["deleted_at"])
    record(actor, AuditEntry.Action.DELETE, instance, before=before, after=snapshot(instance))
    return instance


@transaction.atomic
def hard_delete(actor, instance: models.Model, before: dict[str, Any] | None = None) -> None:
    """Delete a record kept only in the admin site (accounts, agencies, code lists), which has
    no soft delete: its last values stay in the history. `before` overrides the snapshot."""
    before = snapshot(instance) if before is None else before
    pk = instance.pk
    instance.delete()
    instance.pk = pk  # the entry names the record that was deleted
    record(actor, AuditEntry.Action.DELETE, instance, before=before)


def model_for_label(model_label: str) -> type[models.Model]:
    try:
        return apps.get_model(model_label)
    except (LookupError, ValueError) as exc:
        raise ObjectDoesNotExist(
            _("Unknown record type %(label)s.") % {"label": model_label}
        ) from exc


@dataclass(frozen=True)
class Note:
    """What another app knows about a record's history (it was merged into another record),
    shown on the record's history page with a link to where it is handled. `blocks_restore`:
    only that app's own undo may bring the record back, since it also puts back what it moved."""

    text: str
    link_text: str = ""
    url: str = ""
    blocks_restore: bool = False


@functools.cache
def _note_sources() -> list:
    # A model takes part by defining a classmethod `audit_notes(instance) -> list[Note]`, as
    # records name their region with `audit_region_code`: the audit app need not know the
    # apps built on it, nor they register anywhere.
    return [model.audit_notes for model in apps.get_models() if hasattr(model, "audit_notes")]


def notes(instance: models.Model) -> list[Note]:
    return [note for source in _note_sources() for note in source(instance)]


def find(model_label: str, object_pk: str) -> models.Model | None:
    """A record, deleted or not, by type and id; None for an unknown type or id, or an id that
    cannot be one (text for a number)."""
    try:
        model = model_for_label(model_label)
        return model._base_manager.filter(pk=object_pk).first()
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        return None


@transaction.atomic
def restore(actor, model_label: str, object_pk: str) -> models.Model:
    """Bring a soft-deleted record back, with its audit entry."""
    model = model_for_label(model_label)
    if not issubclass(model, SoftDeleteModel):
        raise ValidationError(_("Records of this type cannot be restored."))
    try:
        instance = model.all_objects.select_for_update().get(pk=object_pk)
    except (ValueError, TypeError) as exc:
        # Text where the id is a number: the record is not found, as on the history page.
        raise model.DoesNotExist(object_pk) from exc
    if instance.deleted_at is None:
        raise ValidationError(_("This record is not deleted."))
    for note in notes(instance):
        if note.blocks_restore:
            raise ValidationError(
                _("%(note)s Bring it back with “%(action)s” (%(url)s), not here.")
                % {"note": note.text, "action": note.link_text, "url": note.url}
            )
    before = snapshot(instance)
    instance.deleted_at = None
    # A record restored into a slot that a newer record took would break uniqueness.
    instance.validate_constraints()
    # A record that stands inside another (an RT in its RW) cannot come back under one still
    # deleted: the model says so with `check_restore` (QA, tenth session: an RW came back
    # under a deleted hamlet, a unit tree no list shows).
    check_restore = getattr(instance, "check_restore", None)
    if callable(check_restore):
        check_restore()
    instance.save(update_fields=["deleted_at"])
    record(actor, AuditEntry.Action.RESTORE, instance, before=before, after=snapshot(instance))
    return instance


def history(model_label: str, object_pk: str):
    return AuditEntry.objects.filter(
        model_label=model_label, object_pk=str(object_pk)
    ).select_related("actor")
