from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency, ApiToken, User
from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.regions.codes import BadRegionCode, normalize_code


class RegionCodeField(forms.ModelChoiceField):
    """The scope's region typed in any of Kemendagri's forms (6201022016 or 62.01.02.2016),
    as everywhere else; the raw-id box would otherwise take only the dotted key."""

    def to_python(self, value):
        if value not in self.empty_values:
            try:
                value = normalize_code(value)
            except BadRegionCode as exc:
                raise forms.ValidationError(str(exc), code="invalid_choice") from exc
        return super().to_python(value)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "role", "agency", "region", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo", "agency")
    raw_id_fields = ("region",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "agency", "region", "is_demo")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "agency", "region")}),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["form_class"] = RegionCodeField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "slug", "is_active")
    search_fields = ("name", "acronym", "slug")
    prepopulated_fields = {"slug": ("acronym",)}

    def save_model(self, request, obj, form, change):
        """Agencies are edited only here: audited like every other change, which also tells
        the public cache (keyed on the latest audit entry) that pages naming them changed."""
        with transaction.atomic():
            before = audit.snapshot(Agency.objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            action = AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE
            audit.record(request.user, action, obj, before=before, after=audit.snapshot(obj))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
