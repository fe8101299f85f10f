"""The custodian's NIK conflict list filtered by a district or regency (every village under
it), closed in bulk with those filters, and a single close that stays on its page."""

from __future__ import annotations

import re

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import DISTRICT, OTHER_DISTRICT_VILLAGE, VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.registry.models import NikConflict
from satudata.registry.tests.test_conflicts_bulk import (
    CLOSE,
    LIST,
    add_conflicts,
    close_form,
    niks_on,
    open_niks,
)

pytestmark = pytest.mark.django_db


def a_village_under(prefix: str) -> str:
    return (
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=prefix + ".")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


@pytest.fixture
def spread(cast):
    """Conflicts tried and held in two districts of one regency and in another province."""
    same_regency = a_village_under("62.01.01")  # Kotawaringin Barat, not Arut Selatan
    add_conflicts(3, VILLAGE_A, OTHER_DISTRICT_VILLAGE, start=0)
    add_conflicts(2, VILLAGE_B, same_regency, start=10)
    add_conflicts(4, same_regency, VILLAGE_A, start=20)
    add_conflicts(1, OTHER_DISTRICT_VILLAGE, VILLAGE_B, start=30)
    add_conflicts(1, VILLAGE_B, VILLAGE_A, start=40, resolved=True)
    return same_regency


def test_a_district_code_selects_every_village_of_the_district(clients, spread):
    expected = open_niks(village_id__in=[VILLAGE_A, VILLAGE_B])
    for typed in (DISTRICT, "620102", "62 01 02"):
        page = clients["custodian"].get(LIST, {"tried": typed}).content.decode()
        assert niks_on(page) == expected and "5 konflik terbuka" in page
    held = clients["custodian"].get(LIST, {"holder": "61.12.01"}).content.decode()
    assert niks_on(held) == open_niks(holder_village_id=OTHER_DISTRICT_VILLAGE)
    assert "3 konflik terbuka" in held


def test_a_regency_code_selects_every_village_of_the_regency(clients, spread):
    page = clients["custodian"].get(LIST, {"tried": "6201"}).content.decode()
    assert niks_on(page) == open_niks(village__code__startswith="62.01.")
    assert "9 konflik terbuka" in page
    held = clients["custodian"].get(LIST, {"holder": "62.01", "tried": "61.12"}).content.decode()
    assert niks_on(held) == open_niks(village_id=OTHER_DISTRICT_VILLAGE)


def test_the_filter_says_it_takes_a_district_code(clients, cast):
    page = clients["custodian"].get(LIST).content.decode()
    assert "Kode desa, atau kode kecamatan atau kabupaten/kota untuk semua desanya" in page


def test_an_unknown_district_or_a_province_is_said_naming_the_field(clients, spread):
    unknown = clients["custodian"].get(LIST, {"tried": "62.01.99"}).content.decode()
    assert (
        "Desa yang mencoba: tidak ada desa, kecamatan, atau kabupaten/kota dengan kode 62.01.99"
        in unknown
    )
    assert niks_on(unknown) == set() and 'action="/registry/conflicts/close/"' not in unknown
    province = clients["custodian"].get(LIST, {"holder": "62"}).content.decode()
    assert "Desa pemegang: 62 adalah kode provinsi" in province
    assert niks_on(province) == set()


def test_closing_all_of_a_district_closes_exactly_what_the_list_shows(clients, cast, spread):
    page = clients["custodian"].get(LIST, {"tried": "620102"}).content.decode()
    sent = close_form(page)
    assert sent["tried"] == "620102" and sent["count"] == "5"
    shown = niks_on(page)
    others = open_niks() - shown
    add_conflicts(1, VILLAGE_B, VILLAGE_A, start=90)  # logged after the page was shown

    answer = clients["custodian"].post(CLOSE, sent, follow=True)
    assert "5 konflik ditutup." in answer.content.decode()
    assert answer.redirect_chain[-1][0] == f"{LIST}?tried=62.01.02"
    assert open_niks() == others | {f"62010{90:011d}"}
    entry = AuditEntry.objects.get(model_label="registry.nikconflict", object_pk="bulk")
    assert entry.region_code == DISTRICT and entry.after["village_id"] == DISTRICT


