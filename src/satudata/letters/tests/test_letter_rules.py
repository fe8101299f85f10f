"""The rules found by the exploratory test of village letters (QA report, findings 3–5, 13, 14,
17, 20a, 20e), each through the pages an operator, a camat or the public use."""

import contextlib
import datetime
import html
import re
import zlib

import pytest
from django.utils import timezone

from satudata.accounts.models import User
from satudata.conftest import VILLAGE_A, client_for, make_user
from satudata.letters import services
from satudata.letters.models import Letter, LetterCounter, LetterTemplate
from satudata.letters.tests.test_letters import NIK_A, issue, pdf_text, residents  # noqa: F401
from satudata.regions.models import Region
from satudata.registry import services as registry
from satudata.registry.models import Resident

# Every test has the residents fixture: Budi Santoso (NIK_A) of Natai Raya, Siti Aminah of Runtu.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("residents")]
KELURAHAN = "62.01.02.1007"  # Raja, a kelurahan in the camat's district
SAME_DIGITS = "62.01.03.2016"  # Ipuh Bangun Jaya: another district, same last four digits


def page(response) -> str:
    return html.unescape(response.content.decode())


def pdf_of(client, letter: Letter) -> bytes:
    response = client.get(f"/letters/{letter.pk}/pdf/")
    assert response.status_code == 200
    return response.content


def page_streams(content: bytes) -> list[bytes]:
    """The decompressed streams of a PDF that draw text or images (its pages)."""
    streams = []
    for chunk in content.split(b"stream\n")[1:]:
        raw = chunk.split(b"\nendstream")[0]
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        if b" Tj" in raw or b" Do" in raw:
            streams.append(raw)
    return streams


def budi() -> Resident:
    return Resident.objects.get(nik=NIK_A)


def operator_of(village: str):
    """A logged-in browser of a new operator of this village."""
    username = f"operator.{village}"
    region = Region.objects.get(code=village)
    return client_for(make_user(username, User.Role.VILLAGE_OPERATOR, region=region))


def resident_of(village: str, nik: str, name: str) -> Resident:
    return Resident.objects.create(
        nik=nik, name=name, sex=1, birth_date=datetime.date(1980, 5, 6), village_id=village
    )


# Finding 3: the resident's status decides which letters may be issued.


def test_a_death_letter_needs_a_resident_recorded_as_dead(clients, cast):
    operator = clients["operator_a"]
    response = issue(operator, letter_type="death", purpose="Klaim asuransi")
    text = page(response)
    assert 'Budi Santoso tercatat di registri sebagai "Hidup"' in text
    assert "catat kematiannya di registri terlebih dahulu" in text
    assert not Letter.objects.exists() and not LetterCounter.objects.exists()

    registry.record_death(cast.operator_a, budi(), datetime.date(2025, 11, 1))
    response = issue(operator, letter_type="death", purpose="Klaim asuransi")
    letter = Letter.objects.get()
    assert letter.letter_type == "death" and letter.number in page(response)
    assert "telah meninggal dunia pada tanggal 1 November 2025" in letter.body
    assert b"1 November 2025" in pdf_text(pdf_of(operator, letter))


def test_letters_for_the_living_are_refused_for_a_dead_resident(clients, cast):
    registry.record_death(cast.operator_a, budi(), datetime.date(2025, 11, 1))
    for letter_type in ("domicile", "business", "sktm", "birth", "moving"):
        text = page(issue(clients["operator_a"], letter_type=letter_type))
        assert 'Budi Santoso tercatat di registri sebagai meninggal ("Mati")' in text
        assert "hanya surat keterangan kematian" in text
    assert not Letter.objects.exists()


def test_a_moved_out_resident_gets_a_moving_letter_only(clients, cast):
    registry.record_move_out(cast.operator_a, budi(), datetime.date(2025, 11, 1), "Runtu")
    text = page(issue(clients["operator_a"], letter_type="sktm"))
    assert 'Budi Santoso tercatat di registri sebagai "Pindah"' in text
    assert not Letter.objects.exists()
    issue(clients["operator_a"], letter_type="moving")
    assert Letter.objects.get().letter_type == "moving"


# Finding 4: one local date everywhere, the number's year included.


