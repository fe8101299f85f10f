"""Reading uploaded GeoJSON, KML and KMZ into checked, repaired features.

Every refusal is a ValidationError on the `file` field naming the feature it is about, and
nothing is stored unless the whole file passes. Messages are our own sentences: a library's
English error text never reaches the operator.
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import shapely
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.validation import make_valid

from satudata.env import env_int

# Upload limits are configuration; the defaults fit a village's drawings with room to spare.
MAX_UPLOAD_BYTES = env_int("MAP_UPLOAD_MAX_MB", 20) * 1024 * 1024
MAX_FEATURES = 20_000
MAX_KMZ_RATIO = 100  # a zip entry inflating more than this is treated as a zip bomb
# Indonesia with a margin: 94–142° E, 11.5° S – 7° N.
INDONESIA = (94.0, -11.5, 142.0, 7.0)
_FAMILY = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "area",
    "MultiPolygon": "area",
}
# How many list levels lie above a position in each type's `coordinates`.
_NESTING = {
    "Point": 0,
    "LineString": 1,
    "MultiPoint": 1,
    "Polygon": 2,
    "MultiLineString": 2,
    "MultiPolygon": 3,
}
# Each province's extent (west, south, east, north), rounded outward from the official maps and
# including its islands. The regions table has no geometry, and a check against the layers
# already stored would let one wrong upload widen the check for the next, so this is fixed
# reference data. A margin of PROVINCE_MARGIN degrees (about 55 km) is added when checking.
PROVINCE_BOUNDS = {
    "11": (95.0, 2.0, 98.3, 6.1),  # Aceh
    "12": (97.0, -0.7, 100.5, 4.3),  # Sumatera Utara
    "13": (98.5, -3.5, 101.9, 1.0),  # Sumatera Barat
    "14": (100.0, -1.2, 103.9, 2.6),  # Riau
    "15": (101.1, -2.8, 104.6, -0.7),  # Jambi
    "16": (102.0, -5.0, 106.2, -1.5),  # Sumatera Selatan
    "17": (101.0, -5.5, 104.3, -2.2),  # Bengkulu
    "18": (103.5, -6.2, 106.0, -3.7),  # Lampung
    "19": (105.1, -3.5, 108.9, -1.4),  # Kepulauan Bangka Belitung
    "21": (103.3, -1.2, 109.2, 4.8),  # Kepulauan Riau
    "31": (106.3, -6.4, 107.0, -5.1),  # DKI Jakarta
    "32": (106.3, -7.9, 108.9, -5.9),  # Jawa Barat
    "33": (108.5, -8.3, 111.7, -5.7),  # Jawa Tengah
    "34": (110.0, -8.2, 110.9, -7.5),  # DI Yogyakarta
    "35": (110.9, -8.8, 116.3, -4.9),  # Jawa Timur
    "36": (105.1, -7.1, 106.8, -5.8),  # Banten
    "51": (114.4, -8.9, 115.8, -8.0),  # Bali
    "52": (115.8, -9.2, 119.4, -8.0),  # Nusa Tenggara Barat
    "53": (118.9, -11.1, 125.2, -7.9),  # Nusa Tenggara Timur
    "61": (108.5, -3.1, 114.2, 2.1),  # Kalimantan Barat
    "62": (110.7, -3.6, 115.9, 0.8),  # Kalimantan Tengah
    "63": (114.3, -4.9, 116.7, -1.3),  # Kalimantan Selatan
    "64": (113.8, -2.6, 119.1, 2.6),  # Kalimantan Timur
    "65": (114.5, 1.1, 118.1, 4.4),  # Kalimantan Utara
    "71": (123.1, 0.3, 127.2, 5.6),  # Sulawesi Utara
    "72": (119.4, -3.7, 124.2, 1.4),  # Sulawesi Tengah
    "73": (117.0, -7.8, 121.9, -1.8),  # Sulawesi Selatan
    "74": (120.8, -6.3, 124.7, -2.8),  # Sulawesi Tenggara
    "75": (121.1, 0.3, 123.6, 1.1),  # Gorontalo
    "76": (117.3, -3.7, 120.0, -0.8),  # Sulawesi Barat
    "81": (125.7, -8.4, 134.9, -2.6),  # Maluku
    "82": (124.2, -2.5, 129.7, 2.7),  # Maluku Utara
    "91": (133.9, -3.9, 141.1, 1.0),  # Papua
    "92": (131.8, -4.3, 135.3, -0.2),  # Papua Barat
    "93": (137.7, -9.2, 141.1, -4.0),  # Papua Selatan
    "94": (134.5, -5.3, 138.7, -2.5),  # Papua Tengah
    "95": (137.5, -5.5, 141.1, -2.7),  # Papua Pegunungan
    "96": (129.3, -2.4, 133.3, 1.2),  # Papua Barat Daya
}
PROVINCE_MARGIN = 0.5


def province_area(code: str) -> tuple[float, float, float, float] | None:
    """The box a village's features must lie in: its province's extent plus the margin."""
    bounds = PROVINCE_BOUNDS.get(code.split(".")[0])
    if bounds is None:
        return None
    west, south, east, north = bounds
    m = PROVINCE_MARGIN
    return (west - m, south - m, east + m, north + m)


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def read_upload(name: str, data: bytes, area=None, area_name: str = "") -> list[dict]:
    """The features of an uploaded file, as GeoJSON dicts with only a `name` property kept.

    `area` (west, south, east, north), when given, is the box every feature must lie in;
    `area_name` names it in the refusal.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        # `data` is read only up to the limit + 1 byte, so its size says "over", not how much.
        raise _refuse(
            _("The file is larger than %(max)d MB; at most %(max)d MB is accepted.")
            % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    lower = name.lower()
    if lower.endswith((".geojson", ".json")):
        raw = _from_geojson(data)
    elif lower.endswith(".kml"):
        raw = _from_kml(data)
    elif lower.endswith(".kmz"):
        raw = []
        for document in _kmls_from_kmz(data):
            raw = _from_kml(document)
            if raw:
                break
    else:
        raise _refuse(_("Upload a .geojson, .json, .kml or .kmz file."))
    if not raw:
        raise _refuse(_("The file holds no features."))
    if len(raw) > MAX_FEATURES:
        raise _refuse(_("The file holds more than %(max)d features.") % {"max": MAX_FEATURES})
    return [
        _checked(i, geometry, props, area, area_name)
        for i, (geometry, props) in enumerate(raw, start=1)
    ]


def _from_geojson(data: bytes) -> list[tuple[dict, dict]]:
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as exc:
        raise _refuse(_("The file is not UTF-8 text; save the GeoJSON as UTF-8.")) from exc
    except json.JSONDecodeError as exc:
        raise _refuse(
            _("The file is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    except ValueError as exc:  # e.g. a number of thousands of digits
        raise _refuse(_("The file is not valid JSON: it holds a number that is too long.")) from exc
    except RecursionError as exc:  # lists or objects nested thousands deep
        raise _refuse(_("The file nests lists or objects too deeply to be GeoJSON.")) from exc
    if not isinstance(doc, dict):
        raise _refuse(_("The file is not a GeoJSON object."))
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise _refuse(_("The FeatureCollection has no list of features."))
    elif kind == "Feature":
        features = [doc]
    elif kind in _FAMILY:
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise _refuse(_("The file is not a GeoJSON object."))
    out = []
    for i, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
            raise _refuse(_("Feature %(n)d has no geometry.") % {"n": i})
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        out.append((feature["geometry"], props))
    return out


def _kmls_from_kmz(data: bytes) -> list[bytes]:
    """The KMZ's .kml documents, doc.kml (Google Earth's main document) first.

    Every entry is read, since a KMZ may hold an empty or style-only .kml beside the one with
    the placemarks; the caller takes the first that holds features.
    """
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise _refuse(_("The KMZ file is not a zip archive."))
    documents = []
    try:
        archive = zipfile.ZipFile(buffer)
        entries = [e for e in archive.infolist() if e.filename.lower().endswith(".kml")]
        if not entries:
            raise _refuse(_("The KMZ file holds no .kml document."))
        entries.sort(key=lambda e: e.filename.lower() != "doc.kml")
        total = sum(e.file_size for e in archive.infolist())
        worst = max(e.file_size / max(e.compress_size, 1) for e in entries)
        if total > MAX_UPLOAD_BYTES or worst > MAX_KMZ_RATIO:
            raise _refuse(
                _("The KMZ file unpacks to %(size)d MB; it is refused as a possible zip bomb.")
                % {"size": total // (1024 * 1024)}
            )
        budget = MAX_UPLOAD_BYTES
        for entry in entries:
            with archive.open(entry) as handle:
                # Read no more than the limit in all even if the sizes in the header lie.
                kml = handle.read(budget + 1)
            budget -= len(kml)
            if budget < 0:
                raise _refuse(_("The KMZ file unpacks to more than the limit; it is refused."))
            documents.append(kml)
    except zipfile.BadZipFile as exc:
        raise _refuse(_("The KMZ file is not a zip archive.")) from exc
    return documents


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _number(text: str):
    """A float, or the text itself so that the feature check refuses it by feature number."""
    try:
        return float(text)
    except ValueError:
        return text


def _coords(text: str | None) -> list[list]:
    points = []
    for chunk in (text or "").split():
        parts = chunk.split(",")
        if len(parts) < 2:
            continue
        points.append([_number(parts[0]), _number(parts[1])])
    return points


def _multi(parts: list[dict]) -> dict:
    """A KML MultiGeometry: parts of one kind become that kind's Multi type (Google Earth
    writes a boundary of several areas this way); mixed kinds stay a collection, refused."""
    singles = []
    for part in parts:
        if part["type"].startswith("Multi"):
            single = part["type"][len("Multi") :]
            singles.extend({"type": single, "coordinates": c} for c in part["coordinates"])
        elif part["type"] == "GeometryCollection":
            return {"type": "GeometryCollection", "geometries": parts}
        else:
            singles.append(part)
    kinds = {p["type"] for p in singles}
    if len(kinds) != 1:
        return {"type": "GeometryCollection", "geometries": parts}
    return {"type": "Multi" + kinds.pop(), "coordinates": [p["coordinates"] for p in singles]}


def _kml_geometry(element) -> dict | None:
    tag = _local(element.tag)

    def child_coords(node):
        for sub in node.iter():
            if _local(sub.tag) == "coordinates":
                return _coords(sub.text)
        return []

    if tag == "Point":
        pts = child_coords(element)
        return {"type": "Point", "coordinates": pts[0]} if pts else None
    if tag == "LineString":
        return {"type": "LineString", "coordinates": child_coords(element)}
    if tag == "Polygon":
        rings = []
        for boundary in element:
            if _local(boundary.tag) in ("outerBoundaryIs", "innerBoundaryIs"):
                ring = child_coords(boundary)
                if _local(boundary.tag) == "outerBoundaryIs":
                    rings.insert(0, ring)
                else:
                    rings.append(ring)
        return {"type": "Polygon", "coordinates": rings}
    if tag == "MultiGeometry":
        return _multi([g for g in (_kml_geometry(c) for c in element) if g])
    return None


def _from_kml(data: bytes) -> list[tuple[dict, dict]]:
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        raise _refuse(
            _("The KML file cannot be read: it declares XML entities, which are refused.")
        ) from exc
    except ElementTree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise _refuse(
            _("The KML file cannot be read: it is not well-formed XML (line %(line)d).")
            % {"line": line}
        ) from exc
    except ValueError as exc:
        raise _refuse(_("The KML file cannot be read: it is not well-formed XML.")) from exc
    out = []
    try:
        for placemark in root.iter():
            if _local(placemark.tag) != "Placemark":
                continue
            name = ""
            geometry = None
            for child in placemark:
                if _local(child.tag) == "name":
                    name = (child.text or "").strip()
                elif geometry is None:
                    geometry = _kml_geometry(child)
            if geometry is not None:
                out.append((geometry, {"name": name}))
    except RecursionError as exc:  # MultiGeometry inside MultiGeometry thousands deep
        raise _refuse(_("The KML file nests geometries too deeply.")) from exc
    return out


def _coordinate_problem(gtype: str, coords) -> str | None:
    """Why `coords` is not a `gtype`'s coordinates, in words, or None when it is.

    Walks the nesting without recursion, so a hostile file cannot exhaust the stack; every
    number must be finite (NaN or infinity would make the stored GeoJSON invalid JSON).
    """
    stack = [(coords, _NESTING[gtype])]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, list):
            return _("its coordinates are not nested as a %(type)s needs") % {"type": gtype}
        if depth:
            stack.extend((child, depth - 1) for child in node)
            continue
        if len(node) not in (2, 3):
            return _("each position must be longitude, latitude and at most a height")
        for value in node:
            if type(value) not in (int, float):
                return _("a coordinate is not a number")
            try:
                finite = math.isfinite(value)
            except OverflowError:  # an integer too large for a float
                finite = False
            if not finite:
                return _("a coordinate is not a finite number (NaN or infinity)")
    return None


def _name(props: dict) -> str:
    """The feature's name; only text or a number counts (an object or a list is dropped)."""
    for key in ("name", "nama", "Name"):
        value = props.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:100]
        if type(value) in (int, float) and math.isfinite(value):
            return str(value)[:100]
    return ""


def _checked(n: int, geometry: dict, props: dict, area=None, area_name: str = "") -> dict:
    """One feature, parsed, inside Indonesia (and `area`), valid (repaired when that keeps its
    kind)."""
    gtype = geometry.get("type")
    if gtype == "GeometryCollection":
        raise _refuse(_("Feature %(n)d mixes geometry kinds; split it into features.") % {"n": n})
    if gtype not in _FAMILY:
        # LinearRing, Circle, …: shapely may read some of them, but a map layer holds only
        # the six GeoJSON types that the map and every GIS program can draw.
        raise _refuse(
            _(
                "Feature %(n)d: the geometry type %(type)s is not supported; use Point, "
                "LineString, Polygon or MultiPoint, MultiLineString, MultiPolygon."
            )
            % {"n": n, "type": str(gtype)[:40]}
        )
    coords = geometry.get("coordinates")
    if coords == []:
        raise _refuse(_("Feature %(n)d has an empty geometry.") % {"n": n})
    problem = _coordinate_problem(gtype, coords)
    if problem:
        raise _refuse(_("Feature %(n)d: %(problem)s.") % {"n": n, "problem": problem})
    try:
        geom = shape({"type": gtype, "coordinates": coords})
    except (ValueError, TypeError, IndexError, shapely.errors.ShapelyError) as exc:
        raise _refuse(
            _(
                "Feature %(n)d: the geometry cannot be read; a line needs at least 2 points and "
                "an area's ring at least 4, the last the same as the first."
            )
            % {"n": n}
        ) from exc
    if geom.is_empty:
        raise _refuse(_("Feature %(n)d has an empty geometry.") % {"n": n})
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    west, south, east, north = INDONESIA
    if min_lon < west or max_lon > east or min_lat < south or max_lat > north:
        raise _refuse(
            _(
                "Feature %(n)d lies outside Indonesia (longitude %(lon).4f, latitude %(lat).4f); "
                "check that coordinates are longitude, latitude in WGS84 degrees."
            )
            % {
                "n": n,
                "lon": min_lon if min_lon < west else max_lon,
                "lat": min_lat if min_lat < south else max_lat,
            }
        )
    if area is not None:
        west, south, east, north = area
        if min_lon < west or max_lon > east or min_lat < south or max_lat > north:
            raise _refuse(
                _(
                    "Feature %(n)d lies outside the province %(province)s (longitude %(lon).4f, "
                    "latitude %(lat).4f); check that the file belongs to this village."
                )
                % {
                    "n": n,
                    "province": area_name,
                    "lon": min_lon if min_lon < west else max_lon,
                    "lat": min_lat if min_lat < south else max_lat,
                }
            )
    repaired = False
    if not geom.is_valid:
        family = _FAMILY[geom.geom_type]
        fixed = make_valid(geom)
        # make_valid may return a collection with parts of lower dimension; keep the
        # parts of the feature's own kind, refuse if nothing of that kind is left.
        parts = getattr(fixed, "geoms", [fixed])
        kept = [p for p in parts if _FAMILY.get(p.geom_type) == family]
        if not kept:
            raise _refuse(
                _("Feature %(n)d: the geometry is not valid and cannot be repaired safely.")
                % {"n": n}
            )
        fixed = shapely.union_all(kept) if len(kept) > 1 else kept[0]
        if fixed.is_empty or _FAMILY.get(fixed.geom_type) != family:
            raise _refuse(
                _("Feature %(n)d: the geometry is not valid and cannot be repaired safely.")
                % {"n": n}
            )
        geom, repaired = fixed, True
    return {
        "geometry": mapping(geom),
        "name": _name(props),
        "repaired": repaired,
        "bounds": geom.bounds,
    }
