import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.feedback import services
from satudata.feedback.models import Feedback

pytestmark = pytest.mark.django_db


def send(client, **extra):
    data = {"category": "complaint", "village": VILLAGE_A, "text": "Jalan rusak di RT 003."}
    data.update(extra)
    return client.post("/feedback/", data)


def make(village=VILLAGE_A, agency=None, **kw):
    from satudata.regions.models import Region

    return services.submit(
        category="complaint",
        text=kw.pop("text", "Lampu jalan mati."),
        village=Region.objects.get(code=village) if village else None,
        agency=agency,
        **kw,
    )


def test_citizen_sends_a_complaint_and_follows_it_by_tracking_code(client):
    response = send(client, contact="0812 3456 7890")
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert item.village_id == VILLAGE_A and item.status == "received"
    page = client.get(response["Location"]).content.decode()
    assert item.tracking_code in page
    assert "Jalan rusak di RT 003." in page
    assert "0812 3456 7890" not in page  # the contact is never public
    assert AuditEntry.objects.filter(model_label="feedback.feedback", action="create").exists()


def test_unknown_tracking_code_says_so(client):
    response = client.get("/feedback/track/", {"code": "ZZZZZZZZZZ"})
    assert response.status_code == 404
    assert "Tidak ada pesan dengan kode lacak ini." in response.content.decode()


def test_script_in_complaint_text_is_escaped_on_the_tracking_page_and_inbox(clients):
    send(clients["anonymous"], text="<script>alert(1)</script>")
    item = Feedback.objects.get()
    page = clients["anonymous"].get("/feedback/track/", {"code": item.tracking_code})
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    inbox = clients["operator_a"].get("/feedback/inbox/").content
    assert b"<script>alert(1)" not in inbox


def test_a_flood_from_one_address_is_limited_and_not_stored(client):
    for _i in range(services.RATE_LIMIT):
        assert send(client).status_code == 302
    response = send(client, text="Pesan keenam")
    assert response.status_code == 429
    assert "Terlalu banyak pesan dari alamat Anda" in response.content.decode()
    assert Feedback.objects.count() == services.RATE_LIMIT
    assert not Feedback.objects.filter(text="Pesan keenam").exists()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert send(other).status_code == 302


def test_the_honeypot_refuses_bots_and_stores_nothing(client):
    response = send(client, website="http://spam.example")
    assert response.status_code == 400
    assert "Pesan Anda tidak diterima." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_message_needs_either_a_village_or_an_agency(client, cast):
    response = send(client, village="", agency="")
    assert response.status_code == 400
    assert "Pilih desa atau instansi" in response.content.decode()
    response = send(client, agency=cast.agency_a.slug)
    assert response.status_code == 400
    assert Feedback.objects.count() == 0


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_kept_without_exif(client):
    raw = _jpeg_with_exif()
    assert b"KameraRahasia" in raw
    photo = SimpleUploadedFile("foto.jpg", raw, content_type="image/jpeg")
    assert send(client, photo=photo).status_code == 302
    item = Feedback.objects.get()
    stored = default_storage.open(item.photo).read()
    assert stored[:2] == b"\xff\xd8"
    assert b"KameraRahasia" not in stored


def test_a_photo_that_is_not_an_image_is_refused_with_a_message(client):
    fake = SimpleUploadedFile(
        "foto.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"
    )
    response = send(client, photo=fake)
    assert response.status_code == 400
    assert "Foto harus berupa gambar JPEG, PNG atau WebP." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_messages_route_to_the_village_operator_only(clients):
    mine, theirs = make(VILLAGE_A, text="untuk desa A"), make(VILLAGE_B, text="untuk desa B")
    inbox = clients["operator_a"].get("/feedback/inbox/").content.decode()
    assert "untuk desa A" in inbox and "untuk desa B" not in inbox
    assert clients["operator_a"].get(f"/feedback/{theirs.pk}/").status_code == 404
    assert clients["operator_a"].get(f"/feedback/{mine.pk}/").status_code == 200
    # Operator B cannot answer A's message either.
    clients["operator_b"].post(f"/feedback/{mine.pk}/reply/", {"text": "bukan urusan saya"})
    assert not mine.replies.exists()
    district = clients["district_viewer"].get("/feedback/inbox/").content.decode()
    assert "untuk desa A" in district and "untuk desa B" in district


def test_agency_messages_route_to_that_agencys_producers(clients, cast):
    make(village=None, agency=cast.agency_a, text="untuk dinkes")
    assert "untuk dinkes" in clients["producer_a"].get("/feedback/inbox/").content.decode()
    assert "untuk dinkes" not in clients["producer_b"].get("/feedback/inbox/").content.decode()
    assert "untuk dinkes" not in clients["operator_a"].get("/feedback/inbox/").content.decode()


