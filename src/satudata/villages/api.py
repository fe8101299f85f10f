"""REST routes of the villages app (mounted under /api/v1/)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from satudata.core.access import public
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import Region
from satudata.villages import maps
from satudata.villages.models import LayerKind, PotentialEntry
from satudata.villages.regionq import within

router = Router(tags=["villages"])


def _region(raw: str) -> Region:
    try:
        code = normalize_code(raw)
    except BadRegionCode as exc:
        raise HttpError(400, str(exc)) from exc
    region = Region.objects.filter(code=code, level__in=(2, 3, 4)).first()
    if region is None:
        raise HttpError(
            404, _("No regency, district or village has the code %(code)s.") % {"code": code}
        )
    return region


@router.get("/villages/{code}/geojson", summary="Map layers of a region as GeoJSON")
@public
def geojson(request, code: str, kind: str = ""):
    """The boundary and features of a village, or of every village in a district or regency.

    Each feature's properties: `name`, `kind` (boundary, school, health, market, road,
    land_use, worship, other), `layer` and `village` (its code).
    """
    region = _region(code)
    if kind and kind not in LayerKind.values:
        raise HttpError(400, _("Unknown layer kind %(kind)s.") % {"kind": kind})
    return HttpResponse(
        maps.geojson_text(region.code, kind or None), content_type="application/geo+json"
    )


class PotentialOut(Schema):
    village: str
    year: int
    category: str
    item: str
    value: Decimal
    unit: str


@router.get("/villages/{code}/potential", response=list[PotentialOut], summary="Potential figures")
@public
def potential(request, code: str, year: int | None = None):
    """The regional potential figures of a region's villages (all years unless `year` is given)."""
    region = _region(code)
    entries = PotentialEntry.objects.filter(within("village_id", region.code))
    if year:
        entries = entries.filter(year=year)
    return [
        {
            "village": e.village_id,
            "year": e.year,
            "category": e.category,
            "item": e.item,
            "value": e.value,
            "unit": e.unit,
        }
        for e in entries.order_by("village_id", "-year", "category", "item")[:5000]
    ]
