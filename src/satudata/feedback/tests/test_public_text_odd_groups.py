"""NIKs and KK numbers grouped with what the long-number rule leaves out on purpose, in
superscript digits, and e-mail addresses with a full-width "@" (QA of the public surface,
ninth session: all were shown on the village page and the tracking API)."""

from satudata.feedback.tests.public_pages import PublicTextExamples

H = "[disembunyikan]"


class TestOddlyGroupedNumbers(PublicTextExamples):
    MASKED = [
        ("NIK saya 6201;0226;0773;0001", f"NIK saya {H}"),
        ("KK 6201:0226:0773:0002 belum dapat", f"KK {H} belum dapat"),
        ("NIK 6201+0226+0773+0001", f"NIK {H}"),
        ("NIK 6201*0226*0773*0001", f"NIK {H}"),
        ("NIK 6201=0226=0773=0001", f"NIK {H}"),
        ("NIK 6201'0226'0773'0001", f"NIK {H}"),
        ("NIK 6201#0226#0773#0001", f"NIK {H}"),
        ("NIK 620102 : 260773 : 0001", f"NIK {H}"),
        (
            "NIK \u2076\u00b2\u2070\u00b9\u2070\u00b2\u00b2\u2076\u2070\u2077\u2077\u00b3\u2070"
            "\u2070\u2070\u00b9",
            f"NIK {H}",
        ),
        ("hubungi hasan\uff20mail.com", f"hubungi {H}"),
        ("hubungi hasan\ufe6bmail.co.id segera", f"hubungi {H} segera"),
        # QA of the first rule: lists of NIKs, a NIK then a count, a NIK's own structure,
        # doubled spaces and separators, mobile numbers, "@" and "." in full width.
        (
            "NIK kami 6201;0226;0773;0001; 6201;0226;0773;0002",
            f"NIK kami {H}; {H}",
        ),
        ("NIK 6201:0226:0773:0001;6201:0226:0773:0002", f"NIK {H};{H}"),
        ("NIK 6201+0226+0773+0001 + 125 ribu", f"NIK {H} + 125 ribu"),
        ("NIK 62;01;02;260773;0001", f"NIK {H}"),
        ("NIK 62:01:02:260773:0001 mohon", f"NIK {H} mohon"),
        ("NIK 6201 0226:0773:0001", f"NIK {H}"),
        ("6201  ;  0226  ;  0773  ;  0001", H),
        ("6201;;0226;;0773;;0001", H),
        ("NIK 6201\u2070\u00b2\u00b2\u20760773\u2070\u2070\u2070\u00b9", f"NIK {H}"),
        ("WA 0812*3456*7890", f"WA {H}"),
        ("HP 0812#3456#7890 malam", f"HP {H} malam"),
        ("HP 0812345678; 3 orang", f"HP {H}; 3 orang"),
        ("email budi \uff20 gmail.com", f"email {H}"),
        ("budi\uff20gmail\uff0ecom", H),
        # A plan's word capitalised is part of the street's name (QA of the tenth pass).
        ("Jl. Raya Pembangunan 2010", f"Jl. Raya Pembangunan {H}"),
        ("Jl. Bukit Ulang 2015 banjir", f"Jl. Bukit Ulang {H} banjir"),
    ]

    KEPT_AS_IS = [
        "pukul 08:00-16:00",
        "jam 07:30; 08:00; 09:30; 10:00",
        "skor 2:1, 3+4=7",
        "ayat 3:16",
        "100+200+300+400+500 sak",
        "luas 20 m\u00b2 dan 3 m\u00b3",
        "harga 250:500:750",
        "banjir tahun 2019; 2020; 2021; 2022",
        "longsor terjadi 2010#2017#2018#2020",
        "kenaikan iuran 2010+2015+2017+2022 di RT 3",
        "2 sak @ 75.000",
        "Gg. Ahmad Yani target selesai 2020",
    ]
