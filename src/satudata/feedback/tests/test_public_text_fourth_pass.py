"""The house numbers the third pass left on the public pages (a street in small letters after
"jalan", "Ujung" and long street names, a Roman-numeral street with the house after a slash,
a kampung written "Kp."), and the ordinary complaints about roads that must stay as written
beside them: lengths, counts, durations."""

from hypothesis import given, settings
from hypothesis import strategies as st

from satudata.feedback.privacy import public_text
from satudata.feedback.tests.public_pages import PublicTextExamples


class TestTheFourthPass(PublicTextExamples):
    MASKED = [
        # A street in small letters after "jalan", "gang" or "lorong".
        ("rumah saya di jalan merdeka 12", "rumah saya di jalan merdeka [disembunyikan]"),
        ("alamat jalan ahmad yani 45, rt 003", "alamat jalan ahmad yani [disembunyikan], rt 003"),
        ("Jalan merdeka raya 12 sering banjir", "Jalan merdeka raya [disembunyikan] sering banjir"),
        ("alamat: jalan h. agus salim 12", "alamat: jalan h. agus salim [disembunyikan]"),
        ("tinggal di gang mawar 7 rt 2", "tinggal di gang mawar [disembunyikan] rt 2"),
        ("lorong damai 5 sebelah masjid", "lorong damai [disembunyikan] sebelah masjid"),
        ("di jalan merdeka #12", "di jalan merdeka #[disembunyikan]"),
        # A kind of road ("kebun", "baru") is part of a street's name beside a name of its own.
        ("di jalan kebun jeruk 12 rt 3", "di jalan kebun jeruk [disembunyikan] rt 3"),
        ("jalan pasar baru 12", "jalan pasar baru [disembunyikan]"),
        # "Ujung" is part of a name, and a name may have five or six words.
        ("Jl. Mawar Ujung 12", "Jl. Mawar Ujung [disembunyikan]"),
        ("jalan mawar ujung 12", "jalan mawar ujung [disembunyikan]"),
        ("Jl. Haji Agus Salim Gang Dua 12", "Jl. Haji Agus Salim Gang Dua [disembunyikan]"),
        ("Jalan Haji Agus Salim Gang Dua 12", "Jalan Haji Agus Salim Gang Dua [disembunyikan]"),
        # A street numbered in Roman numerals, the house after a slash.
        ("Jl. Mawar II/12", "Jl. Mawar II/[disembunyikan]"),
        ("Gg. Melati IV / 3A RT 002", "Gg. Melati IV / [disembunyikan] RT 002"),
        # A kampung written "Kp.".
        ("Kp. Baru 12", "Kp. Baru [disembunyikan]"),
        ("kp baru 12 rt 02 rw 01", "kp baru [disembunyikan] rt 02 rw 01"),
        # The village after a house number goes on with the address; it counts nothing.
        ("Jl. Merdeka 12 desa Sukamaju", "Jl. Merdeka [disembunyikan] desa Sukamaju"),
    ]

    # What complaints about roads say: lengths, counts, durations, which road, what it is like.
    KEPT_AS_IS = [
        "jalan rusak 12 titik",
        "jalan sepanjang 12 km",
        "jalan desa 3 km rusak",
        "jalan ini sudah 2 tahun rusak",
        "jalan kaki 15 menit",
        "jalan tani 2 lokasi",
        "jalan usaha tani 2 belum dicor",
        "jalan setapak kecil 2",
        "jalan desa kami 3 rusak",
        "jalan berlubang 3 besar di depan masjid",
        "jalan licin, 2 motor jatuh",
        "jalan raya 2 jalur macet tiap pagi",
        "jalan menanjak 300 m licin saat hujan",
        "jalan penghubung 2 desa putus",
        "jalan pemukiman 3 gang banjir",
        "jalan baru 6 bulan sudah retak",
        "jalan kami 2 tahun rusak",
        "jalan lebarnya 3 saja",
        "jalan menuju dusun 3 rusak parah",
        "jalan dusun 2 rusak",
        "jalan bercabang 3",
        "jalan-jalan 2 hari",
        "gang sempit 2 motor tidak bisa lewat",
        "1) jalan merdeka. 2) jalan sudirman",
        "Jl. Ahmad Yani ujung 3 titik berlubang",
        "Jl. Mawar Simpang 4 macet",
        "Gg. Melati II/3 titik banjir",
        "Kp. Sukamaju 2 kali banjir",
        "Kp Baru 12 rumah terendam",
        # The hamlet stays, as the RT does.
        "Jl. Pemuda Dusun 3 rusak",
        "Jalan Usaha Tani Dusun 2 rusak",
    ]
    KEPT_BESIDE = ("rumah saya di jalan merdeka 12", "rumah saya di jalan merdeka [disembunyikan]")


