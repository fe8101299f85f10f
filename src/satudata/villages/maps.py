"""Serving map layers: GeoJSON for a region by text concatenation, and a plain SVG map.

The SVG is drawn on the server in Web Mercator, so it needs no script and no internet; when
SATUDATA_MAP_TILES names a tile URL template, tiles are drawn underneath in the same projection.
"""

from __future__ import annotations

import json
import logging
import math
import os

from django.core.cache import cache
from django.db.models import Count, Max

from satudata.villages.geo import INDONESIA
from satudata.villages.models import LayerKind, MapLayer
from satudata.villages.regionq import within

COLOURS = {
    LayerKind.BOUNDARY: "#0b5d3b",
    LayerKind.SCHOOL: "#1f5fbf",
    LayerKind.HEALTH: "#c0392b",
    LayerKind.MARKET: "#b7791f",
    LayerKind.ROAD: "#555555",
    LayerKind.LAND_USE: "#6a8f2a",
    LayerKind.WORSHIP: "#7b3fa0",
    LayerKind.OTHER: "#2b7a78",
}
log = logging.getLogger(__name__)
WIDTH = 1000.0
TILE = 256  # Web Mercator pixels per tile; map.js inverts the projection with the same number
# Bumped when the drawn markup changes, so cached SVG of an older shape is not served.
SVG_FORMAT = 3


def layers_in(code: str, kind: str | None = None):
    """The layers of a village, or of every village inside a district or regency."""
    layers = MapLayer.objects.filter(within("village_id", code))
    if kind:
        layers = layers.filter(kind=kind)
    return layers


def geojson_text(code: str, kind: str | None = None) -> str:
    """A FeatureCollection of the region's layers, built from the stored feature text."""
    chunks = (
        layers_in(code, kind)
        .order_by("village_id", "kind", "id")
        .values_list("features", flat=True)
    )
    return '{"type":"FeatureCollection","features":[' + ",".join(chunks) + "]}"


def mercator(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    scale = TILE * 2**zoom
    x = (lon + 180.0) / 360.0 * scale
    lat = max(min(lat, 85.0), -85.0)
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def ring_path(ring, project) -> str:
    points = [project(p[0], p[1]) for p in ring]
    if not points:
        return ""
    head = f"M{points[0][0]:.1f} {points[0][1]:.1f}"
    return head + "".join(f"L{x:.1f} {y:.1f}" for x, y in points[1:])


class Undrawable(ValueError):
    """A stored geometry the map cannot draw (a type or coordinates no check lets in today)."""


def _finite(coords) -> None:
    # Layers stored before coordinates were checked may hold NaN; "Lnan" would break the path.
    stack = [coords]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif not math.isfinite(node):
            raise Undrawable("non-finite coordinate")


def _shape_svg(geometry: dict, kind: str, name: str, project) -> str:
    from django.utils.html import escape

    gtype, coords = geometry["type"], geometry["coordinates"]
    _finite(coords)
    colour = COLOURS.get(kind, "#333")
    title = f"<title>{escape(name)}</title>" if name else ""
    if gtype in ("Point", "MultiPoint"):
        pts = [coords] if gtype == "Point" else coords
        return "".join(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}" stroke="#fff">'
            f"{title}</circle>"
            for x, y in (project(p[0], p[1]) for p in pts)
        )
    if gtype in ("LineString", "MultiLineString"):
        lines = [coords] if gtype == "LineString" else coords
        d = "".join(ring_path(line, project) for line in lines)
        return f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="3">{title}</path>'
    if gtype not in ("Polygon", "MultiPolygon"):
        raise Undrawable(gtype)
    polys = [coords] if gtype == "Polygon" else coords
    d = "".join(ring_path(ring, project) + "Z" for poly in polys for ring in poly)
    opacity = "0.08" if kind == LayerKind.BOUNDARY else "0.35"
    return (
        f'<path d="{d}" fill="{colour}" fill-opacity="{opacity}" fill-rule="evenodd" '
        f'stroke="{colour}" stroke-width="2">{title}</path>'
    )


def _layer_svg(layer, project) -> list[str]:
    """The layer's features as SVG; a feature the map cannot draw is skipped and logged, so
    one bad stored layer never breaks a public page."""
    try:
        features = json.loads("[" + layer.features + "]")
    except (ValueError, RecursionError):
        log.warning(
            "map layer %s of village %s: stored features are not JSON; not drawn",
            layer.pk,
            layer.village_id,
        )
        return []
    out = []
    for i, f in enumerate(features, start=1):
        try:
            props = f.get("properties") or {}
            name = props.get("name", "") if isinstance(props, dict) else ""
            out.append(_shape_svg(f["geometry"], layer.kind, str(name or ""), project))
        except (Undrawable, TypeError, ValueError, KeyError, IndexError, AttributeError):
            # Ids only: names and coordinates may be personal (a house, a person's land).
            log.warning(
                "map layer %s of village %s: feature %d cannot be drawn; skipped",
                layer.pk,
                layer.village_id,
                i,
            )
    return out


