"""The map in a real headless Chromium: pan and zoom on a public page, drawing an area as an
operator (Debian's chromium through Playwright; skipped, with the reason, when it is absent)."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import shape

from satudata.conftest import PASSWORD, VILLAGE_A
from satudata.core.tests.test_browser import CHROMIUM, fits_the_phone
from satudata.villages.tests.helpers import LAT, LON, collection, feature, square

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture
def boundary(regions_loaded):
    from satudata.accounts.models import User
    from satudata.accounts.services import create_account
    from satudata.regions.models import Region
    from satudata.villages import services

    operator = create_account(
        None,
        username="operator.natai",
        password=PASSWORD,
        role=User.Role.VILLAGE_OPERATOR,
        region=Region.objects.get(code=VILLAGE_A),
    )
    polygon = feature({"type": "Polygon", "coordinates": square()}, name="Natai Raya")
    services.upload_layer(
        operator,
        Region.objects.get(code=VILLAGE_A),
        name="Batas desa",
        kind="boundary",
        filename="batas.geojson",
        data=collection(polygon),
    )
    return operator


def view_box(page) -> list[float]:
    return [float(v) for v in page.get_attribute(".map-wrap svg", "viewBox").split()]


def test_a_visitor_zooms_and_drags_the_public_map(page, boundary):
    page.goto(page.base_url + f"/villages/{VILLAGE_A}/map/")
    whole = view_box(page)
    page.click(".map-zoom button[data-map=in]")
    zoomed = view_box(page)
    assert zoomed[2] == pytest.approx(whole[2] / 1.5, rel=1e-3)
    box = page.locator(".map-wrap svg").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*middle)
    page.mouse.down()
    page.mouse.move(middle[0] - 40, middle[1], steps=5)
    page.mouse.up()
    dragged = view_box(page)
    assert dragged[0] > zoomed[0] and dragged[2] == zoomed[2]  # moved east, same zoom
    page.mouse.wheel(0, -100)
    width = "document.querySelector('.map-wrap svg').viewBox.baseVal.width"
    page.wait_for_function(f"{width} < {dragged[2] - 1}")  # the wheel zoomed in further
    page.click(".map-zoom button[data-map=reset]")
    assert view_box(page) == pytest.approx(whole, rel=1e-4)


def test_an_operator_draws_an_area_that_is_stored_and_shown(page, boundary):
    from satudata.villages.models import MapLayer

    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "operator.natai")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(page.base_url + f"/villages/{VILLAGE_A}/layers/")
    page.click(".map-zoom button[data-map=in]")  # drawing must also be right when zoomed in
    page.check("input[name=shape][value=area]")
    svg = page.locator(".map-wrap svg")
    box = svg.bounding_box()
    w, h = box["width"], box["height"]
    # Four corners around the map's centre, which is the boundary square's centre.
    for fx, fy in ((0.35, 0.35), (0.65, 0.35), (0.65, 0.65), (0.35, 0.65)):
        svg.click(position={"x": w * fx, "y": h * fy})
    assert "4" in page.inner_text(".draw-status")
    assert fits_the_phone(page)
    page.fill("#id_draw-name", "Sawah Natai")
    page.select_option("#id_draw-kind", "land_use")
    page.click("form.draw-form button[type=submit]")
    page.wait_for_load_state()
    assert "Lapisan Sawah Natai disimpan dengan 1 fitur" in page.inner_text("main")

    layer = MapLayer.objects.get(kind="land_use")
    drawn = json.loads(layer.features)
    assert drawn["properties"]["name"] == "Sawah Natai"
    area = shape(drawn["geometry"])
    assert area.geom_type == "Polygon" and area.is_valid
    centre = area.centroid
    # Clicks symmetric about the map's centre come back as the square's centre in lon/lat.
    assert centre.x == pytest.approx(LON + 0.01, abs=2e-4)
    assert centre.y == pytest.approx(LAT + 0.01, abs=2e-4)
    assert area.within(shape({"type": "Polygon", "coordinates": square()}))

    page.goto(page.base_url + f"/villages/{VILLAGE_A}/map/")
    assert page.locator(".map-wrap svg .k-land_use path title").text_content() == "Sawah Natai"
