"""House numbers in a citizen's message, which are below the RT: masked, the street kept.

Part of `privacy.public_text`, which runs this last, once NIKs, phone numbers and dates are
masked (so what is left are short numbers). Only the number goes: the street, the estate,
"No." and "Blok" stay, so a complaint about a road still says which. What a number after a
street counts (kilometres, money, times, things, areas) or what else it is (a clock time, a
day and month, a list's next number) stays; see docs/decisions.md, "Feedback masking"
(second to tenth pass), for each case and why. Privacy wins a tie.
"""

from __future__ import annotations

import re

from satudata.feedback.text_parts import COUNTED as _COUNTED
from satudata.feedback.text_parts import DASHES as _DASHES
from satudata.feedback.text_parts import MONTHS as _MONTHS

# The house number of an address (RT, RW and hamlet stay: a whole neighbourhood shares them).
# It is the number after "No.", "Nomor" (or "nomer", as it is often spoken and written) or
# "Kav." ("Jl. Hasibuan No. 84", "No.12A", "nomor rumah 3/2", "RT 004 nomer 84"), the block
# and house in a housing estate ("Blok C/12", "blok A-3", "Perumahan Griya Indah C-12"), and
# a number right after a street's name ("Jl. Hasibuan 84", "Gg. Mawar 12B", "Jl. Hasibuan,
# 84", "Jl. Hasibuan #84", "Jl.Hasibuan.84"). Only the number is masked: the street, the
# estate, "No." and "Blok" stay, so a complaint about a road still says which.
_HOUSE = r"\d{1,4}(?:[A-Za-z](?![^\W\d_]))?"
# Not a part of a longer number, date or clock time ("No. 6/2014", "No. 12/3/2024", "Jl.
# Merdeka 07:30"). Any dash joins the two parts: word processors and phones turn "12-6" into
# "12–6" (en dash), and "−" and "—" are typed too; with "-" alone the rest of "12–6" showed.
_HOUSE_NUMBER = rf"{_HOUSE}(?:\s?[/\-{_DASHES}]\s?{_HOUSE})?(?!\s?[/\-{_DASHES}.:]\s?\d)(?!\d)"
# After a street in small letters a house is a number alone: "jalan merdeka 12/6" is a day and
# month, "3-4 km" and "1/2 km" a range and a fraction.
_PLAIN_HOUSE_NUMBER = rf"{_HOUSE}(?!\s?[/\-{_DASHES}.:]\s?\d)(?!\d)"
_NUMBER_SIGN = re.compile(
    rf"(?<![^\W\d_])(?P<sign>(?:no|n0|nomor|nomer|nmr|kav|kavling)\s{{0,2}}[.:]{{0,2}}\s{{0,2}}"
    rf"(?:rumah\s{{0,2}}[.:]?\s{{0,2}})?)"
    rf"(?P<number>{_HOUSE_NUMBER})",
    re.IGNORECASE,
)
# "No." also numbers laws, letters, schools, queues and counters, which are no one's address.
_NOT_A_HOUSE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:surat|sk|keputusan|kep|peraturan|perda|perbup|perwali|pergub|perdes|"
    r"perkades|permen\w*|kepmen\w*|uu|undang-undang|pp|perpres|inpres|keppres|instruksi|"
    r"edaran|se|pasal|ayat|lampiran|halaman|hlm|hal|bab|antrean|antrian|urut|urutan|loket|"
    r"tiket|registrasi|register|pendaftaran|pengaduan|laporan|tahap|soal|peserta|sekolah|"
    r"dasar|sd|sdn|smp|smpn|sma|sman|smk|smkn|mi|min|mts|mtsn|tk|paud|negeri|tps|kelas|"
    r"ruang|gelombang|sesi|putaran|juara|peringkat|ranking)\W{0,3}$",
    re.IGNORECASE,
)
_NOT_A_HOUSE_AFTER = re.compile(r"\s{0,3},?\s{0,3}(?:tahun|thn|th)(?![^\W\d_])", re.IGNORECASE)
_BLOCK = re.compile(
    rf"(?<![^\W\d_])(?P<sign>(?i:blok)(?![^\W\d_])\.?\s{{0,2}})"
    rf"(?P<number>(?:[A-Za-z]{{1,2}}\s?[/\-{_DASHES}.]?\s?)?{_HOUSE_NUMBER})"
)
# A street's name: words that are not an address's other parts or a sentence's small words.
# After "Jl.", "Gg.", "Lr." or "Kp." (kampung) the name may be in small letters ("jl hasibuan
# 84"). "Ujung" is part of many names ("Jl. Mawar Ujung 12"); "Simpang 4" is a crossing.
# "Dusun" is the hamlet, which stays as the RT does ("Jl. Mawar Dusun 2").
_NOT_A_NAME = (
    r"(?i:rt|rw|km|kilometer|no|nomor|nomer|nmr|kav|kavling|blok|tahap|tipe|type|fase|dan|di|"
    r"ke|dari|yang|ada|arah|sampai|hingga|sepanjang|menuju|depan|dekat|samping|belakang|"
    r"simpang|sejak|sekitar|sejauh|sebanyak|lebih|kurang|pukul|jam|tahun|sudah|belum|tidak|"
    r"rusak|ini|itu|dusun|dsn|rp|idr)"
    r"(?![^\W\d_])"
)
# A word may be joined to up to eight more by a dot, an apostrophe or a dash ("M.H.Thamrin",
# "Ma'ruf", "Kebon-Jeruk", "K.H.M.Z.A.Dahlan"). Bounded: unbounded, "jl.jl.jl.…" was tried
# from every "jl" to the end, and 4,000 characters of it took half a second (20,000: 13 s).
_NAME_REST = r"(?:[.'’\-][^\W\d_]+){0,8}"
_ANY_WORD = rf"(?!{_NOT_A_NAME})[^\W\d_]+{_NAME_REST}"
_CAPITALIZED_WORD = rf"(?!{_NOT_A_NAME})[A-Z][^\W\d_]*{_NAME_REST}"
# "jalan", "gang" and "lorong" are ordinary words too, so a name after them in small letters
# ("rumah saya di jalan merdeka 12") has none of the words that complaints put after "jalan":
# what the road is like or what is done to it ("jalan berlubang 2", "jalan ditutup 2"), small
# words, pronouns and times ("jalan kami", "jalan lagi", "jalan malam 2"), or a word ending in
# "-nya" ("jalan lebarnya 3").
_SENTENCE_WORD = (
    r"(?i:"
    r"berlubang|lubang|bolong|licin|becek|berdebu|berbatu|bergelombang|gelombang|retak|"
    r"amblas|ambles|ambruk|longsor|banjir|tergenang|terendam|putus|terputus|terbelah|hancur|"
    r"tertutup|terhalang|tertimpa|terblokir|terisolasi|lintas|menghubungkan|melewati|"
    r"parah|berat|ringan|sempit|pendek|gelap|mati|padam|macet|padat|ramai|sepi|kotor|mulus|"
    r"jelek|buruk|curam|terjal|menanjak|nanjak|menurun|tanjakan|turunan|berkelok|bercabang|"
    r"rawan|bahaya|berbahaya|ditutup|dibuka|diperbaiki|dibangun|diaspal|dicor|dibuat|"
    r"dilewati|dilalui|digali|kelas|paket|segmen|ruas|jalur|lajur|bagian|sisi|lokasi|titik|"
    r"antar|antara|sebelah|seberang|pinggir|tepi|sd|sdn|smp|sma|smk|tk|paud|"
    r"sini|situ|sana|tersebut|tsb|yg|dgn|dg|tdk|atau|serta|dengan|untuk|bagi|buat|pada|"
    r"oleh|karena|akibat|sama|bareng|bersama|sendiri|juga|pun|lagi|terus|masih|hanya|cuma|"
    r"sekali|sangat|agak|cukup|hampir|kira|total|selama|sesudah|setelah|sebelum|saat|"
    r"waktu|ketika|tiap|setiap|semua|seluruh|banyak|beberapa|kami|kita|saya|aku|kamu|anda|"
    r"dia|ia|mereka|warga|pagi|siang|sore|malam|hari|minggu|bulan|tanggal|tgl|senin|"
    r"selasa|rabu|kamis|jumat|sabtu|pertama|kedua|ketiga|keempat|kelima|terakhir|"
    r"[^\W\d_]+nya)"
    r"(?![^\W\d_])"
)
# Which road it is ("jalan desa 2", "jalan tani 2", "jalan kaki 2", "jalan baru 2") names a
# street only with a name of its own after it ("jalan kebun jeruk 12", "jalan desa sukamaju
# 12"); after a name it is part of it ("jalan pasar baru 12").
_ROAD_WORD = (
    r"(?i:desa|antardesa|kampung|gang|lorong|komplek|pemukiman|permukiman|perumahan|"
    r"kabupaten|provinsi|nasional|negara|umum|lingkungan|poros|setapak|tani|usaha|produksi|"
    r"kebun|sawah|alternatif|pintas|tembus|lingkar|penghubung|akses|masuk|keluar|tol|aspal|"
    r"beton|tanah|batu|kerikil|cor|paving|rabat|kaki|baru|lama|utama|besar|kecil|panjang|"
    r"lebar|tengah|atas|bawah|lurus|buntu|terang|bersih|bagus|baik|aman|penuh|kosong|raya|"
    r"tikus|inspeksi|kelok|trans|hauling|logging|sirtu|semenisasi)"
    r"(?![^\W\d_])"
)
_SMALL_WORD = rf"(?!{_SENTENCE_WORD}){_ANY_WORD}"
_OWN_NAME_WORD = rf"(?!{_ROAD_WORD}){_SMALL_WORD}"
# Between the name and the number: spaces, a comma or "#" ("Jl. Hasibuan, 84", "Jl. Hasibuan
# #84"), or a dot alone ("Jl.Hasibuan.84"). A comma may also end a list of streets ("Jl.
# Hasibuan, 3 titik"): what a number counts is kept as below, any other number is hidden. A
# name in small letters after "jalan" is not ended by a full stop ("… di jalan merdeka. 2)").
_AFTER_SMALL_NAME = rf"(?:\s{{0,3}}(?:,\s{{0,3}}#?|#|[:(\-{_DASHES}])\s{{0,3}}|\s{{1,3}})"
_BEFORE_HOUSE = rf"(?:\.?{_AFTER_SMALL_NAME}|\.)"
# A street numbered in Roman numerals has the house after a slash: "Jl. Mawar II/12".
_ROMAN_STREET = r"\s{1,3}(?i:[IVX]{1,4})\s?/\s?"
# Up to six words: "Jl. Haji Agus Salim Gang Dua 12".
_STREET_NAME = rf"{_ANY_WORD}(?:\.?\s{{1,3}}{_ANY_WORD}){{0,5}}(?:{_BEFORE_HOUSE}|{_ROMAN_STREET})"
_CAPITALIZED_NAME = (
    rf"{_CAPITALIZED_WORD}(?:\.?\s{{1,3}}{_CAPITALIZED_WORD}){{0,5}}"
    rf"(?:{_BEFORE_HOUSE}|{_ROMAN_STREET})"
)
# A name in small letters: a word of its own, perhaps after a kind of road, and up to three
# words more; up to six titles before it may be abbreviated with a dot ("jalan h. agus salim
# 12", "jalan k.h. dewantara 3", "jalan kol. inf. h. m. yamin 12": a rank, its corps, a
# pilgrim's title and an initial): a word of up to three letters or a rank or title that is
# longer ("jalan jend. sudirman 12", "jalan prof. m. yamin 12").
_LONG_TITLE = (
    r"(?i:jend|jendral|jenderal|brigjend|prof|brigjen|letjen|mayjen|kolonel|kapt|kapten|letkol|"
    r"mayor|letnan|lettu|letda|serma|serka|sertu|sersan|kopral|kopka|pratu|pelda|peltu|laksda|"
    r"laksma|laksdya|marsda|marsma|marsdya|laksamana|marsekal|bripka|bripda|briptu|brigpol|"
    r"aiptu|ipda|iptu|kompol|akbp|kombes|komjen|irjen|sultan|pangeran|raden|tengku|teuku|"
    r"gusti|datuk|habib|ustadz|ustad|ustaz|syekh|syeikh|kyai|kiai|haji|tuanku|drs|dra|ners|hj|"
    r"letjend|mayjend|laks|brig|pocut|patih|demang|tumenggung|ratu)"
)
_TITLE = rf"(?>(?:(?:{_LONG_TITLE}|[^\W\d_]{{1,3}})\.\s{{0,3}}){{0,6}})"
# The house may follow the name glued to it ("gang mawar12", "gang mawar2"). A lone 2 also
# doubles a word ("jalan pelan2", "jalan rame2"): glued to a word that is doubled so, or to a
# word of a sentence or a kind of road ("jalan sempit2", "gang kecil2"), it stays
# (_mask_street_number); with two letters or more after it ("mawar2an", "anak2nya",
# "pelan2lah") it is a doubled word with a suffix, no house. With one letter it is a house
# ("gang mawar2a", "gang mawar2A"), whatever the word: privacy wins.
_GLUED = r"(?=\d)(?!2[^\W\d_]{2})"
# Words written doubled with a 2 after "jalan" (walk) and the like: how, with whom, where.
_DOUBLED_WORD = re.compile(
    r"(?i:pelan|perlahan|rame|cepat|lambat|santai|hati|baik|jauh|dekat|lama|muter|mutar|putar|"
    r"keliling|lihat|liat|kadang|mula|tiba|benar|bener|betul|sungguh|masing|kemana|mana|gede|"
    r"jalan|asal|beda|cari|main|pulang|balik|bolak|naik|turun|buru|gegas|kencang|kenceng|"
    r"lancar|dulu|jangan|sering|jarang|pagi|ramai|bareng|sama|berdua|bertiga|rombongan|"
    r"iseng|sekedar|sekadar|santuy|selow|pelan|hemat|irit|kuat|capek|cape|lemas|sehat|"
    # Plural nouns written so ("anak2", "pohon2", "lampu2 mati").
    r"anak|pohon|lampu|mobil|truk|lobang|ibu|bapak|motor|orang|kendaraan|jembatan|tiang|kabel|"
    r"sampah|got|rumput|semak|genangan|kubangan|air|pasir|hujan|pecah|kiri|kanan|ujung|tua|"
    r"rumah|batu|kayu|daun|warga|sapi|kambing)"
)
_SMALL_NAME = (
    rf"{_TITLE}(?:{_SMALL_WORD}\s{{1,3}})?{_OWN_NAME_WORD}(?:\s{{1,3}}{_SMALL_WORD}){{0,3}}"
    rf"(?:{_AFTER_SMALL_NAME}|{_ROMAN_STREET}|{_GLUED})"
)
# "kampung" spelled out names a village or a quarter as "Kp." does ("kampung baru 12",
# "Kampung Baru 12"), so a kind of road may be its name ("baru", "tengah", "sawah"); but it
# is also an ordinary word ("kampung kami 3 kali banjir", "kampung ini 2 rumah"): no word of
# a sentence in the name. Its house may have a slash or dash in small letters too ("kampung
# baru 12/6" as "Kp. Baru 12/6"): unlike "jalan", no one writes "kampung" before a date.
_KAMPUNG_NAME = (
    rf"{_TITLE}{_SMALL_WORD}(?:\s{{1,3}}{_SMALL_WORD}){{0,3}}"
    rf"(?:{_AFTER_SMALL_NAME}|{_ROMAN_STREET}|{_GLUED})"
)
_RANGE = rf"\s{{0,2}}(?:[/\-{_DASHES}~]|(?i:s/d|s\.d\.?|sd|sampai|hingga|ke))\s{{0,2}}"
# After a number right after a street's name, "RT", "desa" and the like count areas when a
# listed verb follows on the same line ("2 RT terendam", "3 desa terisolasi"), or, after a
# number of one digit, a comma or semicolon with such a verb later in its clause ("jalan
# merdeka 3 desa, semua terendam"; not "Jl. Mawar 12 RT, mohon dibantu"). Any other word or
# a number goes on with the address ("Jl. Mawar 12 desa Sukamaju", "Jl. Mawar 12 RT 3", "jalan
# mawar 12 desa sukamaju"). So does what ends a sentence or an aside: a full stop, "!", "?",
# ")" or the end of the text: "Jl. Mawar 12 RT!" ends an address as often as a count, and
# privacy wins the tie ("jalan merdeka 3 desa." and "3 desa!" are hidden too). Two digits
# or more before a comma are a house too ("Jl. Mawar 12 RT, desa terendam"), as is any
# number when the clause after the comma starts with another area word ("Jl. Mawar 5 RT,
# desa terendam": the address going on, its verb said of the village).
_AREA = r"(?i:rt|rw|desa|dusun|dsn|kampung|kelurahan|kecamatan|gang|gg|lorong|blok|kompleks)"
# Such a word is in small letters and listed: a verb said of areas. Not every word with a
# verb's prefix: villages are named so ("desa bereng", "desa terusan", "desa mengkatip", "desa
# kelampangan"). Nor a word of a sentence or a small word: after a number right after a
# street's name they go on with the address ("jalan mawar 12 desa simpang empat", "Jl. Mawar
# 12 desa ini sering banjir", "jalan mawar 12 rt kami banjir").
_AREA_VERB = (
    r"(?i:terendam|tergenang|terdampak|terkena|terisolasi|terisolir|terputus|terhubung|"
    r"terbakar|terancam|terganggu|terlewati|terlalui|terlanda|terhambat|tertimpa|terserang|"
    r"terletak|tersebar|termasuk|"
    r"kebanjiran|kekeringan|kebakaran|kegelapan|kemalingan|kesulitan|kena|kebagian|dilanda|"
    r"dilalui|dilewati|dihubungkan|dilintasi|dialiri|diterjang|direndam|digenangi|dihuni|"
    r"dikepung|diguyur|dihantam|disapu|dilaporkan|ditetapkan|diusulkan|mendapat|mendapatkan|"
    r"menerima|berdampak|berbatasan|bertetangga|berada|bersebelahan|bergabung|mengalami|"
    r"merasakan|menggunakan|memakai|memanfaatkan|menikmati|mengeluh|mengeluhkan|melapor|"
    r"melaporkan|kekurangan|kehilangan|kesusahan|terkendala|terjebak|terkepung|terbengkalai|"
    r"terpaksa|terpapar|dibiarkan|diabaikan|dirugikan|mengungsi|membutuhkan|memerlukan|"
    r"bergantung|berharap)(?![^\W\d_])"
)
# Words that say which areas but may name one too ("desa lain", "desa tetangga", "desa
# kering", "desa rawan"): a count only after a number of one digit ("jalan merdeka 3 desa
# lain"); after a longer one the address goes on ("jalan mawar 12 desa kering").
_AREA_WHICH = (
    r"(?i:lain|tetangga|sekaligus|sekecamatan|sekelurahan|sedesa|banjir|longsor|gelap|padam|"
    r"kering|rawan|terdekat|terjauh|terpencil|tertinggal|terluar|terparah)(?![^\W\d_])"
)
_AREA_COUNT = (
    rf"\d+\s{{1,2}}{_AREA}(?![^\W\d_])[^\S\n]{{1,3}}(?=[a-z]){_AREA_VERB}"
    # A comma or semicolon only with such a verb before the next one ("3 desa, semua
    # terendam"): otherwise the address goes on ("Jl. Mawar 12 RT, mohon dibantu").
    rf"|\d(?!\d)\s{{1,2}}{_AREA}(?![^\W\d_])\s{{0,3}}[,;]"
    rf"(?!\s{{0,3}}{_AREA}(?![^\W\d_]))(?=[^.,;!?\n]{{0,60}}?(?<![^\W\d_]){_AREA_VERB})"
    rf"|\d(?!\d)\s{{1,2}}{_AREA}[^\S\n]{{1,3}}(?=[a-z]){_AREA_WHICH}"
)
# A year directly after a street's name is its house ("Jl. Mawar 2019"), but not a list or
# range of years ("Jl. Mawar 2019, 2020 dan 2021 banjir", "Jl. Mawar 2019-2020").
_YEARS = (
    rf"(?:19|20)\d\d\s{{0,2}}(?:[,/&~\-{_DASHES}]|(?i:dan|s/d|sampai|hingga|ke))"
    rf"\s{{0,2}}(?:19|20)\d\d(?!\d)"
)
_NOT_A_HOUSE_UNIT = (
    rf"(?:{_YEARS}"
    rf"|\d+(?:[.,]\d+)?(?:{_RANGE}\d+(?:[.,]\d+)?)?-?(?:an)?\s{{0,2}}(?:{_COUNTED})"
    r"|\d+-?an(?![^\W\d_])"
    rf"|{_AREA_COUNT}"
    # A day and month without a year ("Jl. Hasibuan, 12 Desember banjir").
    rf"|\d{{1,2}}\s{{1,2}}(?i:{_MONTHS})(?![^\W\d_]))"
)
_STREET_NUMBER = re.compile(
    rf"(?<![^\W\d_])(?P<sign>(?i:jl|jln|gg|lr|lrg|kp|kmp)(?:[.:\-]\s{{0,3}}|\s{{1,3}})"
    rf"(?:{_STREET_NAME}|{_ANY_WORD}{_GLUED})"
    rf"|(?i:jalan|jlan)\s{{1,3}}(?:{_CAPITALIZED_NAME}|{_SMALL_NAME}(?P<small>))"
    # After "gang" and "lorong" in small letters a house with a slash or dash is hidden, as
    # after "kampung" ("gang mawar 12/6", "gang beringin 21-4"): with a name after them they
    # are seldom the ordinary word before a date that "jalan" is ("jalan merdeka 12/6").
    rf"|(?i:gang|lorong)\s{{1,3}}(?:{_CAPITALIZED_NAME}|{_SMALL_NAME})"
    rf"|(?i:kampung|kampong)\s{{1,3}}(?:{_CAPITALIZED_NAME}|{_KAMPUNG_NAME}))"
    rf"(?!{_NOT_A_HOUSE_UNIT})"
    rf"(?P<number>(?(small){_PLAIN_HOUSE_NUMBER}|{_HOUSE_NUMBER}))"
)
# A housing estate's block and house without the word "Blok": "Perumahan Griya Indah C-12",
# "Perum Griya Indah C 12", "Komp. Mawar 7". As after "jalan", "perumahan" and "komplek" are
# ordinary words ("perumahan warga 3 rumah rusak"), so after them the name is in capitals.
# The shortest name is taken first, so the block's letter goes with its number ("Indah C 12"
# hides "C 12", not only "12").
_ESTATE_NUMBER = re.compile(
    rf"(?<![^\W\d_])(?P<sign>(?i:perum|komp|kompl|btn)(?:\.\s{{0,3}}|\s{{1,3}})"
    rf"{_ANY_WORD}(?:\.?\s{{1,3}}{_ANY_WORD}){{0,3}}?{_BEFORE_HOUSE}"
    rf"|(?i:perumahan|komplek|kompleks)\s{{1,3}}"
    rf"{_CAPITALIZED_WORD}(?:\.?\s{{1,3}}{_CAPITALIZED_WORD}){{0,3}}?{_BEFORE_HOUSE})"
    rf"(?!{_NOT_A_HOUSE_UNIT})"
    rf"(?P<number>(?:[A-Za-z]{{1,2}}\s?[/\-{_DASHES}.]?\s?)?{_HOUSE_NUMBER})"
)

