"""What the eighth pass left (its "Still left"): a slash house after "kampung" in small letters,
a birth date with spaces after a name, "!", "?", ")" or a comma after an area word after a
house, a house numbered like a year after a long street name and a house 2 glued to a word
that names things and streets ("gang kayu2")."""

from satudata.feedback.tests.public_pages import PublicTextExamples

H = "[disembunyikan]"


class TestTheNinthPass(PublicTextExamples):
    MASKED = [
        # A house with a slash or a dash after "kampung" in small letters, as in capitals.
        ("rumah di kampung baru 12/6 banjir", f"rumah di kampung baru {H} banjir"),
        ("kampung sawah 3-1 kebanjiran", f"kampung sawah {H} kebanjiran"),
        # A day, a month and a two-digit year with single spaces after a name.
        ("Budi 26 7 73", f"Budi {H}"),
        ("Siti 5 12 90 minta bantuan", f"Siti {H} minta bantuan"),
        # With a four-digit year it was hidden before as a run of seven digits.
        ("Siti 5 12 1990 minta bantuan", f"Siti {H} minta bantuan"),
        (
            "Nama: Budi, 26 7 73, belum dapat bantuan",
            f"Nama: Budi, {H}, belum dapat bantuan",
        ),
        ("ibu saya SITI 1 1 85", f"ibu saya SITI {H}"),
        # "!", "?" and ")" after an area word after a house end an address as a full stop does.
        ("Jl. Mawar 12 RT!", f"Jl. Mawar {H} RT!"),
        ("Jl. Mawar 12 RT?", f"Jl. Mawar {H} RT?"),
        ("Jl. Mawar 12 RT)", f"Jl. Mawar {H} RT)"),
        ("(rumah saya Jl. Mawar 12 RT) banjir", f"(rumah saya Jl. Mawar {H} RT) banjir"),
        # A comma after an area word: a count only after one digit, and not when the clause
        # after the comma starts with another area word.
        ("Jl. Mawar 12 RT, desa terendam", f"Jl. Mawar {H} RT, desa terendam"),
        ("Jl. Mawar 5 RT, desa terendam", f"Jl. Mawar {H} RT, desa terendam"),
        ("Jl. Mawar 12 RT, rumah terendam", f"Jl. Mawar {H} RT, rumah terendam"),
        # A house numbered like a year after a name of four words or more.
        (
            "Jalan Pangeran Diponegoro Raya Baru 1998",
            f"Jalan Pangeran Diponegoro Raya Baru {H}",
        ),
        (
            "Jl. Mawar Indah Permai Sejahtera 2020 rusak",
            f"Jl. Mawar Indah Permai Sejahtera {H} rusak",
        ),
        ("jalan kol. inf. h. m. yamin 1998", f"jalan kol. inf. h. m. yamin {H}"),
        # A 2 glued to a word that names things and streets, nothing said of them after it.
        ("gang kayu2", f"gang kayu{H}"),
        ("rumah saya di gang kayu2 rt 3", f"rumah saya di gang kayu{H} rt 3"),
        ("gang pasir2, banjir", f"gang pasir{H}, banjir"),
        ("jl air2", f"jl air{H}"),
    ]

    KEPT_AS_IS = [
        # "kampung" as an ordinary word, and a range before a unit.
        "kampung kami 12/6 banjir",
        "kampung baru 3-4 km",
        # Three numbers after a word that numbers or counts things, or before what they count,
        # and counts that are no three numbers in a row.
        "anak saya umur 5 7 10",
        "umur 5 7 10 tahun",
        "RT 1 2 10 banjir",
        "rusak 3 5 12 rumah",
        "RT 3 RW 5 2023",
        "3 rumah 2 jembatan",
        "Budi 3 anak",
        # Areas counted: a verb after them, or after one digit and a comma.
        "Jl. Mawar 12 RT terendam",
        "Jl. Merdeka 3 desa, semua terendam",
        # A year after a long name with a word about the road in it.
        "Jalan Trans Kalimantan rusak berat sejak 2019",
        "jl mawar kena banjir lagi 2019",
        # Plural things written with a 2, something said of them after it.
        "jalan kayu2 berserakan",
        "jalan batu2 lepas",
        "gang anak2",
    ]
