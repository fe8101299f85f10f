"""REST routes for the region hierarchy and villages' local units."""

from __future__ import annotations

from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from satudata.api.auth import signed_in
from satudata.core.access import public
from satudata.regions import services
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import LocalUnit, Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None = Field(None, alias="parent_id")
    postal_code: str = ""


class RegionPage(Schema):
    count: int
    results: list[RegionOut]


class RegionFilter(Schema):
    q: str = Field("", description="Words that start the region's name, e.g. 'sungai raya'.")
    parent: str | None = Field(None, description="Code of the parent region, e.g. 61.12.")
    level: int | None = Field(None, ge=1, le=4, description="1 province … 4 village.")
    limit: int = Field(20, ge=1, le=services.MAX_RESULTS)
    offset: int = Field(0, ge=0, le=100_000)


class LocalUnitOut(Schema):
    id: int
    village: str = Field(alias="village_id")
    parent: int | None = Field(None, alias="parent_id")
    level: str
    name: str


# A unit's id: 64-bit, so a larger number is refused by name before any query.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class LocalUnitIn(Schema):
    level: LocalUnit.Level
    name: str = Field(max_length=60)
    parent: Id | None = None


def _code_or_400(raw: str) -> str:
    try:
        return normalize_code(raw)
    except BadRegionCode as exc:
        raise HttpError(400, str(exc)) from exc


def _region_or_404(raw: str) -> Region:
    code = _code_or_400(raw)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise HttpError(404, _("No region has the code %(code)s.") % {"code": code})
    return region


@router.get("/regions", response=RegionPage, summary="List and search regions")
@public
def list_regions(request, filters: Query[RegionFilter]):
    """Regions filtered by parent and level, or searched by name; largest regions first."""
    parent = _code_or_400(filters.parent) if filters.parent else None
    regions = services.search_regions(filters.q, parent=parent, level=filters.level)
    window = list(regions[filters.offset : filters.offset + filters.limit])
    # Counting a big search costs more than the page; only count when the page is not full.
    full = len(window) == filters.limit
    count = regions.count() if full else filters.offset + len(window)
    return {"count": count, "results": window}


@router.get("/regions/{code}", response=RegionOut, summary="Look up a region by code")
@public
def get_region(request, code: str):
    """Accepts 61.12.01.2001 or 6112012001."""
    return _region_or_404(code)


@router.get(
    "/regions/{code}/units", response=list[LocalUnitOut], summary="Local units of a village"
)
@public
def list_units(request, code: str):
    village = _region_or_404(code)
    return list(village.local_units.all())


@router.post(
    "/regions/{code}/units",
    response={201: LocalUnitOut},
    auth=signed_in,
    summary="Add a hamlet, RW or RT to a village",
)
def add_unit(request, code: str, payload: LocalUnitIn):
    village = _region_or_404(code)
    unit = services.add_local_unit(
        request.user, village, payload.level, payload.name, payload.parent
    )
    return 201, unit


@router.delete("/units/{unit_id}", response={204: None}, auth=signed_in, summary="Remove a unit")
def delete_unit(request, unit_id: int):
    unit = get_object_or_404(LocalUnit, pk=unit_id)
    services.remove_local_unit(request.user, unit)
    return 204, None