# "rumah" and a number after an RT or a street, ending the address: "RT 3 rumah 12", "jl.
# mawar, rumah 12". Followed by a word, it counts houses ("RT 3 rumah 12 terendam").
_HOUSE_AFTER_ADDRESS = re.compile(
    rf"(?<![^\W\d_])(?P<sign>(?:(?i:rt|rw)\s{{0,2}}[.:]?\s{{0,2}}\d{{1,3}}"
    rf"|(?i:jl|jln|gg|jalan|gang|lorong)(?:\.\s{{0,3}}|\s{{1,3}}){_ANY_WORD}"
    rf"(?:\s{{1,3}}{_ANY_WORD}){{0,3}})"
    rf"\s{{0,3}},?\s{{0,3}}(?i:rumah)\s{{1,3}})"
    rf"(?P<number>{_PLAIN_HOUSE_NUMBER})"
    rf"(?=\s{{0,3}}(?:[.,;:!?)]|$|{_AREA}(?![^\W\d_])))"
)


def _mask_house_number(match: re.Match, hidden: str) -> str:
    # Forty characters are more than any of the words before "No." is long.
    before = match.string[max(0, match.start() - 40) : match.start()]
    after = match.string[match.end() :]
    if _NOT_A_HOUSE_BEFORE.search(before) or _NOT_A_HOUSE_AFTER.match(after):
        return match.group()
    return match.group("sign") + hidden


