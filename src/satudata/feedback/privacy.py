"""What of a citizen's message may be shown to everyone: the text without numbers, dates or
addresses that identify someone.

An answered message is shown on its village's public page. Citizens write NIKs, KK numbers,
phone numbers, birth dates and e-mail addresses into the text itself ("hubungi Budi NIK 6201…",
"lahir 26 Juli 1973"), so these are masked before the text is shown; the handler still reads
the message as sent.

Masked: any run of six or more digits, even glued to letters ("NIK6201…") and grouped by
spaces, dots, slashes, underscores, brackets, any kind of dash, a bar, tilde, backslash,
ellipsis, middle dot or bullet, characters that show nothing (zero-width space, soft hyphen) or
a comma with a digit right after it ("0812 – 3456 – 7890", "+62 (812) 3456-7890",
"0812,3456,7890", "6112 | 0123 | 4567 | 0001"); such a number read out in digit words, alone or
with figures ("nol delapan satu dua …"); a day-month-year in figures ("26/7/73", "17-5-90",
"26.07.1973") or in words, Indonesian or English ("26 Juli 1973", "12 Jan. 2010", "July 26,
1973", "26 bulan 7 tahun 1973", "26 Juli tahun 1973", "tgl 26 bln 7 thn 1973") or with the
month in Roman numerals ("26 VII 1973", "26/VII/1973", "12-xii-1990", "12/iv/85"); e-mail
addresses, also those written to get past robots ("hasan(at)mail.com", "hasan [at] mail [dot]
com", "hasan at mail dot com"); a NIK or telephone number with letters for digits
("62O1O226O773OOO1": O for 0, I and l for 1, S for 5, B for 8); a day, month and year in
figures with single spaces after a word for a birth or a date ("lahir 26 7 73", "tgl lahir 5 12
90", "TTL: Palangka Raya, 5 12 90"; not "3 7 24" alone) or after a name ("Budi 26 7 73"; not
after a word that numbers or counts, "umur 5 7 10", nor before what is counted, "3 5 12 rumah",
unless the last number can only be a year, "Budi 26 7 73 warga RT 3"), and a month in the old
spelling ("lahir 26 Djuli 1973", "26 Agoestoes 1945"); the house number of an address, which is
below the RT ("Jl. Hasibuan No. 84" shows "Jl. Hasibuan No. [hidden]", "Blok C/12" shows "Blok
[hidden]", "Gg. Mawar 12" shows "Gg. Mawar [hidden]", also "Jl. Hasibuan, 84", "Jl. Hasibuan
#84", "rumah nomer 84", "Perumahan Griya Indah C-12", "jalan merdeka 12" in small letters,
"jalan jend. sudirman 12", "Jl. Mawar II/12", "jalan mawar II/12", "Jl. Merdeka - 12", "Jl.
Merdeka (12)", "gang mawar12", "gang mawar2", "gang kayu2", "RT 3 rumah 12", "Kp. Baru 12",
"kampung baru 12", "kampung baru 12/6", "gang mawar 12/6", "Jl. Beringin 12–6", "jalan kol.
inf. h. m. yamin 12", a house numbered like a year after a name of any length, "Jl. Mawar
2019", "Jalan Pangeran Diponegoro Raya Baru 1998", and one before an area word that ends the
sentence or names a village, "Jl. Mawar 12 RT.", "Jl. Mawar 12 RT!", "Jl. Mawar 12 RT, desa
terendam", "jalan mawar 12 desa bereng").
Kept: shorter numbers ("RT 003", "3 orang"), a year alone ("tahun 2024"), a list or range of
years ("2021, 2022", "2023/2024", "2020–2024"), a day and month without a year ("banjir 3
Januari"), office hours ("pukul 08.30-12.00"), an amount of money in rupiah ("Rp 1.500.000",
"Rp 1,500,000"), the street, RT, RW and hamlet of an address ("Jalan di RT 002 rusak", "Jl.
Tjilik Riwut Km 5", "Jl. Pemuda Dusun 3"), what a number after a street counts ("jalan rusak 12
titik", "jalan desa 3 km", "jalan kaki 15 menit", "jalan merdeka 50 ribu", "jalan merdeka 8
pagi", "jalan merdeka 3 ruko", "jalan merdeka 2 RT terendam", "Jalan Usaha Tani 2023", "Jl.
Mawar 2019-2020") or what else it is (a clock time, a day and month, a range: "jalan merdeka
07:30", "jalan merdeka 12/6", "Jl. Merdeka 12/6 lalu", "jalan merdeka 3-4 km"; after "kampung"
or "gang" in small letters a score, a list of dates or a fraction: "kampung baru 3-0", "kampung
sukamaju 12/6 dan 13/6", "kampung baru 2/3 wilayahnya", "kampung lama 24/7"), a word doubled
with a 2 ("jalan pelan2"), a list's next number ("jalan merdeka - 2. jalan sudirman", "1. Jl.
Merdeka 2. Jl. Sudirman"), the number of a law, letter, school or queue ("UU No. 6 Tahun 2014",
"SDN No. 3", "antrean nomor 5"), "1 x 24 jam", a few digit words ("dua tiga hari") and the
English "at" in a sentence ("rapat at balai desa").
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from satudata.feedback.house_numbers import mask_house_numbers
from satudata.feedback.text_parts import COUNTED as _COUNTED
from satudata.feedback.text_parts import DASHES as _DASHES
from satudata.feedback.text_parts import DAY as _DAY
from satudata.feedback.text_parts import MONTHS as _MONTHS

# Between the groups of a number: one to three separators with a few spaces around them, or
# spaces alone. \s covers Unicode spaces; the dashes are ‐ ‑ ‒ – — ― − ﹘ ﹣ －. Besides dots,
# slashes, underscores, brackets and dashes, a number is grouped with a bar, a tilde, a
# backslash, an ellipsis ("...", "…") or a middle dot or bullet (· • ∙ ⋅ ‧); and characters
# that show nothing (zero-width space and joiners, word joiner, BOM, soft hyphen) between its
# digits leave it whole on the page, so they count as a gap. Not ":" (a time, "08:00-16:00"),
# ";" and "," with a space (lists), nor "+", "*", "=" and "#" (sums, which have no NIK in them).
# A number ending a sentence takes a number starting the next one with it ("… 0001. 3 orang"):
# hiding too much is better than showing part of a phone number written "0812 . 3456 . 7890".
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
_GROUPING = rf"./_()\-{_DASHES}|~\\\u2026\u00b7\u2022\u2219\u22c5\u2027{_INVISIBLE}"
_GAP = rf"(?:\s{{0,4}}[{_GROUPING}]{{1,3}}\s{{0,4}}|\s{{0,4}},(?=\d)|\s{{1,4}})"
_LONG_NUMBER = re.compile(rf"\+?\d(?:{_GAP}?\d){{5,}}")
# A NIK or KK number grouped with what `_GAP` leaves out on purpose (":", ";", "+", "*", "=",
# "'", "#"; QA: "6201;0226;0773;0001", "62;01;02;260773;0001", two NIKs in a row): a run of
# digit groups joined by those (or spaces) is read group by group, and every stretch of
# groups holding 16 digits is hidden, as is one of 10–13 digits starting 08 or 628 (a mobile
# number, "0812*3456*7890"); see `_odd_grouped` for what stays. Superscript and subscript
# digits ("⁶²⁰¹…"), which `\d` does not match, count as digits here.
_SMALL_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074-\u2079\u2080-\u2089"
_DIGITS = rf"[\d{_SMALL_DIGITS}]"
_ODD_GAP = r"(?:[ \t]{0,2}[:;+*='#]{1,2}[ \t]{0,2}|[ \t]{1,2})"
_ODD_GROUPED = re.compile(
    rf"(?<!{_DIGITS}){_DIGITS}{{1,16}}(?:{_ODD_GAP}{_DIGITS}{{1,16}}){{1,15}}(?!{_DIGITS})"
)
_ODD_GROUP = re.compile(rf"{_DIGITS}+")
_SMALL_TO_DIGIT = str.maketrans(
    "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
    "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089",
    "01234567890123456789",
)
_A_YEAR = re.compile(r"(?:19|20)\d\d")
_ODD_MARK = re.compile(rf"[:;+*='#{_SMALL_DIGITS}]")
# Six digits or more with a superscript or subscript one among them ("⁶²⁰¹…", "6201⁰²²⁶…"),
# read from the start of its run only, so a long run of plain digits is read once.
_SMALL_RUN = re.compile(rf"(?<!{_DIGITS})\d*[{_SMALL_DIGITS}](?:{_GAP}?{_DIGITS}){{5,}}")
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

_YEAR = r"'?(?:\d{4}|\d{2})(?!\d)"
# A date in figures: day and month (either order) and a two- or four-digit year.
_DATE_SEP = rf"\s{{0,2}}[./_\-{_DASHES}]\s{{0,2}}"
# A pair of clock times is read first and kept: "pukul 08.30-12.00" is no day 8, month 30 and
# year 12 (a date with a month of 30 is read as month and day, so it matched).
_NUMERIC_DATE = re.compile(
    rf"(?<!\d)(?P<times>{_TIME_RANGE.pattern})(?!\d)"
    rf"|(?<!\d){_DAY}{_DATE_SEP}{_DAY}{_DATE_SEP}{_YEAR}"
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
# A birth date written with single spaces, the month in figures ("lahir 26 7 73", "tgl lahir 5
# 12 90"): only directly after a word for a birth or a date, since without one "3 7 24" may be
# three counts. The word stays, the date goes.
_DATE_WORD = r"(?<![^\W\d_])(?i:lahir|kelahiran|tgl|tanggal|tl|ttl)(?![^\W\d_])\.?"
_SPACED_DATE = re.compile(
    rf"(?P<word>{_DATE_WORD}(?:\s{{1,3}}(?i:lahir)(?![^\W\d_]))?\s{{0,3}}:?\s{{0,3}}"
    # The place before it, as "TTL" (tempat, tanggal lahir) asks: "TTL: Palangka Raya, 5 12 90".
    # Or a slash or dash after the place ("TTL: Sampit / 26 7 73").
    rf"(?:(?:[^\W\d_]{{1,20}}\s{{1,2}}){{0,2}}[^\W\d_]{{1,20}}\s{{0,2}}[,/\-{_DASHES}]\s{{0,3}})?)"
    rf"(?<!\d){_DAY} {{1,2}}(?:0?[1-9]|1[0-2])(?!\d) {{1,2}}{_YEAR}"
)
# The same date after a name, with no word for a birth ("Budi 26 7 73", "Siti, 5 12 90 minta
# bantuan"): a day, a month (1-12) and a two-digit year with single spaces, directly after a
# word (and perhaps a comma or colon). With a four-digit year such a date is already a run of
# six digits or more (_LONG_NUMBER). Three numbers are a list, not a date, after a word that
# numbers or counts things ("RT 01 02 03", "Kelas 10 11 12", "umur 5 7 10", "jam 7 8 10")
# or when what they count follows ("sisa 10 11 12 hari"); "RT 3 RW 5 2023" holds no three
# numbers in a row and stays.
_NUMBERING_WORD = (
    r"(?i:rt|rw|no|nomor|nomer|nmr|nr|km|kav|kavling|blok|gang|gg|jalan|jl|jln|lorong|lr|kp|"
    r"kampung|desa|dusun|dsn|kelurahan|kecamatan|kelas|kls|tahap|fase|tipe|type|gelombang|"
    r"sesi|putaran|babak|lantai|lt|ruang|kamar|loket|antrean|antrian|tps|pos|kode|kelompok|"
    r"regu|tim|pasal|ayat|bab|halaman|hal|hlm|jam|pukul|pkl|tahun|thn|th|bulan|bln|umur|usia|"
    r"nilai|skor|ukuran|uk|rp|idr|harga|total|jumlah|sebanyak|sisa|angka|urutan|ranking|"
    r"peringkat|juara|ke|dan|atau|di|dari|sampai|hingga|dengan|antara|sekitar|lebih|"
    r"kurang|tinggal|ada|sudah|baru|masih|lagi)"
)
# The last number decides whether what follows may be counted: a year that cannot be a day or
# a month (32 to 99) or one written with its zero ("05") is a year, so "Budi 26 7 73 warga RT
# 3", "Siti 5 12 90 orang tua tunggal" are dates whatever word follows; "rusak 3 5 12 rumah"
# (10 to 31, no zero) is three counts of houses. Between the name and the day a comma, colon,
# slash, bracket or dash may stand ("Budi (26 7 73)", "Budi - 26 7 73", "Budi/26 7 73"), and
# one or two spaces between the numbers ("Budi 26  7  73").
_DATE_YEAR = (
    rf"(?:0\d|3[2-9]|[4-9]\d|\d{{4}}|(?:[12]\d|3[01])(?!\d)(?!\s{{0,2}}(?:{_COUNTED})))(?!\d)"
)
_NAMED_DATE = re.compile(
    rf"(?P<word>(?<![^\W\d_])(?!{_NUMBERING_WORD}(?![^\W\d_]))[^\W\d_]{{2,30}}(?![^\W\d_])"
    rf"(?:\s{{0,2}}[,:/(\-{_DASHES}]\s{{0,2}}| {{1,2}}))"
    rf"{_DAY} {{1,2}}(?:0?[1-9]|1[0-2])(?!\d) {{1,2}}{_DATE_YEAR}(?![.,:/\-]\d)"
)
# Starting only where a run of address characters starts keeps a long run without "@" linear.
# The full-width and small "@" (＠ ﹫) look like one on the page (QA).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+[@\uff20\ufe6b][\w-]+(?:[.\uff0e][\w-]+)+")

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
_DOT = rf"(?:{_DOT_WORD}|\s{{1,3}}titik\s{{1,3}}|[.\uff0e]|\s{{1,2}}[.\uff0e]\s{{1,2}})"
_LABEL = r"[^\W_](?:[\w+\-]*[^\W_])?"
_TLD = r"(?:com|net|org|id|info|biz|io|me|co|edu|gov|ac|sch|go|or|web|my|xyz)"
_AT = "[@\uff20\ufe6b]"  # the full-width and small "@" look like one
# "hasan di gmail titik com": the Indonesian "di" stands for "@" only before a mail host's
# name, since "di" is one of the language's commonest words ("rapat di balai titik kumpul").
_MAIL_HOST = (
    r"(?:gmail|googlemail|yahoo|ymail|rocketmail|hotmail|outlook|live|icloud|proton"
    r"|protonmail|yandex|aol)"
)
_OBFUSCATED_EMAIL = re.compile(
    # Starting only where a word starts and reading its name once (an atomic group), a long
    # text without an address stays linear.
    rf"(?<![\w.+\-])(?>[\w+\-]+(?:(?:\.|{_DOT_WORD})[\w+\-]+)*)"
    rf"(?:\s{{0,3}}{_OPEN}\s{{0,2}}(?:at|et|{_AT})\s{{0,2}}{_CLOSE}\s{{0,3}}{_LABEL}(?:{_DOT}{_LABEL})*"
    rf"|(?:\s{{0,3}}{_AT}\s{{0,3}}|\s{{1,3}}at\s{{1,3}}|\s{{1,3}}di\s{{1,3}}(?={_MAIL_HOST}\b))"
    rf"{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD})"
    rf"(?![\w@\uff20\ufe6b])",
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


def _odd_grouped(match: re.Match, hidden: str) -> str:
    """Within a run of digit groups (`_ODD_GROUPED`), each stretch of whole groups that reads
    as a NIK, KK or mobile number (`_identifying_stretch`) and holds one of the separators the
    long-number rule leaves out, or a superscript digit, is hidden. Stretches joined by
    spaces alone are left to `_LONG_NUMBER`, which also takes a "+" before them."""
    text = match.group()
    groups = list(_ODD_GROUP.finditer(text))
    digits = [g.group().translate(_SMALL_TO_DIGIT) for g in groups]
    pieces, shown_to, first = [], 0, 0
    while first < len(groups):
        last = _identifying_stretch(digits, first)
        stretch = text[groups[first].start() : groups[last].end()] if last is not None else ""
        if not _ODD_MARK.search(stretch):
            first += 1
            continue
        pieces += [text[shown_to : groups[first].start()], hidden]
        shown_to = groups[last].end()
        first = last + 1
    return "".join(pieces) + text[shown_to:] if pieces else text


def _identifying_stretch(digits: list[str], first: int) -> int | None:
    """The last group of the stretch from `first` holding 16 digits (a NIK or KK number) or,
    the shortest, 10–13 digits starting 08 or 628 (a mobile number). Never groups that are
    all years ("2019; 2020; 2021; 2022") or all of two digits or fewer (clock times, "07:30;
    08:00; 09:30; 10:00"); other lengths (sums, lists of counts) stay."""
    total = 0
    for last in range(first, len(digits)):
        before, total = total, total + len(digits[last])
        stretch = digits[first : last + 1]
        if total > 16:
            return None
        if len(stretch) < 2 or all(len(d) <= 2 for d in stretch):
            continue
        if len(stretch[0]) == 1 or len(stretch[-1]) == 1:
            continue  # a count before or after a number ("…0001; 3 orang"), no group of it
        if before >= 10 and "".join(stretch[:-1]).startswith(("08", "628")):
            return None  # a whole phone number ("+62 853…; 12 orang"), then a count
        if max(len(d) for d in stretch) >= 13:
            return None  # a whole long number already (`_LONG_NUMBER` hides it), then a count
        if all(_A_YEAR.fullmatch(d) for d in stretch):
            continue
        # A number already whole before this group ("0812345678; 3 orang") is no mobile
        # number with the group: it is a long number by itself, and the group a count.
        mobile = before < 10 <= total <= 13 and "".join(stretch).startswith(("08", "628"))
        if total == 16 or mobile:
            return last
    return None


def public_text(text: str) -> str:
    hidden = "[" + _("hidden") + "]"
    text = _EMAIL.sub(hidden, text or "")
    text = _OBFUSCATED_EMAIL.sub(hidden, text)
    # Before long numbers, so that a NIK with letters in it is masked whole, not in pieces.
    text = _LOOKALIKE_NUMBER.sub(lambda match: _mask_lookalike_number(match, hidden), text)
    text = _ODD_GROUPED.sub(lambda m: _odd_grouped(m, hidden), text)
    text = _SMALL_RUN.sub(hidden, text)
    text = _SPOKEN_NUMBER.sub(lambda match: _mask_spoken_number(match, hidden), text)
    text = _WORDS_DATE.sub(hidden, text)
    text = _FORM_DATE.sub(hidden, text)
    text = _YEAR_FIRST_DATE.sub(hidden, text)
    text = _ROMAN_DATE.sub(hidden, text)
    text = _SPACED_DATE.sub(lambda match: match.group("word") + hidden, text)
    # Long numbers before short dates, so that no date is cut out of a NIK leaving its rest.
    text = _LONG_NUMBER.sub(lambda match: _mask_long_number(match, hidden), text)
    # After long numbers: a date with a four-digit year is one of them already.
    text = _NAMED_DATE.sub(lambda match: match.group("word") + hidden, text)
    text = _NUMERIC_DATE.sub(lambda match: match.group("times") or hidden, text)
    # House numbers last: what is left are short numbers, and "No." before a NIK or a date
    # ("No. KK 6201…") has already lost them.
    return mask_house_numbers(text, hidden)
