"""A choropleth of a release: the sum of a numeric field per region code, drawn on the village
boundaries the villages app stores (server-side SVG, no script), or a table when none exist.

The projection and ring paths are the villages app's own (villages.maps: mercator, ring_path),
so both apps' maps line up; a district or regency code in the data colours the boundaries of
its villages.
"""

from __future__ import annotations

import hashlib
import json
import math

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max
from django.utils.html import escape

from satudata.datasets.datastore import quote
from satudata.datasets.models import Field, Release
from satudata.regions.models import Region
from satudata.villages.maps import layers_in, mercator, ring_path
from satudata.villages.models import LayerKind, MapLayer

MAX_REGIONS = 500  # regions drawn; a regency has ~120 villages, a province a few thousand
WIDTH = 1000.0
# Five classes, light to dark (ColorBrewer's "Greens", written out: a list of colours).
PALETTE = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
SERIES_CACHE_SECONDS = 24 * 3600


def map_fields(fields: list[Field]) -> tuple[list[Field], list[Field]]:
    """(region-code fields, numeric fields): a map needs one of each."""
    regions = [f for f in fields if f.type == Field.Type.REGION]
    measures = [f for f in fields if f.type in (Field.Type.INTEGER, Field.Type.NUMBER)]
    return regions, measures


def sums_by_region(
    release: Release, region: Field, measure: Field, where: tuple[Field, object] | None = None
) -> list[tuple[str, float]]:
    """[(region code, sum)] of the release, optionally of the rows where a field equals a
    value (the table preview's filter); cached, since a release's table never changes."""
    conditions, params = [f"{quote(region.name)} IS NOT NULL"], []
    if where is not None:
        conditions.append(f"{quote(where[0].name)} = %s")
        params.append(where[1])
    key = (
        "datasets-regionsums:"
        + hashlib.sha256(
            repr((release.table_name, region.name, measure.name, conditions, params)).encode()
        ).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        sql = (
            f"SELECT {quote(region.name)}, SUM({quote(measure.name)}) "  # noqa: S608 - checked names
            f"FROM {quote(release.table_name)} WHERE {' AND '.join(conditions)} "
            f"GROUP BY {quote(region.name)} ORDER BY {quote(region.name)} LIMIT {MAX_REGIONS}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = [(str(code), float(total or 0)) for code, total in cursor.fetchall()]
        cache.set(key, found, SERIES_CACHE_SECONDS)
    return found


def classes(values: list[float]) -> list[float]:
    """Upper bounds of up to five equal-count classes (quantiles), ascending and distinct."""
    ordered = sorted(values)
    if not ordered:
        return []
    bounds = []
    for i in range(1, len(PALETTE) + 1):
        bound = ordered[min(len(ordered) - 1, math.ceil(i * len(ordered) / len(PALETTE)) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def colour_of(value: float, bounds: list[float]) -> str:
    # Spread the classes actually present over the palette, darkest for the highest.
    for i, bound in enumerate(bounds):
        if value <= bound:
            step = (len(PALETTE) - 1) / max(len(bounds) - 1, 1)
            return PALETTE[round(i * step)]
    return PALETTE[-1]


def _boundaries(codes: list[str]) -> dict[str, list[MapLayer]]:
    """Boundary layers per region code of the data: a village's own, or every village's
    boundary inside a district or regency."""
    found: dict[str, list[MapLayer]] = {}
    villages = [c for c in codes if c.count(".") >= 3]
    for layer in MapLayer.objects.filter(kind=LayerKind.BOUNDARY, village_id__in=villages):
        found.setdefault(layer.village_id, []).append(layer)
    for code in codes:
        if code.count(".") < 3:
            layers = list(layers_in(code, LayerKind.BOUNDARY))
            if layers:
                found[code] = layers
    return found


def _svg(shapes: dict[str, list[MapLayer]], rows: list[dict]) -> str:
    layers = [layer for group in shapes.values() for layer in group]
    west, east = min(x.min_lon for x in layers), max(x.max_lon for x in layers)
    south, north = min(x.min_lat for x in layers), max(x.max_lat for x in layers)
    span = max(east - west, 1e-5)
    zoom = max(0, min(19, math.floor(math.log2(WIDTH * 360.0 / (256 * span)))))
    x0, y0 = mercator(west, north, zoom)
    x1, y1 = mercator(east, south, zoom)
    pad = 12.0
    box = (x0 - pad, y0 - pad, max(x1 - x0, 1) + 2 * pad, max(y1 - y0, 1) + 2 * pad)

    def project(lon, lat):
        return mercator(lon, lat, zoom)

    parts = []
    for row in rows:
        for layer in shapes.get(row["code"], ()):
            for feature in json.loads("[" + layer.features + "]"):
                geometry = feature.get("geometry") or {}
                if geometry.get("type") not in ("Polygon", "MultiPolygon"):
                    continue
                polys = (
                    [geometry["coordinates"]]
                    if geometry["type"] == "Polygon"
                    else geometry["coordinates"]
                )
                d = "".join(ring_path(ring, project) + "Z" for poly in polys for ring in poly)
                parts.append(
                    f'<path d="{d}" fill="{row["colour"]}" fill-rule="evenodd" stroke="#33403a" '
                    f'stroke-width="1"><title>{escape(row["name"])}: {row["shown"]}</title></path>'
                )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box[0]:.1f} {box[1]:.1f} '
        f'{box[2]:.1f} {box[3]:.1f}" role="img" class="region-map">{"".join(parts)}</svg>'
    )


def _shown(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def region_map(release: Release, region: Field, measure: Field, where=None) -> dict:
    """{'rows': [{code, name, value, shown, colour}], 'legend': [(colour, from, to)],
    'svg': markup or ''} — svg is empty when no region of the data has a stored boundary."""
    sums = sums_by_region(release, region, measure, where)
    names = dict(Region.objects.filter(code__in=[c for c, _v in sums]).values_list("code", "name"))
    bounds = classes([v for _c, v in sums])
    rows = [
        {
            "code": code,
            "name": names.get(code, code),
            "value": value,
            "shown": _shown(value),
            "colour": colour_of(value, bounds),
        }
        for code, value in sums
    ]
    legend, low = [], min((v for _c, v in sums), default=0)
    for bound in bounds:
        legend.append((colour_of(bound, bounds), _shown(low), _shown(bound)))
        low = bound
    # The drawing parses every boundary's GeoJSON: keep it per sums and boundary version.
    key = (
        "datasets-regionsvg:"
        + hashlib.sha256(repr((rows, _boundary_version())).encode()).hexdigest()
    )
    svg = cache.get(key)
    if svg is None:
        shapes = _boundaries([r["code"] for r in rows])
        svg = _svg(shapes, rows) if shapes else ""
        cache.set(key, svg, SERIES_CACHE_SECONDS)
    return {"rows": rows, "legend": legend, "svg": svg}


def _boundary_version() -> tuple:
    """Changes whenever a boundary is added, replaced or deleted (deletion is soft)."""
    layers = MapLayer.all_objects.filter(kind=LayerKind.BOUNDARY)
    return tuple(layers.aggregate(n=Count("id"), last=Max("id"), gone=Count("deleted_at")).values())