# The next item of a list: a full stop or bracket, then another street.
_LIST_STREET = r"(?i:jalan|jlan|jl|jln|gang|gg|lorong|lr|lrg|kp|kmp|kampung)(?![^\W\d_])"
_NEXT_LIST_ITEM = re.compile(rf"\s{{0,2}}(?P<marker>[.)])\s{{1,3}}{_LIST_STREET}")


def _is_numbered_list(text: str, street_start: int, number: int, marker: str) -> bool:
    """Whether the street starting at street_start is item number (the house-like number after
    it being the next item's), in a list counted from 1 with the same marker: "1. Jl. Merdeka
    2. Jl. Sudirman", "1) jalan merdeka 2) gang mawar 3) jalan sudirman". Each earlier item is
    its number and marker, a street and no digit."""
    marker = re.escape(marker)
    # The item's own number directly before its street.
    # Only the characters such a number takes are read: the list is read item by item, not
    # the whole text before each street.
    before = text[max(0, street_start - 12) : street_start]
    own = re.search(rf"(?<![\w.]){number - 1}\s{{0,2}}{marker}\s{{1,3}}$", before)
    if not own:
        return False
    start = street_start - (len(before) - own.start())
    for earlier in range(number - 2, 0, -1):
        before = text[max(0, start - 120) : start]
        item = re.search(
            rf"(?<![\w.]){earlier}\s{{0,2}}{marker}\s{{1,3}}{_LIST_STREET}[^\d\n]{{0,100}}$", before
        )
        if not item:
            return False
        start -= len(before) - item.start()
    return True


