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
    ]

    KEPT_AS_IS = [
        "pukul 08:00-16:00",
        "jam 07:30; 08:00; 09:30; 10:00",
        "skor 2:1, 3+4=7",
        "ayat 3:16",
        "100+200+300+400+500 sak",
        "luas 20 m\u00b2 dan 3 m\u00b3",
        "harga 250:500:750",
    ]
