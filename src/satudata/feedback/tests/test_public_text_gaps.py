"""What a later review still saw on the public pages: a birth date with its Roman-numeral
month in small letters, a NIK or telephone number grouped by odd separators or characters
that show nothing, and one read out in digit words. Sent by a citizen, answered by the
village's operator, read where the public reads it (tracking page, tracking API, village
page)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from satudata.feedback.privacy import public_text
from satudata.feedback.tests.public_pages import PublicTextExamples
from satudata.feedback.tests.test_public_text import digits


class TestTheLaterReview(PublicTextExamples):
    """A birth date with its Roman-numeral month in small letters, a NIK grouped by odd
    separators or characters that show nothing, one read out in digit words."""

    MASKED = [
        # Roman-numeral months in small letters, and a two-digit year between separators.
        ("lahir 12-xii-1990", "lahir [disembunyikan]"),
        ("lahir 12/iv/85", "lahir [disembunyikan]"),
        ("lahir 12/IV/85", "lahir [disembunyikan]"),
        ("tgl lahir 3.vii.'90, Palangka Raya", "tgl lahir [disembunyikan], Palangka Raya"),
        ("lahir 12 xii 1990", "lahir [disembunyikan]"),
        ("lahir 1 - ix - 2001", "lahir [disembunyikan]"),
        # A NIK or phone number grouped by odd separators.
        ("NIK 6112 | 0123 | 4567 | 0001", "NIK [disembunyikan]"),
        ("NIK 6112...0123...4567...0001", "NIK [disembunyikan]"),
        ("HP 0812…3456…7890", "HP [disembunyikan]"),
        ("HP 0812 ~ 3456 ~ 7890", "HP [disembunyikan]"),
        ("NIK 6112·0123·4567·0001", "NIK [disembunyikan]"),
        ("NIK 6112 • 0123 • 4567 • 0001", "NIK [disembunyikan]"),
        ("NIK 6112 .-. 0123 .-. 4567 .-. 0001", "NIK [disembunyikan]"),
        ("NIK 6112\\0123\\4567\\0001", "NIK [disembunyikan]"),
        # Characters that show nothing: the page would show the number whole.
        ("NIK 6112\u200b0123\u200b4567\u200b0001", "NIK [disembunyikan]"),
        ("HP 0\u00ad8\u00ad1\u00ad2\u2060345\ufeff67890", "HP [disembunyikan]"),
        # Read out in digit words, alone or mixed with figures.
        ("HP nol delapan satu dua tiga empat lima enam tujuh delapan", "HP [disembunyikan]"),
        ("wa kosong delapan satu tiga, lima lima dua, 7890 ya", "wa [disembunyikan] ya"),
        ("NIK enam satu satu dua 0123 4567 0001 a.n. Budi", "NIK [disembunyikan] a.n. Budi"),
        ("NIK Enam-Satu-Satu-Dua-Nol-Satu-Dua-Tiga", "NIK [disembunyikan]"),
    ]

    KEPT_AS_IS = [
        "layanan 1 x 24 jam, paling lambat 2 X 24 jam",
        "ukuran 5 x 2000 meter",
        "surat 470/12/vii/2024",
        "buka pukul 08:00-16:00",
        "tahun ajaran 2020~2024, 2021 | 2022",
        "dua tiga hari lagi",
        "hitung satu, dua, tiga, empat, lima",
        "Kabupaten Lima Puluh Kota",
        "RT 003 | RW 004, 3 orang ~ 4 orang",
        "Rp 1.500.000 ... Rp 2.000.000",
        "keluarga 👨\u200d👩\u200d👧 3 orang",
        "banjir tanggal 12-xii, tanpa tahun",
    ]


ODD_SEPARATORS = ["|", " | ", "~", " ~ ", "...", " ... ", "…", "·", " • ", "\u200b", "\\", ".-."]


@settings(max_examples=300, deadline=None)
@given(digits(16), st.lists(st.sampled_from(ODD_SEPARATORS), min_size=15, max_size=15), st.data())
def test_a_nik_grouped_by_odd_separators_leaves_no_digit(number, separators, data):
    cuts = data.draw(st.sets(st.integers(1, 15), min_size=1, max_size=6))
    text = "".join(d + (separators[i] if i + 1 in cuts else "") for i, d in enumerate(number))
    masked = public_text(f"NIK {text} a.n. Budi")
    assert masked == "NIK [disembunyikan] a.n. Budi", (text, masked)


WORDS = "nol satu dua tiga empat lima enam tujuh delapan sembilan".split()


@settings(max_examples=200, deadline=None)
@given(digits(12), st.data())
def test_a_phone_number_partly_in_words_leaves_no_digit_or_digit_word(number, data):
    spoken = data.draw(st.sets(st.integers(0, 11), min_size=3))
    parts = [WORDS[int(d)] if i in spoken else d for i, d in enumerate(number)]
    text = "".join(
        p + (data.draw(st.sampled_from([" ", ", ", "-", " "])) if i < len(parts) - 1 else "")
        for i, p in enumerate(parts)
    )
    masked = public_text(f"hubungi {text} ya, RT 003")
    assert masked == "hubungi [disembunyikan] ya, RT 003", (text, masked)