# Words about when and with what money a road was made: a year after them is a year ("Jl.
# Mawar mulai 2020", "Jl. Mawar APBD 2023", "Jl. Mawar dana desa 2022", "Kampung KB 2023").
# Months by their full names only: "Agus" (Agustus) names many streets ("jalan h. agus
# salim"); and no "dr" (dari), which is a title ("jalan dr. sutomo 2019").
_YEAR_WORD = re.compile(
    r"(?i:januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    r"november|nopember|desember|mulai|semenjak|sebelum|setelah|awal|akhir|pada|pd|per|"
    r"thn|th|taun|tahun|apbd|apbn|apbdes|dana|dd|add|ta|pnpm|program|proyek|kb)"
)
# Plans, money, works and seasons ("Jl. Mawar Indah anggaran 2024", "Gg. Ahmad Yani target
# selesai 2020", "… musim hujan 2023", "… janji kampanye 2019", "… tender ulang 2019"): after
# the name's first word only, since a few of them name streets too ("Jl. Masa Bakti 2019"),
# and in small letters only: capitalised, it is part of the name ("Jl. Raya Pembangunan 2010",
# QA of the tenth pass).
_PLAN_WORD = re.compile(
    r"(?i:anggaran|target|rencana|renc|musim|masa|tender|lelang|kontrak|realisasi|janji|"
    r"kampanye|kemarau|pandemi|covid|perbaikan|pembangunan|pengaspalan|pengecoran|"
    r"pelebaran|rehab|ulang|selesai|usulan|musrenbang|pagu|periode|pemilu|pilkada|pilkades|"
    r"lebaran|tuntas|rampung|dikerjakan)"
)
# A verb in small letters ("Jl. Mawar diaspal 2019", "Gg. Mawar diperbaiki 2022"), but not
# the street names that look like one ("jalan merdeka 2019", "jalan pangeran diponegoro 2019").
_VERB = re.compile(r"(?:di|ber|ter|me)[a-z]{3,}")
_NAMES_LIKE_VERBS = re.compile(
    r"diponegoro|dipati|teratai|terate|ternate|terusan|beringin|berdikari|merdeka|melati|"
    r"mekar|mentari|menteng|merapi|meranti|merak|merpati|melur|medan|merbabu|meruya"
)
# What a road's works or programme is called before it: "pengaspalan Jl. Mawar 2023",
# "Program Kampung KB 2023".
_WORKS_BEFORE = re.compile(
    r"(?<![^\W\d_])(?i:pengaspalan|perbaikan|pembangunan|pengecoran|peningkatan|pelebaran|"
    r"rehab|rehabilitasi|proyek|program|lomba|paket|kegiatan)\s{1,3}$"
)


