import datetime
import threading
import zlib

import pytest
from django.db import connection

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.letters import services
from satudata.letters.models import Letter, LetterCounter
from satudata.registry.models import Resident

pytestmark = pytest.mark.django_db
NIK_A = "6201024101900001"
NIK_B = "6201024101900002"


@pytest.fixture
def residents(cast):
    a = Resident.objects.create(
        nik=NIK_A,
        name="Budi Santoso",
        sex=1,
        birth_date=datetime.date(1990, 1, 1),
        birth_place="Pangkalan Bun",
        village_id=VILLAGE_A,
    )
    b = Resident.objects.create(
        nik=NIK_B,
        name="Siti Aminah",
        sex=2,
        birth_date=datetime.date(1991, 2, 3),
        village_id=VILLAGE_B,
    )
    return a, b


def issue(client, nik=NIK_A, letter_type="domicile", purpose="Melamar kerja"):
    return client.post(
        "/letters/issue/", {"nik": nik, "letter_type": letter_type, "purpose": purpose}, follow=True
    )


def pdf_text(content: bytes) -> bytes:
    """The decompressed content streams of a PDF, to look for drawn text."""
    out = b""
    for chunk in content.split(b"stream\n")[1:]:
        raw = chunk.split(b"\nendstream")[0]
        try:
            out += zlib.decompress(raw)
        except zlib.error:
            out += raw
    return out


def test_operator_issues_a_numbered_letter_filled_from_the_registry(clients, residents, cast):
    response = issue(clients["operator_a"])
    year = datetime.date.today().year
    letter = Letter.objects.get()
    assert letter.number == f"SKD/0001/6201022016/{year}"
    assert f"SKD/0001/6201022016/{year}" in response.content.decode()
    assert "Budi Santoso" in letter.body and NIK_A in letter.body and "Natai Raya" in letter.body
    issue(clients["operator_a"], letter_type="sktm")
    assert Letter.objects.order_by("serial").last().number == f"SKTM/0002/6201022016/{year}"
    entry = AuditEntry.objects.get(model_label="letters.letter", object_pk=str(letter.pk))
    assert entry.actor_id == cast.operator_a.pk and entry.region_code == VILLAGE_A


def test_operator_cannot_issue_letters_for_another_villages_resident(clients, residents):
    response = issue(clients["operator_a"], nik=NIK_B)
    assert "Tidak ada penduduk desa Anda dengan NIK 6201024101900002." in response.content.decode()
    assert Letter.objects.count() == 0
    assert LetterCounter.objects.count() == 0


def test_only_village_operators_issue_letters(clients, residents):
    for name in ("producer_a", "district_viewer"):
        assert clients[name].post("/letters/issue/", {"nik": NIK_A}).status_code == 403
    assert clients["anonymous"].get("/letters/").status_code == 302
    assert Letter.objects.count() == 0


