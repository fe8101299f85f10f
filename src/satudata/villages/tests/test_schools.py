"""Schools and pupils on the public village page come from the agencies' published datasets."""

from __future__ import annotations

import pytest

from satudata.conftest import DISTRICT, VILLAGE_A, VILLAGE_B
from satudata.datasets import services

pytestmark = pytest.mark.django_db

FIELDS = [
    {"name": "kode_wilayah", "label": "Kode wilayah", "type": "region", "required": True},
    {"name": "sd", "label": "SD", "type": "integer", "minimum": 0},
    {"name": "murid", "label": "Murid", "type": "integer", "unit": "orang", "minimum": 0},
]


def education_dataset(cast, tmp_path, slug, csv_by_year, topic="education", publish=True):
    dataset = services.create_dataset(
        cast.producer_a,
        agency=cast.agency_a,
        slug=slug,
        title=f"Sekolah dan murid ({slug})",
        topic=topic,
        fields=FIELDS,
        regions=["62.01"],
    )
    for year, content in csv_by_year.items():
        path = tmp_path / f"{slug}-{year}.csv"
        path.write_text(content, encoding="utf-8")
        services.upload_release(cast.producer_a, dataset, path=path, fmt="csv", year=year)
    if publish:
        services.submit(cast.producer_a, dataset)
        services.verify(cast.custodian, dataset)
        services.publish(cast.custodian, dataset)
    return dataset


def test_village_page_shows_the_latest_school_figures_with_a_link(cast, clients, tmp_path):
    education_dataset(
        cast,
        tmp_path,
        "sekolah-murid",
        {
            2023: f"kode_wilayah,sd,murid\n{VILLAGE_A},3,410\n{VILLAGE_B},1,90\n",
            2024: f"kode_wilayah,sd,murid\n{VILLAGE_A},4,437\n{VILLAGE_B},2,95\n",
        },
    )
    page = clients["anonymous"].get(f"/villages/{VILLAGE_A}/").content.decode()
    assert "Sekolah dan murid (data OPD)" in page
    assert "Murid (orang)" in page and "<td>437</td>" in page and "<td>4</td>" in page
    assert "<td>410</td>" not in page and "<td>95</td>" not in page  # latest year, this village
    assert f'href="/data/sekolah-murid/?column=kode_wilayah&amp;value={VILLAGE_A}"' in page


def test_nothing_is_shown_without_a_matching_published_education_dataset(cast, clients, tmp_path):
    rows = {2024: f"kode_wilayah,sd,murid\n{VILLAGE_A},4,437\n"}
    education_dataset(cast, tmp_path, "belum-terbit", rows, publish=False)
    education_dataset(cast, tmp_path, "kesehatan", rows, topic="health")
    education_dataset(
        cast, tmp_path, "desa-lain", {2024: f"kode_wilayah,sd,murid\n{VILLAGE_B},1,9\n"}
    )
    for code in (VILLAGE_A, DISTRICT):
        page = clients["anonymous"].get(f"/villages/{code}/").content.decode()
        assert "Sekolah dan murid (data OPD)" not in page and "437" not in page
