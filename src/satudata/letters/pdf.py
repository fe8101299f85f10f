"""A letter as a one-page PDF with a QR code to its public verification page."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF

from satudata.env import env_str
from satudata.letters.models import Letter, LetterType
from satudata.letters.services import long_date
from satudata.letters.templating import TITLES
from satudata.regions.models import Region

# A Unicode font for letters with characters outside Latin-1 (e.g. ’ — or Vietnamese and
# Arabic-script names): DejaVu Sans from Debian's fonts-dejavu-core, or from the folder named
# by LETTER_FONT_DIR. Nothing is bundled; without it such characters become '?'.
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)


def unicode_font() -> tuple[Path, Path] | None:
    """(regular, bold) TTF paths of the Unicode font, or None when it is not installed."""
    for folder in (env_str("LETTER_FONT_DIR"), *FONT_DIRS):
        if folder:
            paths = tuple(Path(folder) / name for name in FONT_FILES)
            if all(p.is_file() for p in paths):
                return paths
    return None


def _latin(text: str) -> str:
    # The built-in PDF fonts cover Latin-1; anything else becomes '?' rather than failing.
    return (text or "").encode("latin-1", "replace").decode("latin-1")


def _is_latin(text: str) -> bool:
    try:
        (text or "").encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def render(letter: Letter, verify_url: str) -> bytes:
    """The PDF bytes; every text is drawn as text (no PDF actions, no markup interpreted)."""
    village = letter.village
    ancestors = {r.level: r for r in village.ancestors()}
    regency = ancestors.get(Region.Level.REGENCY)
    district = ancestors.get(Region.Level.DISTRICT)
    heading = [
        f"PEMERINTAH {regency.name.upper()}" if regency else "",
        f"KECAMATAN {district.name.upper()}" if district else "",
        f"DESA {village.name.upper()}",
    ]
    pdf = FPDF(format="A4")
    family, text = "Helvetica", _latin
    # The core font keeps ordinary letters small and quick (no font file to parse and embed);
    # the Unicode font is embedded only when a text needs it.
    font = unicode_font()
    if font and not all(_is_latin(t) for t in (*heading, letter.number, letter.body)):
        pdf.add_font("DejaVu", "", font[0])
        pdf.add_font("DejaVu", "B", font[1])
        family, text = "DejaVu", str
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(text(letter.number))
    pdf.add_page()
    pdf.set_font(family, "B", 13)
    for line in heading:
        if line:
            pdf.cell(0, 7, text(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.line(20, pdf.get_y() + 2, 190, pdf.get_y() + 2)
    pdf.ln(8)
    title, _code = TITLES[LetterType(letter.letter_type)]
    pdf.set_font(family, "BU", 12)
    pdf.cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.cell(0, 6, text(f"Nomor: {letter.number}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 6, text(letter.body))
    pdf.ln(10)
    y = pdf.get_y()
    pdf.set_x(120)
    pdf.multi_cell(
        70,
        6,
        text(f"{village.name}, {long_date(letter.issued_at.date())}\nKepala Desa {village.name}"),
    )
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=4, border=1)
    qr.seek(0)
    pdf.image(qr, x=20, y=y, w=32, h=32)
    pdf.set_xy(20, y + 34)
    pdf.set_font(family, "", 8)
    pdf.multi_cell(90, 4, text(f"Periksa keaslian surat: {verify_url}"))
    return bytes(pdf.output())
