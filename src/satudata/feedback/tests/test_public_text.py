"""Numbers and dates that identify a citizen never reach the public pages (feedback.privacy).

Property tests: NIKs, KK numbers, phone numbers and dates of birth written the many ways
people write them (any grouping and separator, glued to "NIK", in figures or in words) are
masked; ordinary short numbers stay readable.
"""

import itertools
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satudata.conftest import VILLAGE_A
from satudata.feedback.models import Feedback
from satudata.feedback.privacy import public_text
from satudata.feedback.tests.public_pages import PublicTextExamples

HIDDEN = "[disembunyikan]"
# Phrases that are not personal data and must stay readable next to masked ones.
KEPT = ["RT 003", "3 orang", "tahun 2024", "Rp 1.500.000", "tahun ajaran 2023/2024", "3 Januari"]

SEPARATORS = [
    "", " ", "  ", ".", "-", "/", "_", " - ", "–", " – ", "—", "−", "‑", " . ", "\u00a0", "(", ") ",
]  # fmt: skip
NUMBER_PREFIXES = ["", "NIK", "NIK:", "NIK ", "nik.", "KK", "No.KK", "HP", "hp:", "Telp. ", "WA"]
SUFFIXES = ["", "abc", ".", ",", " ", ")", "; "]

ID_MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember "
    "Pebruari Nopember Jan Feb Mar Apr Jun Jul Agu Agt Sep Okt Nov Des"
).split()
EN_MONTHS = "January February March May June July August October December Aug Sept Oct Dec".split()


def digits(n: int):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def grouped(draw, number: str) -> str:
    """The number cut into random groups, joined by random separators."""
    cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=5)))
    parts = [number[a:b] for a, b in itertools.pairwise([0, *cuts, len(number)])]
    return "".join(
        part + (draw(st.sampled_from(SEPARATORS)) if i < len(parts) - 1 else "")
        for i, part in enumerate(parts)
    )


@st.composite
def nik_or_kk(draw) -> str:
    return draw(grouped(draw(digits(16))))


@st.composite
def phone(draw) -> str:
    local = "8" + draw(digits(draw(st.integers(8, 11))))
    number = draw(grouped(local))
    start = draw(st.sampled_from(["0", "+62", "+62 ", "+62-", "62", "(0", "+62 ("]))
    return start + number


def _case(draw, word: str) -> str:
    return draw(st.sampled_from([word, word.lower(), word.upper()]))


@st.composite
def numeric_date(draw) -> str:
    day, month = draw(st.integers(1, 31)), draw(st.integers(1, 12))
    year = draw(st.integers(1930, 2025))
    parts = [
        draw(st.sampled_from([str(day), f"{day:02d}"])),
        draw(st.sampled_from([str(month), f"{month:02d}"])),
        draw(st.sampled_from([str(year), f"{year % 100:02d}"])),
    ]
    if draw(st.booleans()):  # month first, as in English
        parts[0], parts[1] = parts[1], parts[0]
    sep = st.sampled_from(["/", "-", ".", " / ", " - ", "–", "_", "−"])
    return parts[0] + draw(sep) + parts[1] + draw(sep) + parts[2]


@st.composite
def date_in_words(draw) -> str:
    day = draw(st.integers(1, 31))
    year = draw(st.integers(1930, 2025))
    day_text = draw(st.sampled_from([str(day), f"{day:02d}"]))
    year_text = draw(st.sampled_from([str(year), f"{year % 100:02d}", f"'{year % 100:02d}"]))
    sep = st.sampled_from([" ", "  ", "-", "/", ". ", " - "])
    if draw(st.booleans()):
        month = _case(draw, draw(st.sampled_from(ID_MONTHS + EN_MONTHS)))
        month += draw(st.sampled_from(["", "."])) if len(month) <= 4 else ""
        return day_text + draw(sep) + month + draw(sep) + year_text
    month = _case(draw, draw(st.sampled_from(EN_MONTHS)))
    return month + " " + day_text + draw(st.sampled_from([", ", " ", ","])) + year_text


@st.composite
def glued(draw, token, prefixes) -> str:
    return draw(st.sampled_from(prefixes)) + draw(token) + draw(st.sampled_from(SUFFIXES))


