"""Writes of the village profile: potential figures and map layers, each audited."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.audit import services as audit
from satudata.regions.models import Region
from satudata.villages import geo
from satudata.villages.models import LayerKind, MapLayer, PotentialCategory, PotentialEntry


def _require_village_write(actor, village: Region) -> None:
    if village.level != Region.Level.VILLAGE or not write_scope(actor).allows(village.code):
        raise PermissionDenied(_("You may not change this village's profile."))


@transaction.atomic
def save_potential(
    actor, village: Region, *, year: int, category: str, item: str, value, unit: str, note=""
) -> PotentialEntry:
    """Set one figure for a year; the same item in the same year is changed, other years stay."""
    _require_village_write(actor, village)
    if category not in PotentialCategory.values:
        raise ValidationError({"category": _("Unknown category.")})
    if not 1990 <= int(year) <= 2100:
        raise ValidationError({"year": _("The year must be between 1990 and 2100.")})
    item, unit = (item or "").strip(), (unit or "").strip()
    if not item or not unit:
        raise ValidationError({"item": _("Give the item and its unit, e.g. rice field, ha.")})
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationError({"value": _("The value must be a number.")}) from exc
    if not number.is_finite() or number < 0:
        raise ValidationError({"value": _("The value must be a number of zero or more.")})
    existing = PotentialEntry.objects.filter(
        village=village, year=year, category=category, item=item
    ).first()
    if existing:
        return audit.update(actor, existing, value=number, unit=unit, note=note or "")
    entry = PotentialEntry(
        village=village,
        year=year,
        category=category,
        item=item,
        value=number,
        unit=unit,
        note=note or "",
    )
    return audit.create(actor, entry)


@transaction.atomic
def upload_layer(
    actor, village: Region, *, name: str, kind: str, filename: str, data: bytes, source: str = ""
):
    """Check, repair and store an uploaded GeoJSON/KML/KMZ as one layer; (layer, repaired)."""
    _require_village_write(actor, village)
    if kind not in LayerKind.values:
        raise ValidationError({"kind": _("Unknown layer kind.")})
    features = geo.read_upload(filename, data)
    if kind == LayerKind.BOUNDARY:
        non_area = [i for i, f in enumerate(features, 1) if "Polygon" not in f["geometry"]["type"]]
        if non_area:
            raise ValidationError(
                {
                    "file": _("Feature %(n)d: a boundary must be an area (polygon).")
                    % {"n": non_area[0]}
                }
            )
    name = (name or "").strip()[:100] or filename[:100]
    parts = []
    for f in features:
        props = {"name": f["name"], "kind": kind, "layer": name, "village": village.code}
        parts.append(
            json.dumps(
                {"type": "Feature", "geometry": f["geometry"], "properties": props},
                separators=(",", ":"),
                ensure_ascii=False,
            )
        )
    bounds = [f["bounds"] for f in features]
    if kind == LayerKind.BOUNDARY:
        # One boundary per village: the new one replaces the old (kept in the history).
        for old in MapLayer.objects.filter(village=village, kind=LayerKind.BOUNDARY):
            audit.soft_delete(actor, old)
    layer = MapLayer(
        village=village,
        name=name,
        kind=kind,
        features=",".join(parts),
        feature_count=len(parts),
        min_lon=min(b[0] for b in bounds),
        min_lat=min(b[1] for b in bounds),
        max_lon=max(b[2] for b in bounds),
        max_lat=max(b[3] for b in bounds),
        source_name=(source or filename)[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    layer = audit.create(actor, layer)
    return layer, sum(1 for f in features if f["repaired"])


def draw_layer(actor, village: Region, *, name: str, kind: str, geojson: str):
    """Store a feature drawn on the map (GeoJSON text from map.js) as a layer; (layer, repaired).

    The drawing is treated exactly as an uploaded .geojson file, so the same size limit,
    Indonesia check and repair rules apply, whoever built the text.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the drawn feature a name.")})
    if not (geojson or "").strip():
        raise ValidationError({"geojson": _("Draw a point, a line or an area on the map first.")})
    return upload_layer(
        actor,
        village,
        name=name,
        kind=kind,
        filename="drawing.geojson",
        data=geojson.encode("utf-8"),
        source=_("drawn on the map"),
    )


@transaction.atomic
def delete_layer(actor, layer: MapLayer) -> MapLayer:
    _require_village_write(actor, layer.village)
    return audit.soft_delete(actor, layer)
