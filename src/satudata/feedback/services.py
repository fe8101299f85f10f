"""Taking in, routing, answering and moderating citizens' messages; every write audited."""

from __future__ import annotations

import contextlib
import io
import ipaddress
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.env import env_int
from satudata.feedback.models import AddressAttempt, Feedback, Reply

# Spam limits and the overdue threshold are configuration, not code.
RATE_LIMIT = env_int("FEEDBACK_RATE_LIMIT", 5)  # messages per address per window
RATE_WINDOW_S = env_int("FEEDBACK_RATE_WINDOW_MINUTES", 60) * 60
OVERDUE_DAYS = env_int("FEEDBACK_OVERDUE_DAYS", 7)
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
REPLY_MAX_CHARS = Reply._meta.get_field("text").max_length
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# No 0/O or 1/I: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

NEXT_STATUSES = {
    Feedback.Status.RECEIVED: {Feedback.Status.IN_PROGRESS, Feedback.Status.ANSWERED},
    Feedback.Status.IN_PROGRESS: {Feedback.Status.ANSWERED},
    Feedback.Status.ANSWERED: {Feedback.Status.CLOSED, Feedback.Status.IN_PROGRESS},
    Feedback.Status.CLOSED: set(),
}


class RateLimited(Exception):
    """Too many messages from one address; nothing is stored."""


def _trusted_proxies() -> list:
    networks = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                _("TRUSTED_PROXIES: %(entry)s is not an IP address or network.") % {"entry": entry}
            ) from exc
    return networks


def _is_trusted(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(meta) -> str:
    """The sender's address: REMOTE_ADDR, or, when that is a trusted proxy (TRUSTED_PROXIES),
    the right-most X-Forwarded-For entry that is not one. Entries further left were written
    by the sender itself and are never believed."""
    address = meta.get("REMOTE_ADDR", "")
    networks = _trusted_proxies()
    if not networks or not _is_trusted(address, networks):
        return address
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        address = hop
        if not _is_trusted(hop, networks):
            break
    return address


def _address_digest(address: str) -> str:
    # Addresses are personal data: only a keyed digest is kept, and only for the window.
    return salted_hmac("satudata.feedback.rate", address or "").hexdigest()[:32]


def _take_slot(address: str) -> None:
    """Count one message from this address, or RateLimited past the limit in the window.

    Runs in the caller's transaction, so a message refused later (a bad photo) does not count.
    The count is in the database, shared by every app process; one address's attempts are
    taken one at a time (SQLite's IMMEDIATE transactions, PostgreSQL's advisory lock).
    """
    digest = _address_digest(address)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(digest[:15], 16)])
    since = timezone.now() - timedelta(seconds=RATE_WINDOW_S)
    AddressAttempt.objects.filter(created_at__lt=since).delete()
    if AddressAttempt.objects.filter(address=digest).count() >= RATE_LIMIT:
        raise RateLimited(_("Too many messages from your address. Please try again in an hour."))
    AddressAttempt.objects.create(address=digest)


@transaction.atomic
def count_refused(address: str) -> None:
    """A refused attempt (the honeypot was filled) counts toward the address's limit too."""
    with contextlib.suppress(RateLimited):  # already over the limit: nothing more to count
        _take_slot(address)


def clean_photo(upload) -> ContentFile:
    """A JPEG/PNG/WebP of at most 5 MB and 40 MP, re-encoded so EXIF (e.g. GPS) is dropped."""
    from PIL import Image, UnidentifiedImageError

    not_an_image = ValidationError({"photo": _("The photo must be a JPEG, PNG or WebP image.")})
    too_many_pixels = ValidationError({"photo": _("The photo has too many pixels.")})
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is larger than 5 MB.")})
    try:
        image = Image.open(upload)
        if image.format not in PHOTO_FORMATS:
            raise not_an_image
        # The size comes from the header: a small file of 20000 × 20000 px (a decompression
        # bomb) is refused here, before any pixel is decoded.
        if image.width * image.height > PHOTO_MAX_PIXELS:
            raise too_many_pixels
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own limit, met in Image.open before the check above (the warning is an
        # exception only when warnings are turned into errors).
        raise too_many_pixels from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise not_an_image from exc
    kind = image.format
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # Saving without exif= writes pixels only; metadata is not copied.
    image.save(out, format=kind)
    return ContentFile(out.getvalue(), name=f"photo.{PHOTO_FORMATS[kind]}")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(10))


