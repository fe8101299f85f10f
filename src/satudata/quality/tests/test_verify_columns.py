"""The column-wise checks of aid-list verification decide exactly as the per-value rules do."""

from __future__ import annotations

import random

import polars as pl
import pytest

from satudata.quality.models import BeneficiaryList
from satudata.quality.names import normalise, normalise_column, similar, similarity
from satudata.quality.services.verify import _valid_nik
from satudata.registry.validation import district_digits, nik_problem

from .test_verify import ALIVE, DEAD, registry, upload  # noqa: F401 - the fixture

NAMES = [
    "Hj. Siti  AMINAH, S.Pd",
    "Ni'mah",
    "Ægir Öz",
    "dr. Budi",
    "  ",
    "",
    "A.B.C",
    "Nurul\tHuda",
    "H. Ahmad",
    "Hj",
    "José María",
    "MUH. SYAFI'I",
    "SİTİ",
    "ﬁna",  # a ligature: NFKD makes it "fina"
    "李",
    "Noerul Hidajat",
    "R. A. Kartini",
    "Drs. H. Djoko  Santoso, S.H., M.Pd",
]


def test_names_are_normalised_as_a_column_exactly_as_one_by_one():
    got = pl.DataFrame({"n": NAMES}).select(normalise_column(pl.col("n")))["n"].to_list()
    assert got == [normalise(n) for n in NAMES]


def test_the_quick_similarity_decides_as_the_full_measure():
    rng = random.Random(4)
    words = ["siti", "aminah", "nurul", "noerul", "huda", "budi", "santoso", "joko", "djoko"]
    pairs = [
        (" ".join(rng.sample(words, rng.randint(1, 3))), " ".join(rng.sample(words, 2)))
        for _ in range(500)
    ]
    pairs += [("Siti Aminah", "Aminah Siti"), ("Siti Aminah", "Siti Aminnah"), ("", "Budi")]
    for a, b in pairs:
        for threshold in (0.5, 0.8, 0.95):
            assert similar(a, b, threshold) == (similarity(a, b) >= threshold), (a, b, threshold)


@pytest.mark.django_db
def test_the_nik_column_check_accepts_exactly_what_the_registry_rule_accepts(cast):
    rng = random.Random(9)
    districts = sorted(district_digits())
    niks = []
    for _ in range(20_000):
        day = rng.choice([rng.randint(0, 80), rng.randint(1, 31), rng.randint(41, 71)])
        date = f"{day:02d}{rng.randint(0, 13):02d}{rng.randint(0, 99):02d}"
        serial = rng.choice(["0000", f"{rng.randint(0, 9999):04d}"])
        prefix = rng.choice([rng.choice(districts), f"{rng.randint(0, 999999):06d}"])
        niks.append(prefix + date + serial)
    niks += ["", "12345", "62010257059X0001", "６２０１０２５７０５９０００１", "6201022902000001"]
    niks += ["6201022902010001", "6201026902000001", " 6201025705900001", "62010257059000012"]
    ok = pl.DataFrame({"nik": niks}).select(_valid_nik(pl.col("nik")))["nik"].to_list()
    assert ok == [nik_problem(n) is None for n in niks]
    assert 1000 < sum(ok) < len(niks)  # both sides are exercised


def test_row_numbers_are_the_spreadsheets_with_blank_and_short_rows(clients, registry):  # noqa: F811
    text = f"NIK;Nama;Program\n\n{ALIVE};Siti Aminah\n;;\n{DEAD};Rahmawati;BLT;extra\n"
    assert upload(clients["producer_a"], text=text).status_code == 302
    rows = BeneficiaryList.objects.get().beneficiaries.order_by("row")
    got = [(b.row, b.result, b.program) for b in rows]
    assert got == [(3, "eligible", "PKH"), (5, "dead", "BLT")]


def test_a_csv_polars_refuses_is_read_by_the_csv_module(clients, registry):  # noqa: F811
    text = f'NIK,Nama\n{ALIVE},"Siti Aminah\n{DEAD},Rahmawati\n'  # an unclosed quote
    response = upload(clients["producer_a"], text=text)
    assert response.status_code == 302
    assert BeneficiaryList.objects.get().beneficiaries.count() == 1
