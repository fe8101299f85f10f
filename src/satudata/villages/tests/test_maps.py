import io
import json
import zipfile

import pytest
from shapely.geometry import shape

from satudata.audit.models import AuditEntry
from satudata.conftest import DISTRICT, VILLAGE_A, VILLAGE_B
from satudata.villages.models import MapLayer
from satudata.villages.tests.helpers import (
    LAT,
    LON,
    collection,
    feature,
    kml,
    kmz,
    square,
    upload,
)

pytestmark = pytest.mark.django_db


def send(client, name, data, kind="boundary", village=VILLAGE_A, layer="Batas desa"):
    return client.post(
        f"/villages/{village}/layers/",
        {"name": layer, "kind": kind, "file": upload(name, data)},
        follow=True,
    )


def test_operator_uploads_a_boundary_that_shows_on_the_map_and_in_the_api(clients, cast):
    polygon = feature({"type": "Polygon", "coordinates": square()}, name="Natai Raya")
    response = send(clients["operator_a"], "batas.geojson", collection(polygon))
    assert "Lapisan Batas desa disimpan dengan 1 fitur (0 diperbaiki)." in response.content.decode()
    layer = MapLayer.objects.get()
    assert layer.village_id == VILLAGE_A and layer.feature_count == 1
    entry = AuditEntry.objects.get(model_label="villages.maplayer", action="create")
    assert entry.actor_id == cast.operator_a.pk and "features" not in entry.after
    page = clients["anonymous"].get(f"/villages/{VILLAGE_A}/map/").content.decode()
    assert "<svg" in page and 'class="k-boundary"' in page and "Batas desa" in page
    body = clients["anonymous"].get(f"/api/v1/villages/{VILLAGE_A}/geojson").json()
    assert body["type"] == "FeatureCollection"
    assert body["features"][0]["properties"]["village"] == VILLAGE_A
    for code in (DISTRICT, "62.01"):
        got = clients["anonymous"].get(f"/api/v1/villages/{code}/geojson").json()
        assert len(got["features"]) == 1


def test_a_new_boundary_replaces_the_old_one(clients):
    for dx in (0.0, 0.5):
        polygon = feature({"type": "Polygon", "coordinates": square(dx=dx)})
        send(clients["operator_a"], "batas.geojson", collection(polygon))
    assert MapLayer.objects.count() == 1
    assert MapLayer.all_objects.count() == 2


def test_self_intersecting_polygon_is_repaired(clients):
    x, y = LON, LAT
    bowtie = [[[x, y], [x + 0.02, y + 0.02], [x + 0.02, y], [x, y + 0.02], [x, y]]]
    response = send(
        clients["operator_a"],
        "bowtie.geojson",
        collection(feature({"type": "Polygon", "coordinates": bowtie})),
    )
    assert "(1 diperbaiki)" in response.content.decode()
    stored = json.loads(MapLayer.objects.get().features)
    assert shape(stored["geometry"]).is_valid


def test_unreadable_geometry_is_refused_naming_the_feature(clients):
    good = feature({"type": "Polygon", "coordinates": square()})
    broken = feature({"type": "Polygon", "coordinates": [[[LON, LAT], [LON + 0.1, LAT]]]})
    response = send(clients["operator_a"], "rusak.geojson", collection(good, broken))
    assert response.status_code == 400
    assert "Fitur 2: geometri tidak dapat dibaca" in response.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_a_boundary_must_be_an_area(clients):
    line = feature({"type": "LineString", "coordinates": [[LON, LAT], [LON + 0.01, LAT]]})
    response = send(clients["operator_a"], "garis.geojson", collection(line))
    assert "Fitur 1: batas harus berupa area (poligon)." in response.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_coordinates_outside_indonesia_are_refused(clients):
    paris = feature({"type": "Point", "coordinates": [2.35, 48.85]}, name="Paris")
    response = send(clients["operator_a"], "titik.geojson", collection(paris), kind="school")
    assert "Fitur 1 berada di luar Indonesia" in response.content.decode()
    # Swapped latitude/longitude is the common mistake; it is refused too.
    swapped = feature({"type": "Point", "coordinates": [LAT, LON]})
    response = send(clients["operator_a"], "titik.geojson", collection(swapped), kind="school")
    assert "di luar Indonesia" in response.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_a_50_mb_geojson_is_refused(clients):
    point = json.dumps(feature({"type": "Point", "coordinates": [LON, LAT]}))
    count = 50 * 1024 * 1024 // len(point) + 1
    data = ('{"type":"FeatureCollection","features":[' + ",".join([point] * count) + "]}").encode()
    assert len(data) >= 50 * 1024 * 1024
    response = send(clients["operator_a"], "besar.geojson", data, kind="school")
    assert response.status_code == 400
    assert (
        "Berkas lebih besar dari 20 MB; paling besar 20 MB yang diterima"
        in response.content.decode()
    )
    assert MapLayer.all_objects.count() == 0


