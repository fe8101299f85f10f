"""Reading uploaded GeoJSON, KML and KMZ into checked, repaired features.

Every refusal is a ValidationError on the `file` field naming the feature it is about, and
nothing is stored unless the whole file passes.
"""

from __future__ import annotations

import io
import json
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


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def read_upload(name: str, data: bytes) -> list[dict]:
    """The features of an uploaded file, as GeoJSON dicts with only a `name` property kept."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(
            _("The file is %(size)d MB; at most %(max)d MB is accepted.")
            % {"size": len(data) // (1024 * 1024), "max": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    lower = name.lower()
    if lower.endswith((".geojson", ".json")):
        raw = _from_geojson(data)
    elif lower.endswith(".kml"):
        raw = _from_kml(data)
    elif lower.endswith(".kmz"):
        raw = _from_kml(_kml_from_kmz(data))
    else:
        raise _refuse(_("Upload a .geojson, .json, .kml or .kmz file."))
    if not raw:
        raise _refuse(_("The file holds no features."))
    if len(raw) > MAX_FEATURES:
        raise _refuse(_("The file holds more than %(max)d features.") % {"max": MAX_FEATURES})
    return [_checked(i, geometry, props) for i, (geometry, props) in enumerate(raw, start=1)]


def _from_geojson(data: bytes) -> list[tuple[dict, dict]]:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _refuse(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
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


def _kml_from_kmz(data: bytes) -> bytes:
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise _refuse(_("The KMZ file is not a zip archive."))
    try:
        archive = zipfile.ZipFile(buffer)
        entries = [e for e in archive.infolist() if e.filename.lower().endswith(".kml")]
        if not entries:
            raise _refuse(_("The KMZ file holds no .kml document."))
        entry = entries[0]
        total = sum(e.file_size for e in archive.infolist())
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > MAX_UPLOAD_BYTES or ratio > MAX_KMZ_RATIO:
            raise _refuse(
                _("The KMZ file unpacks to %(size)d MB; it is refused as a possible zip bomb.")
                % {"size": total // (1024 * 1024)}
            )
        with archive.open(entry) as handle:
            # Read no more than the limit even if the sizes in the header lie.
            kml = handle.read(MAX_UPLOAD_BYTES + 1)
    except zipfile.BadZipFile as exc:
        raise _refuse(_("The KMZ file is not a zip archive.")) from exc
    if len(kml) > MAX_UPLOAD_BYTES:
        raise _refuse(_("The KMZ file unpacks to more than the limit; it is refused."))
    return kml


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _coords(text: str | None) -> list[list[float]]:
    points = []
    for chunk in (text or "").split():
        parts = chunk.split(",")
        if len(parts) < 2:
            continue
        points.append([float(parts[0]), float(parts[1])])
    return points


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
        parts = [g for g in (_kml_geometry(c) for c in element) if g]
        return {"type": "GeometryCollection", "geometries": parts}
    return None


def _from_kml(data: bytes) -> list[tuple[dict, dict]]:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise _refuse(_("The KML file cannot be read: %(error)s") % {"error": exc}) from exc
    out = []
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
    return out


def _checked(n: int, geometry: dict, props: dict) -> dict:
    """One feature, parsed, inside Indonesia, valid (repaired when that keeps its kind)."""
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        raise _refuse(
            _("Feature %(n)d: the geometry cannot be read (%(error)s).") % {"n": n, "error": exc}
        ) from exc
    except shapely.errors.GEOSException as exc:
        raise _refuse(
            _("Feature %(n)d: the geometry cannot be read (%(error)s).") % {"n": n, "error": exc}
        ) from exc
    if geom.is_empty:
        raise _refuse(_("Feature %(n)d has an empty geometry.") % {"n": n})
    if geom.geom_type == "GeometryCollection":
        raise _refuse(_("Feature %(n)d mixes geometry kinds; split it into features.") % {"n": n})
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
    name = str(props.get("name") or props.get("nama") or props.get("Name") or "")[:100]
    return {
        "geometry": mapping(geom),
        "name": name,
        "repaired": repaired,
        "bounds": geom.bounds,
    }
