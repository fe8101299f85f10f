"""NIK and KK rules, code lists and date formats: each rule has a case that breaks it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from satudata.registry import codes
from satudata.registry.validation import (
    check_resident,
    kk_problem,
    nik_problem,
    parse_date,
    temporary_nik_problem,
)

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1990, 5, 17)
WOMAN = "6201025705900001"  # Arut Selatan, 17+40 / 05 / 90
MAN = "6201021705900002"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def test_code_lists_have_the_civil_registry_sizes():
    assert len(codes.RELIGION) == 7
    assert len(codes.EDUCATION_KK) == 10
    assert len(codes.EDUCATION_CURRENT) == 18
    assert len(codes.OCCUPATION) == 89
    assert len(codes.MARITAL_STATUS) == 4
    assert len(codes.BLOOD_TYPE) == 13
    assert len(codes.RELATIONSHIP) == 11
    assert len(codes.CITIZENSHIP) == 3
    assert codes.label("occupation", 88) == "Wiraswasta"
    assert codes.label("blood_type", 13) == "Tidak Tahu"


def test_valid_niks_pass_for_the_right_sex_and_birth_date():
    assert nik_problem(WOMAN, 2, BIRTH) is None
    assert nik_problem(MAN, 1, BIRTH) is None


@pytest.mark.parametrize(
    ("nik", "sex", "birth", "words"),
    [
        ("620102570590001", 2, BIRTH, "16 digit"),
        ("62010257059000011", 2, BIRTH, "16 digit"),
        ("62010257059O0001", 2, BIRTH, "angka"),
        ("", 2, BIRTH, "wajib"),
        ("9999995705900001", 2, BIRTH, "kecamatan"),
        ("6201023002900001", 1, None, "tanggal lahir"),  # 30 February
        ("6201021713900001", 1, None, "tanggal lahir"),  # month 13
        ("6201020000900001", 1, None, "tanggal lahir"),
        ("6201025705900000", 2, BIRTH, "0000"),
        ("6201021705900001", 2, BIRTH, "perempuan"),  # a man's NIK for a woman
        ("6201025705900001", 1, BIRTH, "laki-laki"),
        ("6201025705910001", 2, BIRTH, "tidak cocok"),  # year differs
    ],
)
def test_bad_niks_are_refused_with_a_reason(nik, sex, birth, words):
    problem = nik_problem(nik, sex, birth)
    assert problem is not None
    assert words in problem.lower()


def test_temporary_nik_is_only_a_flagged_zero_prefixed_number():
    assert temporary_nik_problem("0201020000000001") is None
    # Other scripts' digits are refused, as in a real NIK (Arabic-Indic "٠١…").
    assert temporary_nik_problem("0" + "\u0661" * 15) is not None
    assert temporary_nik_problem("6201025705900001") is not None
    errors = check_resident(
        {
            "nik": "0201020000000001",
            "nik_is_temporary": False,
            "name": "A",
            "sex": 1,
            "birth_date": BIRTH,
        }
    )
    assert errors["nik"].startswith("NIK:")
    errors = check_resident(
        {
            "nik": "0201020000000001",
            "nik_is_temporary": True,
            "name": "A",
            "sex": 1,
            "birth_date": BIRTH,
        }
    )
    assert errors == {}


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("6201020101200001", True),
        ("620102010120001", False),
        ("62010201012000a1", False),
        ("9999990101200001", False),
        ("", False),
    ],
)
def test_kk_numbers(number, ok):
    assert (kk_problem(number) is None) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-05-17", BIRTH),
        ("17/05/1990", BIRTH),
        ("17-05-1990", BIRTH),
        ("33010", BIRTH),
        (33010, BIRTH),
        ("1990-05-17 00:00:00", BIRTH),
        (datetime.datetime(1990, 5, 17, 0, 0), BIRTH),
    ],
)
def test_date_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["30/02/1990", "1990-13-01", "17/05/90", "kemarin", "", "0"])
def test_impossible_or_unknown_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_check_resident_names_every_broken_field_in_indonesian():
    errors = check_resident(
        {
            "nik": WOMAN,
            "name": " ",
            "sex": 2,
            "birth_date": BIRTH,
            "religion": 9,
            "occupation": 90,
            "marital_status": 5,
            "blood_type": 14,
            "relationship": 12,
        }
    )
    assert errors["name"] == "nama: tidak boleh kosong."
    assert errors["religion"].startswith("agama: kode 9")
    assert errors["occupation"].startswith("pekerjaan: kode 90")
    assert errors["marital_status"].startswith("status perkawinan:")
    assert errors["blood_type"].startswith("golongan darah:")
    assert errors["relationship"].startswith("hubungan dalam keluarga:")
    assert "nik" not in errors


def test_future_birth_dates_are_refused():
    errors = check_resident(
        {
            "nik": WOMAN,
            "name": "A",
            "sex": 2,
            "birth_date": datetime.date.today() + datetime.timedelta(days=2),
        }
    )
    assert errors["birth_date"].startswith("tanggal lahir:")
