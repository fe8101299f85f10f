"""A schema-ful dataset of agency A, used by the datasets tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from satudata.datasets import services
from satudata.datasets.models import Dataset

FIELDS = [
    {"name": "kode_wilayah", "label": "Kode wilayah", "type": "region", "required": True},
    {
        "name": "jenis",
        "label": "Jenis fasilitas",
        "type": "code",
        "code_list": "jenis-faskes",
        "required": True,
    },
    {"name": "jumlah", "label": "Jumlah", "type": "integer", "required": True, "minimum": 0},
    {"name": "rasio", "label": "Rasio", "type": "number"},
    {"name": "tanggal", "label": "Tanggal", "type": "date"},
    {"name": "aktif", "label": "Aktif", "type": "boolean"},
    {"name": "keterangan", "label": "Keterangan", "type": "string"},
]

GOOD_CSV = (
    "kode_wilayah,jenis,jumlah,rasio,tanggal,aktif,keterangan\n"
    "62.01.02.2016,puskesmas,2,0.5,2024-01-31,ya,Natai Raya\n"
    '62.01.02.2012,pustu,3,1.25,2024-02-29,tidak,=HYPERLINK("http://x")\n'
    "62.01.02.2018,puskesmas,1,,2024-03-01,1,\n"
)


@pytest.fixture
def code_list(cast):
    return services.create_code_list(
        cast.custodian,
        "jenis-faskes",
        "Jenis fasilitas kesehatan",
        [("puskesmas", "Puskesmas"), ("pustu", "Puskesmas pembantu"), ("rs", "Rumah sakit")],
    )


@pytest.fixture
def dataset(cast, code_list) -> Dataset:
    return services.create_dataset(
        cast.producer_a,
        agency=cast.agency_a,
        slug="fasilitas-kesehatan",
        title="Fasilitas kesehatan per desa",
        description="Jumlah fasilitas kesehatan menurut jenis.",
        topic="health",
        fields=FIELDS,
        tags=["kesehatan", "puskesmas"],
        regions=["62.01"],
    )


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def upload(user, dataset, tmp_path, content=GOOD_CSV, name="data.csv", year=2024):
    path = write(tmp_path, name, content)
    return services.upload_release(
        user, dataset, path=path, fmt=name.rsplit(".", 1)[1], year=year, source_name=name
    )


def published(cast, dataset, tmp_path) -> Dataset:
    """Upload a good release and take the dataset through the whole workflow."""
    upload(cast.producer_a, dataset, tmp_path)
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    return services.publish(cast.custodian, dataset)
