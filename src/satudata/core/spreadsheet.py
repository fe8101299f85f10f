"""Text cells that a spreadsheet shows as text and never runs as a formula.

Excel and LibreOffice run a cell starting with = + - @ (or a tab or carriage return before
one) as a formula, in CSV as in XLSX: a resident named `=HYPERLINK(…)` or a dataset value
`@SUM(…)` would become a link or a calculation in the office that opens the download. Every
download and error file writes such text with a leading apostrophe, which spreadsheets show
as text (OWASP's advice for CSV injection).
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    """The value to write: text that would start a formula gets a leading apostrophe; other
    values are returned as they are. A lone "-", the usual placeholder for "none", is no
    formula and stays as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and value != "-":
        return "'" + value
    if isinstance(value, str) and value.startswith("'") and _after_quotes(value):
        # Text that already looks like what this function writes ("'=…" typed by a user):
        # one more apostrophe, so that `read_text_cell` gives it back as it was.
        return "'" + value
    return value


def _after_quotes(value: str) -> bool:
    """Whether the text after its leading apostrophes would start a formula."""
    return value.lstrip("'").startswith(FORMULA_START)


def read_text_cell(value: str) -> str:
    """What `text_cell` wrote, read back: the apostrophe it put before a formula's first
    character is removed, so an exported file re-imports unchanged."""
    if value.startswith("'") and _after_quotes(value):
        return value[1:]
    return value