@pytest.mark.parametrize(
    ("utc", "local_day", "year"),
    [
        # 00:00:22 WIB on 24 November is still 23 November in UTC.
        (datetime.datetime(2026, 11, 23, 17, 0, 22), "24 November 2026", 2026),
        # 00:30 WIB on New Year's Day: the number's year and the date are both the new year.
        (datetime.datetime(2026, 12, 31, 17, 30), "1 Januari 2027", 2027),
    ],
)
def test_every_date_of_a_letter_is_the_local_date(
    client,
    cast,
    monkeypatch,
    utc,
    local_day,
    year,
):
    monkeypatch.setattr(timezone, "now", lambda: utc.replace(tzinfo=datetime.UTC))
    operator = client_for(cast.operator_a)  # logged in at the fixed time
    operator.post(
        "/letters/templates/",
        {"letter_type": "sktm", "body": "Surat ini dibuat pada {tanggal} untuk {nama}."},
    )
    issue(operator, letter_type="sktm")
    letter = Letter.objects.get()
    assert letter.number == f"SKTM/0001/6201022016/{year}"
    drawn = pdf_text(pdf_of(operator, letter))
    assert f"dibuat pada {local_day}".encode() in drawn  # the body
    assert f"Natai Raya, {local_day}".encode() in drawn  # under the signature
    code = services.verification_code(letter)
    assert f"<dd>{local_day}</dd>" in client.get(f"/letters/verify/{code}/").content.decode()
    issued_on = client.get(f"/api/v1/letters/verify/{code}").json()["issued_on"]
    assert issued_on == timezone.localtime(letter.issued_at).date().isoformat()
    assert issued_on.startswith(str(year))


# Finding 5: a long text moves the signature and QR block to the next page, whole.


def test_a_long_text_keeps_the_qr_code_and_its_address_together_on_a_page(clients):
    operator = clients["operator_a"]
    operator.post(
        "/letters/templates/",
        {"letter_type": "moving", "body": "\n".join(["Baris {nama}"] * 36)},
    )
    issue(operator, letter_type="moving")
    streams = page_streams(pdf_of(operator, Letter.objects.get()))
    assert len(streams) == 2
    qr_page = next(s for s in streams if b" Do" in s)
    assert b"Periksa keaslian surat" in qr_page and b"Natai Raya, " in qr_page
    qr_bottom = re.search(rb"q [\d.]+ 0 0 [\d.]+ [\d.]+ (-?[\d.]+) cm /I\d+ Do", qr_page)
    assert float(qr_bottom.group(1)) > 56  # points: above the 20 mm bottom margin

    # A short letter stays on one page.
    issue(operator)
    short = Letter.objects.get(letter_type="domicile")
    assert len(page_streams(pdf_of(operator, short))) == 1


# Finding 13: a template is saved only when every brace is a known placeholder.


@pytest.mark.parametrize(
    "mistake",
    ["{Nama}", "{nama }", "{nama!r}", "{nama.__class__}", "{nik:>20}", "{0}", "{}", "{{nama}}"],
)
def test_a_brace_that_is_not_exactly_a_placeholder_is_refused_by_name(clients, mistake):
    body = f"Saudara {{nama}} {mistake} tinggal di {{desa}}."
    response = clients["operator_a"].post(
        "/letters/templates/", {"letter_type": "domicile", "body": body}
    )
    text = page(response)
    assert response.status_code == 400
    assert f'periksa "{mistake}"' in text
    assert body in text  # the typed text is kept in the form
    assert not LetterTemplate.objects.exists()


def test_an_unclosed_brace_is_refused(clients):
    body = "Saudara {nama tinggal di {desa}."
    text = page(
        clients["operator_a"].post("/letters/templates/", {"letter_type": "death", "body": body})
    )
    assert 'periksa "{nama tinggal di "' in text
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    ", "Teks surat tidak boleh kosong."),
        ("Saudara {nama}\x00", "karakter null"),
        ("A" * 5001, "paling banyak 5000 karakter; teks ini 5001"),
    ],
)
def test_blank_nul_and_too_long_texts_are_refused_with_a_message(clients, body, message):
    response = clients["operator_a"].post(
        "/letters/templates/", {"letter_type": "sktm", "body": body}
    )
    assert response.status_code == 400
    assert message.lower() in page(response).lower()
    assert not LetterTemplate.objects.exists()


def test_a_village_restores_the_default_text(clients):
    operator = clients["operator_a"]
    operator.post("/letters/templates/", {"letter_type": "domicile", "body": "Saudara {nama}."})
    assert "Kembalikan teks baku" in page(operator.get("/letters/templates/"))
    response = operator.post(
        "/letters/templates/",
        {"letter_type": "domicile", "body": "Saudara {nama}.", "restore": "1"},
        follow=True,
    )
    assert "Teks baku Surat keterangan domisili telah dikembalikan." in page(response)
    assert not LetterTemplate.objects.exists()
    issue(operator)
    assert Letter.objects.get().body.startswith("Yang bertanda tangan di bawah ini, Kepala Desa")


