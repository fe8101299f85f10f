from django.contrib import admin

from satudata.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: history is written by services, never edited by hand."""

    list_display = ("at", "actor_label", "action", "model_label", "object_repr")
    list_filter = ("action", "model_label")
    search_fields = ("object_repr", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
