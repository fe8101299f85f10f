"""What a person on a 360-px phone does, in a real headless Chromium (Debian's package).

Skipped, with the reason, when no Chromium is installed; CI installs it with apt.
"""

from __future__ import annotations

import shutil

import pytest

from satudata.conftest import PASSWORD, VILLAGE_A

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def page(live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow its ORM calls beside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport=PHONE, locale="en-US")
        page = context.new_page()
        page.base_url = live_server.url
        yield page
        browser.close()


@pytest.fixture
def regions_loaded(transactional_db):
    # live_server tests use a flushed database; load the seed district's regions again.
    from satudata.regions.loader import load_regions

    load_regions(["62.01.02", "61.12"])


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def village_operator(username: str = "operator.natai"):
    """A village operator account of VILLAGE_A, whose password is PASSWORD."""
    from satudata.accounts.models import User
    from satudata.accounts.services import create_account
    from satudata.regions.models import Region

    return create_account(
        None,
        username=username,
        password=PASSWORD,
        role=User.Role.VILLAGE_OPERATOR,
        region=Region.objects.get(code=VILLAGE_A),
    )


def log_in(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_visitor_finds_a_village_on_a_phone_in_indonesian(page, regions_loaded):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "id"  # even with an English browser
    assert fits_the_phone(page)
    page.fill("#home-q", "natai raya")
    page.click("button[type=submit]")
    page.click("text=Natai Raya")
    assert "Desa Natai Raya" in page.inner_text("h1")
    assert fits_the_phone(page)
    page.click("header a[lang=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_village_operator_logs_in_and_adds_a_hamlet(page, regions_loaded):
    from satudata.regions.models import LocalUnit

    log_in(page, village_operator().username)
    page.click("summary")  # the phone menu
    page.click("text=Desa saya")
    page.select_option("select[name=level]", "hamlet")
    page.fill("input[name=name]", "Dusun Mawar")
    page.click("section.card button[type=submit]")
    assert "Dusun Mawar sudah ditambahkan" in page.inner_text("main")
    assert LocalUnit.objects.filter(village_id=VILLAGE_A, name="Dusun Mawar").exists()
    assert fits_the_phone(page)


def test_the_developers_page_fits_the_phone(page, regions_loaded):
    """Its ckanapi commands are long lines: they wrap instead of widening the page."""
    page.goto(page.base_url + "/developers/")
    assert "ckanapi action datastore_search" in page.inner_text("pre")
    assert fits_the_phone(page)


def test_offline_a_page_that_cannot_load_shows_the_portals_own_page(page, regions_loaded):
    page.goto(page.base_url + "/")
    # The service worker installs on the first visit; wait until it controls the page.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto(page.base_url + "/data/")
    assert "Tidak ada sambungan" in page.inner_text("h1")
    assert fits_the_phone(page)
    page.context.set_offline(False)
