"""Publishing statistics releases after QA (seventh session): at the same moment, twice,
from the command line as an account, and what the page and the command then say."""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import Client, override_settings

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B, client_for
from satudata.regions.loader import load_regions
from satudata.registry import integer_audit, releases, statistics
from satudata.registry.models import StatisticsRelease
from satudata.registry.tests.test_statistics_releases import MONTHLY, on
from satudata.registry.tests.test_statistics_tree import public, register

PAGE = f"/statistics/population/{VILLAGE_A}/"
# A new period's release is made in a thread while the previous one answers.
IN_THE_BACKGROUND = override_settings(SATUDATA_STATISTICS_REFRESH_SECONDS=60)


def residents(cast, count: int = 6) -> None:
    for i in range(count):
        register(cast, VILLAGE_A, 30 + i, 1 + i % 2)


def token_on(page) -> str:
    return re.search(r'name="once" value="([0-9a-f]{32})"', page.text).group(1)


def release_entries():
    return AuditEntry.objects.filter(model_label="registry.statisticsrelease")


# --- A second publish: the release just made, said in Indonesian. ---


@pytest.mark.django_db
@MONTHLY
def test_a_double_click_on_the_button_publishes_one_release(cast):
    residents(cast)
    custodian = client_for(cast.custodian)
    token = token_on(custodian.get(PAGE))  # the period's first visit made release 1
    register(cast, VILLAGE_A, 49, 2)  # after an import, say: the click makes release 2
    first = custodian.post("/statistics/publish/", {"region": VILLAGE_A, "once": token})
    # Someone registered between the clicks: the button's token still makes it one send.
    register(cast, VILLAGE_A, 50, 1)
    again = custodian.post(
        "/statistics/publish/", {"region": VILLAGE_A, "once": token}, follow=True
    )
    assert first.status_code == 302
    assert again.redirect_chain[-1][0] == PAGE
    assert "sudah pernah dikirim" in again.text
    assert list(StatisticsRelease.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db
@MONTHLY
def test_publishing_again_with_nothing_changed_serves_the_release_just_made(cast):
    residents(cast)
    custodian = client_for(cast.custodian)
    with on(datetime.date(2026, 11, 25)):
        custodian.post("/statistics/publish/", {"region": VILLAGE_A})
        # A second page, a second custodian, or the command: no token, nothing changed.
        again = client_for(cast.custodian).post(
            "/statistics/publish/", {"region": VILLAGE_A}, follow=True
        )
    assert StatisticsRelease.objects.count() == 1
    assert (
        "Rilis statistik 1, dengan angka per 25 November 2026, sudah memuat data terkini"
        in again.text
    )
    assert release_entries().count() == 1
    # A change since: the next publish is a new release, with it.
    register(cast, VILLAGE_A, 50, 1)
    with on(datetime.date(2026, 11, 25)):
        third = custodian.post("/statistics/publish/", {"region": VILLAGE_A}, follow=True)
    assert "Rilis statistik 2 diterbitkan, dengan angka per 25 November 2026." in third.text
    assert public(Client(), VILLAGE_A)["total"] == 7


@pytest.mark.django_db
@MONTHLY
def test_the_command_after_the_period_release_publishes_only_when_something_changed(client, cast):
    residents(cast)
    public(client, VILLAGE_A)  # the period's first visit publishes release 1
    out = io.StringIO()
    call_command("statistics", "publish", stdout=out)
    assert "Rilis statistik 1, dengan angka per" in out.getvalue()
    assert "sudah memuat data terkini" in out.getvalue()
    assert StatisticsRelease.objects.count() == 1


# --- Several at the same moment (PostgreSQL; SQLite has one writer at a time). ---


@pytest.fixture
def regions_after_a_flush(transactional_db):
    """Transactional tests run last and each empties the database: load the regions again."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent publishers: PostgreSQL only")
    load_regions(["62"])


def all_at_once(monkeypatch, count: int, work) -> list:
    """`work(i)` in `count` threads, each reading its figures before any stores them."""
    real = statistics.published
    ready = threading.Barrier(count, timeout=60)

    def published(today):
        figures = real(today)
        ready.wait()
        return figures

    monkeypatch.setattr(statistics, "published", published)
    answers: list = [None] * count

    def run(i):
        try:
            answers[i] = work(i)
        except Exception as exc:  # shown by the assertions, not lost in the thread
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


@MONTHLY
def test_six_custodians_pressing_publish_at_once_get_one_release(
    regions_after_a_flush, cast, monkeypatch
):
    residents(cast)
    browsers = []
    for _ in range(6):
        browser = Client(HTTP_ACCEPT_LANGUAGE="id", raise_request_exception=False)
        browser.force_login(cast.custodian)
        browsers.append(browser)
    answers = all_at_once(
        monkeypatch,
        6,
        lambda i: browsers[i].post("/statistics/publish/", {"region": VILLAGE_A}),
    )
    assert [a.status_code for a in answers] == [302] * 6, answers
    assert StatisticsRelease.objects.count() == 1
    said = [browsers[i].get(PAGE).text for i in range(6)]
    assert sum("Rilis statistik 1 diterbitkan" in page for page in said) == 1
    assert sum("sudah memuat data terkini" in page for page in said) == 5


@MONTHLY
def test_four_commands_at_once_publish_one_release_and_no_traceback(
    regions_after_a_flush, cast, monkeypatch
):
    residents(cast)
    outputs = [io.StringIO() for _ in range(4)]
    answers = all_at_once(
        monkeypatch, 4, lambda i: call_command("statistics", "publish", stdout=outputs[i])
    )
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert StatisticsRelease.objects.count() == 1
    said = [out.getvalue() for out in outputs]
    assert sum("Rilis statistik 1 diterbitkan" in text for text in said) == 1


@MONTHLY
def test_publishers_whose_figures_differ_take_turns_not_the_same_number(
    regions_after_a_flush, cast, monkeypatch
):
    residents(cast)
    counted = threading.Event()
    real_writes = statistics._writes

    def writes():
        counted.set()  # the first publisher has read what its figures will hold
        return real_writes()

    monkeypatch.setattr(statistics, "_writes", writes)

    def work(i):
        if i == 1:  # registers after the first publisher read, then publishes too
            assert counted.wait(30)
            register(cast, VILLAGE_A, 60, 2)
        return call_command("statistics", "publish", stdout=io.StringIO())

    answers = all_at_once(monkeypatch, 2, work)
    assert not [a for a in answers if isinstance(a, Exception)], answers
    # One or two releases, by who stored first; the newest holds the registration.
    assert StatisticsRelease.objects.count() in (1, 2)
    statistics.forget()
    assert public(Client(), VILLAGE_A)["total"] == 7


# --- The command acts as an account. ---


@pytest.mark.django_db
@MONTHLY
def test_the_command_names_the_custodian_who_published_with_user(cast):
    residents(cast)
    call_command("statistics", "publish", "--user", "walidata", stdout=io.StringIO())
    assert release_entries().get().actor == cast.custodian


@pytest.mark.django_db
@MONTHLY
def test_the_command_refuses_an_unknown_or_non_custodian_user(cast):
    residents(cast)
    with pytest.raises(CommandError, match="Tidak ada akun bernama siapa"):
        call_command("statistics", "publish", "--user", "siapa")
    with pytest.raises(CommandError, match="operator.a tidak boleh menerbitkan"):
        call_command("statistics", "publish", "--user", "operator.a")
    assert not StatisticsRelease.objects.exists()


# --- What the page says. ---


@pytest.mark.django_db
@MONTHLY
def test_opening_the_publish_address_leads_to_the_statistics_page(cast):
    residents(cast)
    custodian = client_for(cast.custodian)
    answer = custodian.get("/statistics/publish/", {"region": VILLAGE_A}, follow=True)
    assert answer.redirect_chain[-1][0] == PAGE
    assert "Tidak ada yang diterbitkan" in answer.text
    # Without a region (signing in again after `?next=/statistics/publish/`): the regency's.
    bare = custodian.get("/statistics/publish/")
    assert bare.status_code == 302
    assert bare.url.startswith("/statistics/population/")
    # Only the page's own period release (by the system), none by the custodian.
    assert not release_entries().filter(actor=cast.custodian).exists()


@pytest.mark.django_db
@MONTHLY
def test_the_page_never_promises_the_next_release_by_a_day_that_has_come(cast):
    residents(cast)
    with on(datetime.date(2026, 11, 3)):
        assert "paling lambat 1 Desember 2026" in client_for(None).get(PAGE).text
    # 1 December: the first visits serve November's release while December's is made.
    assert releases._publishing.acquire(blocking=False)  # as if already being made
    try:
        with on(datetime.date(2026, 12, 1)), IN_THE_BACKGROUND:
            page = client_for(None).get(PAGE).text
    finally:
        releases._publishing.release()
    assert "Angka per 3 November 2026" in page
    assert "sedang disiapkan" in page
    assert "1 Desember 2026" not in page


@pytest.mark.django_db
@MONTHLY
@override_settings(SATUDATA_PUBLIC_CACHE_SECONDS=30)
def test_a_page_cached_before_midnight_is_not_served_after_it(cast):
    residents(cast)
    with on(datetime.date(2026, 11, 30)), IN_THE_BACKGROUND:
        assert "paling lambat 1 Desember 2026" in client_for(None).get(PAGE).text
    assert releases._publishing.acquire(blocking=False)
    try:
        with on(datetime.date(2026, 12, 1)), IN_THE_BACKGROUND:
            page = client_for(None).get(PAGE).text
    finally:
        releases._publishing.release()
    assert "sedang disiapkan" in page


# --- The solver is quiet. ---


@pytest.mark.django_db
@MONTHLY
def test_publishing_prints_no_solver_banner(cast, capfd, monkeypatch):
    for i in range(12):  # enough people in two villages for the integer programme to run
        register(cast, VILLAGE_A, 20 + i, 1 + i % 2, religion=1 + i % 3)
        register(cast, VILLAGE_B, 25 + i, 1 + i % 2, religion=1 + i % 2)
    solved = []
    real = integer_audit._solve
    monkeypatch.setattr(integer_audit, "_solve", lambda *a: solved.append(1) or real(*a))
    capfd.readouterr()
    call_command("statistics", "publish")
    assert solved
    printed = capfd.readouterr()
    assert "Rilis statistik 1 diterbitkan" in printed.out
    assert "HiGHS" not in printed.out + printed.err


# --- TIME_ZONE. ---


def settings_with(tmp_path, time_zone: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SATUDATA_HOME": str(tmp_path), "TIME_ZONE": time_zone}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = "from django.conf import settings; print(settings.TIME_ZONE)"
    return subprocess.run(
        [sys.executable, "-m", "satudata", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("given", "used"),
    [("", "Asia/Jakarta"), ("WITA", "Asia/Makassar"), ("wit", "Asia/Jayapura")],
)
def test_an_empty_time_zone_is_the_default_and_wib_wita_wit_are_names(tmp_path, given, used):
    done = settings_with(tmp_path, given)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == used


@pytest.mark.parametrize("given", ["UTC+8", "Asia/Bandung"])
def test_a_bad_time_zone_is_one_clear_sentence(tmp_path, given):
    done = settings_with(tmp_path, given)
    assert done.returncode == 2
    assert "TIME_ZONE harus nama zona waktu seperti Asia/Jakarta (WIB)" in done.stderr
    assert "Traceback" not in done.stderr
