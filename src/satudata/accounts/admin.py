from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from satudata.accounts.models import Agency, ApiToken, User
from satudata.accounts.services import accounts_that_acted
from satudata.audit import services as audit
from satudata.audit.admin import DeletesOneByOne
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


# What the audit trail says of a password instead of its hash (User.audit_exclude).
PASSWORD_SET = "set"  # noqa: S105 - a note in the history, not a password
PASSWORD_CHANGED = "changed"  # noqa: S105
PASSWORD_DISABLED = "disabled"  # noqa: S105


def account_snapshot(user: User) -> dict:
    """An account's fields (no password hash, no last login) with its groups and permissions:
    the privileges an admin form changes besides role and scope."""
    data = audit.snapshot(user)
    if user.pk:
        data["groups"] = sorted(user.groups.values_list("name", flat=True))
        data["user_permissions"] = sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
    return data


@admin.register(User)
class UserAdmin(DeletesOneByOne, DjangoUserAdmin):
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

    # Who may do what is decided here, so every change of an account is in the audit trail
    # with its values (Django's admin log names the fields only). The admin runs each form's
    # save_model and save_related in one transaction; the entry is written after the groups
    # and permissions are saved, so it holds them too.
    def save_model(self, request, obj, form, change):
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        obj._audit_before = account_snapshot(stored) if stored else None
        obj._audit_password = stored.password if stored else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(user, "_audit_before", None)
        # As stored (times in UTC, as in `before`), not as the form gave them.
        after = account_snapshot(User.objects.get(pk=user.pk))
        if before is None:
            if user.has_usable_password():
                after["password"] = PASSWORD_SET
            audit.record(request.user, AuditEntry.Action.CREATE, user, after=after)
            return
        if user.password != getattr(user, "_audit_password", None):
            after["password"] = PASSWORD_CHANGED
        if after != before:
            audit.record(request.user, AuditEntry.Action.UPDATE, user, before=before, after=after)

    def user_change_password(self, request, id, form_url=""):
        """Setting or resetting a password: recorded as such, never with the hash."""
        with transaction.atomic():
            stored = self.get_object(request, unquote(id))
            response = super().user_change_password(request, id, form_url)
            if stored is not None and request.method == "POST":
                user = User.objects.get(pk=stored.pk)
                if user.password != stored.password:
                    before = account_snapshot(user)
                    after = {
                        **before,
                        "password": PASSWORD_CHANGED
                        if user.has_usable_password()
                        else PASSWORD_DISABLED,
                    }
                    audit.record(
                        request.user, AuditEntry.Action.UPDATE, user, before=before, after=after
                    )
        return response

    def delete_model(self, request, obj):
        audit.hard_delete(request.user, obj, before=account_snapshot(obj))

    # An account that has acted is deactivated, never deleted: deleting it would blank the
    # actor of its audit entries, life events, merges and NIK conflicts (SET_NULL), and the
    # history would lose who did what (QA, tenth session). Refused on the delete page and in
    # "delete selected", before Django's confirmation page.
    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None and accounts_that_acted([user]):
            self.message_user(request, _refusal([user]), messages.ERROR)
            return redirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=django_delete_selected.short_description)
    def delete_selected(self, request, queryset):
        acted = accounts_that_acted(list(queryset))
        if acted:
            self.message_user(request, _refusal(acted), messages.ERROR)
            return None
        return django_delete_selected(self, request, queryset)

    actions = ["delete_selected"]


def _refusal(acted: list[User]) -> str:
    return ngettext(
        "Account %(accounts)s cannot be deleted: the history names it as having acted "
        "(changes, life events, merges or NIK conflicts), and would lose who did what. "
        "Deactivate the account instead: untick “Active” on its page. Nothing was deleted.",
        "Accounts %(accounts)s cannot be deleted: the history names them as having acted "
        "(changes, life events, merges or NIK conflicts), and would lose who did what. "
        "Deactivate the accounts instead: untick “Active” on their pages. Nothing was deleted.",
        len(acted),
    ) % {"accounts": ", ".join(user.get_username() for user in acted)}


@admin.register(Agency)
class AgencyAdmin(DeletesOneByOne, admin.ModelAdmin):
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

    def delete_model(self, request, obj):
        audit.hard_delete(request.user, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
