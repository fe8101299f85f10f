"""An e-mail address spelled out in Indonesian: "di" for "@" before a mail host's name and
"titik" for its dots. "di" elsewhere is the language's commonest preposition and stays."""

from satudata.feedback.tests.public_pages import PublicTextExamples

H = "[disembunyikan]"


class TestTheEleventhPass(PublicTextExamples):
    MASKED = [
        ("email hasan di gmail titik com ya", f"email {H} ya"),
        ("Hubungi budi.santoso di yahoo titik co titik id", f"Hubungi {H}"),
        ("kirim ke hasan.s di yahoo.co.id", f"kirim ke {H}"),
        ("alamat surel: siti_rahma di Gmail dot com.", f"alamat surel: {H}."),
    ]
    KEPT_AS_IS = [
        "rapat di balai titik kumpul",
        "saya di gmail",
        "lapor di live streaming titik com",
        "tinggal di outlook desa",
        "warga di gmail titik lokasi banjir",
    ]
