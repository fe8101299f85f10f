"""Code lists in the admin site: the custodian (walidata) creates and edits them there, so
the column type "code-list value" has lists to choose from. Every change is audited like the
services' changes, which also tells the public cache that pages showing codes changed."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from satudata.audit import services as audit
from satudata.audit.admin import DeletesOneByOne
from satudata.audit.models import AuditEntry
from satudata.datasets.models import CodeList, CodeValue


def _saved(user, obj, before) -> None:
    action = AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE
    audit.record(user, action, obj, before=before, after=audit.snapshot(obj))


class CodeValueInline(admin.TabularInline):
    model = CodeValue
    extra = 5
    fields = ("code", "label")


@admin.register(CodeList)
class CodeListAdmin(DeletesOneByOne, admin.ModelAdmin):
    list_display = ("slug", "name")
    search_fields = ("slug", "name", "values__code", "values__label")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CodeValueInline]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(CodeList.objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            _saved(request.user, obj, before)

    def save_formset(self, request, form, formset, change):
        """The codes, one audit entry per code added, changed or removed."""
        with transaction.atomic():
            befores = {
                f.instance.pk: audit.snapshot(CodeValue.objects.get(pk=f.instance.pk))
                for f in formset.initial_forms
                if f.instance.pk and f.has_changed()
            }
            values = formset.save(commit=False)
            for value in formset.deleted_objects:
                audit.hard_delete(request.user, value)
            for value in values:
                before = befores.get(value.pk) if value.pk else None
                value.save()
                _saved(request.user, value, before)
            formset.save_m2m()

    def delete_model(self, request, obj):
        with transaction.atomic():
            for value in obj.values.all():
                audit.hard_delete(request.user, value)
            audit.hard_delete(request.user, obj)
