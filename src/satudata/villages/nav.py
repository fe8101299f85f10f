"""Menu entries for village pages, feedback and letters, added by core's navigation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def nav_items(user) -> list[tuple[str, str]]:
    items = [(reverse("feedback:new"), _("Suggestions and complaints"))]
    if user is None or not user.is_authenticated:
        return items
    items.append((reverse("feedback:inbox"), _("Citizens' messages")))
    if user.region_id and user.role in (user.Role.VILLAGE_OPERATOR, user.Role.DISTRICT_VIEWER):
        # The district viewer reads its villages' letters (read only).
        items.append((reverse("letters:index"), _("Letters")))
    elif user.is_custodian:
        items.append((reverse("letters:index"), _("Letters")))
    if user.is_custodian or user.role == user.Role.DISTRICT_VIEWER:
        items.append((reverse("villages:compare"), _("Compare villages")))
    return items
