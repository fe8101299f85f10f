"""Finding the families and residents a user may see: by exact NIK or KK number, or by the
start of a name, read through the name-key indexes.

Read-only, so it needs nothing of the write modules.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from satudata.accounts.scope import read_scope
from satudata.registry import codes
from satudata.registry.models import Family, Resident, name_key
from satudata.registry.validation import tidy_text

COUNT_CAP = 1000  # search results are counted up to this many (the API says when capped)


def search_families(
    user, query: str = "", village: str | None = None, units: list[int] | None = None
):
    """Families the user may see, each with its head's name (`head_name`, None when no
    living head is recorded) and its living members (`living`); by exact KK number or by
    the start of the head's name. Operators look a family up by its head, as on paper.
    `village` and `units` (the ids `units.list_area` gives: a unit and the ones inside it)
    narrow it to one village and to the cards placed there."""
    living = Resident.objects.filter(family=OuterRef("pk"), status=Resident.Status.ALIVE)
    families = Family.objects.visible_to(user).annotate(
        head_name=Subquery(
            living.filter(relationship=codes.HEAD).order_by("id").values("name")[:1]
        ),
        living=Coalesce(
            Subquery(
                living.order_by().values("family").annotate(n=Count("id")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )
    if village:
        families = families.filter(village_id=village)
    if units is not None:
        families = families.filter(unit_id__in=units)
    query = tidy_text(query or "")
    if query.isdigit():
        return families.filter(family_number=query).order_by("village_id", "family_number")
    key = name_key(query)
    if key:
        # Joined to the heads whose name starts so, in the order of their names and then
        # their ids: the page reads the (name key, id) index in order and stops at its end
        # (the custodian's search over a whole regency sorted up to ~3,000 matching
        # families by KK number before; by family id, every head of a common name).
        upper = key[:-1] + chr(ord(key[-1]) + 1)
        scope = read_scope(user)
        # A village operator's heads are found through the (village, name key) index.
        where = Q(members__village_id=scope.village) if scope.village else Q()
        return families.filter(
            where,
            members__name_key__gte=key,
            members__name_key__lt=upper,
            members__relationship=codes.HEAD,
            members__status=Resident.Status.ALIVE,
            members__deleted_at__isnull=True,
        ).order_by("members__name_key", "members__id")
    return families.order_by("village_id", "family_number")


def search_residents(
    user, query: str = "", village: str | None = None, units: list[int] | None = None
):
    """Residents the user may see, by exact NIK or KK number or by name prefix (indexed);
    `village` and `units` (a unit and the ones inside it) narrow them to where they live."""
    residents = Resident.objects.visible_to(user)
    if village:
        residents = residents.filter(village_id=village)
    if units is not None:
        # Read along the (village, name key) index in name order, each row's unit checked
        # on the way: a page of an RT stops after 51 matches (see docs/decisions.md).
        residents = residents.filter(unit_id__in=units)
    query = tidy_text(query or "")
    if query.isdigit() and len(query) == 16:
        # Two exact index lookups (NIK; members of the family card), then the scoped rows.
        ids = list(Resident.objects.filter(nik=query).values_list("id", flat=True))
        families = Family.objects.filter(family_number=query).values_list("id", flat=True)
        if families:
            ids += Resident.objects.filter(family_id__in=list(families)).values_list(
                "id", flat=True
            )
        return residents.filter(pk__in=ids).order_by("name_key", "id")
    key = name_key(query)
    if key:
        upper = key[:-1] + chr(ord(key[-1]) + 1)
        residents = residents.filter(name_key__gte=key, name_key__lt=upper)
    return residents.order_by("name_key", "id")
