"""Files that used to be stored or to answer 500, and stored layers the map cannot draw."""

import io
import json
import zipfile

import pytest

from satudata.conftest import DISTRICT, VILLAGE_A, VILLAGE_B
from satudata.villages.models import MapLayer
from satudata.villages.tests.helpers import LAT, LON, collection, feature, kml, kmz, square, upload

pytestmark = pytest.mark.django_db
PUBLIC_PAGES = (
    f"/villages/{VILLAGE_A}/",
    f"/villages/{DISTRICT}/",
    "/villages/62.01/",
    f"/villages/{VILLAGE_A}/map/",
)


def send(client, name, data, kind="other", village=VILLAGE_A):
    return client.post(
        f"/villages/{village}/layers/",
        {"name": "Lapisan", "kind": kind, "file": upload(name, data)},
        follow=True,
    )


def refused(response, text):
    page = response.content.decode()
    assert response.status_code == 400, page[-500:]
    assert text in page, page[page.find("messages") :][:800]
    assert MapLayer.all_objects.count() == 0
    return page


def ring():
    return [[LON, LAT], [LON + 0.02, LAT], [LON + 0.02, LAT + 0.02], [LON, LAT]]


@pytest.mark.parametrize(
    "geometry, text",
    [
        ({"type": "LinearRing", "coordinates": ring()}, "jenis geometri LinearRing tidak didukung"),
        ({"type": "Circle", "coordinates": [LON, LAT], "radius": 5}, "jenis geometri Circle"),
        ({"type": "Point", "coordinates": [LON, float("nan")]}, "bukan angka terhingga"),
        ({"type": "Point", "coordinates": [float("nan"), float("nan")]}, "bukan angka terhingga"),
        (
            {"type": "LineString", "coordinates": [[LON, LAT], [float("nan"), LAT], [LON, 0]]},
            "bukan angka terhingga",
        ),
        ({"type": "Point", "coordinates": [LON, "a"]}, "ada koordinat yang bukan angka"),
        ({"type": "Point", "coordinates": 5}, "susunan koordinatnya tidak sesuai dengan Point"),
        ({"type": "LineString", "coordinates": [[LON, LAT]]}, "garis memerlukan paling sedikit 2"),
    ],
)
def test_unsupported_or_unreadable_geojson_is_refused_naming_the_feature(clients, geometry, text):
    good = feature({"type": "Point", "coordinates": [LON, LAT]})
    data = json.dumps({"type": "FeatureCollection", "features": [good, feature(geometry)]})
    page = refused(send(clients["operator_a"], "x.geojson", data.encode()), "Fitur 2")
    assert text in page
    for english in ("Exception", "iteration", "Unknown geometry", "could not convert"):
        assert english not in page


def test_a_linearring_drawn_is_refused_too(clients):
    response = clients["operator_a"].post(
        f"/villages/{VILLAGE_A}/layers/draw/",
        {
            "draw-name": "Cincin",
            "draw-kind": "other",
            "draw-geojson": json.dumps(feature({"type": "LinearRing", "coordinates": ring()})),
        },
    )
    refused(response, "Fitur 1: jenis geometri LinearRing tidak didukung")


def test_a_stored_layer_the_map_cannot_draw_never_breaks_a_public_page(clients, cast, caplog):
    """A layer stored before the checks (or by any other route) is skipped and logged."""
    good = feature({"type": "Polygon", "coordinates": square()}, name="Batas baik")
    send(clients["operator_a"], "batas.geojson", collection(good), kind="boundary")
    bad = [
        feature({"type": "LinearRing", "coordinates": ring()}, name="Rumah Pak Hasan"),
        feature({"type": "LineString", "coordinates": [[LON, LAT], [float("nan"), LAT]]}),
        feature({"type": "Polygon", "coordinates": [1, 2]}),
    ]
    MapLayer.objects.create(
        village_id=VILLAGE_A,
        name="Lama",
        kind="other",
        features=",".join(json.dumps(f) for f in bad),
        feature_count=3,
        min_lon=LON,
        min_lat=LAT,
        max_lon=LON + 0.02,
        max_lat=LAT + 0.02,
    )
    for path in (*PUBLIC_PAGES, f"/villages/{VILLAGE_A}/layers/"):
        client = clients["operator_a"] if "layers" in path else clients["anonymous"]
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert "<title>Batas baik</title>" in page and "nan" not in page.split("<svg")[1]
    assert "cannot be drawn" in caplog.text and "Rumah Pak Hasan" not in caplog.text


