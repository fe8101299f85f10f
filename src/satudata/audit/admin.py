from django.contrib import admin
from django.db import transaction

from satudata.audit.models import AuditEntry


class DeletesOneByOne:
    """An admin whose "delete selected" goes through its own delete_model, one record at a
    time, so each deletion gets its audit entry as deleting them one by one does."""

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page to read only: its records change through services or commands that
    check them and write their audit entries, never by hand here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: history is written by services, never edited by hand."""

    list_display = ("at", "actor_label", "action", "model_label", "object_repr")
    list_filter = ("action", "model_label")
    search_fields = ("object_repr", "actor_label")