@st.composite
def nik_with_letters(draw) -> str:
    """A NIK or KK number with some of its 0, 1, 5 and 8 written O or o, I or l, S, B."""
    number = list(draw(digits(16)))
    lookalike = {"0": "Oo", "1": "Il", "5": "S", "8": "B"}
    which = [i for i, d in enumerate(number) if d in lookalike]
    # At least one letter, at least four digits left.
    chosen = draw(st.sets(st.sampled_from(which), min_size=1, max_size=12)) if which else ()
    for i in chosen:
        number[i] = draw(st.sampled_from(lookalike[number[i]]))
    return draw(grouped("".join(number)))


PERSONAL = st.one_of(
    glued(nik_or_kk(), NUMBER_PREFIXES),
    glued(nik_with_letters(), NUMBER_PREFIXES),
    glued(phone(), NUMBER_PREFIXES),
    glued(numeric_date(), ["", "lahir ", "lahir", "tgl.", "Tgl "]),
    glued(date_in_words(), ["", "lahir ", "born ", "Senin, ", "("]),
)


def leftover_digits(text: str) -> str:
    """The digits left once the phrases meant to stay are taken out."""
    for phrase in KEPT:
        text = text.replace(phrase, "")
    return "".join(re.findall(r"\d", text))


@settings(max_examples=600, deadline=None)
@given(PERSONAL)
def test_personal_numbers_and_dates_leave_no_digit(token):
    masked = public_text(token)
    assert HIDDEN in masked
    assert not re.search(r"\d", masked), (token, masked)


@settings(max_examples=200, deadline=None)
@given(st.lists(PERSONAL, min_size=1, max_size=6), st.permutations(KEPT))
def test_ordinary_numbers_stay_beside_masked_ones(tokens, kept):
    # Commas and semicolons are not separators inside a number: the phrases stay apart.
    pairs = itertools.zip_longest(kept, tokens, fillvalue="")
    text = "; ".join(f"{a} dan {b}" for a, b in pairs)
    masked = public_text(text)
    for phrase in kept:
        assert phrase in masked
    assert not re.search(r"\d{6}", masked)
    assert leftover_digits(masked) == "", (text, masked)


@pytest.mark.parametrize(
    "text",
    [
        "NIK6201022607730001 atas nama Hasan Bahri",
        "NIK:6201022607730001abc",
        "HP 0812–3456–7890",
        "0812 - 3456 - 7890",
        "0812_3456_7890",
        "+62 812-3456-7890",
        "lahir 26/7/73",
        "17-5-90",
        "26.07.1973",
        "lahir 26 Juli 1973",
        "Anak Bapak lahir 12 Januari 2010",
        "26 Jul 1973",
        "July 26, 1973",
        "HP 0812,3456,7890",
        "hubungi 0812 ,3456,7890 ya",
        "lahir 26 bulan 7 tahun 1973",
        "tanggal 5 Bulan Juli Tahun 73",
    ],
)
def test_the_texts_from_the_test_report_are_masked(text):
    assert leftover_digits(public_text(text)) == ""


def test_a_year_a_day_and_month_and_short_numbers_stay():
    text = (
        "RT 003, 3 orang, sejak tahun 2024, banjir 3 Januari, Juli 2024, 2020–2024, "
        "bantuan 2021, 2022, 2023 sebesar Rp 1,500,000 dan 2,5 ton, bulan 7 tahun 2024."
    )
    assert public_text(text) == text


EXAMPLES = itertools.count(1)


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(PERSONAL, min_size=1, max_size=4),
    st.lists(PERSONAL, min_size=1, max_size=4),
)
def test_public_village_page_shows_no_personal_number_or_date(clients, message, answer):
    n = next(EXAMPLES)
    marker = "Penanda" + "".join("QWXYZABCDE"[int(d)] for d in str(n))
    text = (f"{marker}: RT 003, 3 orang; " + " ; ".join(message)).strip()
    reply = (f"{marker} balasan, tahun 2024: " + " ; ".join(answer)).strip()
    # Each example is a new citizen, so the per-address limit does not interfere.
    citizen = Client(REMOTE_ADDR=f"10.7.{n // 200}.{n % 200}")
    sent = citizen.post("/feedback/", {"category": "complaint", "village": VILLAGE_A, "text": text})
    assert sent.status_code == 302
    item = Feedback.objects.get(text=text)
    answered = clients["operator_a"].post(f"/feedback/{item.pk}/reply/", {"text": reply})
    assert answered.status_code == 302
    assert item.replies.get().text == reply

    page = clients["anonymous"].get(f"/villages/{VILLAGE_A}/").content.decode()
    shown_text = re.search(rf"<p>({marker}:.*?)</p>", page, re.S).group(1)
    shown_reply = re.search(rf'<div class="reply">({marker} balasan.*?)</div>', page, re.S).group(1)
    assert "RT 003, 3 orang" in shown_text and "tahun 2024" in shown_reply
    for shown in (shown_text, shown_reply):
        assert HIDDEN in shown
        assert not re.search(r"\d{6}", shown)
        assert leftover_digits(shown) == "", shown


