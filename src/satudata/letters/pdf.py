"""A letter as a one-page PDF with a QR code to its public verification page."""

from __future__ import annotations

import io
import math
import os
import re
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import TextMode

from satudata.env import data_home, env_str
from satudata.letters.models import Letter, LetterType
from satudata.letters.services import long_date
from satudata.letters.templating import TITLES, village_titles
from satudata.regions.models import Region

# A Unicode font for letters with characters outside Latin-1 (e.g. ’ — or Vietnamese and
# Arabic-script names): DejaVu Sans from Debian's fonts-dejavu-core, or from the folder named
# by LETTER_FONT_DIR. Nothing is bundled; without it such characters become '?'.
FONT_FILE = "DejaVuSans.ttf"
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)


def unicode_font() -> Path | None:
    """The Unicode font's TTF file, or None when it is not installed."""
    for folder in (env_str("LETTER_FONT_DIR"), *FONT_DIRS):
        if folder and (Path(folder) / FONT_FILE).is_file():
            return Path(folder) / FONT_FILE
    return None


# What letters need beyond Latin-1: Latin Extended (Vietnamese too), punctuation, currency
# and letterlike symbols. Parsing all of DejaVu's ~6,000 glyphs was most of a letter's time,
# so the font is cut to these once per data folder; a text outside them uses the whole font.
SUBSET = ((0x20, 0x24F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F))
_OUTSIDE_SUBSET = re.compile(
    "[^\t\n\r" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in SUBSET) + "]"
)


def _cut(path: Path) -> Path:
    """The font cut to SUBSET, written once (atomically) into the data folder."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    stat = path.stat()
    target = data_home() / "fonts" / f"{path.stem}-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(path)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=[c for first, last in SUBSET for c in range(first, last + 1)])
    cutter.subset(font)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    font.save(partial)
    os.replace(partial, target)
    return target


def _latin(text: str) -> str:
    # The built-in PDF fonts cover Latin-1; anything else becomes '?' rather than failing.
    return (text or "").encode("latin-1", "replace").decode("latin-1")


def _is_latin(text: str) -> bool:
    try:
        (text or "").encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _core_font(pdf: FPDF):
    def use(size: int, bold: bool = False, underline: bool = False) -> None:
        pdf.set_font("Helvetica", ("B" if bold else "") + ("U" if underline else ""), size)

    return use


def _unicode_font(pdf: FPDF, regular: Path):
    # One embedded font, not two: bold is drawn by also stroking the outline (a PDF text
    # mode), which saves parsing and subsetting a second font file on every letter.
    pdf.add_font("DejaVu", "", regular)

    def use(size: int, bold: bool = False, underline: bool = False) -> None:
        pdf.set_font("DejaVu", "U" if underline else "", size)
        pdf.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL

    return use


QR_SIZE = 32  # mm
QR_GAP = 2  # mm between the QR code and its verification address


def _lines(pdf: FPDF, text: str, width: float, size: float) -> int:
    """An upper bound of the lines multi_cell wraps text into at this font size, cheaply (a
    dry-run multi_cell costs as much as drawing): each paragraph's width over the column,
    plus one line for what word wrapping leaves at line ends."""
    usable = width - 2 * pdf.c_margin
    scale = size / pdf.font_size_pt
    return sum(
        math.ceil(pdf.get_string_width(part) * scale / usable) + 1 for part in text.split("\n")
    )


def _block_height(pdf: FPDF, signature: str, verify_text: str) -> float:
    """At least how tall the signature + QR block is (the URL and the signature may wrap)."""
    return max(
        6 * _lines(pdf, signature, 70, 11),
        QR_SIZE + QR_GAP + 4 * _lines(pdf, verify_text, 90, 8),
    )


def render(letter: Letter, verify_url: str) -> bytes:
    """The PDF bytes; every text is drawn as text (no PDF actions, no markup interpreted)."""
    village = letter.village
    ancestors = {r.level: r for r in village.ancestors()}
    regency = ancestors.get(Region.Level.REGENCY)
    district = ancestors.get(Region.Level.DISTRICT)
    village_word, head = village_titles(village)
    heading = [
        f"PEMERINTAH {regency.name.upper()}" if regency else "",
        f"KECAMATAN {district.name.upper()}" if district else "",
        f"{village_word.upper()} {village.name.upper()}",
    ]
    pdf = FPDF(format="A4")
    text, use = _latin, _core_font(pdf)
    # The core font keeps ordinary letters small and quick (no font file to parse and embed);
    # the Unicode font is embedded only when a text needs it.
    font = unicode_font()
    texts = (*heading, letter.number, letter.body)
    if font and not all(_is_latin(t) for t in texts):
        regular = font if any(_OUTSIDE_SUBSET.search(t) for t in texts) else _cut(font)
        text, use = str, _unicode_font(pdf, regular)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(text(letter.number))
    pdf.add_page()
    use(13, bold=True)
    for line in heading:
        if line:
            pdf.cell(0, 7, text(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.line(20, pdf.get_y() + 2, 190, pdf.get_y() + 2)
    pdf.ln(8)
    title, _code = TITLES[LetterType(letter.letter_type)]
    use(12, bold=True, underline=True)
    pdf.cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    use(11)
    pdf.cell(0, 6, text(f"Nomor: {letter.number}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 6, text(letter.body))
    pdf.ln(10)
    # The signature, the QR code and its address stay together: on a new page when the text
    # leaves too little room (the QR code is an image, which the automatic break does not move).
    signature = text(f"{village.name}, {long_date(letter.issued_on())}\n{head} {village.name}")
    verify_text = text(f"Periksa keaslian surat: {verify_url}")
    if pdf.get_y() + _block_height(pdf, signature, verify_text) > pdf.page_break_trigger:
        pdf.add_page()
    y = pdf.get_y()
    pdf.set_x(120)
    pdf.multi_cell(70, 6, signature)
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=4, border=1)
    qr.seek(0)
    pdf.image(qr, x=20, y=y, w=QR_SIZE, h=QR_SIZE)
    pdf.set_xy(20, y + QR_SIZE + QR_GAP)
    use(8)
    pdf.multi_cell(90, 4, verify_text)
    return bytes(pdf.output())