def _is_a_year(match: re.Match, name_words: list[str]) -> bool:
    """Whether a 19xx/20xx number after a street's name is a year, not its house: it is a
    house directly after a name none of whose words is a word of a sentence, a verb, a month
    or a word about when or with what money ("Jl. Mawar 2019", "jalan mawar 2019", "Jalan
    Pangeran Diponegoro Raya Baru 1998": a name of any length, since such words, not the
    length, tell a sentence from a name); a year in brackets ("Jl. Mawar (2022) diaspal") or
    after a road's works named before the street ("pengaspalan Jl. Mawar 2023") is a year."""
    if match.group("sign").rstrip().endswith("("):
        return True
    before = match.string[max(0, match.start() - 20) : match.start()]
    if _WORKS_BEFORE.search(before):
        return True
    return any(
        re.fullmatch(_SENTENCE_WORD, word)
        or _YEAR_WORD.fullmatch(word)
        or (position and _PLAN_WORD.fullmatch(word) and not word[:1].isupper())
        or (position and _VERB.fullmatch(word) and not _NAMES_LIKE_VERBS.fullmatch(word))
        for position, word in enumerate(name_words)
    )


_KAMPUNG_WORDS = {"kampung", "kampong", "kp", "kmp"}
# Things that also name streets ("Gang Kayu", "Jl. Kayu Tangi", "Jl. Batu Ampar", "Jl. Pasir
# Panjang", "Jl. Air Hitam"). With a 2 glued to them they are plural only when something is
# said of them after it ("jalan kayu2 berserakan", "jalan batu2 lepas"); alone, at the end or
# with the address going on ("gang kayu2", "gang kayu2 rt 3", "gang kayu2, rumah banjir") the
# 2 is a house, as after "mawar".
_NAMING_THING = re.compile(r"(?i:kayu|batu|pasir|air|daun|jembatan|ujung)")
_SAID_OF_IT = re.compile(
    rf"[^\S\n]{{1,3}}(?!{_AREA}(?![^\W\d_])|(?i:no|nomor|nomer|nmr|rumah)(?![^\W\d_]))[a-z]"
)


