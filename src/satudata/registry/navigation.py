"""The registry's entry in the site navigation (its label lives in the registry's catalog)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def operator_item() -> tuple[str, str]:
    return reverse("registry:index"), _("Residents")
