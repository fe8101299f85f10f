"""The dataset form as the page offers it: with its empty extra schema rows."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from satudata.datasets.models import Dataset

pytestmark = pytest.mark.django_db

NEW = "/workspace/datasets/new/"


class _Inputs(HTMLParser):
    """Every value a browser would send for the page's forms, unchanged."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea = self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            elif a.get("type") not in ("submit", "file"):
                self.data[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value") or ""
                self.data.setdefault(self._select, self._first_option)
            if "selected" in a:
                self.data[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def page_form(client, url: str) -> dict:
    parser = _Inputs()
    parser.feed(client.get(url).content.decode())
    data = parser.data
    data.pop("step", None)
    data.pop("comment", None)
    return {k: v.lstrip("\n") for k, v in data.items()}


def problems(response) -> str:
    return html.unescape(response.content.decode()).split("Mohon perbaiki:")[-1][:1500]


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_new_dataset_with_few_columns_ignores_the_empty_rows(clients, cast, columns):
    data = page_form(clients["producer_a"], NEW)
    assert data["fields-TOTAL_FORMS"] == "5"
    data.update({"slug": "kunjungan", "title": "Kunjungan", "topic": "health"})
    for i in range(columns):
        data[f"fields-{i}-name"] = f"kolom_{i}"
        data[f"fields-{i}-label"] = f"Kolom {i}"
        data[f"fields-{i}-type"] = "region" if i == 0 else "number"
    response = clients["producer_a"].post(NEW, data)
    assert response.status_code == 302, problems(response)
    dataset = Dataset.objects.get(slug="kunjungan")
    assert [f.name for f in dataset.fields.all()] == [f"kolom_{i}" for i in range(columns)]


def test_an_unchanged_draft_saves_and_a_title_change_saves(clients, cast, dataset):
    edit = f"/workspace/datasets/{dataset.slug}/edit/"
    data = page_form(clients["producer_a"], edit)
    assert data["fields-TOTAL_FORMS"] == "12"  # seven columns and five empty rows
    response = clients["producer_a"].post(edit, data)
    assert response.status_code == 302, problems(response)
    data["title"] = "Judul lain"
    assert clients["producer_a"].post(edit, data).status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == "Judul lain" and dataset.fields.count() == 7


def test_duplicate_named_even_when_another_row_has_an_error(clients, cast):
    data = page_form(clients["producer_a"], NEW)
    data.update({"slug": "ganda", "title": "Ganda", "topic": "health"})
    rows = [("kode_wilayah", "region"), ("nilai", "number"), ("nilai", "number"), ("Salah", "x")]
    for i, (name, kind) in enumerate(rows):
        data.update({f"fields-{i}-name": name, f"fields-{i}-label": name, f"fields-{i}-type": kind})
    response = clients["producer_a"].post(NEW, data)
    assert response.status_code == 400
    text = problems(response)
    assert "Kolom 3 (nilai), Nama kolom: Kolom nilai muncul dua kali." in text
    assert "Kolom 4 (Salah)" in text and "Kolom None" not in text
    assert not Dataset.all_objects.filter(slug="ganda").exists()