def test_operator_replies_and_the_citizen_sees_the_reply_and_status(clients):
    item = make()
    browser = clients["operator_a"]
    browser.post(f"/feedback/{item.pk}/status/", {"status": "in_progress"})
    item.refresh_from_db()
    assert item.status == "in_progress"
    browser.post(f"/feedback/{item.pk}/reply/", {"text": "Sudah kami perbaiki."})
    item.refresh_from_db()
    assert item.status == "answered"
    page = clients["anonymous"].get("/feedback/track/", {"code": item.tracking_code})
    assert "Sudah kami perbaiki." in page.content.decode()
    browser.post(f"/feedback/{item.pk}/status/", {"status": "closed"})
    item.refresh_from_db()
    assert item.status == "closed"
    assert AuditEntry.objects.filter(model_label="feedback.reply").count() == 1


def test_a_closed_message_cannot_go_back(clients):
    item = make()
    clients["operator_a"].post(f"/feedback/{item.pk}/reply/", {"text": "ok"})
    clients["operator_a"].post(f"/feedback/{item.pk}/status/", {"status": "closed"})
    response = clients["operator_a"].post(
        f"/feedback/{item.pk}/status/", {"status": "received"}, follow=True
    )
    assert "tidak dapat menjadi" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "closed"


def test_overdue_list_shows_only_old_unanswered_messages(clients):
    old, fresh = make(text="pesan lama"), make(text="pesan baru")
    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    page = clients["operator_a"].get("/feedback/overdue/").content.decode()
    assert "pesan lama" in page and "pesan baru" not in page
    assert fresh.pk


def test_moderation_hides_an_abusive_message_from_the_public(clients):
    item = make(text="kata-kata kasar")
    clients["operator_a"].post(f"/feedback/{item.pk}/hide/", {"hidden": "1"})
    item.refresh_from_db()
    assert item.is_hidden
    page = clients["anonymous"].get("/feedback/track/", {"code": item.tracking_code})
    assert "kata-kata kasar" not in page.content.decode()


def test_only_signed_in_handlers_open_the_inbox(clients):
    assert clients["anonymous"].get("/feedback/inbox/").status_code == 302
    assert clients["anonymous"].get("/feedback/overdue/").status_code == 302


def test_api_tracking_never_returns_the_contact(client):
    item = make(contact="warga@example.com")
    body = client.get(f"/api/v1/feedback/track/{item.tracking_code}").json()
    assert body["tracking_code"] == item.tracking_code
    assert "warga@example.com" not in str(body)
    assert client.get("/api/v1/feedback/track/NOPE").status_code == 404


def test_api_inbox_is_scoped(clients):
    make(VILLAGE_A, text="A"), make(VILLAGE_B, text="B")
    assert [i["text"] for i in clients["operator_a"].get("/api/v1/feedback").json()] == ["A"]
    assert clients["anonymous"].get("/api/v1/feedback").status_code == 401


def test_the_inbox_is_paged_and_keeps_the_status_filter(clients):
    for i in range(53):
        make(text=f"pesan nomor {i:02d}")
    operator = clients["operator_a"]
    first = operator.get("/feedback/inbox/", {"status": "received"}).content.decode()
    assert first.count('<tr>\n  <td><a href="/feedback/') == 50
    assert "pesan nomor 52" in first and "pesan nomor 00" not in first  # newest first
    assert 'href="?status=received&amp;page=2"' in first and "Halaman 1 dari 2" in first
    second = operator.get("/feedback/inbox/", {"status": "received", "page": "2"})
    assert "pesan nomor 00" in second.content.decode()
    assert "pesan nomor 52" not in second.content.decode()
    for odd in ("abc", "-4", "99999999999"):  # never an error: first or last page
        assert operator.get("/feedback/inbox/", {"page": odd}).status_code == 200
    # Another village's operator sees none of them, on any page.
    assert "pesan nomor" not in clients["operator_b"].get("/feedback/inbox/").content.decode()


# The per-address limit (README "Suggestions and complaints", "Deployment").


def test_the_limit_holds_across_app_processes(client):
    # Each app process has its own in-process cache; emptying it between messages is what
    # a second worker process sees. The count is in the database, shared by all of them.
    for _i in range(services.RATE_LIMIT):
        cache.clear()
        assert send(client).status_code == 302
    cache.clear()
    assert send(client, text="Pesan keenam").status_code == 429
    assert Feedback.objects.count() == services.RATE_LIMIT


def test_forms_with_mistakes_do_not_count_but_honeypot_hits_do(client):
    for _i in range(services.RATE_LIMIT + 2):
        assert send(client, text="").status_code == 400
    big = SimpleUploadedFile("foto.jpg", b"bukan gambar", content_type="image/jpeg")
    assert send(client, photo=big).status_code == 400
    # The citizen corrects the mistakes: every corrected message is accepted.
    for _i in range(services.RATE_LIMIT):
        assert send(client).status_code == 302
    assert send(client).status_code == 429

    bot = Client(REMOTE_ADDR="10.8.8.8")
    for _i in range(services.RATE_LIMIT):
        assert send(bot, website="http://spam.example").status_code == 400
    assert send(bot).status_code == 429
    assert Feedback.objects.count() == services.RATE_LIMIT


