"""Portal pages, downloads, charts and DCAT: escaped text, safe cells, no personal data."""

from __future__ import annotations

import io

import openpyxl
import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

from satudata.datasets import services
from satudata.datasets.models import Release
from satudata.datasets.tests.conftest import published


@pytest.fixture
def public_dataset(cast, dataset, tmp_path):
    services.update_dataset(
        cast.producer_a,
        dataset,
        title="<script>alert(1)</script> Faskes",
        description="<b>tebal</b>",
    )
    return published(cast, dataset, tmp_path)


def test_catalog_searches_and_facets(client, public_dataset):
    page = client.get("/data/", {"q": "faskes"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Faskes" in page
    assert "<script>alert(1)" not in page
    assert "Dinas Kesehatan (1)" in page
    assert "Faskes" not in client.get("/data/", {"organization": "dinsos"}).content.decode()


def test_a_chosen_facet_is_marked_and_a_second_tap_removes_it(client, public_dataset):
    page = client.get("/data/", {"organization": "dinkes"}).content.decode()
    assert 'class="tag selected"' in page and "✓ Dinas Kesehatan (1)" in page
    # The chosen value's link leads back to the unfiltered catalog, not to a doubled filter.
    assert 'href="?" aria-current="true"' in page


def test_a_search_of_only_punctuation_finds_nothing(client, public_dataset):
    assert "Faskes" in client.get("/data/", {"q": "faskes ?"}).content.decode()
    page = client.get("/data/", {"q": "???"}).content.decode()
    assert "Faskes" not in page and "Tidak ada dataset yang cocok" in page
    assert "<summary>Saring</summary>" not in page  # no empty filter box


def test_dataset_page_shows_escaped_metadata_preview_and_chart(client, public_dataset):
    page = client.get(f"/data/{public_dataset.slug}/", {"column": "jenis", "value": "pustu"})
    text = page.content.decode()
    assert "&lt;b&gt;tebal&lt;/b&gt;" in text
    assert "Natai Raya" not in text and "pustu" in text  # filtered preview
    release = Release.objects.get(dataset=public_dataset)
    for kind in ("bar", "line"):
        svg = client.get(
            f"/data/{public_dataset.slug}/r/{release.uuid}/chart.svg",
            {"x": "jenis", "y": "jumlah", "kind": kind},
        )
        assert svg["Content-Type"] == "image/svg+xml"
        assert ("<rect" in svg.content.decode()) == (kind == "bar")


def test_a_chart_with_more_groups_than_bars_says_so(client, public_dataset, monkeypatch):
    from satudata.datasets import charts

    monkeypatch.setattr(charts, "MAX_BARS", 1)
    release = Release.objects.get(dataset=public_dataset)
    url = f"/data/{public_dataset.slug}/r/{release.uuid}/chart.svg"
    svg = client.get(url, {"x": "jenis", "y": "jumlah"}).content.decode()
    assert "1 pertama dari 2" in svg and svg.count("<rect") >= 1


def test_bar_charts_are_rows_with_their_value_written_as_people_write_it(client, public_dataset):
    release = Release.objects.get(dataset=public_dataset)
    url = f"/data/{public_dataset.slug}/r/{release.uuid}/chart.svg"
    svg = client.get(url, {"x": "jenis", "y": "jumlah"}).content.decode()
    # puskesmas: 2 + 1 = 3, written "3", beside its label, in text a phone can read.
    assert ">puskesmas</text>" in svg and ">3</text>" in svg and "3.00" not in svg
    assert 'font-size="13"' in svg


def test_the_default_chart_does_not_sum_the_grouping_column(public_dataset):
    from satudata.datasets.charts import default_measure
    from satudata.datasets.models import Field

    month = Field(name="bulan", type=Field.Type.INTEGER)
    complaints = Field(name="aduan", type=Field.Type.INTEGER)
    assert default_measure([month, complaints], "bulan") is complaints
    assert default_measure([month], "bulan") is month
    assert default_measure([], "bulan") is None


def test_downloads_never_export_formulas(client, public_dataset):
    release = Release.objects.get(dataset=public_dataset)
    base = f"/data/{public_dataset.slug}/r/{release.uuid}/download/"
    csv_text = b"".join(client.get(base + "csv/").streaming_content).decode()
    assert "'=HYPERLINK" in csv_text
    # yes/no cells are written as the JSON download writes them, not as Python's True.
    assert "2024-01-31,true,Natai Raya" in csv_text and "2024-02-29,false," in csv_text
    assert "True" not in csv_text
    book = openpyxl.load_workbook(io.BytesIO(client.get(base + "xlsx/").content))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert '=HYPERLINK("http://x")' in cells
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)
    data = b"".join(client.get(base + "json/").streaming_content)
    assert b'"jumlah": 2' in data


def test_drafts_cannot_be_downloaded_by_the_public(client, cast, dataset, tmp_path):
    from satudata.datasets.tests.conftest import upload

    release = upload(cast.producer_a, dataset, tmp_path)
    assert client.get(f"/data/{dataset.slug}/r/{release.uuid}/download/csv/").status_code == 404


def test_dcat_catalog_and_dataset_parse_with_the_required_properties(client, public_dataset):
    for url, syntax in (
        ("/catalog.ttl", "turtle"),
        ("/catalog.jsonld", "json-ld"),
        (f"/data/{public_dataset.slug}/dcat.ttl", "turtle"),
    ):
        graph = Graph().parse(data=client.get(url).content.decode(), format=syntax)
        datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
        assert len(datasets) == 1
        node = datasets[0]
        for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.distribution):
            assert graph.value(node, prop) is not None, prop
        dist = graph.value(node, DCAT.distribution)
        assert graph.value(dist, DCAT.accessURL) is not None


def test_workspace_pages_are_for_the_agency(clients, dataset):
    assert clients["producer_a"].get("/workspace/datasets/").status_code == 200
    assert dataset.title.encode() in clients["producer_a"].get("/workspace/datasets/").content
    assert clients["producer_b"].get(f"/workspace/datasets/{dataset.slug}/").status_code == 404
    assert clients["operator_a"].get("/workspace/datasets/").status_code == 403


def test_upload_form_gives_a_report(clients, dataset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("d.csv", b"kode_wilayah,jenis,jumlah\n62.01.02.2016,rs,x\n")
    response = clients["producer_a"].post(
        f"/workspace/datasets/{dataset.slug}/upload/", {"year": "2024", "file": bad}, follow=True
    )
    assert "bukan bilangan bulat" in response.content.decode()
    # On a phone each problem is a card with its labels, not a table scrolled sideways.
    assert '<table class="stacked">' in response.content.decode()
    assert 'data-label="Masalah">' in response.content.decode()


def test_public_surfaces_show_no_personal_data(client, cast, public_dataset):
    for url in (
        "/data/",
        f"/data/{public_dataset.slug}/",
        "/api/3/action/package_search",
        "/catalog.ttl",
    ):
        text = client.get(url).content.decode()
        assert cast.producer_a.username not in text
        assert "@" not in text.replace("@prefix", "").replace("@context", "").replace(
            "@id", ""
        ).replace("@type", "").replace("@value", "").replace("@language", "")
