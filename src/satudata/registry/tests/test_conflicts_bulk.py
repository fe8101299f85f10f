"""The custodian's NIK conflict list filtered, and the open conflicts it selects closed at once
(QA: a rolled-back import logged 18,186 conflicts, each closed one by one)."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import PermissionDenied

from satudata.audit.models import AuditEntry
from satudata.conftest import OTHER_DISTRICT_VILLAGE, VILLAGE_A, VILLAGE_B
from satudata.core import once
from satudata.registry.models import NikConflict
from satudata.registry.services import conflicts as conflict_services

pytestmark = pytest.mark.django_db

LIST = "/registry/conflicts/"
CLOSE = "/registry/conflicts/close/"


def add_conflicts(count, tried, holder, source="import", start=0, resolved=False):
    """`count` conflicts of distinct NIKs, as a rolled-back import leaves them."""
    NikConflict.objects.bulk_create(
        NikConflict(
            nik=f"62010{start + n:011d}",
            village_id=tried,
            holder_village_id=holder,
            source=source,
            resolved=resolved,
        )
        for n in range(count)
    )


def niks_on(page: str) -> set[str]:
    return set(re.findall(r'data-label="NIK">(\d{16})<', page))


def open_niks(**filters) -> set[str]:
    return set(NikConflict.objects.filter(resolved=False, **filters).values_list("nik", flat=True))


def close_form(page: str) -> dict[str, str]:
    """The fields the page's "close all" button sends, as a browser sends them."""
    form = re.search(
        r'<form method="post" action="/registry/conflicts/close/".*?</form>', page, re.S
    )
    assert form, "the page offers no close-all button"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))
    return {name: html.unescape(value) for name, value in fields}


@pytest.fixture
def mixed(cast):
    """Conflicts of every kind the filters tell apart."""
    add_conflicts(3, VILLAGE_A, VILLAGE_B, "import", start=0)  # A tried, by import
    add_conflicts(1, VILLAGE_A, VILLAGE_B, "form", start=10)  # A tried, by form
    add_conflicts(2, VILLAGE_B, VILLAGE_A, "import", start=20)  # B tried, by import
    add_conflicts(1, VILLAGE_A, OTHER_DISTRICT_VILLAGE, "import", start=30)  # held elsewhere
    add_conflicts(1, VILLAGE_A, VILLAGE_B, "import", start=40, resolved=True)  # closed


def test_the_village_that_tried_filters_in_either_form_of_its_code(clients, mixed):
    expected = open_niks(village_id=VILLAGE_A)
    for typed in ("62.01.02.2016", "6201022016"):
        page = clients["custodian"].get(LIST, {"tried": typed}).content.decode()
        assert niks_on(page) == expected
        assert "5 konflik terbuka" in page


def test_the_holding_village_filters(clients, mixed):
    page = clients["custodian"].get(LIST, {"holder": "6112012001"}).content.decode()
    assert niks_on(page) == open_niks(holder_village_id=OTHER_DISTRICT_VILLAGE)
    assert "1 konflik terbuka" in page


def test_the_source_filters(clients, mixed):
    by_form = clients["custodian"].get(LIST, {"source": "form"}).content.decode()
    assert niks_on(by_form) == open_niks(source="form") and len(niks_on(by_form)) == 1
    by_import = clients["custodian"].get(LIST, {"source": "import"}).content.decode()
    assert niks_on(by_import) == open_niks(source="import") and "6 konflik terbuka" in by_import


def test_closed_conflicts_show_only_with_all_and_the_filters_still_apply(clients, mixed):
    closed_nik = NikConflict.objects.get(resolved=True).nik
    assert closed_nik not in clients["custodian"].get(LIST).content.decode()
    every = clients["custodian"].get(LIST, {"all": "1", "tried": VILLAGE_A, "source": "import"})
    page = every.content.decode()
    assert closed_nik in niks_on(page) and len(niks_on(page)) == 5
    assert "5 konflik<" in page  # all of them, not "open"
    assert 'action="/registry/conflicts/close/"' not in page  # closing is for the open list


def test_the_pager_keeps_the_filters_and_the_total_counts_every_page(clients, cast):
    add_conflicts(1_200, VILLAGE_B, VILLAGE_A)
    add_conflicts(1, VILLAGE_A, VILLAGE_B, start=5_000)
    first = clients["custodian"].get(LIST, {"tried": "6201022012"}).content.decode()
    assert "1.200 konflik terbuka" in first and "Halaman 1 dari 24" in first
    assert "?tried=62.01.02.2012&amp;page=2" in first
    second = clients["custodian"].get(LIST, {"tried": "6201022012", "page": 2}).content.decode()
    assert len(niks_on(second)) == 50 and f"62010{5_000:011d}" not in second


