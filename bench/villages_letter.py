"""Benchmark: a village letter as PDF with its QR code, through the operator's URL.

Run: .venv/bin/python bench/villages_letter.py
Goal (issue "Village profile, maps…"): a letter PDF in <= 300 ms.
Baseline in the same run: fpdf2 writing a one-page PDF with the same text and no QR code.
"""

from __future__ import annotations

import datetime

from common import latency_line, say, timed
from villages_common import BENCH_PASSWORD, setup, villages


def main() -> None:
    setup()
    from django.test import Client
    from fpdf import FPDF

    from satudata.accounts.services import create_account
    from satudata.letters import services
    from satudata.registry.models import Resident

    village = villages()[0]
    operator = create_account(
        None,
        username="bench-operator",
        password=BENCH_PASSWORD,
        role="village_operator",
        region=village,
    )
    Resident.objects.create(
        nik="6112014101900001",
        name="Budi Santoso",
        sex=1,
        birth_place="Sungai Raya",
        birth_date=datetime.date(1990, 1, 1),
        village=village,
    )
    letter = services.issue(
        operator, nik="6112014101900001", letter_type="domicile", purpose="Bench"
    )
    client = Client()
    client.force_login(operator)
    url = f"/letters/{letter.pk}/pdf/"
    client.get(url)
    samples = []
    for _i in range(50):
        with timed() as t:
            response = client.get(url)
        samples.append(t())
    assert response.content.startswith(b"%PDF")
    baseline = []
    for _i in range(50):
        with timed() as t:
            pdf = FPDF()
            pdf.add_page()
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, letter.body)
            bytes(pdf.output())
        baseline.append(t())
    say(latency_line("letter PDF with QR code (goal <= 300 ms)", samples))
    say(latency_line("baseline: fpdf2 one page of the same text, no QR, no Django", baseline))

    from satudata.letters.pdf import unicode_font

    if unicode_font() is None:
        say("no Unicode font installed (fonts-dejavu-core): letters outside Latin-1 not measured")
        return
    # A holder's name outside Latin-1 embeds a subset of DejaVu Sans: parse, subset, embed.
    Resident.objects.filter(nik="6112014101900001").update(name="Nguyễn Thị Ánh")
    unicode_letter = services.issue(
        operator, nik="6112014101900001", letter_type="domicile", purpose="Bench"
    )
    url = f"/letters/{unicode_letter.pk}/pdf/"
    client.get(url)
    samples = []
    for _i in range(50):
        with timed() as t:
            response = client.get(url)
        samples.append(t())
    assert b"DejaVuSans" in response.content
    say(latency_line("letter PDF, name outside Latin-1, DejaVu embedded (goal <= 300 ms)", samples))


if __name__ == "__main__":
    main()