def test_kml_and_kmz_from_google_earth_are_read(clients):
    point = "<Placemark><name>{}</name><Point><coordinates>{},{},0</coordinates></Point>"
    point += "</Placemark>"
    placemarks = point.format("SDN 1", LON, LAT) + point.format("Pasar", LON + 0.01, LAT)
    send(clients["operator_a"], "sekolah.kml", kml(placemarks), kind="school", layer="Sekolah")
    send(clients["operator_a"], "pasar.kmz", kmz(kml(placemarks)), kind="market", layer="Pasar")
    layers = {layer.kind: layer for layer in MapLayer.objects.all()}
    assert layers["school"].feature_count == 2 and layers["market"].feature_count == 2
    body = clients["anonymous"].get(f"/api/v1/villages/{VILLAGE_A}/geojson?kind=school").json()
    assert {f["properties"]["name"] for f in body["features"]} == {"SDN 1", "Pasar"}


def test_a_kmz_that_is_not_a_zip_is_refused(clients):
    response = send(clients["operator_a"], "palsu.kmz", b"this is not a zip", kind="school")
    assert "Berkas KMZ bukan arsip zip." in response.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_a_kmz_zip_bomb_is_refused(clients):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", b"\0" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    response = send(clients["operator_a"], "bom.kmz", out.getvalue(), kind="school")
    assert "ditolak karena mungkin bom zip" in response.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_kml_with_xml_entities_is_refused(clients):
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<kml><Document><name>&b;</name></Document></kml>"
    )
    response = send(clients["operator_a"], "jahat.kml", evil, kind="school")
    assert "Berkas KML tidak dapat dibaca" in response.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_operator_cannot_upload_to_another_village(clients):
    polygon = feature({"type": "Polygon", "coordinates": square()})
    response = clients["operator_b"].post(
        f"/villages/{VILLAGE_A}/layers/",
        {"name": "x", "kind": "boundary", "file": upload("b.geojson", collection(polygon))},
    )
    assert response.status_code == 404
    assert clients["district_viewer"].get(f"/villages/{VILLAGE_A}/layers/").status_code == 404
    assert clients["anonymous"].get(f"/villages/{VILLAGE_A}/layers/").status_code == 302
    assert MapLayer.all_objects.count() == 0


def test_operator_removes_only_own_layers(clients):
    polygon = feature({"type": "Polygon", "coordinates": square()})
    send(clients["operator_a"], "batas.geojson", collection(polygon))
    layer = MapLayer.objects.get()
    assert clients["operator_b"].post(f"/villages/layers/{layer.pk}/delete/").status_code == 404
    clients["operator_a"].post(f"/villages/layers/{layer.pk}/delete/")
    assert MapLayer.objects.count() == 0 and MapLayer.all_objects.count() == 1


def test_map_has_no_tiles_by_default_and_uses_the_configured_tile_url(clients, monkeypatch):
    polygon = feature({"type": "Polygon", "coordinates": square()})
    send(clients["operator_a"], "batas.geojson", collection(polygon))
    page = clients["anonymous"].get(f"/villages/{VILLAGE_A}/map/").content.decode()
    assert "<image" not in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[
        0
    ].replace("http://www.w3.org/2000/svg", "")
    monkeypatch.setenv("SATUDATA_MAP_TILES", "/tiles/{z}/{x}/{y}.png")
    page = clients["anonymous"].get(f"/villages/{VILLAGE_A}/map/").content.decode()
    assert '<image href="/tiles/' in page


def test_geojson_api_answers_clearly_for_bad_codes_and_kinds(client):
    assert client.get("/api/v1/villages/99.99/geojson").status_code == 404
    assert client.get("/api/v1/villages/nonsense/geojson").status_code == 400
    response = client.get(f"/api/v1/villages/{VILLAGE_B}/geojson?kind=rockets")
    assert response.status_code == 400
    assert client.get(f"/api/v1/villages/{VILLAGE_B}/geojson").json()["features"] == []
