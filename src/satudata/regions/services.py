"""Region lookup and search, and the local units (hamlet, RW, RT) villages keep."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, QuerySet, Value, When
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.audit import services as audit
from satudata.regions.codes import normalize_code
from satudata.regions.loader import name_words
from satudata.regions.models import LocalUnit, Region, RegionWord

MAX_RESULTS = 100


def get_region(raw_code: str) -> Region:
    """The region with this code in any accepted form; BadRegionCode or Region.DoesNotExist."""
    return Region.objects.get(code=normalize_code(raw_code))


def served(code: str) -> bool:
    """Whether a region code lies in the regencies this deployment covers (or is one)."""
    return code[:5] in settings.SATUDATA_REGENCIES


def deployment_regencies() -> QuerySet[Region]:
    """The regencies this deployment covers (SATUDATA_REGENCIES)."""
    return Region.objects.filter(code__in=settings.SATUDATA_REGENCIES, level=Region.Level.REGENCY)


def search_regions(
    query: str = "",
    *,
    parent: str | None = None,
    level: int | None = None,
    within: str | None = None,
) -> QuerySet[Region]:
    """Regions whose name has words starting with every word of `query`, largest regions first."""
    regions = Region.objects.all()
    if parent:
        regions = regions.filter(parent_id=parent)
    if within:
        regions = regions.filter(code__startswith=within + ".")
    if level:
        regions = regions.filter(level=level)
    words = sorted(name_words(query), key=len, reverse=True)
    if query.strip() and not words:
        # "%" or "_" alone: nothing to look for, and it must not list all 91,599 regions
        # (as the catalog's search of punctuation finds nothing).
        return regions.none()
    for word in words:
        # A range on the indexed word column, not LIKE: the same index scan on SQLite and
        # PostgreSQL. Words hold only a-z and 0-9, so "next string" is the last char + 1.
        upper = word[:-1] + chr(ord(word[-1]) + 1)
        matches = RegionWord.objects.filter(word__gte=word, word__lt=upper)
        if level:
            matches = matches.filter(level=level)
        regions = regions.filter(code__in=matches.values("region_id"))
    if words:
        # An exact name first ("Sungai Raya" the district before "Sungai Raya Dalam").
        exact = Case(When(name__iexact=query.strip(), then=Value(0)), default=Value(1))
        return regions.order_by(exact, "level", "name", "code")
    return regions.order_by("code")


def check_local_unit(unit: LocalUnit) -> None:
    """The hierarchy rules of local units; shared by the form, the API and imports."""
    if unit.village_id and unit.village.level != Region.Level.VILLAGE:
        raise ValidationError({"village": _("Local units belong to a village.")})
    unit.name = (unit.name or "").strip()
    if not unit.name:
        raise ValidationError({"name": _("The name must not be empty.")})
    if unit.level in (LocalUnit.Level.RW, LocalUnit.Level.RT):
        if not unit.name.isdigit() or len(unit.name) > 3:
            raise ValidationError({"name": _("An RW or RT number is 1 to 3 digits, e.g. 003.")})
        # "3" and "003" are the same RT; store one form so they cannot both exist.
        unit.name = unit.name.zfill(3)
    allowed_parents = {
        LocalUnit.Level.HAMLET: {None},
        LocalUnit.Level.RW: {None, LocalUnit.Level.HAMLET},
        LocalUnit.Level.RT: {LocalUnit.Level.RW},
    }.get(unit.level)
    if allowed_parents is None:
        raise ValidationError({"level": _("Choose hamlet, RW or RT.")})
    parent = unit.parent
    if (parent.level if parent else None) not in allowed_parents:
        raise ValidationError(
            {
                "parent": _(
                    "A hamlet stands on its own, an RW is in a hamlet (or directly in the "
                    "village), an RT is in an RW."
                )
            }
        )
    if parent is not None and parent.village_id != unit.village_id:
        raise ValidationError({"parent": _("The parent unit is in another village.")})


def require_write(actor, village_code: str) -> None:
    """Refuse (PermissionDenied) an account that may not change this village's units."""
    if not write_scope(actor).allows(village_code):
        raise PermissionDenied(_("You may not change the local units of this village."))


@transaction.atomic
def add_local_unit(actor, village: Region, level: str, name: str, parent_id: int | None = None):
    """Add a hamlet, RW or RT to a village the actor may edit."""
    require_write(actor, village.code)
    if village.level != Region.Level.VILLAGE:
        # Said here, in the API's words: the model's own check would answer with Django's
        # "wilayah instance dengan code … bukan pilihan sah".
        raise ValidationError(
            {
                "village": _("%(code)s is not a village; units can only be added to a village.")
                % {"code": village.code}
            }
        )
    parent = None
    if parent_id:
        parent = LocalUnit.objects.filter(pk=parent_id, village=village).first()
        if parent is None:
            raise ValidationError({"parent": _("The parent unit is in another village.")})
    unit = LocalUnit(village=village, level=level, name=name, parent=parent)
    return audit.create(actor, unit)


@transaction.atomic
def remove_local_unit(actor, unit: LocalUnit) -> LocalUnit:
    """Soft-delete a unit; a unit that still holds units, families or living residents
    cannot go (they would point at a unit nobody can see or choose any more)."""
    require_write(actor, unit.village_id)
    if unit.children.exists():
        raise ValidationError(_("Remove the units inside it first."))
    families, residents = _placed_in(unit)
    if families or residents:
        raise ValidationError(
            _(
                "%(unit)s still holds %(families)d families and %(residents)d residents; "
                "move them to another unit first (on the family's or the resident's page)."
            )
            % {"unit": unit.label(), "families": families, "residents": residents}
        )
    return audit.soft_delete(actor, unit)


def _placed_in(unit: LocalUnit) -> tuple[int, int]:
    """The families (not deleted) and living residents placed directly in the unit. The
    dead and the moved away keep the RT they had, as history, and do not hold it."""
    families = unit.families.filter(deleted_at__isnull=True).count()
    living = unit.residents.model.Status.ALIVE
    # Through the village: the residents' (village, name) index, not a scan of the regency.
    residents = unit.residents.filter(
        village_id=unit.village_id, status=living, deleted_at__isnull=True
    ).count()
    return families, residents


def local_unit_tree(village: Region) -> list[tuple[LocalUnit, list]]:
    """The village's units as a nested list of (unit, children), for display."""
    units = list(village.local_units.all())
    children: dict[int | None, list[LocalUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def build(parent_id):
        return [(u, build(u.pk)) for u in children.get(parent_id, [])]

    return build(None)