# "kampung", "gang" and "lorong" in small letters are ordinary words too; a slash or dash
# house after their name (ninth and tenth pass) then has a few readings that are no house,
# each told by a cheap, clear sign: a score or a part of nothing ("3-0", "0/5": no house is
# numbered 0), the idioms "24/7" and "50/50", a list of dates ("12/6 dan 13/6", "12/6, 13/6")
# and a fraction of something ("2/3 wilayahnya", "1/2 dari warga").
_ORDINARY_PLACE_WORDS = {"kampung", "kampong", "gang", "lorong"}
_TWO_PARTS = re.compile(rf"(?P<a>\d{{1,4}})\s?[/\-{_DASHES}]\s?(?P<b>\d{{1,4}})")
_IDIOMS = {(24, 7), (50, 50)}
_NEXT_DATE = re.compile(
    rf"\s{{0,2}}(?:[,&\-{_DASHES}]|(?i:dan|s/d|sampai|hingga)(?![^\W\d_]))\s{{0,3}}"
    r"(?:0?[1-9]|[12]\d|3[01])\s?/\s?(?:0?[1-9]|1[0-2])(?![\d/])"
)
_PART_OF = re.compile(r"\s{1,3}(?:[^\W\d_]+nya|(?i:dari|bagian))(?![^\W\d_])")


