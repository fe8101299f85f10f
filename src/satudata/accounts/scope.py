"""Who may touch which regions: the one place where region scope is decided.

Views and API routes read scoped data only through `visible_to(user)` and change it only
after `editable_by(user)`; security-sensitive checks are never pasted into views.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class RegionScope:
    """Everything, nothing, or one region (a village or district) and what lies inside it."""

    everything: bool = False
    code: str | None = None

    def allows(self, region_code: str | None) -> bool:
        if self.everything:
            return True
        if not self.code or not region_code:
            return False
        return region_code == self.code or region_code.startswith(self.code + ".")

    @property
    def village(self) -> str | None:
        """The code of the one village this scope covers, when it covers exactly one (a
        village code has four parts: 62.01.02.2016)."""
        return self.code if self.code and self.code.count(".") == 3 else None

    def q(self, field: str) -> Q:
        if self.everything:
            return Q()
        if not self.code:
            return Q(pk__in=[])
        return Q(**{field: self.code}) | Q(**{f"{field}__startswith": self.code + "."})


NOTHING = RegionScope()
EVERYTHING = RegionScope(everything=True)


def read_scope(user) -> RegionScope:
    """The regions whose records (personal data included) this account may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_custodian:
        return EVERYTHING
    if user.role in (user.Role.VILLAGE_OPERATOR, user.Role.DISTRICT_VIEWER) and user.region_id:
        return RegionScope(code=user.region_id)
    return NOTHING


def write_scope(user) -> RegionScope:
    """The regions whose records this account may change: district viewers only read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_custodian:
        return EVERYTHING
    if user.role == user.Role.VILLAGE_OPERATOR and user.region_id:
        return RegionScope(code=user.region_id)
    return NOTHING


class RegionScopedQuerySet(models.QuerySet):
    """Base queryset for records that belong to a region; subclasses name the code field."""

    region_field = "region_id"

    def visible_to(self, user):
        return self.filter(read_scope(user).q(self.region_field))

    def editable_by(self, user):
        return self.filter(write_scope(user).q(self.region_field))
