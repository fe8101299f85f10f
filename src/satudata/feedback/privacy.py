"""What of a citizen's message may be shown to everyone: the text without numbers, dates or
addresses that identify someone.

An answered message is shown on its village's public page. Citizens write NIKs, KK numbers,
phone numbers, birth dates and e-mail addresses into the text itself ("hubungi Budi NIK 6201…",
"lahir 26 Juli 1973"), so these are masked before the text is shown; the handler still reads
the message as sent.

Masked: any run of six or more digits, even glued to letters ("NIK6201…") and grouped by
spaces, dots, slashes, underscores, brackets, any kind of dash, a bar, tilde, backslash,
ellipsis, middle dot or bullet, characters that show nothing (zero-width space, soft hyphen)
or a comma with a digit right after it ("0812 – 3456 – 7890", "+62 (812) 3456-7890",
"0812,3456,7890", "6112 | 0123 | 4567 | 0001"); such a number read out in digit words, alone
or with figures ("nol delapan satu dua …"); a day-month-year in figures ("26/7/73",
"17-5-90", "26.07.1973") or in words, Indonesian or English ("26 Juli 1973", "12 Jan. 2010",
"July 26, 1973", "26 bulan 7 tahun 1973", "26 Juli tahun 1973", "tgl 26 bln 7 thn 1973") or
with the month in Roman numerals ("26 VII 1973", "26/VII/1973", "12-xii-1990", "12/iv/85");
e-mail addresses, also those written to get past robots ("hasan(at)mail.com", "hasan [at]
mail [dot] com", "hasan at mail dot com"); a NIK or telephone number with letters for digits
("62O1O226O773OOO1": O for 0, I and l for 1, S for 5, B for 8); the house number of an
address, which is below the RT ("Jl. Hasibuan No. 84" shows "Jl. Hasibuan No. [hidden]",
"Blok C/12" shows "Blok [hidden]", "Gg. Mawar 12" shows "Gg. Mawar [hidden]", also "Jl.
Hasibuan, 84", "Jl. Hasibuan #84", "rumah nomer 84", "Perumahan Griya Indah C-12", "jalan
merdeka 12" in small letters, "jalan jend. sudirman 12", "Jl. Mawar II/12", "jalan mawar
II/12", "Jl. Merdeka - 12", "Jl. Merdeka (12)", "gang mawar12", "gang mawar2", "RT 3 rumah
12", "Kp. Baru 12", "kampung baru 12", "jalan kol. inf. h. m. yamin 12", a house numbered like
a year, "Jl. Mawar 2019", and one before an area word that ends the sentence or names a
village, "Jl. Mawar 12 RT.", "jalan mawar 12 desa bereng").
Kept: shorter numbers ("RT 003", "3 orang"), a year alone ("tahun 2024"), a list or range of
years ("2021, 2022", "2023/2024", "2020–2024"), a day and month without a year ("banjir 3
Januari"), an amount of money in rupiah ("Rp 1.500.000", "Rp 1,500,000"), the street, RT, RW
and hamlet of an address ("Jalan di RT 002 rusak", "Jl. Tjilik Riwut Km 5", "Jl. Pemuda Dusun
3"), what a number after a street counts ("jalan rusak 12 titik", "jalan desa 3 km", "jalan
kaki 15 menit", "jalan merdeka 50 ribu", "jalan merdeka 8 pagi", "jalan merdeka 3 ruko", "jalan
merdeka 2 RT terendam", "Jalan Usaha Tani 2023", "Jl. Mawar 2019-2020") or what else it is (a
clock time, a day and month, a range: "jalan merdeka 07:30", "jalan merdeka 12/6", "Jl. Merdeka
12/6 lalu", "jalan merdeka 3-4 km"), a word doubled with a 2 ("jalan pelan2"), a list's next
number ("jalan merdeka - 2. jalan sudirman", "1. Jl. Merdeka 2. Jl. Sudirman"), the number of a
law, letter, school or queue ("UU No. 6 Tahun 2014", "SDN No. 3", "antrean nomor 5"), "1 x 24
jam", a few digit words ("dua tiga hari") and the English "at" in a sentence ("rapat at balai
desa").
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Between the groups of a number: one to three separators with a few spaces around them, or
# spaces alone. \s covers Unicode spaces; the dashes are ‐ ‑ ‒ – — ― − ﹘ ﹣ －. Besides dots,
# slashes, underscores, brackets and dashes, a number is grouped with a bar, a tilde, a
# backslash, an ellipsis ("...", "…") or a middle dot or bullet (· • ∙ ⋅ ‧); and characters
# that show nothing (zero-width space and joiners, word joiner, BOM, soft hyphen) between its
# digits leave it whole on the page, so they count as a gap. Not ":" (a time, "08:00-16:00"),
# ";" and "," with a space (lists), nor "+", "*", "=" and "#" (sums, which have no NIK in them).
# A number ending a sentence takes a number starting the next one with it ("… 0001. 3 orang"):
# hiding too much is better than showing part of a phone number written "0812 . 3456 . 7890".
_DASHES = "\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
_GROUPING = rf"./_()\-{_DASHES}|~\\\u2026\u00b7\u2022\u2219\u22c5\u2027{_INVISIBLE}"
_GAP = rf"(?:\s{{0,4}}[{_GROUPING}]{{1,3}}\s{{0,4}}|\s{{0,4}},(?=\d)|\s{{1,4}})"
_LONG_NUMBER = re.compile(rf"\+?\d(?:{_GAP}?\d){{5,}}")
# A range of years, also with the tilde and bar that now group a number ("2020~2024").
_YEAR_RANGE = re.compile(rf"(?:19|20)\d\d\s*[/\-{_DASHES}~|]\s*(?:19|20)\d\d")
_RUPIAH_PREFIX = re.compile(r"(?:\bRp\.?|\bIDR)\s*$", re.IGNORECASE)
# With its cents as written on receipts and in letters: "Rp 1.500.000,00", "Rp 1,500,000.00".
_RUPIAH_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{2})?|\d{1,3}(?:,\d{3})+(?:\.\d{2})?")
# Office hours written the Indonesian way, with dots: "pukul 08.00-16.00". No identifying
# number is a pair of clock times.
_TIME_RANGE = re.compile(
    rf"(?:[01]?\d|2[0-3])[.:][0-5]\d\s{{0,2}}[\-{_DASHES}]\s{{0,2}}(?:[01]?\d|2[0-3])[.:][0-5]\d"
)

_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?!\d)"
_YEAR = r"'?(?:\d{4}|\d{2})(?!\d)"
# A date in figures: day and month (either order) and a two- or four-digit year.
_DATE_SEP = rf"\s{{0,2}}[./_\-{_DASHES}]\s{{0,2}}"
_NUMERIC_DATE = re.compile(rf"(?<!\d){_DAY}{_DATE_SEP}{_DAY}{_DATE_SEP}{_YEAR}")

_MONTHS = (
    # Indonesian, with the older spellings and the usual abbreviations.
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    "november|nopember|desember|agu|agt|ags|agus|agst|agust|okt|okto|nop|des|peb|pebr|febr|"
    "mrt|"
    # English and the abbreviations both languages share.
    "january|february|march|may|june|july|august|october|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_MONTH = rf"(?<![^\W\d_])(?:{_MONTHS})(?![^\W\d_])\.?"
_WORD_SEP = rf"[\s.,/_\-{_DASHES}]{{0,4}}"
_ORDINAL = r"(?:st|nd|rd|th)?"
# Forms and people write the words "bulan" and "tahun", or their abbreviations, between the
# parts ("26 bulan Juli 1973", "26 Juli tahun 1973", "26 Juli thn. 1973"); either may be left
# out. Each is a whole word, so "26 Juli tahunan" is not read as one. Only spaces stand around
# "bulan": "RT 3, bulan Juli 2024" and "sudah 3 bulan, Juli 2024" are a number and a month.
_MONTH_WORD = r"(?:\s{0,4}(?:bulan|bln|bl)(?![^\W\d_])\.?\s{0,4})"
_YEAR_WORD = rf"(?:(?:tahun|thn|th)(?![^\W\d_])\.?{_WORD_SEP})"
_WORDS_DATE = re.compile(
    rf"(?<!\d){_DAY}{_ORDINAL}(?:{_MONTH_WORD}|{_WORD_SEP}){_MONTH}{_WORD_SEP}{_YEAR_WORD}?{_YEAR}"
    rf"|{_MONTH}{_WORD_SEP}{_DAY}{_ORDINAL}{_WORD_SEP}{_YEAR}",  # July 26, 1973
    re.IGNORECASE,
)
# A date spelled out the way forms read, with the month in figures: "26 bulan 7 tahun 1973",
# "tgl 26 bln 7 thn 1973". Both words are needed: a month in figures between a day and a year
# is otherwise a count ("3 bulan 7 hari").
_FORM_DATE = re.compile(
    rf"(?<!\d){_DAY}{_MONTH_WORD}(?:0?[1-9]|1[0-2])(?!\d){_WORD_SEP}{_YEAR_WORD}{_YEAR}",
    re.IGNORECASE,
)
# The same, year first, as a form asks for it: "lahir tahun 2015 bulan Mei tanggal 17",
# "thn 1990 bln 5 tgl 17". All three words are needed, so no count reads as one.
_DAY_WORD = r"(?:tanggal|tgl)(?![^\W\d_])\.?"
_YEAR_FIRST_DATE = re.compile(
    rf"(?<![^\W\d_]){_YEAR_WORD}(?:19|20)\d\d(?!\d),?{_MONTH_WORD}"
    rf"(?:{_MONTH}|(?:0?[1-9]|1[0-2])(?!\d)),?\s{{0,4}}{_DAY_WORD}\s{{0,4}}{_DAY}",
    re.IGNORECASE,
)
# Starting only where a run of address characters starts keeps a long run without "@" linear.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# An e-mail address written to get past robots: "(at)", "[at]", "{at}" or an "@" with spaces,
# and "(dot)", "[dot]", " dot " or " titik " for its dots. A bracketed "at" is never prose, so
# whatever follows it is the domain. Otherwise a top-level domain must end it after a dot
# ("hasan @ mail . com", "hasan at mail dot com"): an "@" with a space also writes a social
# media handle ("ikuti @desa.natairaya", public on purpose) or a price ("2 sak @ 75.000"), and
# a bare " at " is English inside an Indonesian sentence ("rapat at balai desa").
_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_BRACKETED_DOT = rf"\s{{0,2}}{_OPEN}\s{{0,2}}(?:dot|titik)\s{{0,2}}{_CLOSE}\s{{0,2}}"
_DOT_WORD = rf"(?:{_BRACKETED_DOT}|\s{{1,3}}dot\s{{1,3}})"
# A plain dot has no space after it unless it has one before it too ("mail . com"), so that a
# sentence's full stop ("… (at) mail. Terima kasih") does not take the next word with it.
_DOT = rf"(?:{_DOT_WORD}|\s{{1,3}}titik\s{{1,3}}|\.|\s{{1,2}}\.\s{{1,2}})"
_LABEL = r"[^\W_](?:[\w+\-]*[^\W_])?"
_TLD = r"(?:com|net|org|id|info|biz|io|me|co|edu|gov|ac|sch|go|or|web|my|xyz)"
_OBFUSCATED_EMAIL = re.compile(
    # Starting only where a word starts and reading its name once (an atomic group), a long
    # text without an address stays linear.
    rf"(?<![\w.+\-])(?>[\w+\-]+(?:(?:\.|{_DOT_WORD})[\w+\-]+)*)"
    rf"(?:\s{{0,3}}{_OPEN}\s{{0,2}}(?:at|et|@)\s{{0,2}}{_CLOSE}\s{{0,3}}{_LABEL}(?:{_DOT}{_LABEL})*"
    rf"|(?:\s{{0,3}}@\s{{0,3}}|\s{{1,3}}at\s{{1,3}}){_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD})"
    rf"(?![\w@])",
    re.IGNORECASE,
)

# The month in Roman numerals, as many Indonesian forms and letters write it ("26 VII 1973",
# "12-xii-1990", "12/iv/85"). Between separators ("-", "/", "."), in capitals or small letters
# and with a two- or four-digit year. Between spaces only with a four-digit year, and a lone
# small "x" there is a times sign: "1 x 24 jam", "1 X 24 jam" and "5 x 2000" stay, "12 xii
# 1990" is masked. Not inside a letter's number ("470/12/VII/2024"), no one's birth date.
_ROMAN_MONTH = r"(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_ROMAN_SEP = rf"\s{{0,2}}[./_\-{_DASHES}]\s{{0,2}}"
_ROMAN_DATE = re.compile(
    rf"(?<![\d/]){_DAY}"
    rf"(?:{_ROMAN_SEP}(?i:{_ROMAN_MONTH}){_ROMAN_SEP}(?:(?:19|20)\d\d|'?\d\d)"
    rf"|\s{{1,2}}(?:{_ROMAN_MONTH}|(?!x\s)(?i:{_ROMAN_MONTH}))\s{{1,2}}(?:19|20)\d\d)"
    rf"(?![\d/])"
)

# A NIK or telephone number with letters that look like digits: O and o for 0, I and l for 1,
# S for 5, B for 8 ("62O1O226O773OOO1"). Its core starts and ends with a group holding a real
# digit; a group of such letters alone is taken in between ("62O1 OOOO 26O7 73O1") and, as a
# whole word, at either end ("OOOO 2231 O773 OOO1"). Masked when the core has at least one
# such letter (digits alone are _LONG_NUMBER's, with its exceptions for money and years:
# "Rp 1.500.000 SOS" stays) and four real digits, and the whole run ten characters or more:
# no Indonesian text has such a run ("dana BOS 2024" stays).
_LOOKALIKES = "OoIlSB"
_LOOKALIKE_GROUP = rf"[{_LOOKALIKES}]*+\d[\d{_LOOKALIKES}]*+"
# Groups of letters alone are whole words, and no longer or more than a NIK's 16 characters:
# a text of "O O O …" is then read in linear time.
_LETTERS_GROUP = rf"(?<![^\W\d_])[{_LOOKALIKES}]{{1,16}}+"
_LETTERS = rf"(?:{_LETTERS_GROUP}{_GAP}){{0,15}}"
_LOOKALIKE_NUMBER = re.compile(
    rf"(?<![\d{_LOOKALIKES}]){_LETTERS}"
    rf"(?P<core>{_LOOKALIKE_GROUP}(?:{_GAP}?{_LETTERS}{_LOOKALIKE_GROUP})*)"
    rf"(?:{_GAP}{_LETTERS_GROUP}(?![^\W\d_])){{0,15}}"
)

# A NIK or telephone number read out in words, as on the phone ("nol delapan satu dua …",
# "kosong delapan", "enam satu satu dua 0123 4567 0001"): digit words, Indonesian or English,
# and figures, apart by spaces or any number's gap. Masked when the run holds eight digits or
# more, at least three of them words (figures alone are _LONG_NUMBER's, with its exceptions
# for money and years): counting aloud stops before eight ("satu, dua, tiga"), and "dua tiga
# hari" (a few days) is two. Numbers in words ("dua belas", "seribu") are not digits.
_DIGIT_WORDS = (
    "nol|kosong|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|"
    "zero|one|two|three|four|five|six|seven|eight|nine"
)
_DIGIT_WORD = rf"(?<![^\W\d_])(?:{_DIGIT_WORDS})(?![^\W\d_])"
_WORDS_GAP = rf"(?:{_GAP}|\s{{0,4}},\s{{0,4}})"
_SPOKEN_NUMBER = re.compile(
    rf"(?:{_DIGIT_WORD}|\d)(?:{_WORDS_GAP}?(?:{_DIGIT_WORD}|\d)){{7,}}", re.IGNORECASE
)

# The house number of an address (RT, RW and hamlet stay: a whole neighbourhood shares them).
# It is the number after "No.", "Nomor" (or "nomer", as it is often spoken and written) or
# "Kav." ("Jl. Hasibuan No. 84", "No.12A", "nomor rumah 3/2", "RT 004 nomer 84"), the block
# and house in a housing estate ("Blok C/12", "blok A-3", "Perumahan Griya Indah C-12"), and
# a number right after a street's name ("Jl. Hasibuan 84", "Gg. Mawar 12B", "Jl. Hasibuan,
# 84", "Jl. Hasibuan #84", "Jl.Hasibuan.84"). Only the number is masked: the street, the
# estate, "No." and "Blok" stay, so a complaint about a road still says which.
_HOUSE = r"\d{1,4}(?:[A-Za-z](?![^\W\d_]))?"
# Not a part of a longer number, date or clock time ("No. 6/2014", "No. 12/3/2024", "Jl.
# Merdeka 07:30").
_HOUSE_NUMBER = rf"{_HOUSE}(?:\s?[/\-]\s?{_HOUSE})?(?!\s?[/\-.:]\s?\d)(?!\d)"
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
    rf"(?P<number>(?:[A-Za-z]{{1,2}}\s?[/\-.]?\s?)?{_HOUSE_NUMBER})"
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
_NAME_REST = r"(?:[.'’\-][^\W\d_]+)*"
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
    r"gusti|datuk|habib|ustadz|ustad|ustaz|syekh|syeikh|kyai|kiai|haji|tuanku|drs|dra|ners|hj)"
)
_TITLE = rf"(?>(?:(?:{_LONG_TITLE}|[^\W\d_]{{1,3}})\.\s{{0,3}}){{0,6}})"
# The house may follow the name glued to it ("gang mawar12", "gang mawar2"). A lone 2 also
# doubles a word ("jalan pelan2", "jalan rame2"): glued to a word that is doubled so, or to a
# word of a sentence or a kind of road ("jalan sempit2", "gang kecil2"), it stays
# (_mask_street_number); with letters after it ("mawar2an", "pelan2nya") it is no house.
_GLUED = r"(?=\d)(?!2[^\W\d_])"
# Words written doubled with a 2 after "jalan" (walk) and the like: how, with whom, where.
_DOUBLED_WORD = re.compile(
    r"(?i:pelan|perlahan|rame|cepat|lambat|santai|hati|baik|jauh|dekat|lama|muter|mutar|putar|"
    r"keliling|lihat|liat|kadang|mula|tiba|benar|bener|betul|sungguh|masing|kemana|mana|gede|"
    r"jalan|asal|beda|cari|main|pulang|balik|bolak|naik|turun|buru|gegas|kencang|kenceng|"
    r"lancar|dulu|jangan|sering|jarang|pagi|ramai|bareng|sama|berdua|bertiga|rombongan|"
    r"iseng|sekedar|sekadar|santuy|selow|pelan|hemat|irit|kuat|capek|cape|lemas|sehat)"
)
_SMALL_NAME = (
    rf"{_TITLE}(?:{_SMALL_WORD}\s{{1,3}})?{_OWN_NAME_WORD}(?:\s{{1,3}}{_SMALL_WORD}){{0,3}}"
    rf"(?:{_AFTER_SMALL_NAME}|{_ROMAN_STREET}|{_GLUED})"
)
# "kampung" spelled out names a village or a quarter as "Kp." does ("kampung baru 12",
# "Kampung Baru 12"), so a kind of road may be its name ("baru", "tengah", "sawah"); but it
# is also an ordinary word ("kampung kami 3 kali banjir", "kampung ini 2 rumah"): no word of
# a sentence in the name, and the house a number alone, as after "jalan" in small letters.
_KAMPUNG_NAME = (
    rf"{_TITLE}{_SMALL_WORD}(?:\s{{1,3}}{_SMALL_WORD}){{0,3}}"
    rf"(?:{_AFTER_SMALL_NAME}|{_ROMAN_STREET}|{_GLUED})"
)
# What a number after a street's name counts when it is not a house: "Jalan Desa 500 meter",
# "Gg. Mawar 3 titik berlubang", "Jalan Usaha Tani 2023", "jalan tani 2 lokasi", "jalan
# merdeka 2 ruas". Not the parts of an address ("desa", "dusun", "RT", "gang", "blok"): after
# a house number they go on with the address ("Jl. Mawar 12 desa Sukamaju").
# Also money ("50 ribu", "2 jt", "50rb"), times of day ("8 pagi"), the things and people on a
# road ("3 ruko", "2 polisi tidur", "3 korban"), a range or a fraction before a unit ("3-4 km",
# "3 s/d 4 km", "3 sampai 4 km", "1/2 km") and a round number ("300an meter", "300an").
_COUNTED = (
    r"%|(?i:m|meter|mtr|km|kilometer|cm|mm|titik|lubang|persen|tahun|thn|th|bulan|bln|hari|"
    r"hr|minggu|mgg|pekan|jam|menit|mnt|detik|dtk|pagi|siang|sore|malam|subuh|petang|wib|wita|"
    r"wit|kali|x|orang|org|jiwa|kk|kepala|rumah|unit|buah|bh|lampu|tiang|ton|kg|kilo|liter|ha|"
    r"hektar|hektare|keluarga|warga|anak|siswa|murid|lansia|balita|ekor|pohon|batang|sak|"
    r"karung|lokasi|tempat|ruas|segmen|paket|jalur|lajur|arah|bagian|sisi|petak|jembatan|"
    r"motor|mobil|kendaraan|truk|sepeda|angkot|bus|bis|ojek|becak|gerobak|kecelakaan|"
    r"kejadian|kasus|korban|pengendara|penumpang|pejalan|pemotor|pengguna|pedagang|pelajar|"
    r"derajat|ruko|kios|toko|warung|lapak|bangunan|gedung|lantai|kantor|masjid|gereja|"
    r"sekolah|got|drainase|selokan|parit|gorong|saluran|tanggul|pipa|kabel|gardu|trafo|"
    r"sumur|polisi|rambu|portal|gapura|halte|cctv|ribu|rb|rbu|rebu|juta|jt|jta|miliar|"
    r"milyar|rupiah|perak|k)(?![^\W\d_])"
)
_RANGE = rf"\s{{0,2}}(?:[/\-{_DASHES}~]|(?i:s/d|s\.d\.?|sd|sampai|hingga|ke))\s{{0,2}}"
# After a number right after a street's name, "RT", "desa" and the like count areas when a
# word that is not a name follows on the same line, or a comma, semicolon, "!", "?" or ")"
# ("2 RT terendam", "3 desa terisolasi", "jalan merdeka 3 desa, semua terendam"); a name or a
# number goes on with the address ("Jl. Mawar 12 desa Sukamaju", "Jl. Mawar 12 RT 3", "jalan
# mawar 12 desa sukamaju"). So does a full stop or the end of the text: "Jl. Mawar 12 RT."
# ends an address as often as a count, and privacy wins the tie ("jalan merdeka 3 desa."
# is hidden too).
_AREA = r"(?i:rt|rw|desa|dusun|dsn|kampung|kelurahan|kecamatan|gang|gg|lorong|blok|kompleks)"
# Such a word is in small letters and listed: a word of a sentence, or a verb or adjective
# said of areas. Not every word with a verb's prefix: villages are named so ("desa bereng",
# "desa terusan", "desa mengkatip", "desa kelampangan").
_AREA_VERB = (
    r"(?i:terendam|tergenang|terdampak|terkena|terisolasi|terisolir|terputus|terhubung|"
    r"terbakar|terancam|terganggu|terlewati|terlalui|terlanda|terhambat|tertimpa|terserang|"
    r"terletak|tersebar|termasuk|terdekat|terjauh|terpencil|tertinggal|terluar|terparah|"
    r"kebanjiran|kekeringan|kebakaran|kegelapan|kemalingan|kesulitan|kena|kebagian|dilanda|"
    r"dilalui|dilewati|dihubungkan|dilintasi|dialiri|diterjang|direndam|digenangi|dihuni|"
    r"dikepung|diguyur|dihantam|disapu|dilaporkan|ditetapkan|diusulkan|mendapat|mendapatkan|"
    r"menerima|berdampak|berbatasan|bertetangga|berada|bersebelahan|bergabung|mengalami|"
    r"merasakan|menggunakan|memakai|memanfaatkan|menikmati|mengeluh|mengeluhkan|melapor|"
    r"melaporkan|lain|tetangga|sekaligus|sekecamatan|sekelurahan|sedesa|banjir|longsor|"
    r"gelap|padam|kering|rawan)(?![^\W\d_])"
)
_NOT_A_NAME_AFTER = rf"(?=[a-z])(?:{_SENTENCE_WORD}|{_NOT_A_NAME}|{_AREA_VERB})"
_AREA_COUNT = (
    rf"\d+\s{{1,2}}{_AREA}(?![^\W\d_])"
    rf"(?:\s{{0,3}}[,;!?)]|[^\S\n]{{1,3}}{_NOT_A_NAME_AFTER})"
)
# A year directly after a street's name is its house ("Jl. Mawar 2019"), but not a list or
# range of years ("Jl. Mawar 2019, 2020 dan 2021 banjir", "Jl. Mawar 2019-2020").
_YEARS = (
    rf"(?:19|20)\d\d\s{{0,2}}(?:[,/&~\-{_DASHES}]|(?i:dan|s/d|sampai|hingga|ke))"
    rf"\s{{0,2}}(?:19|20)\d\d(?!\d)"
)
# A day and month followed by a word that only a date takes ("Jl. Merdeka 12/6 lalu", "12/6
# kemarin", "12/6 pukul 10"); "Jl. Merdeka 12/6 ada banjir" is not one of them: it reads as
# a house 12/6 as well, and privacy wins the tie.
_DAY_MONTH_THEN = (
    rf"{_DAY}\s?[/\-{_DASHES}]\s?(?:0?[1-9]|1[0-2])(?!\d)\s{{1,3}}"
    r"(?i:lalu|kemarin|kemaren|kmrn|kmarin|tadi|pukul|pkl)(?![^\W\d_])"
)
_NOT_A_HOUSE_UNIT = (
    rf"(?:{_YEARS}|{_DAY_MONTH_THEN}"
    rf"|\d+(?:[.,]\d+)?(?:{_RANGE}\d+(?:[.,]\d+)?)?-?(?:an)?\s{{0,2}}(?:{_COUNTED})"
    r"|\d+-?an(?![^\W\d_])"
    rf"|{_AREA_COUNT}"
    # A day and month without a year ("Jl. Hasibuan, 12 Desember banjir").
    rf"|\d{{1,2}}\s{{1,2}}(?i:{_MONTHS})(?![^\W\d_]))"
)
_STREET_NUMBER = re.compile(
    rf"(?<![^\W\d_])(?P<sign>(?i:jl|jln|gg|lr|lrg|kp|kmp)(?:[.:\-]\s{{0,3}}|\s{{1,3}})"
    rf"(?:{_STREET_NAME}|{_ANY_WORD}{_GLUED})"
    rf"|(?i:jalan|jlan|gang|lorong)\s{{1,3}}(?:{_CAPITALIZED_NAME}|{_SMALL_NAME}(?P<small>))"
    rf"|(?i:kampung|kampong)\s{{1,3}}(?:{_CAPITALIZED_NAME}|{_KAMPUNG_NAME}(?P<kampung>)))"
    rf"(?!{_NOT_A_HOUSE_UNIT})"
    rf"(?P<number>(?(small){_PLAIN_HOUSE_NUMBER}|(?(kampung){_PLAIN_HOUSE_NUMBER}|{_HOUSE_NUMBER})))"
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
    rf"(?!{_NOT_A_HOUSE_UNIT})(?P<number>(?:[A-Za-z]{{1,2}}\s?[/\-.]?\s?)?{_HOUSE_NUMBER})"
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


def _mask_long_number(match: re.Match, hidden: str) -> str:
    number = match.group()
    if _YEAR_RANGE.fullmatch(number) or _TIME_RANGE.fullmatch(number):
        return number
    before = match.string[: match.start()]
    if _RUPIAH_AMOUNT.fullmatch(number) and _RUPIAH_PREFIX.search(before):
        return number
    return hidden


def _mask_lookalike_number(match: re.Match, hidden: str) -> str:
    run, core = match.group(), match.group("core")
    digits = sum(c.isdigit() for c in core)
    letters = sum(c in _LOOKALIKES for c in run)
    if digits >= 4 and any(c in _LOOKALIKES for c in core) and digits + letters >= 10:
        return hidden
    return run


def _mask_spoken_number(match: re.Match, hidden: str) -> str:
    run = match.group()
    words = len(re.findall(_DIGIT_WORD, run, re.IGNORECASE))
    if words >= 3 and words + sum(c.isdigit() for c in run) >= 8:
        return hidden
    return run


def _mask_house_number(match: re.Match, hidden: str) -> str:
    # Forty characters are more than any of the words before "No." is long.
    before = match.string[max(0, match.start() - 40) : match.start()]
    after = match.string[match.end() :]
    if _NOT_A_HOUSE_BEFORE.search(before) or _NOT_A_HOUSE_AFTER.match(after):
        return match.group()
    return match.group("sign") + hidden


# The next item of a list: a full stop or bracket, then another street.
_NEXT_LIST_ITEM = re.compile(
    r"\s{0,2}[.)]\s{1,3}(?i:jalan|jlan|jl|jln|gang|gg|lorong|lr|lrg|kp|kmp|kampung)(?![^\W\d_])"
)

_KAMPUNG_WORDS = {"kampung", "kampong", "kp", "kmp"}


def _mask_street_number(match: re.Match, hidden: str) -> str:
    sign, number = match.group("sign"), match.group("number")
    words = re.findall(r"[^\W\d_]+", sign)
    # A year after a Roman-numeral street is a month and year ("Jl. Mawar XII/2024"), and
    # after a kind of road alone a road's programme ("Jalan Usaha Tani 2023"). After a
    # kampung such a word is its name ("kampung baru 2019", "Kp. Baru 2019").
    road_only = words[0].lower() not in _KAMPUNG_WORDS and all(
        re.fullmatch(_ROAD_WORD, word) for word in words[1:]
    )
    if re.fullmatch(r"(?:19|20)\d\d", number) and (sign.rstrip().endswith("/") or road_only):
        return match.group()
    # A lone 2 glued to a word doubles it ("jalan pelan2", "jl sempit2").
    if number == "2" and sign[-1:].isalpha():
        last = words[-1]
        if any(
            re.fullmatch(word, last)
            for word in (_DOUBLED_WORD.pattern, _SENTENCE_WORD, _ROAD_WORD, _NOT_A_NAME)
        ):
            return match.group()
    # A list's next number, another street following it: after a dash ("jalan merdeka - 2.
    # jalan sudirman"), or after the list's number before it in the 40 characters before the
    # street ("1. Jl. Merdeka 2. Jl. Sudirman"). Without either it may be a house ending a
    # sentence ("tinggal di jalan merdeka 2. Jalan sudirman juga banjir").
    if number.isdigit() and len(number) <= 2 and _NEXT_LIST_ITEM.match(match.string, match.end()):
        dash = re.fullmatch(rf"[\-{_DASHES}]", sign.rstrip()[-1:])
        before = match.string[max(0, match.start() - 40) : match.start()]
        previous = rf"(?<![\w.]){int(number) - 1}\s{{0,2}}[.)]\s"
        if dash or (int(number) > 1 and re.search(previous, before)):
            return match.group()
    return sign + hidden


def public_text(text: str) -> str:
    hidden = "[" + _("hidden") + "]"
    text = _EMAIL.sub(hidden, text or "")
    text = _OBFUSCATED_EMAIL.sub(hidden, text)
    # Before long numbers, so that a NIK with letters in it is masked whole, not in pieces.
    text = _LOOKALIKE_NUMBER.sub(lambda match: _mask_lookalike_number(match, hidden), text)
    text = _SPOKEN_NUMBER.sub(lambda match: _mask_spoken_number(match, hidden), text)
    text = _WORDS_DATE.sub(hidden, text)
    text = _FORM_DATE.sub(hidden, text)
    text = _YEAR_FIRST_DATE.sub(hidden, text)
    text = _ROMAN_DATE.sub(hidden, text)
    # Long numbers before short dates, so that no date is cut out of a NIK leaving its rest.
    text = _LONG_NUMBER.sub(lambda match: _mask_long_number(match, hidden), text)
    text = _NUMERIC_DATE.sub(hidden, text)
    # House numbers last: what is left are short numbers, and "No." before a NIK or a date
    # ("No. KK 6201…") has already lost them.
    text = _NUMBER_SIGN.sub(lambda match: _mask_house_number(match, hidden), text)
    text = _BLOCK.sub(lambda match: match.group("sign") + hidden, text)
    text = _ESTATE_NUMBER.sub(lambda match: match.group("sign") + hidden, text)
    text = _HOUSE_AFTER_ADDRESS.sub(lambda match: match.group("sign") + hidden, text)
    return _STREET_NUMBER.sub(lambda match: _mask_street_number(match, hidden), text)