class TestWhatTheReviewFound(PublicTextExamples):
    """What a QA review still found on the public pages: addresses below the RT, a
    Roman-numeral month, e-mail addresses written to get past robots, a NIK with letters for
    digits."""

    MASKED = [
        # Addresses: the house number goes, the street, RT, RW and hamlet stay.
        ("alamat Jl. Hasibuan No. 84 RT 002", "alamat Jl. Hasibuan No. [disembunyikan] RT 002"),
        (
            "Jln. Hasibuan Nomor 84, RT 002/RW 001",
            "Jln. Hasibuan Nomor [disembunyikan], RT 002/RW 001",
        ),
        ("Jalan Hasibuan No.84A dusun II", "Jalan Hasibuan No.[disembunyikan] dusun II"),
        ("Gg. Mawar no 12/3 RT 004", "Gg. Mawar no [disembunyikan] RT 004"),
        ("Gang Mawar nomor rumah 7", "Gang Mawar nomor rumah [disembunyikan]"),
        ("Lorong Damai No: 5", "Lorong Damai No: [disembunyikan]"),
        ("tinggal di Blok C/12 Perumahan Griya", "tinggal di Blok [disembunyikan] Perumahan Griya"),
        ("blok A-3", "blok [disembunyikan]"),
        ("rumah saya No. 84 sebelah masjid", "rumah saya No. [disembunyikan] sebelah masjid"),
        ("Jl. Hasibuan 84 RT 002", "Jl. Hasibuan [disembunyikan] RT 002"),
        ("jl hasibuan 84b", "jl hasibuan [disembunyikan]"),
        # Birth dates with the month in Roman numerals.
        ("lahir 26 VII 1973", "lahir [disembunyikan]"),
        ("lahir 26-VII-1973.", "lahir [disembunyikan]."),
        ("lahir 26/VII/1973", "lahir [disembunyikan]"),
        ("tgl 5 . XII . 2001", "tgl [disembunyikan]"),
        # E-mail addresses written to get past robots.
        ("surel hasan(at)mail.com ya", "surel [disembunyikan] ya"),
        ("surel hasan [at] mail [dot] com", "surel [disembunyikan]"),
        ("surel hasan at mail dot com", "surel [disembunyikan]"),
        ("surel HASAN.BAHRI AT GMAIL DOT CO DOT ID", "surel [disembunyikan]"),
        ("surel hasan {at} mail titik com", "surel [disembunyikan]"),
        ("surel hasan @ mail . com", "surel [disembunyikan]"),
        ("surel hasan (at) mail. Terima kasih", "surel [disembunyikan]. Terima kasih"),
        # A NIK (or a telephone number) with letters for digits.
        ("NIK 62O1O226O773OOO1", "NIK [disembunyikan]"),
        ("NIK62o1o226o773ooo1 atas nama Hasan", "NIK[disembunyikan] atas nama Hasan"),
        ("NIK 62OlO226O773OOOl", "NIK [disembunyikan]"),
        ("NIK 62O1 O226 O773 OOO1", "NIK [disembunyikan]"),
        ("KK 62O1O2S5O8BOOOO1", "KK [disembunyikan]"),
        ("HP O8l2-3456-789O", "HP [disembunyikan]"),
    ]

    # Ordinary text that looks a little like the above and must stay as it is.
    KEPT_AS_IS = [
        "Jalan di RT 002 rusak",
        "rapat at balai desa",
        "tahun 2024",
        "nomor antrean 5",
        "antrean nomor 5",
        "Jalan Hasibuan rusak sepanjang 500 meter",
        "Jl. Tjilik Riwut Km 5 berlubang",
        "Gg. Mawar 3 titik berlubang",
        "Gang 3 banjir",
        "Blok C belum dapat air",
        "blokir 12 rekening",
        "sesuai UU No. 6 Tahun 2014 tentang Desa",
        "Perbup Nomor 12 Tahun 2023",
        "SDN No. 3 atapnya bocor",
        "layanan 1 x 24 jam, paling lambat 2 X 24 jam",
        "surat 470/12/VII/2024",
        "dana BOS 2024 sebesar Rp 1.500.000 SOS",
        "ikuti @desanatairaya",
        "2 sak semen @ 75.000",
        "meet at 5 pm",
    ]
