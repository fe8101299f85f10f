"""What the seventh pass left (its "Still left"): a birth date written with spaces or in the
old spelling, titles missing before a street's name, a house glued to its street with a letter
("gang mawar2a") and an area word with a comma after a house."""

from satudata.feedback.tests.public_pages import PublicTextExamples

H = "[disembunyikan]"


class TestTheEighthPass(PublicTextExamples):
    MASKED = [
        # A birth date with single spaces after a word for a birth or a date.
        ("lahir 26 7 73", f"lahir {H}"),
        ("tgl lahir 5 12 90", f"tgl lahir {H}"),
        (
            "Budi, tanggal lahir: 05 12 90, belum dapat bantuan",
            f"Budi, tanggal lahir: {H}, belum dapat bantuan",
        ),
        ("TTL: Palangka Raya, 5 12 90", f"TTL: Palangka Raya, {H}"),
        ("kelahiran 1 1 85 mohon dicek", f"kelahiran {H} mohon dicek"),
        # The old spelling of the months.
        ("lahir 26 Djuli 1973", f"lahir {H}"),
        ("ibu saya 3 Djanuari 1950", f"ibu saya {H}"),
        ("17 Agoestoes 1945 lahirnya", f"{H} lahirnya"),
        # Titles before a street's name in small letters.
        ("jalan mayjend. sutoyo 12 banjir", f"jalan mayjend. sutoyo {H} banjir"),
        ("jalan letjend. s. parman 12", f"jalan letjend. s. parman {H}"),
        ("jalan brig. jend. katamso 5 rusak", f"jalan brig. jend. katamso {H} rusak"),
        ("jalan laks. martadinata 7", f"jalan laks. martadinata {H}"),
        ("jalan pocut. baren 3", f"jalan pocut. baren {H}"),
        ("jalan patih. galung 4", f"jalan patih. galung {H}"),
        ("jalan demang. lebar daun 9", f"jalan demang. lebar daun {H}"),
        ("jalan tumenggung. suryo 8", f"jalan tumenggung. suryo {H}"),
        ("jalan ratu. zaleha 10", f"jalan ratu. zaleha {H}"),
        # A house 2 glued to its street with one letter after it.
        ("rumah saya gang mawar2a banjir", f"rumah saya gang mawar{H} banjir"),
        ("gang mawar2A", f"gang mawar{H}"),
        ("jl mawar2b", f"jl mawar{H}"),
        # An area word with a comma or semicolon after a house, no verb said of areas after it.
        ("rumah di Jl. Mawar 12 RT, mohon dibantu", f"rumah di Jl. Mawar {H} RT, mohon dibantu"),
        ("Jl. Mawar 12 RT; mohon", f"Jl. Mawar {H} RT; mohon"),
        (
            "Jl. Mawar 12 RT, mohon dibantu, rumah terendam",
            f"Jl. Mawar {H} RT, mohon dibantu, rumah terendam",
        ),
        ("jalan mawar 12 desa, tolong", f"jalan mawar {H} desa, tolong"),
    ]

    KEPT_AS_IS = [
        # Without a word for a birth or a date, numbers with spaces are counts.
        "3 7 24 orang",
        "tgl 3 7 orang sakit",
        "lahir 3 anak",
        "banjir 3 Djuli",
        # A doubled word with a suffix.
        "gang mawar2an",
        "jalan anak2nya",
        "jalan pelan2lah",
        "jalan rame2an",
        # Areas counted, a verb said of them after the comma.
        "jalan merdeka 3 desa, semua terendam",
        "Jl. Merdeka 3 desa; 2 di antaranya terisolasi",
    ]