def test_deeply_nested_json_is_refused_in_words(clients):
    nested = b"[" * 50_000 + b"]" * 50_000
    refused(send(clients["operator_a"], "n.geojson", nested), "bersarang terlalu dalam")
    deep = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    refused(send(clients["operator_a"], "d.geojson", deep), "bersarang terlalu dalam")


def test_file_level_errors_quote_no_library_text(clients):
    page = refused(send(clients["operator_a"], "l.geojson", "{é}".encode("latin-1")), "UTF-8")
    assert "codec" not in page
    long_number = b'{"type":"Point","coordinates":[1' + b"0" * 5000 + b",1]}"
    page = refused(send(clients["operator_a"], "n.geojson", long_number), "terlalu panjang")
    assert "4300" not in page and "sys.set_int_max_str_digits" not in page
    evil = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "x">]><kml><name>&a;</name></kml>'
    page = refused(send(clients["operator_a"], "e.kml", evil), "entitas XML")
    assert "EntitiesForbidden" not in page
    page = refused(send(clients["operator_a"], "b.kml", b"<kml><Placemark>"), "baris 1")


@pytest.mark.parametrize(
    "coordinates, text",
    [("abc,def", "ada koordinat yang bukan angka"), ("nan,nan", "bukan angka terhingga")],
)
def test_kml_with_bad_numbers_is_refused_naming_the_feature(clients, coordinates, text):
    placemark = f"<Placemark><Point><coordinates>{coordinates}</coordinates></Point></Placemark>"
    page = refused(send(clients["operator_a"], "t.kml", kml(placemark)), "Fitur 1")
    assert text in page and "could not convert" not in page


def test_a_kml_multigeometry_of_polygons_is_a_multipolygon_boundary(clients):
    def polygon(dx):
        coords = " ".join(f"{x},{y},0" for x, y in square(dx=dx)[0])
        return (
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        )

    placemark = (
        "<Placemark><name>Natai Raya</name><MultiGeometry>"
        f"{polygon(0)}{polygon(0.05)}</MultiGeometry></Placemark>"
    )
    response = send(clients["operator_a"], "batas.kml", kml(placemark), kind="boundary")
    assert "disimpan dengan 1 fitur" in response.content.decode()
    body = clients["anonymous"].get(f"/api/v1/villages/{VILLAGE_A}/geojson").json()
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"
    # Mixed kinds are still refused.
    point = f"<Point><coordinates>{LON},{LAT}</coordinates></Point>"
    mixed = f"<Placemark><MultiGeometry>{polygon(0)}{point}</MultiGeometry></Placemark>"
    response = send(clients["operator_a"], "campur.kml", kml(mixed))
    assert "Fitur 1 mencampur jenis geometri" in response.content.decode()


def test_a_kmz_whose_first_kml_is_empty_is_read_from_the_kml_with_features(clients):
    point = f"<Placemark><name>SDN 2</name><Point><coordinates>{LON},{LAT}</coordinates>"
    point += "</Point></Placemark>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.kml", kml(""))
        archive.writestr("b.kml", kml(point))
    response = send(clients["operator_a"], "dua.kmz", out.getvalue(), kind="school")
    assert "disimpan dengan 1 fitur" in response.content.decode()
    # doc.kml is Google Earth's main document and is read first.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("files/other.kml", kml(point.replace("SDN 2", "Bukan")))
        archive.writestr("doc.kml", kml(point.replace("SDN 2", "Utama")))
    send(clients["operator_a"], "doc.kmz", out.getvalue(), kind="market")
    body = clients["anonymous"].get(f"/api/v1/villages/{VILLAGE_A}/geojson?kind=market").json()
    assert [f["properties"]["name"] for f in body["features"]] == ["Utama"]
    assert kmz  # the one-document helper still works for the other tests