def test_a_district_close_closes_nothing_if_one_shown_was_closed_meanwhile(clients, spread):
    sent = close_form(clients["custodian"].get(LIST, {"holder": DISTRICT}).content.decode())
    assert sent["count"] == "5"
    NikConflict.objects.filter(pk=int(sent["newest"])).update(resolved=True)
    before = open_niks()
    text = clients["custodian"].post(CLOSE, sent, follow=True).content.decode()
    assert "Daftar berubah sejak ditampilkan" in text and "Tidak ada yang ditutup" in text
    assert open_niks() == before


def resolve_buttons(page: str) -> list[dict[str, str]]:
    """Each "Close" button of the table: its action and the fields it sends."""
    forms = re.findall(
        r'<form method="post" action="(/registry/conflicts/\d+/resolve/)".*?</form>', page, re.S
    )
    found = []
    for action in forms:
        form = re.search(re.escape(action) + r'".*?</form>', page, re.S).group(0)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        fields.pop("csrfmiddlewaretoken", None)
        found.append({"action": action, **{k: v.replace("&amp;", "&") for k, v in fields.items()}})
    return found


def test_closing_one_on_page_two_stays_on_page_two_with_the_filters(clients, cast):
    add_conflicts(120, VILLAGE_A, VILLAGE_B)
    add_conflicts(5, VILLAGE_B, VILLAGE_A, start=1_000)  # not selected by the filter
    page = clients["custodian"].get(LIST, {"tried": "6201022016", "page": 2}).content.decode()
    button = resolve_buttons(page)[0]
    answer = clients["custodian"].post(button.pop("action"), button, follow=True)
    assert answer.redirect_chain[0][0] == f"{LIST}?tried=62.01.02.2016&page=2"
    text = answer.content.decode()
    assert "Halaman 2 dari 3" in text and "119 konflik terbuka" in text


def test_closing_the_last_one_of_the_last_page_goes_to_the_page_before(clients, cast):
    add_conflicts(101, VILLAGE_A, VILLAGE_B)
    page = clients["custodian"].get(LIST, {"tried": VILLAGE_A, "page": 3}).content.decode()
    (button,) = resolve_buttons(page)
    answer = clients["custodian"].post(button.pop("action"), button, follow=True)
    assert answer.redirect_chain[0][0] == f"{LIST}?tried=62.01.02.2016&page=2"  # now the last
    text = answer.content.decode()
    assert "Halaman 2 dari 2" in text and "100 konflik terbuka" in text


def test_closing_one_with_closed_ones_too_keeps_the_page(clients, cast):
    add_conflicts(60, VILLAGE_A, VILLAGE_B)
    add_conflicts(60, VILLAGE_A, VILLAGE_B, start=100, resolved=True)
    page = clients["custodian"].get(LIST, {"all": "1", "page": 2}).content.decode()
    button = next(b for b in resolve_buttons(page))
    answer = clients["custodian"].post(button.pop("action"), button)
    assert answer["Location"] == f"{LIST}?all=1&page=2"


def test_a_forged_way_back_stays_on_the_conflict_list(clients, cast):
    add_conflicts(120, VILLAGE_A, VILLAGE_B)
    first, second, third = NikConflict.objects.order_by("pk")[:3]
    resolve = "/registry/conflicts/{}/resolve/".format
    # The page is read as a number (what is not one is page 1), the filters are checked
    # again (what is not a filter is dropped): no address is ever taken as sent.
    answer = clients["custodian"].post(resolve(first.pk), {"page": "//example.com/?page=2"})
    assert answer["Location"] == LIST
    forged = {"filters": "https://example.com/?tried=x", "page": "2"}
    assert clients["custodian"].post(resolve(second.pk), forged)["Location"] == f"{LIST}?page=2"
    sneaky = {"filters": "tried=62.01.02.2016&next=https://example.com&", "page": "3"}
    answer = clients["custodian"].post(resolve(third.pk), sneaky)
    assert answer["Location"] == f"{LIST}?tried=62.01.02.2016&page=3"
    assert len(open_niks()) == 117
