"""The quality app's links in the site navigation (labels live in this app's catalog)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def items(user) -> list[tuple[str, str]]:
    links = []
    if user.is_custodian:
        links.append((reverse("quality:duplicates"), _("Duplicates")))
    if user.is_custodian or user.role == user.Role.PRODUCER:
        links.append((reverse("quality:lists"), _("Aid verification")))
    links.append((reverse("quality:dashboard"), _("Data quality")))
    return links
