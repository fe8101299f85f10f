"""Statistics releases read one snapshot, and a release whose figures cannot be protected is
not published (QA, tenth session).

Publishing while operators registered residents answered 500 (OverflowError in the integer
programme) or stored the previous release's figures again as a new release dated today: the
residents, the age cells and the recount were read a statement apart, each seeing another
commit, and no whole counts fit tables of two states.
"""

from __future__ import annotations

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import Client

from satudata.conftest import VILLAGE_A, client_for
from satudata.registry import statistics
from satudata.registry.models import Resident, StatisticsRelease
from satudata.registry.tests.test_release_publishing_qa import (  # noqa: F401 (fixture)
    regions_after_a_flush,
)
from satudata.registry.tests.test_statistics_releases import MONTHLY, on
from satudata.registry.tests.test_statistics_tree import public, register

NOT_PUBLISHED = "Tidak ada rilis statistik baru yang diterbitkan"
TRY_AGAIN = "Silakan coba lagi beberapa menit lagi"


def residents(cast, count: int) -> None:
    for i in range(count):
        register(cast, VILLAGE_A, 30 + i, 1 + i % 2)


def publish_by_command() -> str:
    out = io.StringIO()
    call_command("statistics", "publish", stdout=out)
    return out.getvalue()


# --- One snapshot (PostgreSQL: real commits by another connection mid-read). ---


@MONTHLY
@pytest.mark.usefixtures("regions_after_a_flush")  # PostgreSQL, committing for real
def test_a_registration_committed_between_the_reads_is_in_none_of_the_figures(cast, monkeypatch):
    residents(cast, 12)
    assert "Rilis statistik 1 diterbitkan" in publish_by_command()
    register(cast, VILLAGE_A, 50, 1)
    register(cast, VILLAGE_A, 51, 2)
    real = statistics._dimension_rows
    injected = []

    def rows_then_a_registration():
        rows = real()
        if not injected:
            # An operator's registration commits after the residents were read and before
            # the age cells are: another connection, as another worker's would be.
            def operator():
                try:
                    injected.append(register(cast, VILLAGE_A, 40, 2))
                finally:
                    connections.close_all()

            thread = threading.Thread(target=operator)
            thread.start()
            thread.join(60)
        return rows

    monkeypatch.setattr(statistics, "_dimension_rows", rows_then_a_registration)
    said = publish_by_command()
    assert injected, "the registration between the reads did not happen"
    assert Resident.objects.filter(village_id=VILLAGE_A, deleted_at=None).count() == 15
    assert "Rilis statistik 2 diterbitkan" in said
    statistics.forget()
    figures = public(Client(), VILLAGE_A)
    # The state the release read first, whole: 14 people, 7 men and 7 women in its pyramid.
    assert figures["total"] == 14
    assert [row["count"] for row in figures["sex"]] == [7, 7]
    # Its pyramid too, counting the true counts of the cells it hides (kept, never served).
    release = StatisticsRelease.objects.get(number=2)
    hidden = release.hidden_counts[VILLAGE_A]["cells"]
    for column in ("male", "female"):
        shown = [group[column] for group in release.summaries[VILLAGE_A]["age_groups"]]
        assert (
            sum(n for n in shown if isinstance(n, int))
            + sum(n for table, _, n in hidden if table == column)
            == 7
        )


# --- Figures that cannot be protected: nothing published, said so, never a 500. ---

FAILURES = [
    OverflowError("int too large to convert to float"),
    ZeroDivisionError("division by zero"),
    ValueError("no whole counts fit these sums and bounds"),
]


def failing_protection(monkeypatch, error: Exception) -> None:
    def protect_release(regions, parent_of, history):
        raise error

    monkeypatch.setattr(statistics, "protect_release", protect_release)


@pytest.mark.django_db
@MONTHLY
@pytest.mark.parametrize("error", FAILURES, ids=lambda e: type(e).__name__)
def test_the_button_says_nothing_was_published_when_figures_cannot_be_protected(
    cast, monkeypatch, error
):
    residents(cast, 6)
    custodian = client_for(cast.custodian)
    page = f"/statistics/population/{VILLAGE_A}/"
    with on(datetime.date(2026, 11, 25)):
        first = custodian.post("/statistics/publish/", {"region": VILLAGE_A}, follow=True)
        assert "Rilis statistik 1 diterbitkan" in first.text
        register(cast, VILLAGE_A, 50, 1)
        failing_protection(monkeypatch, error)
        answer = custodian.post("/statistics/publish/", {"region": VILLAGE_A}, follow=True)
    assert answer.status_code == 200
    assert answer.redirect_chain[-1][0] == page
    assert NOT_PUBLISHED in answer.text
    assert TRY_AGAIN in answer.text
    assert "Rilis 1, dengan angka per 25 November 2026, tetap berlaku" in answer.text
    assert "diterbitkan, dengan angka per" not in answer.text
    assert StatisticsRelease.objects.count() == 1
    assert public(Client(), VILLAGE_A)["total"] == 6  # release 1, still in force


@pytest.mark.django_db
@MONTHLY
def test_the_command_fails_plainly_when_figures_cannot_be_protected(cast, monkeypatch):
    residents(cast, 6)
    publish_by_command()
    register(cast, VILLAGE_A, 50, 1)
    failing_protection(monkeypatch, FAILURES[0])
    with pytest.raises(CommandError, match=NOT_PUBLISHED):
        publish_by_command()
    assert StatisticsRelease.objects.count() == 1


@pytest.mark.django_db
@MONTHLY
def test_the_period_release_that_cannot_be_protected_leaves_the_last_one_in_force(
    client, cast, monkeypatch
):
    residents(cast, 6)
    with on(datetime.date(2026, 11, 3)):
        public(client, VILLAGE_A)
    register(cast, VILLAGE_A, 50, 1)
    failing_protection(monkeypatch, FAILURES[0])
    with on(datetime.date(2026, 12, 1)):
        figures = public(client, VILLAGE_A)
    assert figures["as_of"] == "2026-11-03"
    assert figures["total"] == 6
    assert StatisticsRelease.objects.count() == 1
