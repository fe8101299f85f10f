"""No personal data on any public surface: crawl what an anonymous visitor can reach.

The demo residents are loaded, a citizen sends a message with a phone and email, and a
village letter is issued; then every public page, API answer and download reachable from the
entry points is fetched, following links, and checked for any resident's NIK, KK number,
full birth date, or the citizen's phone and email. Logs written meanwhile are checked too.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlsplit

import pytest

from satudata.core.demo import FIRST_PHASE_VILLAGES, seed_demo
from satudata.registry.models import Family, Resident

PHONE = "081234567890"
EMAIL = "warga.rahasia@example.id"
SKIP_PREFIXES = ("/accounts/", "/admin/", "/lang/", "/static/", "/workspace/", "/audit/")
MAX_PAGES = 400


@pytest.fixture
def public_data(cast):
    from satudata.feedback.services import reply, submit
    from satudata.letters.services import issue, letter_for_code, verification_code  # noqa: F401
    from satudata.regions.models import Region

    seed_demo()
    village = Region.objects.get(code=FIRST_PHASE_VILLAGES[0])
    message = submit(
        category="complaint",
        text="Jalan rusak di RT 002",
        village=village,
        contact=f"{PHONE} {EMAIL}",
    )
    reply(cast.operator_a, message, "Sudah kami teruskan ke PUPR.")
    resident = Resident.objects.filter(village=village).first()
    letter = issue(cast.operator_a, nik=resident.nik, letter_type="domicile", purpose="sekolah")
    return {"tracking": message.tracking_code, "letter_code": verification_code(letter)}


def secrets_in(text: str, niks: set, kks: set, births: set) -> list[str]:
    found = [n for n in re.findall(r"(?<!\d)\d{16}(?!\d)", text) if n in niks or n in kks]
    found += [d for d in re.findall(r"\d{4}-\d{2}-\d{2}", text) if d in births]
    found += [
        d
        for d in re.findall(r"\d{2}[-/]\d{2}[-/]\d{4}", text)
        if f"{d[6:10]}-{d[3:5]}-{d[0:2]}" in births
    ]
    found += [s for s in (PHONE, EMAIL) if s in text]
    return found


@pytest.mark.django_db
def test_no_public_page_api_or_download_shows_personal_data(client, public_data, caplog):
    niks = set(Resident.objects.values_list("nik", flat=True))
    kks = set(Family.objects.values_list("family_number", flat=True))
    births = {d.isoformat() for d in Resident.objects.values_list("birth_date", flat=True)}
    assert len(niks) > 500 and kks
    start = [
        "/",
        "/regions/",
        "/data/",
        "/feedback/",
        "/developers/",
        f"/feedback/track/?code={public_data['tracking']}",
        f"/api/v1/feedback/track/{public_data['tracking']}",
        f"/letters/verify/{public_data['letter_code']}/",
        f"/api/v1/letters/verify/{public_data['letter_code']}",
        "/api/3/action/package_list",
        "/api/3/action/package_search?rows=100",
        "/api/3/action/organization_list?all_fields=true",
        "/catalog.jsonld",
        "/catalog.ttl",
        "/api/v1/regions?parent=62.01.02",
        *[f"/regions/{c}/" for c in FIRST_PHASE_VILLAGES],
        *[f"/villages/{c}/" for c in ["62.01", "62.01.02", *FIRST_PHASE_VILLAGES]],
        *[f"/statistics/population/{c}/" for c in ["62.01", "62.01.02", FIRST_PHASE_VILLAGES[0]]],
        *[f"/api/v1/statistics/population?region={c}" for c in ["62.01", FIRST_PHASE_VILLAGES[0]]],
        *[f"/api/v1/villages/{c}/geojson" for c in ["62.01", FIRST_PHASE_VILLAGES[0]]],
    ]
    queue, seen, leaks = list(start), set(), []
    caplog.set_level(logging.DEBUG)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if "spreadsheet" in kind or "pdf" in kind or "image" in kind:
            continue  # binary; the CSV/JSON of the same data are checked
        text = body.decode("utf-8", errors="replace")
        leaks += [f"{path}: {s}" for s in secrets_in(text, niks, kks, births)]
        links = re.findall(r'(?:href|src)="(/[^"#]*)"', text)
        if "json" in kind:
            links += re.findall(
                r'"(?:url|@id|download_url|accessURL)":\s*"https?://testserver(/[^"]*)"', text
            )
        for link in links:
            link = link.replace("&amp;", "&")
            if urlsplit(link).path.startswith(SKIP_PREFIXES) or link in seen:
                continue
            queue.append(link)
    assert len(seen) > 40, f"the crawl reached only {len(seen)} pages"
    assert not leaks, "personal data on public surfaces:\n" + "\n".join(leaks[:20])
    log_text = "\n".join(r.getMessage() for r in caplog.records)
    assert not secrets_in(log_text, niks, kks, births), "personal data in log lines"


@pytest.mark.django_db
def test_the_crawl_would_notice_a_leak(client, public_data):
    # Guard against a crawl that can never fail: the same check finds a NIK when one is shown.
    nik = Resident.objects.values_list("nik", flat=True).first()
    page = json.dumps({"nik": nik})
    assert secrets_in(page, {nik}, set(), set()) == [nik]
