"""Small geometry files for the tests."""

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

# Around Natai Raya (Kotawaringin Barat): longitude 111.6, latitude -2.7.
LON, LAT = 111.60, -2.70


def square(dx=0.0, dy=0.0, size=0.02):
    x, y = LON + dx, LAT + dy
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(geometry, name=""):
    return {"type": "Feature", "geometry": geometry, "properties": {"name": name}}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def kml(placemarks: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>' + placemarks + "</Document></kml>"
    ).encode()


def kmz(kml_bytes: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", kml_bytes)
    return out.getvalue()
