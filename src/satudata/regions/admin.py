"""Former district codes in the admin site, to read: they change through
`satudata regions former add|remove`, which checks the code, writes the audit entry and
makes the NIK and KK checks see the change at once."""

from __future__ import annotations

from django.contrib import admin

from satudata.audit.admin import ReadOnlyAdmin
from satudata.regions.models import FormerDistrictCode


@admin.register(FormerDistrictCode)
class FormerDistrictCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "current", "note", "created_at")
    search_fields = ("code", "current__name", "note")