def behind_proxy(forwarded_for: str, proxy: str = "10.0.0.2") -> Client:
    return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded_for)


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_behind_a_trusted_proxy_each_citizen_has_their_own_limit():
    for i in range(services.RATE_LIMIT + 3):
        assert send(behind_proxy(f"203.0.113.{i}")).status_code == 302
    # One citizen: its address is the right-most one the trusted proxies did not write; what
    # it puts further left itself (a forged X-Forwarded-For) changes nothing.
    for i in range(services.RATE_LIMIT):
        assert send(behind_proxy(f"1.1.1.{i}, 198.51.100.7, 10.0.0.9")).status_code == 302
    assert send(behind_proxy("9.9.9.9, 198.51.100.7")).status_code == 429
    assert send(behind_proxy("198.51.100.7", proxy="10.0.0.77")).status_code == 429
    # A client that connects directly is never believed.
    direct = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert services.client_address(direct.get("/").wsgi_request.META) == "192.0.2.50"


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    assert settings.TRUSTED_PROXIES == []
    for i in range(services.RATE_LIMIT):
        assert send(behind_proxy(f"203.0.113.{i}")).status_code == 302
    assert send(behind_proxy("203.0.113.200")).status_code == 429


# Photos that would take the server's memory (README: up to 40 MP).


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG file of a few bytes that claims width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


# 7000² is under Pillow's own limit, 10000² over its warning (made an error here, as with
# `python -W error`), 20000² over its error.
@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [7_000, 10_000, 20_000])
def test_a_decompression_bomb_is_refused_before_decoding_and_the_text_is_kept(
    client, monkeypatch, side
):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    bomb = SimpleUploadedFile("bom.png", _png_header_only(side, side), content_type="image/png")
    response = send(client, text="Jalan berlubang di depan sekolah.", photo=bomb)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Foto memiliki terlalu banyak piksel." in page
    assert "Jalan berlubang di depan sekolah.</textarea>" in page
    assert Feedback.objects.count() == 0


# Replies.


def test_a_reply_longer_than_4000_characters_is_refused_and_kept_in_the_form(clients):
    item = make()
    operator = clients["operator_a"]
    response = operator.post(f"/feedback/{item.pk}/reply/", {"text": "x" * 4001})
    assert response.status_code == 400
    page = response.content.decode()
    assert "paling banyak 4000 karakter" in page and "x" * 4001 in page
    item.refresh_from_db()
    assert not item.replies.exists() and item.status == "received"
    assert operator.post(f"/feedback/{item.pk}/reply/", {"text": "y" * 4000}).status_code == 302
    assert item.replies.get().text == "y" * 4000
    # The district viewer still cannot reply at all.
    response = clients["district_viewer"].post(f"/feedback/{item.pk}/reply/", {"text": "z"})
    assert response.status_code == 403


def test_a_closed_message_takes_no_more_replies(clients):
    item = make()
    operator = clients["operator_a"]
    operator.post(f"/feedback/{item.pk}/reply/", {"text": "Sudah diperbaiki."})
    operator.post(f"/feedback/{item.pk}/status/", {"status": "closed"})
    response = operator.post(f"/feedback/{item.pk}/reply/", {"text": "Tambahan."}, follow=True)
    page = response.content.decode()
    assert "Pesan ini sudah ditutup; tidak dapat dibalas lagi." in page
    assert f'action="/feedback/{item.pk}/reply/"' not in page  # no reply form any more
    assert [r.text for r in item.replies.all()] == ["Sudah diperbaiki."]
    item.refresh_from_db()
    assert item.status == "closed"


# Who sees the contact.


def test_the_contact_is_seen_by_handlers_and_the_custodian_not_the_district_viewer(clients):
    item = make(contact="0812-7777-8888")
    for who in ("operator_a", "custodian"):
        assert "0812-7777-8888" in clients[who].get(f"/feedback/{item.pk}/").content.decode()
        assert clients[who].get("/api/v1/feedback").json()[0]["contact"] == "0812-7777-8888"
    viewer = clients["district_viewer"]
    page = viewer.get(f"/feedback/{item.pk}/")
    assert page.status_code == 200 and "0812-7777-8888" not in page.content.decode()
    assert viewer.get("/api/v1/feedback").json()[0]["contact"] == ""
    form = clients["anonymous"].get("/feedback/").content.decode()
    assert "hanya dilihat petugas yang menangani pesan Anda dan walidata" in form


def test_the_tracking_page_and_api_mask_numbers_as_the_village_page_does(client):
    response = client.post(
        "/feedback/",
        {"category": "complaint", "village": VILLAGE_A, "text": "NIK saya 6201025705900001 salah."},
        follow=True,
    )
    code = Feedback.objects.get().tracking_code
    page = client.get("/feedback/track/", {"code": code}).content.decode()
    body = client.get(f"/api/v1/feedback/track/{code}").json()
    for text in (page, body["text"]):
        assert "6201025705900001" not in text and "[disembunyikan]" in text
    assert response.status_code == 200