STREETS = [
    "merdeka",
    "mawar",
    "ahmad yani",
    "h. agus salim",
    "cut nyak dien",
    "pangeran antasari",
    "tjilik riwut",
    "melati putih ujung",
    "beringin",
    "teratai",
    "k.h. dewantara",
    "imam bonjol",
    "kebun jeruk",
    "pasar baru",
    "desa sukamaju",
]
STREET_WORDS = ["jalan ", "Jalan ", "gang ", "lorong ", "Jl. ", "jl ", "Gg. ", "Kp. "]
BEFORE = ["", "rumah saya di ", "alamat ", "alamat: ", "tinggal di ", "warga "]
AFTER = [
    "",
    " rt 003",
    ", rt 3 rw 2",
    " sebelah masjid",
    " dekat pasar",
    ". Terima kasih",
    " banjir",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(BEFORE),
    st.sampled_from(STREET_WORDS),
    st.sampled_from(STREETS),
    st.sampled_from([" ", ", ", " #", "  "]),
    st.integers(1, 999),
    st.sampled_from(["", "A", "b"]),
    st.sampled_from(AFTER),
)
def test_a_house_number_after_a_street_in_small_letters_is_hidden(
    before, street_word, street, gap, number, letter, after
):
    text = f"{before}{street_word}{street}{gap}{number}{letter}{after}"
    masked = public_text(text)
    assert masked == f"{before}{street_word}{street}{gap}[disembunyikan]{after}", (text, masked)


# Words complaints put after "jalan" (what the road is like, which road, small words), and
# what a number after them counts.
ROAD_WORDS = [
    "rusak",
    "berlubang",
    "licin",
    "becek",
    "tergenang",
    "ditutup",
    "sempit",
    "gelap",
    "desa",
    "tani",
    "usaha tani",
    "kaki",
    "setapak",
    "poros desa",
    "lingkungan",
    "ini",
    "itu",
    "tersebut",
    "kami",
    "sudah",
    "sepanjang",
    "menuju dusun",
    "utama",
    "baru",
    "rusak parah",
    "setapak kecil",
    "desa kami",
    "kebun warga",
]
COUNTS = ["km", "m", "meter", "titik", "hari", "bulan", "tahun", "menit", "jam", "lokasi", "unit"]
COUNTS += ["rumah", "KK", "orang", "ekor", "kali", "buah", "ruas", "motor"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["jalan ", "Jalan ", "gang ", "lorong "]),
    st.sampled_from(ROAD_WORDS),
    st.sampled_from([" ", ", "]),
    st.integers(1, 500),
    st.sampled_from([None, *COUNTS]),
    st.sampled_from(["", " rusak", " belum diperbaiki", "."]),
)
def test_a_complaint_about_a_road_stays_as_written(street_word, words, gap, number, count, after):
    text = f"{street_word}{words}{gap}{number}{' ' + count if count else ''}{after}"
    assert public_text(text) == text


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["jalan ", "Jl. ", "gang "]),
    st.sampled_from(STREETS),
    st.integers(1, 500),
    st.sampled_from(COUNTS),
)
def test_what_a_number_after_any_street_counts_stays(street_word, street, number, count):
    text = f"{street_word}{street} {number} {count} rusak"
    assert public_text(text) == text
