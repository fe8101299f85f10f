"""What QA found after the ninth pass: a birth date after a name shown when a counted word or
a bracket, dash or slash came with it, a house joined by a Unicode dash, a slash or dash house
after "gang" or "lorong" in small letters; and office hours, years after a long street name
and scores, idioms, date lists and fractions after "kampung" hidden."""

from satudata.feedback.tests.public_pages import PublicTextExamples

H = "[disembunyikan]"


class TestTheTenthPass(PublicTextExamples):
    MASKED = [
        # A day, month and two-digit year after a name, a word that may count following: a
        # year of 32 to 99 (or written with its zero) is no count.
        ("Budi 26 7 73 warga RT 3.", f"Budi {H} warga RT 3."),
        ("Budi 26 7 73 rumah saya kebanjiran.", f"Budi {H} rumah saya kebanjiran."),
        ("Budi 26 7 73 anak saya sakit.", f"Budi {H} anak saya sakit."),
        ("Siti 5 12 90 orang tua tunggal.", f"Siti {H} orang tua tunggal."),
        ("Budi 26 7 73 KK 3 jiwa", f"Budi {H} KK 3 jiwa"),
        ("Budi 26 7 73 jam 7 ke kantor desa", f"Budi {H} jam 7 ke kantor desa"),
        ("Siti 5 12 90 bulan lalu ke puskesmas", f"Siti {H} bulan lalu ke puskesmas"),
        ("Siti 5 12 05 anak saya", f"Siti {H} anak saya"),
        # Two spaces, a bracket, a dash or a slash between a name and the date.
        ("Budi 26  7  73", f"Budi {H}"),
        ("Budi (26 7 73)", f"Budi ({H})"),
        ("Budi - 26 7 73", f"Budi - {H}"),
        ("Budi/26 7 73", f"Budi/{H}"),
        ("TTL: Sampit / 26 7 73", f"TTL: Sampit / {H}"),
        # A house joined by an en dash, a minus sign or an em dash.
        ("Jl. Beringin 12–6", f"Jl. Beringin {H}"),
        ("Jl. Beringin 12−6 banjir", f"Jl. Beringin {H} banjir"),
        ("Jl. Beringin 12—6", f"Jl. Beringin {H}"),
        ("Gg. Mawar 3–1", f"Gg. Mawar {H}"),
        ("Jalan Beringin 12–6", f"Jalan Beringin {H}"),
        ("Jl. Hasibuan No. 12–6", f"Jl. Hasibuan No. {H}"),
        ("Blok C–12", f"Blok {H}"),
        ("Perumahan Griya Indah C–12", f"Perumahan Griya Indah {H}"),
        ("Kampung Baru 12–6", f"Kampung Baru {H}"),
        # A slash or dash house after "gang" or "lorong" in small letters.
        ("rumah saya di gang mawar 12/6 banjir.", f"rumah saya di gang mawar {H} banjir."),
        ("gang beringin 21-4 banjir.", f"gang beringin {H} banjir."),
        ("lorong mawar 12/6 banjir.", f"lorong mawar {H} banjir."),
        ("gang beringin 21–4", f"gang beringin {H}"),
        # A guard, hidden before too: a word about plans names a street as its first word.
        ("Jl. Masa Bakti 2019", f"Jl. Masa Bakti {H}"),
    ]

    KEPT_AS_IS = [
        # Counts of a counted thing after the last of three small numbers.
        "rusak 3 5 12 rumah",
        "umur 5 7 10 tahun",
        # Office hours.
        "Pelayanan kantor desa pukul 08.30-12.00 WIB.",
        "pukul 07.30 - 09.00 WIB",
        "jam 09.15-11.00",
        "buka 08.00–16.00",
        # A range or years after a street, with any dash.
        "Jl. Beringin 3–4 km",
        "Jl. Mawar 2019–2020",
        # A year after a long street name and a word about plans, money, works or seasons.
        "Gg. Ahmad Yani target selesai 2020",
        "Jalan Trans Kalimantan Poros Selatan target 2025.",
        "Jl. Mawar Indah Permai Sejahtera anggaran 2024 belum cair.",
        "Jl. Mawar Indah musim hujan 2023",
        "Jl. Mawar Indah janji kampanye 2019",
        "Jl. Mawar Indah tender ulang 2019",
        "Jl. Mawar Indah rencana perbaikan 2020",
        "Jl. Mawar Indah masa pandemi 2025",
        "Jl. Mawar Indah kemarau panjang 2024",
        # After "kampung" or "gang" in small letters: a list of dates, a fraction of
        # something, a score, and the idioms 24/7 and 50/50.
        "Banjir melanda kampung sukamaju 12/6 dan 13/6.",
        "gang mawar 12/6, 13/6 banjir",
        "Di kampung baru 2/3 wilayahnya terendam.",
        "voli kampung baru 3-0 kampung lama",
        "kampung lama 24/7 dijaga ronda",
        "kampung sukamaju 50/50",
        # After "jalan" in small letters a slash is still a day and month.
        "jalan merdeka 12/6 kemarin banjir",
    ]
