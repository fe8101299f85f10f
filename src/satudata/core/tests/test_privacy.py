"""No personal data on any public page: crawl what an anonymous visitor can reach."""

import re

import pytest

from satudata.core.demo import FIRST_PHASE_VILLAGES, seed_demo
from satudata.registry.models import Family, Resident


@pytest.mark.django_db
def test_public_pages_never_show_nik_kk_or_birth_dates(client):
    seed_demo()
    niks = set(Resident.objects.values_list("nik", flat=True))
    kks = set(Family.objects.values_list("family_number", flat=True))
    births = {d.isoformat() for d in Resident.objects.values_list("birth_date", flat=True)}
    assert niks and kks
    seen, queue = set(), ["/", "/regions/", *[f"/regions/{c}/" for c in FIRST_PHASE_VILLAGES]]
    while queue and len(seen) < 60:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        for number in re.findall(r"\d{16}", page):
            assert number not in niks and number not in kks, f"{path} shows {number}"
        for date in re.findall(r"\d{4}-\d{2}-\d{2}", page):
            assert date not in births, f"{path} shows a birth date"
        queue += [p for p in re.findall(r'href="(/regions/[^"]+)"', page) if p not in seen]
    assert len(seen) > 10
