"""What of a citizen's message may be shown to everyone: the text without numbers, dates or
addresses that identify someone.

An answered message is shown on its village's public page. Citizens write NIKs, KK numbers,
phone numbers, birth dates and e-mail addresses into the text itself ("hubungi Budi NIK 6201…",
"lahir 26 Juli 1973"), so these are masked before the text is shown; the handler still reads
the message as sent.

Masked: any run of six or more digits, even glued to letters ("NIK6201…") and grouped by
spaces, dots, slashes, underscores, brackets, any kind of dash or a comma with a digit right
after it ("0812 – 3456 – 7890", "+62 (812) 3456-7890", "0812,3456,7890"); a day-month-year in
figures ("26/7/73", "17-5-90", "26.07.1973") or in words, Indonesian or English ("26 Juli
1973", "12 Jan. 2010", "July 26, 1973", "26 bulan 7 tahun 1973"); e-mail addresses.
Kept: shorter numbers ("RT 003", "3 orang"), a year alone ("tahun 2024"), a list or range of
years ("2021, 2022", "2023/2024", "2020–2024"), a day and month without a year ("banjir 3
Januari") and an amount of money in rupiah ("Rp 1.500.000", "Rp 1,500,000").
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Between the groups of a number: one or two separators with a few spaces around them, or
# spaces alone. \s covers Unicode spaces; the dashes are ‐ ‑ ‒ – — ― − ﹘ ﹣ －. A number
# ending a sentence takes a number starting the next one with it ("… 0001. 3 orang"): hiding
# too much is better than showing part of a phone number written "0812 . 3456 . 7890".
_DASHES = "\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
_GAP = rf"(?:\s{{0,4}}[./_()\-{_DASHES}]{{1,2}}\s{{0,4}}|\s{{0,4}},(?=\d)|\s{{1,4}})"
_LONG_NUMBER = re.compile(rf"\+?\d(?:{_GAP}?\d){{5,}}")
_YEAR_RANGE = re.compile(rf"(?:19|20)\d\d\s*[/\-{_DASHES}]\s*(?:19|20)\d\d")
_RUPIAH_PREFIX = re.compile(r"(?:\bRp\.?|\bIDR)\s*$", re.IGNORECASE)
_RUPIAH_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")

_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?!\d)"
_YEAR = r"'?(?:\d{4}|\d{2})(?!\d)"
# A date in figures: day and month (either order) and a two- or four-digit year.
_DATE_SEP = rf"\s{{0,2}}[./_\-{_DASHES}]\s{{0,2}}"
_NUMERIC_DATE = re.compile(rf"(?<!\d){_DAY}{_DATE_SEP}{_DAY}{_DATE_SEP}{_YEAR}")

_MONTHS = (
    # Indonesian, with the older spellings and the usual abbreviations.
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    "november|nopember|desember|agu|agt|ags|agus|okt|nop|des|peb|"
    # English and the abbreviations both languages share.
    "january|february|march|may|june|july|august|october|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_MONTH = rf"(?<![^\W\d_])(?:{_MONTHS})(?![^\W\d_])\.?"
_WORD_SEP = rf"[\s.,/_\-{_DASHES}]{{0,4}}"
_ORDINAL = r"(?:st|nd|rd|th)?"
_WORDS_DATE = re.compile(
    rf"(?<!\d){_DAY}{_ORDINAL}{_WORD_SEP}{_MONTH}{_WORD_SEP}{_YEAR}"  # 26 Juli 1973
    rf"|{_MONTH}{_WORD_SEP}{_DAY}{_ORDINAL}{_WORD_SEP}{_YEAR}",  # July 26, 1973
    re.IGNORECASE,
)
# A date spelled out the way forms read: "26 bulan 7 tahun 1973", "tanggal 26 bulan Juli
# tahun 1973".
_FORM_DATE = re.compile(
    rf"(?<!\d){_DAY}\s{{1,4}}bulan\s{{1,4}}(?:(?:0?[1-9]|1[0-2])(?!\d)|{_MONTH})"
    rf"\s{{1,4}}tahun\s{{1,4}}{_YEAR}",
    re.IGNORECASE,
)
# Starting only where a run of address characters starts keeps a long run without "@" linear.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _mask_long_number(match: re.Match, hidden: str) -> str:
    number = match.group()
    if _YEAR_RANGE.fullmatch(number):
        return number
    before = match.string[: match.start()]
    if _RUPIAH_AMOUNT.fullmatch(number) and _RUPIAH_PREFIX.search(before):
        return number
    return hidden


def public_text(text: str) -> str:
    hidden = "[" + _("hidden") + "]"
    text = _EMAIL.sub(hidden, text or "")
    text = _WORDS_DATE.sub(hidden, text)
    text = _FORM_DATE.sub(hidden, text)
    # Long numbers before short dates, so that no date is cut out of a NIK leaving its rest.
    text = _LONG_NUMBER.sub(lambda match: _mask_long_number(match, hidden), text)
    return _NUMERIC_DATE.sub(hidden, text)
