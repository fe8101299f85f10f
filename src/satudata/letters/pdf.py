"""A letter as a one-page PDF with a QR code to its public verification page."""

from __future__ import annotations

import io

import segno
from fpdf import FPDF

from satudata.letters.models import Letter, LetterType
from satudata.letters.services import long_date
from satudata.letters.templating import TITLES
from satudata.regions.models import Region


def _latin(text: str) -> str:
    # The built-in PDF fonts cover Latin-1; anything else becomes '?' rather than failing.
    return (text or "").encode("latin-1", "replace").decode("latin-1")


def render(letter: Letter, verify_url: str) -> bytes:
    """The PDF bytes; every text is drawn as text (no PDF actions, no markup interpreted)."""
    village = letter.village
    ancestors = {r.level: r for r in village.ancestors()}
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(_latin(letter.number))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    regency = ancestors.get(Region.Level.REGENCY)
    district = ancestors.get(Region.Level.DISTRICT)
    for line in (
        f"PEMERINTAH {regency.name.upper()}" if regency else "",
        f"KECAMATAN {district.name.upper()}" if district else "",
        f"DESA {village.name.upper()}",
    ):
        if line:
            pdf.cell(0, 7, _latin(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.line(20, pdf.get_y() + 2, 190, pdf.get_y() + 2)
    pdf.ln(8)
    title, _code = TITLES[LetterType(letter.letter_type)]
    pdf.set_font("Helvetica", "BU", 12)
    pdf.cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, _latin(f"Nomor: {letter.number}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 6, _latin(letter.body))
    pdf.ln(10)
    y = pdf.get_y()
    pdf.set_x(120)
    pdf.multi_cell(
        70,
        6,
        _latin(f"{village.name}, {long_date(letter.issued_at.date())}\nKepala Desa {village.name}"),
    )
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=4, border=1)
    qr.seek(0)
    pdf.image(qr, x=20, y=y, w=32, h=32)
    pdf.set_xy(20, y + 34)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(90, 4, _latin(f"Periksa keaslian surat: {verify_url}"))
    return bytes(pdf.output())