def test_closing_all_closes_only_the_open_conflicts_the_filters_select(clients, cast, mixed):
    page = clients["custodian"].get(LIST, {"tried": "6201022016", "source": "import"})
    sent = close_form(page.content.decode())
    assert sent["count"] == "4" and sent["tried"] == "6201022016" and sent["source"] == "import"
    chosen = open_niks(village_id=VILLAGE_A, source="import")
    others = open_niks() - chosen

    answer = clients["custodian"].post(CLOSE, sent, follow=True)
    text = answer.content.decode()
    assert "4 konflik ditutup." in text
    assert answer.redirect_chain[-1][0] == f"{LIST}?tried=62.01.02.2016&source=import"
    assert "0 konflik terbuka" in text
    assert open_niks() == others  # a form's conflict, another village's: still open
    assert not NikConflict.objects.filter(nik__in=chosen, resolved=False).exists()

    entry = AuditEntry.objects.get(model_label="registry.nikconflict")  # one, not four
    assert entry.actor == cast.custodian and entry.object_pk == "bulk"
    assert entry.region_code == VILLAGE_A
    assert entry.after == {
        "resolved": True,
        "closed": 4,
        "village_id": VILLAGE_A,
        "holder_village_id": None,
        "source": "import",
    }
    history = clients["custodian"].get("/audit/?model=registry.nikconflict").content.decode()
    assert "4 konflik NIK ditutup sekaligus" in history
    record = clients["custodian"].get("/audit/record/registry.nikconflict/bulk/")
    assert record.status_code == 200 and "Natai Raya" in record.content.decode()
    assert "konflik ditutup" in record.content.decode()  # the count's label, not "closed"


def test_a_conflict_logged_after_the_page_is_not_closed_with_those_shown(clients, cast, mixed):
    sent = close_form(clients["custodian"].get(LIST, {"tried": VILLAGE_A}).content.decode())
    assert sent["count"] == "5"
    shown = open_niks(village_id=VILLAGE_A)
    # Meanwhile another import logs one more conflict for the same village.
    add_conflicts(1, VILLAGE_A, VILLAGE_B, start=99)

    text = clients["custodian"].post(CLOSE, sent, follow=True).content.decode()
    assert "5 konflik ditutup." in text
    assert open_niks(village_id=VILLAGE_A) == {f"62010{99:011d}"}  # not closed unseen
    assert not NikConflict.objects.filter(nik__in=shown, resolved=False).exists()


def test_a_count_that_no_longer_matches_closes_nothing(clients, cast, mixed):
    sent = close_form(clients["custodian"].get(LIST, {"tried": VILLAGE_A}).content.decode())
    assert sent["count"] == "5"
    # Meanwhile one of them is settled elsewhere (a move in closes it).
    NikConflict.objects.filter(pk=int(sent["newest"])).update(resolved=True)
    before = open_niks()

    text = clients["custodian"].post(CLOSE, sent, follow=True).content.decode()
    assert "Daftar berubah sejak ditampilkan: saringan kini memilih 4 konflik terbuka, bukan 5" in (
        text
    )
    assert open_niks() == before
    assert not AuditEntry.objects.filter(model_label="registry.nikconflict").exists()
    # The refused send released its token: the page shown again closes the four.
    again = close_form(clients["custodian"].get(LIST, {"tried": VILLAGE_A}).content.decode())
    clients["custodian"].post(CLOSE, again)
    assert open_niks(village_id=VILLAGE_A) == set()


def test_one_closed_and_one_logged_meanwhile_closes_nothing(clients, cast, mixed):
    """QA: the count alone matched again, and the conflict logged after the page was drawn
    was closed unseen."""
    sent = close_form(clients["custodian"].get(LIST, {"tried": VILLAGE_A}).content.decode())
    assert sent["count"] == "5"
    shown = NikConflict.objects.filter(village_id=VILLAGE_A, resolved=False).first()
    clients["custodian"].post(f"/registry/conflicts/{shown.pk}/resolve/")
    add_conflicts(1, VILLAGE_A, VILLAGE_B, start=98)  # logged after the page: 5 open again
    before = open_niks()

    text = clients["custodian"].post(CLOSE, sent, follow=True).content.decode()
    assert "Daftar berubah sejak ditampilkan" in text and "Tidak ada yang ditutup" in text
    assert open_niks() == before and f"62010{98:011d}" in before
    assert not AuditEntry.objects.filter(model_label="registry.nikconflict", object_pk="bulk")