def test_features_outside_the_villages_province_are_refused(clients):
    papua = feature({"type": "Point", "coordinates": [140.7, -2.5]}, name="Jayapura")
    page = refused(send(clients["operator_a"], "p.geojson", collection(papua)), "Fitur 1")
    assert "di luar provinsi Kalimantan Tengah" in page
    across = feature({"type": "LineString", "coordinates": [[94.5, -11.0], [141.5, 6.5]]})
    refused(send(clients["operator_a"], "a.geojson", collection(across)), "di luar provinsi")
    # Inside the province, even far from the village, is accepted (a road to the capital).
    road = feature({"type": "LineString", "coordinates": [[LON, LAT], [113.9, -2.2]]})
    response = send(clients["operator_a"], "jalan.geojson", collection(road), kind="road")
    assert "disimpan dengan 1 fitur" in response.content.decode()


def test_only_text_or_number_names_are_stored(clients):
    odd = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [LON, LAT]}}
    named = [
        {**odd, "properties": {"name": {"a": 1}}},
        {**odd, "properties": {"name": ["x"]}},
        {**odd, "properties": {"name": 17}},
        {**odd, "properties": {"nama": "SDN 3"}},
    ]
    data = json.dumps({"type": "FeatureCollection", "features": named}).encode()
    send(clients["operator_a"], "n.geojson", data, kind="school")
    body = clients["anonymous"].get(f"/api/v1/villages/{VILLAGE_A}/geojson").json()
    assert [f["properties"]["name"] for f in body["features"]] == ["", "", "17", "SDN 3"]


def test_the_public_geojson_stays_strict_json(clients):
    line = feature({"type": "LineString", "coordinates": [[LON, LAT], [float("nan"), LAT]]})
    send(clients["operator_a"], "nan.geojson", collection(line), kind="road")
    text = clients["anonymous"].get("/api/v1/villages/62.01/geojson").content.decode()
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the GeoJSON"))


def test_operator_sees_replaced_boundaries_and_restores_one(clients):
    for dx, name in ((0.0, "Batas lama"), (0.3, "Batas baru")):
        polygon = feature({"type": "Polygon", "coordinates": square(dx=dx)})
        clients["operator_a"].post(
            f"/villages/{VILLAGE_A}/layers/",
            {"name": name, "kind": "boundary", "file": upload("b.geojson", collection(polygon))},
        )
    old = MapLayer.all_objects.get(name="Batas lama")
    page = clients["operator_a"].get(f"/villages/{VILLAGE_A}/layers/").content.decode()
    assert "Lapisan yang dihapus dan digantikan" in page
    assert f"/villages/layers/{old.pk}/restore/" in page
    assert clients["operator_b"].post(f"/villages/layers/{old.pk}/restore/").status_code == 404
    response = clients["operator_a"].post(f"/villages/layers/{old.pk}/restore/", follow=True)
    assert "Lapisan Batas lama telah dipulihkan." in response.content.decode()
    assert list(MapLayer.objects.values_list("name", flat=True)) == ["Batas lama"]
    from satudata.audit.models import AuditEntry

    assert AuditEntry.objects.filter(
        model_label="villages.maplayer", object_pk=str(old.pk), action="restore"
    ).exists()


def test_the_drawing_form_states_the_pasted_size_limit(clients):
    page = clients["operator_a"].get(f"/villages/{VILLAGE_B}/layers/")
    assert page.status_code == 404  # not operator_a's village
    page = clients["operator_a"].get(f"/villages/{VILLAGE_A}/layers/").content.decode()
    assert "paling besar 2,5 MB" in page and "Unggah lapisan" in page
