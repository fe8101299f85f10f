"""Pieces of patterns that `privacy` (numbers, dates) and `house_numbers` (addresses) share."""

# The dashes people type between numbers: ‐ ‑ ‒ – — ― − ﹘ ﹣ －.
DASHES = "\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
# A day of the month, 1 to 31, with or without its zero.
DAY = r"(?:0?[1-9]|[12]\d|3[01])(?!\d)"
MONTHS = (
    # Indonesian, with the older spellings and the usual abbreviations.
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    "november|nopember|desember|agu|agt|ags|agus|agst|agust|okt|okto|nop|des|peb|pebr|febr|"
    "mrt|"
    # The spelling before 1972, still in old documents and in some people's writing.
    "djanuari|djuni|djuli|agoestoes|agoestus|pebroeari|fébruari|"
    # English and the abbreviations both languages share.
    "january|february|march|may|june|july|august|october|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