@transaction.atomic
def submit(
    *,
    category: str,
    text: str,
    village=None,
    agency=None,
    contact: str = "",
    photo=None,
    address: str | None = None,
) -> Feedback:
    """Store a citizen's message routed to its village or agency; returns it with its code.

    With the sender's `address`, the message counts toward that address's limit, and
    RateLimited refuses it past the limit (before its photo is even read).
    """
    if (village is None) == (agency is None):
        raise ValidationError({"village": _("Choose either a village or an agency.")})
    if village is not None and village.level != 4:
        raise ValidationError({"village": _("Choose a village.")})
    if address is not None:
        _take_slot(address)
    item = Feedback(
        category=category,
        text=(text or "").strip(),
        village=village,
        agency=agency,
        contact=(contact or "").strip(),
        tracking_code=_new_code(),
    )
    if photo:
        cleaned = clean_photo(photo)
        # Random names: the file is reachable only through the scoped photo view anyway.
        suffix = cleaned.name.rsplit(".", 1)[1]
        name = f"feedback/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{suffix}"
        item.photo = default_storage.save(name, cleaned)
    return audit.create(None, item)


def require_handler(actor, item: Feedback) -> None:
    if not Feedback.objects.editable_by(actor).filter(pk=item.pk).exists():
        raise PermissionDenied(_("This message is not routed to you."))


@transaction.atomic
def reply(actor, item: Feedback, text: str) -> Reply:
    """Answer a message; the answer is public on the tracking page and marks it answered.

    A closed message takes no more replies: closing is final (NEXT_STATUSES).
    """
    require_handler(actor, item)
    if item.status == Feedback.Status.CLOSED:
        raise ValidationError({"text": _("This message is closed; it takes no more replies.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The reply must not be empty.")})
    if len(text) > REPLY_MAX_CHARS:
        raise ValidationError(
            {"text": _("The reply is longer than %(max)d characters.") % {"max": REPLY_MAX_CHARS}}
        )
    answer = audit.create(actor, Reply(feedback=item, author=actor, text=text))
    if item.status in (Feedback.Status.RECEIVED, Feedback.Status.IN_PROGRESS):
        audit.update(actor, item, status=Feedback.Status.ANSWERED, answered_at=timezone.now())
    return answer


@transaction.atomic
def set_status(actor, item: Feedback, status: str) -> Feedback:
    """Move a message along received → in progress → answered → closed."""
    require_handler(actor, item)
    if status not in NEXT_STATUSES.get(item.status, set()):
        raise ValidationError(
            {
                "status": _("A message that is %(now)s cannot become %(next)s.")
                % {
                    "now": item.get_status_display(),
                    "next": dict(Feedback.Status.choices).get(status, status),
                }
            }
        )
    if status == Feedback.Status.ANSWERED and not item.replies.exists():
        raise ValidationError({"status": _("Write a reply before marking it answered.")})
    return audit.update(actor, item, status=status)


@transaction.atomic
def set_hidden(actor, item: Feedback, hidden: bool) -> Feedback:
    """Moderation: hide an abusive message from every public page (it stays in the history)."""
    require_handler(actor, item)
    return audit.update(actor, item, is_hidden=hidden)


def overdue(user, days: int | None = None):
    """Messages routed to this account, still unanswered after `days` days."""
    limit = timezone.now() - timedelta(days=OVERDUE_DAYS if days is None else days)
    return Feedback.objects.visible_to(user).filter(
        status__in=[Feedback.Status.RECEIVED, Feedback.Status.IN_PROGRESS], created_at__lt=limit
    )


def find_by_code(code: str) -> Feedback | None:
    code = (code or "").strip().upper()[:12]
    if not code:
        return None
    return Feedback.objects.select_related("village", "agency").filter(tracking_code=code).first()
