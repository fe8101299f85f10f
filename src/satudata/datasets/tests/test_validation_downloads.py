"""What the public reads back: whole numbers without ".0", no exponents, long cells cut only
in the preview, dates as date cells in XLSX, and DCAT-AP properties as IRIs."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from openpyxl import load_workbook
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from satudata.datasets import services
from satudata.datasets.models import Release
from satudata.datasets.tests.conftest import upload

LONG = "x" * 600
CONTENT = (
    "kode_wilayah,jenis,jumlah,rasio,tanggal,aktif,keterangan\n"
    f"62.01.02.2016,puskesmas,2,2,2024-01-31,ya,{LONG}\n"
    "62.01.02.2012,pustu,3,1e-07,2024-02-29,tidak,b\n"
    "62.01.02.2018,puskesmas,1,-3.0,,1,\n"
)


@pytest.fixture
def public(cast, dataset, tmp_path):
    upload(cast.producer_a, dataset, tmp_path, CONTENT)
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    services.publish(cast.custodian, dataset)
    return dataset, Release.objects.get(dataset=dataset)


def test_preview_shows_whole_numbers_plainly_and_cuts_long_cells(client, public):
    dataset, release = public
    text = client.get(f"/data/{dataset.slug}/?resource={release.uuid}").content.decode()
    assert "<td>2</td>" in text and "<td>-3</td>" in text
    assert "2,0" not in text and "-3,0" not in text
    assert "x" * 500 + "…" in text and "x" * 501 not in text


def test_csv_download_writes_numbers_as_people_do_and_keeps_long_cells(client, public):
    dataset, release = public
    base = f"/data/{dataset.slug}/r/{release.uuid}/download/"
    csv_text = b"".join(client.get(base + "csv/").streaming_content).decode()
    lines = csv_text.splitlines()
    assert lines[1].split(",")[3] == "2" and LONG in lines[1]
    assert lines[2].split(",")[3] == "0.0000001"
    assert lines[3].split(",")[3] == "-3"
    records = json.loads(b"".join(client.get(base + "json/").streaming_content))
    assert [r["rasio"] for r in records] == [2, 1e-07, -3]


def test_xlsx_download_writes_dates_as_date_cells(client, public):
    dataset, release = public
    response = client.get(f"/data/{dataset.slug}/r/{release.uuid}/download/xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet["E2"]
    assert cell.is_date and cell.value.date() == datetime.date(2024, 1, 31)
    assert sheet["E4"].value is None


def test_dcat_uses_iris_where_dcat_ap_expects_them(client, public):
    dataset, release = public
    for url, syntax in (
        (f"/data/{dataset.slug}/dcat.ttl", "turtle"),
        (f"/data/{dataset.slug}/dcat.jsonld", "json-ld"),
        ("/catalog.ttl", "turtle"),
    ):
        graph = Graph().parse(data=client.get(url).content.decode(), format=syntax)
        node = next(graph.subjects(DCAT.landingPage, None))
        eu = "http://publications.europa.eu/resource/authority/"
        assert (node, DCTERMS.language, URIRef(eu + "language/IND")) in graph
        assert (node, DCAT.theme, URIRef(eu + "data-theme/HEAL")) in graph
        spatial = list(graph.objects(node, DCTERMS.spatial))
        assert spatial and all(isinstance(s, URIRef) for s in spatial)
        assert (spatial[0], DCTERMS.identifier, None) in graph
        types = {}
        for dist in graph.objects(node, DCAT.distribution):
            types[graph.value(dist, DCTERMS.format)] = graph.value(dist, DCAT.mediaType)
            assert graph.value(dist, DCTERMS.license) == URIRef(
                "https://creativecommons.org/licenses/by/4.0/"
            )
        assert types == {
            URIRef(eu + "file-type/CSV"): URIRef(
                "https://www.iana.org/assignments/media-types/text/csv"
            ),
            URIRef(eu + "file-type/XLSX"): URIRef(
                "https://www.iana.org/assignments/media-types/application/"
                "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
            URIRef(eu + "file-type/JSON"): URIRef(
                "https://www.iana.org/assignments/media-types/application/json"
            ),
        }
