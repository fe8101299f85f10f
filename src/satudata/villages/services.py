"""Writes of the village profile: potential figures and map layers, each audited."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.audit import services as audit
from satudata.regions.models import Region
from satudata.villages import geo
from satudata.villages.models import LayerKind, MapLayer, PotentialCategory, PotentialEntry


def _require_village_write(actor, village: Region) -> None:
    if village.level != Region.Level.VILLAGE or not write_scope(actor).allows(village.code):
        raise PermissionDenied(_("You may not change this village's profile."))


# Indonesian writing: the comma is the decimal mark and a dot separates thousands. A dot that
# is followed by exactly three digits is therefore a thousands separator ("1.234" = 1234,
# "1.234,5" = 1234.5); any other single dot is a decimal mark as a phone keypad types it
# ("135.5"). A comma is always the decimal mark ("1,5" = 1.5, "1,234" = 1.234).
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")
_PLAIN = re.compile(r"\d+([.,]\d+)?")


def parse_amount(text) -> Decimal:
    """A figure typed in Indonesian or plain form, as a Decimal; ValidationError otherwise."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        # A number from code, not typing: "1.234" from a float is one point two, not 1234.
        text = Decimal(str(text))
        if not text.is_finite() or text < 0:
            raise ValidationError({"value": _("The value must be a number of zero or more.")})
        return text
    raw = re.sub(r"\s", "", str(text or ""))
    if _GROUPED.fullmatch(raw):
        raw = raw.replace(".", "").replace(",", ".")
    elif _PLAIN.fullmatch(raw):
        raw = raw.replace(",", ".")
    else:
        raise ValidationError(
            {
                "value": _(
                    "Write the value as a number of zero or more, e.g. 1234, 1.234 or 1.234,5 "
                    "(a comma for decimals)."
                )
            }
        )
    number = Decimal(raw)
    if number.as_tuple().exponent < -2:
        raise ValidationError({"value": _("The value may have at most two decimals.")})
    if number >= Decimal(10) ** 12:
        raise ValidationError({"value": _("The value is too large.")})
    return number


def latest_potential_year() -> int:
    """Figures are kept up to next year (a plan); later years are typing mistakes."""
    return timezone.localdate().year + 1


def same_text(text: str) -> str:
    """Item and unit as typed, with runs of spaces made one: "sawah " is "sawah"."""
    return " ".join((text or "").split())


@transaction.atomic
def save_potential(
    actor, village: Region, *, year: int, category: str, item: str, value, unit: str, note=""
) -> PotentialEntry:
    """Set one figure for a year; the same item in the same year is changed, other years stay.

    The item is matched without regard to case or extra spaces; a figure already kept in
    another unit is not overwritten (that would silently lose it) but refused with a message.
    """
    _require_village_write(actor, village)
    if category not in PotentialCategory.values:
        raise ValidationError({"category": _("Unknown category.")})
    last = latest_potential_year()
    if not 1990 <= int(year) <= last:
        raise ValidationError(
            {"year": _("The year must be between 1990 and %(last)d.") % {"last": last}}
        )
    item, unit = same_text(item), same_text(unit)
    if not item or not unit:
        raise ValidationError({"item": _("Give the item and its unit, e.g. rice field, ha.")})
    number = parse_amount(value)
    existing = PotentialEntry.objects.filter(
        village=village, year=year, category=category, item__iexact=item
    ).first()
    if existing:
        if existing.unit.casefold() != unit.casefold():
            raise ValidationError(
                {
                    "unit": _(
                        "%(item)s %(year)d is already kept in %(unit)s; enter it in %(unit)s, "
                        "or delete that figure first to use another unit."
                    )
                    % {"item": existing.item, "year": int(year), "unit": existing.unit}
                }
            )
        return audit.update(actor, existing, item=item, value=number, unit=unit, note=note or "")
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
def delete_potential(actor, entry: PotentialEntry) -> PotentialEntry:
    """Remove a wrong figure; it is soft-deleted and audited like the project's other records."""
    _require_village_write(actor, entry.village)
    return audit.soft_delete(actor, entry)


@transaction.atomic
def upload_layer(
    actor, village: Region, *, name: str, kind: str, filename: str, data: bytes, source: str = ""
):
    """Check, repair and store an uploaded GeoJSON/KML/KMZ as one layer; (layer, repaired)."""
    _require_village_write(actor, village)
    if kind not in LayerKind.values:
        raise ValidationError({"kind": _("Unknown layer kind.")})
    province = Region.objects.filter(code=village.code.split(".")[0]).first()
    features = geo.read_upload(
        filename,
        data,
        area=geo.province_area(village.code),
        area_name=province.name if province else "",
    )
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


@transaction.atomic
def restore_layer(actor, layer: MapLayer) -> MapLayer:
    """Bring a removed or replaced layer back (audited). A boundary takes the place of the
    current one, which goes to the history as an upload's replacement does."""
    _require_village_write(actor, layer.village)
    if layer.kind == LayerKind.BOUNDARY:
        for old in MapLayer.objects.filter(village=layer.village, kind=LayerKind.BOUNDARY):
            audit.soft_delete(actor, old)
    return audit.restore(actor, MapLayer._meta.label_lower, str(layer.pk))