# Finding 14: a refused letter keeps what was typed, with each message at its field.


def test_a_refused_letter_keeps_the_input_and_shows_messages_at_their_fields(clients):
    long_purpose = "p" * 201
    response = clients["operator_a"].post(
        "/letters/issue/",
        {"letter_type": "sktm", "nik": "62010241019000011", "purpose": long_purpose},
    )
    text = page(response)
    assert response.status_code == 400
    assert 'value="62010241019000011"' in text and long_purpose in text
    assert '<option value="sktm" selected>' in text
    nik_error = re.search(r'id="id_nik_error"><li>([^<]*)</li>', text).group(1)
    assert nik_error == "NIK terdiri dari tepat 16 angka (0–9); Anda mengisi 17 karakter."
    purpose_error = re.search(r'id="id_purpose_error"><li>([^<]*)</li>', text).group(1)
    assert purpose_error == "Keperluan paling banyak 200 karakter; isian ini 201."
    assert "* nik" not in text and "* purpose" not in text and "Periksa isian" not in text
    assert not Letter.objects.exists()


def test_an_unknown_nik_is_shown_at_the_nik_field(clients):
    text = page(issue(clients["operator_a"], nik="6201024101909999"))
    assert re.search(r'id="id_nik_error"><li>Tidak ada penduduk desa Anda dengan NIK', text)
    assert 'value="6201024101909999"' in text


# Finding 17: a kelurahan's letter is headed and signed as a kelurahan.


def test_a_kelurahan_letter_is_headed_kelurahan_and_signed_by_the_lurah(cast):
    assert Region.objects.get(code=KELURAHAN).kind == Region.Kind.KELURAHAN
    resident_of(KELURAHAN, "6201022403780001", "Hasan Bahri")
    browser = operator_of(KELURAHAN)
    issue(browser, nik="6201022403780001")
    letter = Letter.objects.get()
    drawn = pdf_text(pdf_of(browser, letter))
    assert b"KELURAHAN RAJA" in drawn and b"Lurah Raja" in drawn
    assert b"DESA" not in drawn and b"Kepala Desa" not in drawn
    assert "Lurah Raja" in letter.body and "berdomisili di Kelurahan Raja" in letter.body


# Finding 20e: numbers name the whole village code; the custodian's list names the village.


def test_villages_with_the_same_last_digits_get_different_numbers(clients, cast):
    resident_of(SAME_DIGITS, "6201034101900003", "Ani Lestari")
    issue(clients["operator_a"])
    issue(operator_of(SAME_DIGITS), nik="6201034101900003")
    year = timezone.localdate().year
    numbers = set(Letter.objects.values_list("number", flat=True))
    assert numbers == {f"SKD/0001/6201022016/{year}", f"SKD/0001/6201032016/{year}"}
    listing = page(clients["custodian"].get("/letters/"))
    assert f"Natai Raya ({VILLAGE_A})" in listing
    assert f"Ipuh Bangun Jaya ({SAME_DIGITS})" in listing


# Finding 20a: a camat reads its district's letters, list and PDF alike, and issues none.


def test_a_camat_reads_its_districts_letters_and_issues_none(clients, cast):
    resident_of(SAME_DIGITS, "6201034101900003", "Ani Lestari")
    issue(clients["operator_a"])
    issue(operator_of(SAME_DIGITS), nik="6201034101900003")
    own = Letter.objects.get(village_id=VILLAGE_A)
    elsewhere = Letter.objects.get(village_id=SAME_DIGITS)
    camat = clients["district_viewer"]
    response = camat.get("/letters/")
    assert response.status_code == 200
    listing = page(response)
    assert own.number in listing and elsewhere.number not in listing
    assert f"Natai Raya ({VILLAGE_A})" in listing
    assert 'action="/letters/issue/"' not in listing
    assert camat.get(f"/letters/{own.pk}/pdf/").status_code == 200
    assert camat.get(f"/letters/{elsewhere.pk}/pdf/").status_code == 404
    assert camat.post("/letters/issue/", {"nik": NIK_A, "letter_type": "sktm"}).status_code == 403
    assert camat.get("/letters/templates/").status_code == 403