def _version(code: str) -> str:
    stats = layers_in(code).aggregate(n=Count("id"), last=Max("id"))
    deleted = MapLayer.all_objects.filter(
        within("village_id", code), deleted_at__isnull=False
    ).count()
    tiles = os.environ.get("SATUDATA_MAP_TILES", "")
    return f"{SVG_FORMAT}-{stats['n']}-{stats['last']}-{deleted}-{tiles}"


def svg_map(code: str) -> dict | None:
    """{'svg': markup, 'kinds': [(kind, label, colour)]} for the region, or None with no layers."""
    key = f"villages-svg:{code}:{_version(code)}"
    cached = cache.get(key)
    if cached is None:
        cached = _draw(list(layers_in(code).order_by("kind", "id")))
        cache.set(key, cached, 600)
    if not cached:
        return None
    labels = dict(LayerKind.choices)
    return {"svg": cached["svg"], "kinds": [(k, labels[k], COLOURS[k]) for k in cached["kinds"]]}


def drawing_map(code: str) -> dict:
    """The map an operator draws on: the village's own layers, or when it has none yet its
    district's or regency's (neighbours give a place to start), or else all of Indonesia."""
    parts = code.split(".")
    for depth in range(len(parts), 1, -1):  # village, district, regency; never the province
        found = svg_map(".".join(parts[:depth]))
        if found:
            return found
    return {"svg": _draw([], INDONESIA)["svg"], "kinds": []}


def _draw(layers: list, frame: tuple[float, float, float, float] | None = None) -> dict:
    if frame is None:
        # A layer with non-finite bounds (stored before coordinates were checked) would make
        # the zoom NaN; leave it out of the frame.
        layers = [
            layer
            for layer in layers
            if all(
                math.isfinite(v)
                for v in (layer.min_lon, layer.min_lat, layer.max_lon, layer.max_lat)
            )
        ]
        if not layers:
            return {}
        frame = (
            min(layer.min_lon for layer in layers),
            min(layer.min_lat for layer in layers),
            max(layer.max_lon for layer in layers),
            max(layer.max_lat for layer in layers),
        )
    west, south, east, north = frame
    # Pick the tile zoom at which the area is about WIDTH pixels wide.
    span = max(east - west, 1e-5)
    zoom = max(0, min(19, math.floor(math.log2(WIDTH * 360.0 / (TILE * span)))))
    x0, y0 = mercator(west, north, zoom)
    x1, y1 = mercator(east, south, zoom)
    pad = 12.0
    box = (x0 - pad, y0 - pad, max(x1 - x0, 1) + 2 * pad, max(y1 - y0, 1) + 2 * pad)

    def project(lon, lat):
        return mercator(lon, lat, zoom)

    tiles = _tiles(box, zoom)
    groups: dict[str, list[str]] = {}
    for layer in layers:
        groups.setdefault(layer.kind, []).extend(_layer_svg(layer, project))
    order = [k for k in LayerKind.values if k in groups]
    body = "".join(f'<g class="k-{k}">{"".join(groups[k])}</g>' for k in order)
    # The projection is written on the element so map.js can turn a click back into
    # longitude/latitude (x = (lon + 180) / 360 * tile * 2^zoom, y likewise for Mercator).
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box[0]:.1f} {box[1]:.1f} '
        f'{box[2]:.1f} {box[3]:.1f}" role="img" data-projection="web-mercator" '
        f'data-zoom="{zoom}" data-tile-size="{TILE}">{tiles}{body}</svg>'
    )
    # Labels are translated when shown; the cache holds only language-free parts.
    return {"svg": svg, "kinds": order}


def _tiles(box, zoom: int) -> str:
    template = os.environ.get("SATUDATA_MAP_TILES", "").strip()
    if not template:
        return ""
    from django.utils.html import escape

    first_x, first_y = int(box[0] // TILE), int(box[1] // TILE)
    last_x, last_y = int((box[0] + box[2]) // TILE), int((box[1] + box[3]) // TILE)
    out = []
    for tx in range(first_x, last_x + 1):
        for ty in range(first_y, last_y + 1):
            url = template.replace("{z}", str(zoom)).replace("{x}", str(tx)).replace("{y}", str(ty))
            out.append(
                f'<image href="{escape(url)}" x="{tx * TILE}" y="{ty * TILE}" '
                f'width="{TILE}" height="{TILE}"/>'
            )
    return "".join(out)