def test_pdf_has_the_number_and_escapes_script_in_the_purpose(clients, residents):
    issue(clients["operator_a"], purpose="<script>alert(1)</script>")
    letter = Letter.objects.get()
    response = clients["operator_a"].get(f"/letters/{letter.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # Drawn as literal text, and the PDF holds no script or action at all.
    assert b"/JavaScript" not in response.content and b"/JS " not in response.content
    assert b"<script>alert" in pdf_text(response.content)
    # The operator's list escapes it too.
    page = clients["operator_a"].get("/letters/").content
    assert b"<script>alert(1)" not in page


def test_operator_cannot_download_another_villages_letter(clients, residents):
    issue(clients["operator_a"])
    letter = Letter.objects.get()
    assert clients["operator_b"].get(f"/letters/{letter.pk}/pdf/").status_code == 404
    assert clients["custodian"].get(f"/letters/{letter.pk}/pdf/").status_code == 200


def test_verification_page_shows_number_type_village_date_and_initials_only(
    client, clients, residents
):
    issue(clients["operator_a"])
    letter = Letter.objects.get()
    code = services.verification_code(letter)
    page = client.get(f"/letters/verify/{code}/").content.decode()
    assert "Sah" in page and letter.number in page and "Natai Raya" in page
    assert "B. S." in page
    assert "Budi Santoso" not in page and NIK_A not in page and "1990" not in page
    api = client.get(f"/api/v1/letters/verify/{code}").json()
    assert api["number"] == letter.number and api["initials"] == "B. S."
    assert NIK_A not in str(api) and "Budi" not in str(api)


def test_forged_or_altered_verification_codes_are_not_valid(client, clients, residents):
    issue(clients["operator_a"])
    issue(clients["operator_a"])
    first, second = Letter.objects.order_by("serial")
    code = services.verification_code(first)
    signature = code.split(":", 1)[1]
    for bad in (f"{second.pk}:{signature}", code[:-2] + "xx", "1", "999:abc", "%3Cscript%3E"):
        response = client.get(f"/letters/verify/{bad}/")
        assert response.status_code == 404
        assert "Tidak sah" in response.content.decode()
    assert client.get(f"/api/v1/letters/verify/{second.pk}:{signature}").status_code == 404


def test_village_adjusts_its_template_with_placeholders(clients, residents):
    browser = clients["operator_a"]
    browser.post(
        "/letters/templates/",
        {
            "letter_type": "domicile",
            "body": "Saudara {nama} tinggal di {desa}. <b>x</b> {keperluan}",
        },
    )
    # A purpose that looks like a placeholder or a template is printed as typed.
    issue(browser, purpose="{nik} {{7*7}}")
    body = Letter.objects.get().body
    assert body == "Saudara Budi Santoso tinggal di Natai Raya. <b>x</b> {nik} {{7*7}}"
    # Village B still uses the default wording.
    issue(clients["operator_b"], nik=NIK_B)
    assert "Yang bertanda tangan" in Letter.objects.get(village_id=VILLAGE_B).body


def test_unknown_placeholder_is_refused_with_its_name(clients):
    response = clients["operator_a"].post(
        "/letters/templates/", {"letter_type": "domicile", "body": "Halo {password}"}, follow=True
    )
    assert "Placeholder tidak dikenal {password}" in response.content.decode()
    from satudata.letters.models import LetterTemplate

    assert LetterTemplate.objects.count() == 0


@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads need a server database")
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_when_operators_issue_at_the_same_time():
    from satudata.accounts.models import User
    from satudata.conftest import make_user
    from satudata.regions.loader import load_regions
    from satudata.regions.models import Region

    load_regions(["62"])  # transactional tests flush the database
    village = Region.objects.get(code=VILLAGE_A)
    operator = make_user("operator.a", User.Role.VILLAGE_OPERATOR, region=village)
    Resident.objects.create(
        nik=NIK_A, name="Budi Santoso", sex=1, birth_date=datetime.date(1990, 1, 1), village=village
    )
    errors = []
    start = threading.Barrier(6)

    def work():
        try:
            start.wait()
            services.issue(operator, nik=NIK_A, letter_type="domicile")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(Letter.objects.values_list("serial", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert LetterCounter.objects.get(village=village).last_number == 6


def test_issued_letters_are_listed_page_by_page(clients, residents, cast):
    for _ in range(52):
        services.issue(cast.operator_a, nik=NIK_A, letter_type="domicile")
    operator = clients["operator_a"]
    first = operator.get("/letters/").content.decode()
    assert first.count(">PDF</a>") == 50 and "Halaman 1 dari 2" in first
    second = operator.get("/letters/", {"page": "2"}).content.decode()
    assert second.count(">PDF</a>") == 2
    # Every letter is on one page or the other, and on one only.
    for letter in Letter.objects.all():
        cell = f"<td>{letter.number}</td>"
        assert (first + second).count(cell) == 1
    assert operator.get("/letters/", {"page": "x"}).status_code == 200


def test_a_name_outside_latin_1_is_drawn_with_a_unicode_font_when_one_is_installed(
    clients, residents, monkeypatch
):
    from satudata.letters import pdf

    Resident.objects.filter(nik=NIK_A).update(name="Nguyễn Thị Ánh")
    issue(clients["operator_a"], purpose="Melamar kerja — “segera”")
    letter = Letter.objects.get()
    if pdf.unicode_font() is not None:
        content = clients["operator_a"].get(f"/letters/{letter.pk}/pdf/").content
        assert b"DejaVuSans" in content  # embedded (subset), so the PDF shows the real letters
        assert b"Nguy?n" not in pdf_text(content)
    # Without the font the letter is still issued, with '?' for what Latin-1 cannot hold.
    monkeypatch.setattr(pdf, "FONT_DIRS", ())
    monkeypatch.delenv("LETTER_FONT_DIR", raising=False)
    content = clients["operator_a"].get(f"/letters/{letter.pk}/pdf/").content
    assert b"DejaVuSans" not in content and b"Nguy?n Th? \xc1nh" in pdf_text(content)


def test_a_name_outside_the_cut_font_uses_the_whole_font(clients, residents):
    from satudata.letters import pdf

    if pdf.unicode_font() is None:
        pytest.skip("fonts-dejavu-core is not installed")
    Resident.objects.filter(nik=NIK_A).update(name="Μαρία Ñandú")  # Greek is not in the cut
    issue(clients["operator_a"])
    letter = Letter.objects.get()
    response = clients["operator_a"].get(f"/letters/{letter.pk}/pdf/")
    assert response.status_code == 200 and b"DejaVuSans" in response.content
    assert pdf._OUTSIDE_SUBSET.search("Μαρία") and not pdf._OUTSIDE_SUBSET.search("Nguyễn — ’")


def test_an_ordinary_letter_keeps_the_small_core_font(clients, residents):
    issue(clients["operator_a"])
    letter = Letter.objects.get()
    content = clients["operator_a"].get(f"/letters/{letter.pk}/pdf/").content
    assert b"/Helvetica" in content and b"DejaVuSans" not in content
