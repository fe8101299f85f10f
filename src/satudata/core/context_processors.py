"""The navigation each role sees; which pages a role may open is still checked by each view."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from satudata.quality import nav as quality_nav
from satudata.registry import navigation as registry_nav


def navigation(request):
    user = getattr(request, "user", None)
    items = [
        (reverse("portal:home"), _("Home")),
        (reverse("regions:index"), _("Regions")),
        (reverse("datasets:catalog"), _("Data")),
        ("/api/v1/docs", _("API")),
    ]
    # Village pages, feedback and letters add their own entries (labels live in those apps).
    from satudata.villages.nav import nav_items

    items += nav_items(user)
    if user is not None and user.is_authenticated:
        if user.is_custodian or user.role == user.Role.PRODUCER:
            items.append((reverse("datasets:workspace"), _("My datasets")))
            items.append((reverse("integration:index"), _("Connectors")))
        if user.is_custodian:
            items.append((reverse("audit:index"), _("Change history")))
            items.append((reverse("admin:index"), _("Administration")))
        items.extend(quality_nav.items(user))
        if user.role == user.Role.VILLAGE_OPERATOR and user.region_id:
            items.append((reverse("regions:detail", args=[user.region_id]), _("My village")))
            items.append(registry_nav.operator_item())
        if user.role == user.Role.DISTRICT_VIEWER and user.region_id:
            items.append((reverse("regions:detail", args=[user.region_id]), _("My district")))
    return {"nav_items": items}
