"""The dataset page's map: a choropleth on stored village boundaries, or a table without them."""

from __future__ import annotations

import re

import pytest

from satudata.conftest import DISTRICT, VILLAGE_A, VILLAGE_B
from satudata.datasets import services
from satudata.datasets.tests.conftest import published, upload
from satudata.regions.models import Region
from satudata.villages import services as villages
from satudata.villages.tests.helpers import collection, feature, square

pytestmark = pytest.mark.django_db


def boundary(actor, code, dx):
    polygon = feature({"type": "Polygon", "coordinates": square(dx=dx)}, name="batas")
    villages.upload_layer(
        actor,
        Region.objects.get(code=code),
        name="Batas desa",
        kind="boundary",
        filename="batas.geojson",
        data=collection(polygon),
    )


def map_section(page: str) -> str:
    return page[page.index('<h2 id="map">') :]


def test_without_boundaries_the_map_is_a_table_of_region_names_and_values(
    client, cast, dataset, tmp_path
):
    public = published(cast, dataset, tmp_path)
    section = map_section(client.get(f"/data/{public.slug}/").content.decode())
    assert "<svg" not in section.split("<details")[0]
    assert "Tidak ada batas wilayah" in section
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>([^<]+)</td><td class=\"num\">([^<]+)</td>", section
    )
    third = Region.objects.get(code="62.01.02.2018").name
    assert rows == [
        ("Runtu", VILLAGE_B, "3"),
        ("Natai Raya", VILLAGE_A, "2"),
        (third, "62.01.02.2018", "1"),
    ]
    # Only aggregates of the published data: the row-level text column is not in the map.
    assert "HYPERLINK" not in section
    # A boundary stored later shows at once (the drawing is cached per boundary version).
    boundary(cast.operator_a, VILLAGE_A, 0.0)
    section = map_section(client.get(f"/data/{public.slug}/").content.decode())
    assert "<title>Natai Raya: 2</title>" in section


def test_boundaries_become_a_choropleth_with_a_legend_that_follows_the_filter(
    client, cast, dataset, tmp_path
):
    boundary(cast.operator_a, VILLAGE_A, 0.0)
    boundary(cast.operator_b, VILLAGE_B, 0.03)
    public = published(cast, dataset, tmp_path)
    section = map_section(client.get(f"/data/{public.slug}/").content.decode())
    svg = section[section.index("<svg") : section.index("</svg>")]
    paths = re.findall(r'<path d="[^"]+" fill="(#[0-9a-f]{6})"[^>]*><title>([^<]+)</title>', svg)
    # Runtu (3) is darker than Natai Raya (2); the third village has no stored boundary.
    assert dict((title, colour) for colour, title in paths) == {
        "Natai Raya: 2": "#74c476",
        "Runtu: 3": "#006d2c",
    }
    assert 'class="map-legend"' in section and "1 – 1" in section
    third = Region.objects.get(code="62.01.02.2018").name
    assert f"<td>{third}</td>" in section  # still listed in the table below the map
    filtered = client.get(f"/data/{public.slug}/", {"column": "jenis", "value": "pustu"})
    section = map_section(filtered.content.decode())
    assert "Runtu: 3" in section and "Natai Raya" not in section


def test_a_district_code_colours_the_boundaries_of_its_villages(client, cast, dataset, tmp_path):
    boundary(cast.operator_a, VILLAGE_A, 0.0)
    boundary(cast.operator_b, VILLAGE_B, 0.03)
    csv = (
        "kode_wilayah,jenis,jumlah,rasio,tanggal,aktif,keterangan\n"
        f"{DISTRICT},puskesmas,7,,2024-01-31,ya,\n"
        f"{DISTRICT},pustu,5,,2024-01-31,ya,\n"
    )
    upload(cast.producer_a, dataset, tmp_path, csv)
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    services.publish(cast.custodian, dataset)
    section = map_section(client.get(f"/data/{dataset.slug}/").content.decode())
    assert section.count("<title>Arut Selatan: 12</title>") == 2


def test_the_map_is_not_offered_without_a_numeric_field(client, cast, code_list, tmp_path):
    dataset = services.create_dataset(
        cast.producer_a,
        agency=cast.agency_a,
        slug="daftar",
        title="Daftar",
        topic="health",
        fields=[
            {"name": "kode_wilayah", "label": "Wilayah", "type": "region"},
            {"name": "nama", "label": "Nama", "type": "string"},
        ],
    )
    upload(cast.producer_a, dataset, tmp_path, f"kode_wilayah,nama\n{VILLAGE_A},Posyandu\n")
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    services.publish(cast.custodian, dataset)
    page = client.get(f"/data/{dataset.slug}/").content.decode()
    assert "Posyandu" in page and '<h2 id="map">' not in page
