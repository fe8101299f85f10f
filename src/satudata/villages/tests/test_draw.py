"""Features drawn on the operator's map go through the same checks as uploaded files."""

import json

import pytest

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.villages.models import MapLayer
from satudata.villages.tests.helpers import LAT, LON, square

pytestmark = pytest.mark.django_db


def drawn(geometry, name="Sawah"):
    return json.dumps({"type": "Feature", "geometry": geometry, "properties": {"name": name}})


def draw(client, geometry, kind="land_use", name="Sawah", village=VILLAGE_A):
    return client.post(
        f"/villages/{village}/layers/draw/",
        {"draw-name": name, "draw-kind": kind, "draw-geojson": drawn(geometry, name)},
        follow=True,
    )


def test_operator_draws_an_area_that_is_stored_and_shown(clients):
    response = draw(clients["operator_a"], {"type": "Polygon", "coordinates": square()})
    assert "Lapisan Sawah disimpan dengan 1 fitur (0 diperbaiki)." in response.content.decode()
    layer = MapLayer.objects.get()
    assert (layer.village_id, layer.kind, layer.source_name) == (
        VILLAGE_A,
        "land_use",
        "digambar di peta",
    )
    page = clients["anonymous"].get(f"/villages/{VILLAGE_A}/map/").content.decode()
    assert 'class="k-land_use"' in page and "<title>Sawah</title>" in page


def test_a_drawn_bowtie_is_repaired_like_an_upload(clients):
    x, y = LON, LAT
    bowtie = [[[x, y], [x + 0.02, y + 0.02], [x + 0.02, y], [x, y + 0.02], [x, y]]]
    response = draw(clients["operator_a"], {"type": "Polygon", "coordinates": bowtie})
    assert "(1 diperbaiki)" in response.content.decode()


def test_a_drawing_outside_indonesia_is_refused_and_nothing_stored(clients):
    response = draw(clients["operator_a"], {"type": "Point", "coordinates": [2.35, 48.85]})
    assert response.status_code == 400
    assert "Fitur 1 berada di luar Indonesia" in response.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_a_drawn_point_cannot_be_a_boundary(clients):
    response = draw(clients["operator_a"], {"type": "Point", "coordinates": [LON, LAT]}, "boundary")
    assert response.status_code == 400
    assert "batas harus berupa area" in response.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_an_empty_or_broken_drawing_is_refused_in_words(clients):
    client = clients["operator_a"]
    empty = client.post(
        f"/villages/{VILLAGE_A}/layers/draw/",
        {"draw-name": "Sawah", "draw-kind": "land_use", "draw-geojson": ""},
    )
    assert empty.status_code == 400
    assert "Gambarlah titik, garis, atau area di peta" in empty.content.decode()
    broken = client.post(
        f"/villages/{VILLAGE_A}/layers/draw/",
        {"draw-name": "Sawah", "draw-kind": "land_use", "draw-geojson": "{not json"},
    )
    assert broken.status_code == 400 and "bukan JSON yang sah" in broken.content.decode()
    assert MapLayer.all_objects.count() == 0


def test_operator_cannot_draw_on_another_village(clients):
    response = draw(
        clients["operator_a"], {"type": "Point", "coordinates": [LON, LAT]}, village=VILLAGE_B
    )
    assert response.status_code == 404
    assert MapLayer.all_objects.count() == 0


def test_anonymous_cannot_draw(clients):
    response = clients["anonymous"].post(f"/villages/{VILLAGE_A}/layers/draw/", {})
    assert response.status_code in (302, 403)
    assert MapLayer.all_objects.count() == 0


def test_the_edit_page_gives_a_map_with_its_projection_even_before_any_layer(clients):
    page = clients["operator_a"].get(f"/villages/{VILLAGE_A}/layers/").content.decode()
    # Nothing mapped anywhere yet: the frame is Indonesia, at the zoom map.js inverts.
    assert 'data-projection="web-mercator" data-zoom="4" data-tile-size="256"' in page
    assert 'class="draw-form"' in page and "villages/map.js" in page
