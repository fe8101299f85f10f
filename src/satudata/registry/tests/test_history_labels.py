"""The custodian's history page names codes and links, not the bare numbers it stores."""

import re

import pytest

from satudata.conftest import VILLAGE_A
from satudata.registry import services


@pytest.mark.django_db
def test_history_shows_code_labels_and_linked_records_by_name(clients, cast, household):
    family, _head, wife, _daughter = household
    services.update_resident(cast.operator_a, wife, {"religion": 2, "blood_type": 3})

    page = clients["custodian"].get(f"/audit/record/registry.resident/{wife.pk}/").content.decode()

    assert '<td class="diff-before">1 – Islam</td><td class="diff-after">2 – Kristen</td>' in page
    assert '<td class="diff-after">3 – AB</td>' in page
    assert f'<td class="diff-after">{family} (#{family.pk})</td>' in page
    assert '<td class="diff-after">62.01.02.2016 Natai Raya</td>' in page
    assert '<td class="diff-after">2 – perempuan</td>' in page
    assert '<td class="diff-after">tidak</td>' in page  # a temporary NIK: no
    # Every stored field is named in Indonesian, the bookkeeping ones too.
    for english in ("created at", "updated at", "name key", ">version<"):
        assert english not in page
    assert "kunci pencarian" in page and "versi" in page
    # Times and dates as people write them, not as stored (2026-11-24T02:35:55.35+00:00).
    assert "+00:00" not in page and not re.search(r"\d{4}-\d{2}-\d{2}T", page)


def test_an_exports_history_entry_reads_in_indonesian(clients, household):
    download = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}")
    b"".join(download.streaming_content)
    page = clients["custodian"].get(f"/audit/record/regions.region/{VILLAGE_A}/").content.decode()
    assert "penduduk" in page and "berkas" in page
    for english in (">area<", ">file<", ">residents<"):
        assert english not in page


@pytest.mark.django_db
def test_a_residents_page_shows_sex_and_status_in_the_pages_language(clients, household):
    """The lists said "Alive" in English while the resident's page said "Hidup"."""
    from django.conf import settings

    head = household[1]
    client = clients["operator_a"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/registry/residents/{head.pk}/").content.decode()
    assert re.search(r"<th>Basic status</th><td>Alive</td>", page)
    assert re.search(r"<th>Sex</th><td>Male</td>", page)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = client.get(f"/registry/residents/{head.pk}/").content.decode()
    assert re.search(r"<th>Status dasar</th><td>Hidup</td>", page)