def _is_no_house(match: re.Match, words: list[str]) -> bool:
    """Whether a slash or dash number after "kampung", "gang" or "lorong" and a name in small
    letters is a score, an idiom, a date in a list of dates or a fraction of something."""
    if len(words) < 2 or words[0].lower() not in _ORDINARY_PLACE_WORDS or words[1][0].isupper():
        return False
    parts = _TWO_PARTS.fullmatch(match.group("number"))
    if not parts:
        return False
    a, b = int(parts["a"]), int(parts["b"])
    after = match.end()
    return (
        a == 0
        or b == 0
        or (a, b) in _IDIOMS
        or (a <= 31 and 1 <= b <= 12 and bool(_NEXT_DATE.match(match.string, after)))
        or (a < b <= 10 and bool(_PART_OF.match(match.string, after)))
    )


def _mask_street_number(match: re.Match, hidden: str) -> str:
    sign, number = match.group("sign"), match.group("number")
    words = re.findall(r"[^\W\d_]+", sign)
    if _is_no_house(match, words):
        return match.group()
    # A year after a Roman-numeral street is a month and year ("Jl. Mawar XII/2024"), and
    # after a kind of road alone a road's programme ("Jalan Usaha Tani 2023"). After a
    # kampung such a word is its name ("kampung baru 2019", "Kp. Baru 2019").
    road_only = words[0].lower() not in _KAMPUNG_WORDS and all(
        re.fullmatch(_ROAD_WORD, word) for word in words[1:]
    )
    if re.fullmatch(r"(?:19|20)\d\d", number) and (
        sign.rstrip().endswith("/") or road_only or _is_a_year(match, words[1:])
    ):
        return match.group()
    # A lone 2 glued to a word doubles it ("jalan pelan2", "jl sempit2").
    if number == "2" and sign[-1:].isalpha():
        last = words[-1]
        a_street_named_so = _NAMING_THING.fullmatch(last) and not _SAID_OF_IT.match(
            match.string, match.end()
        )
        if not a_street_named_so and any(
            re.fullmatch(word, last)
            for word in (_DOUBLED_WORD.pattern, _SENTENCE_WORD, _ROAD_WORD, _NOT_A_NAME)
        ):
            return match.group()
    # A list's next number, another street following it, in a list counted from 1 with the
    # same marker before each street ("1. Jl. Merdeka 2. Jl. Sudirman"). Anything less may be
    # a house ending a sentence ("Alamat Jl. Mawar 5. Jalan di depan rumah berlubang", "Jl.
    # Merdeka - 12. Jalan depan rumah banjir", "11. Jl. Merdeka 12. Jl. Sudirman").
    next_item = _NEXT_LIST_ITEM.match(match.string, match.end())
    if (
        number.isdigit()
        and len(number) <= 2
        and next_item
        and int(number) > 1
        and _is_numbered_list(match.string, match.start(), int(number), next_item["marker"])
    ):
        return match.group()
    return sign + hidden


def mask_house_numbers(text: str, hidden: str) -> str:
    text = _NUMBER_SIGN.sub(lambda match: _mask_house_number(match, hidden), text)
    text = _BLOCK.sub(lambda match: match.group("sign") + hidden, text)
    text = _ESTATE_NUMBER.sub(lambda match: match.group("sign") + hidden, text)
    text = _HOUSE_AFTER_ADDRESS.sub(lambda match: match.group("sign") + hidden, text)
    return _STREET_NUMBER.sub(lambda match: _mask_street_number(match, hidden), text)
