"""The change history of every record, and the soft-delete base for records never to vanish."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AliveManager(models.Manager):
    """The default manager of soft-deletable models: deleted records stay out of every query."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    """Base for records holding citizens' or agencies' data: deleting only marks them."""

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    objects = AliveManager()
    all_objects = models.Manager()  # noqa: DJ012 - ruff takes this manager for a field

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    def audit_region_code(self) -> str:
        """Which region this record belongs to, for scoping its history; models override it."""
        return ""


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored")
        # Personal data taken out of the registry (a file of a village's residents): no
        # record changed, but who took what, when, must stay traceable.
        EXPORT = "export", _("exported")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, so the history still says who acted after an account is removed.
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model_label = models.CharField(_("record type"), max_length=60)
    object_pk = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    region_code = models.CharField(_("region"), max_length=13, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model_label", "object_pk"], name="audit_record_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """The fields that differ between before and after, as (field, before, after)."""
        before = self.before or {}
        after = self.after or {}
        names = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [
            (name, before.get(name), after.get(name))
            for name in names
            if before.get(name) != after.get(name)
        ]
