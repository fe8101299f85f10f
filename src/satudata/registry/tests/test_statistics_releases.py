"""Public population statistics as releases (`registry/releases.py`).

Live figures differ, before and after one registration, by exactly that person: the
difference of two answers showed the newcomer's sex, age group, religion, education,
occupation and marital status. Released figures stay the same until the next release.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, client_for
from satudata.registry import statistics
from satudata.registry.models import StatisticsRelease
from satudata.registry.tests.test_statistics_tree import public, register

REGENCY = "62.01"
MONTHLY = override_settings(SATUDATA_STATISTICS_RELEASE="monthly")


def on(day: datetime.date):
    """Run as if today were `day` (the release period follows the local date)."""
    return mock.patch("satudata.registry.releases.timezone.localdate", return_value=day)


@pytest.mark.django_db
@MONTHLY
def test_a_registration_does_not_show_until_the_next_release(client, cast):
    for i in range(6):
        register(cast, VILLAGE_A, 30 + i, 1 + i % 2)
    with on(datetime.date(2026, 11, 3)):
        first = public(client, VILLAGE_A)
        assert first["total"] == 6
        assert first["as_of"] == "2026-11-03"
        register(cast, VILLAGE_A, 61, 2, religion=4)
        # Another process, or this one after a restart, serves the same stored release.
        statistics.forget()
        assert public(client, VILLAGE_A) == first
        assert public(client, REGENCY)["total"] == 6
    assert StatisticsRelease.objects.count() == 1
    # The next month's first request publishes its release, with the newcomer in it.
    with on(datetime.date(2026, 12, 1)):
        second = public(client, VILLAGE_A)
    assert second["total"] == 7
    assert second["as_of"] == "2026-12-01"
    assert StatisticsRelease.objects.count() == 2


@pytest.mark.django_db
@MONTHLY
def test_the_custodian_publishes_a_release_at_once(client, cast):
    for i in range(6):
        register(cast, VILLAGE_A, 30 + i, 1 + i % 2)
    assert public(client, VILLAGE_A)["total"] == 6
    register(cast, VILLAGE_A, 44, 1)
    assert public(client, VILLAGE_A)["total"] == 6
    # A village operator may not publish; the page offers the button to the custodian only.
    operator = client_for(cast.operator_a)
    assert operator.post("/statistics/publish/", {"region": VILLAGE_A}).status_code == 403
    assert "statistics/publish" not in operator.get(f"/statistics/population/{VILLAGE_A}/").text
    custodian = client_for(cast.custodian)
    page = custodian.get(f"/statistics/population/{VILLAGE_A}/")
    assert "Terbitkan rilis baru sekarang" in page.text
    answer = custodian.post("/statistics/publish/", {"region": VILLAGE_A}, follow=True)
    assert answer.redirect_chain[-1][0] == f"/statistics/population/{VILLAGE_A}/"
    assert "Rilis statistik 2 diterbitkan" in answer.text
    assert public(client, VILLAGE_A)["total"] == 7
    # Who published which release is in the audit trail, without the figures themselves.
    entry = AuditEntry.objects.filter(model_label="registry.statisticsrelease").latest("id")
    assert entry.actor == cast.custodian
    assert "summaries" not in entry.after
    assert entry.after["number"] == 2


@pytest.mark.django_db
@MONTHLY
def test_the_command_publishes_a_release(client, cast, capsys):
    for i in range(6):
        register(cast, VILLAGE_A, 30 + i, 1 + i % 2)
    public(client, VILLAGE_A)
    register(cast, VILLAGE_A, 44, 1)
    call_command("statistics", "publish")
    assert "Rilis statistik 2 diterbitkan" in capsys.readouterr().out
    assert public(client, VILLAGE_A)["total"] == 7


@pytest.mark.django_db
def test_live_statistics_have_nothing_to_publish(client, cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="SATUDATA_STATISTICS_RELEASE"):
        call_command("statistics", "publish")
    assert not StatisticsRelease.objects.exists()


@pytest.mark.django_db
@MONTHLY
def test_the_page_says_how_old_the_figures_are(client, cast):
    for i in range(6):
        register(cast, VILLAGE_A, 30 + i, 1 + i % 2)
    with on(datetime.date(2026, 11, 3)):
        page = client_for(None).get(f"/statistics/population/{VILLAGE_A}/")
        profile = client_for(None).get(f"/villages/{VILLAGE_A}/")
    assert "Angka per 3 November 2026" in page.text
    assert "1 Desember 2026" in page.text  # the next release at the latest
    assert "statistics/publish" not in page.text
    assert "angka per 3 November 2026" in profile.text


def test_a_bad_release_setting_is_one_clear_sentence(tmp_path):
    env = {**os.environ, "SATUDATA_HOME": str(tmp_path), "SATUDATA_STATISTICS_RELEASE": "yearly"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "satudata", "check"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "SATUDATA_STATISTICS_RELEASE harus salah satu dari" in done.stderr
    assert "Traceback" not in done.stderr