def test_all_0_in_an_address_means_open_conflicts_only(clients, mixed):
    closed_nik = NikConflict.objects.get(resolved=True).nik
    for off in ("0", "no", "false", ""):
        page = clients["custodian"].get(LIST, {"all": off}).content.decode()
        assert closed_nik not in niks_on(page) and "6 konflik terbuka" not in page
        assert "7 konflik terbuka" in page


def test_a_second_click_closes_nothing_more_and_says_so(clients, cast, mixed):
    sent = close_form(clients["custodian"].get(LIST, {"source": "form"}).content.decode())
    clients["custodian"].post(CLOSE, sent)
    add_conflicts(1, VILLAGE_B, VILLAGE_A, "form", start=77)  # a new one, not shown then
    text = clients["custodian"].post(CLOSE, sent, follow=True).content.decode()
    assert (
        "sudah dikirim" in text or "sudah pernah dikirim" in text or "tidak disimpan lagi" in text
    )
    assert open_niks(source="form") == {f"62010{77:011d}"}
    assert AuditEntry.objects.filter(model_label="registry.nikconflict").count() == 1


@pytest.mark.parametrize("who", ["operator_a", "operator_b", "producer_a", "district_viewer"])
def test_only_the_custodian_may_filter_or_close(clients, mixed, who):
    sent = {"tried": VILLAGE_A, "count": "5", "once": once.new_token()}
    assert clients[who].get(LIST, {"tried": VILLAGE_A}).status_code == 403
    assert clients[who].post(CLOSE, sent).status_code == 403
    assert len(open_niks()) == 7


def test_anonymous_visitors_are_sent_to_sign_in(clients, mixed):
    for answer in (clients["anonymous"].get(LIST), clients["anonymous"].post(CLOSE, {})):
        assert answer.status_code == 302 and "/login" in answer["Location"]
    assert len(open_niks()) == 7


def test_the_service_refuses_anyone_but_the_custodian(cast, mixed):
    filters = conflict_services.ConflictFilters(tried=VILLAGE_A)
    with pytest.raises(PermissionDenied):
        conflict_services.close_selected(cast.operator_a, filters, 5)
    assert len(open_niks()) == 7


def test_a_malformed_or_unknown_code_is_said_on_the_page(clients, mixed):
    bad = clients["custodian"].get(LIST, {"tried": "62.01.xx"})
    text = bad.content.decode()
    assert bad.status_code == 200
    assert "Desa yang mencoba: 62.01.xx bukan kode wilayah" in text
    assert niks_on(text) == set() and 'action="/registry/conflicts/close/"' not in text
    # No empty table saying "no conflicts" under the error, and a way back to the whole list.
    assert "Tidak ada konflik." not in text and "Hapus saringan" in text
    unknown = clients["custodian"].get(LIST, {"holder": "6201029999"}).content.decode()
    assert (
        "Desa pemegang: tidak ada desa, kecamatan, atau kabupaten/kota dengan kode 6201029999"
        in unknown
    )
    # Sent to the close button (an old page, a hand-made request), nothing is closed.
    answer = clients["custodian"].post(CLOSE, {"tried": "62-01-0x", "count": "5"}, follow=True)
    assert "bukan kode wilayah" in answer.content.decode()
    assert len(open_niks()) == 7


def test_more_than_a_thousand_conflicts_close_in_one_update(
    clients, cast, django_assert_max_num_queries
):
    add_conflicts(1_500, VILLAGE_B, VILLAGE_A)
    add_conflicts(3, VILLAGE_A, VILLAGE_B, start=9_000)
    sent = close_form(clients["custodian"].get(LIST, {"tried": VILLAGE_B}).content.decode())
    assert sent["count"] == "1500"
    with django_assert_max_num_queries(20) as captured:
        answer = clients["custodian"].post(CLOSE, sent)
    assert answer.status_code == 302
    updates = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "registry_')
    ]
    assert len(updates) == 1
    assert open_niks(village_id=VILLAGE_B) == set() and len(open_niks()) == 3
    assert AuditEntry.objects.filter(model_label="registry.nikconflict").count() == 1
    page = clients["custodian"].get(LIST).content.decode()
    assert "1.500 konflik NIK" not in page and "3 konflik terbuka" in page
