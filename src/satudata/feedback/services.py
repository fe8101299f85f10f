"""Taking in, routing, answering and moderating citizens' messages; every write audited."""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.env import env_int
from satudata.feedback.models import Feedback, Reply

# Spam limits and the overdue threshold are configuration, not code.
RATE_LIMIT = env_int("FEEDBACK_RATE_LIMIT", 5)  # messages per address per window
RATE_WINDOW_S = env_int("FEEDBACK_RATE_WINDOW_MINUTES", 60) * 60
OVERDUE_DAYS = env_int("FEEDBACK_OVERDUE_DAYS", 7)
PHOTO_MAX_BYTES = 5 * 1024 * 1024
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


def _address_key(ip: str) -> str:
    # Addresses are personal data: only a keyed digest is kept, and only in the cache.
    digest = hashlib.sha256((settings.SECRET_KEY + "|" + (ip or "")).encode()).hexdigest()[:32]
    return f"feedback-rate:{digest}"


def check_rate(ip: str) -> None:
    """Count one attempt from this address; RateLimited past the limit in the window."""
    key = _address_key(ip)
    cache.add(key, 0, timeout=RATE_WINDOW_S)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_S)
        count = 1
    if count > RATE_LIMIT:
        raise RateLimited(_("Too many messages from your address. Please try again in an hour."))


def clean_photo(upload) -> ContentFile:
    """A JPEG/PNG/WebP of at most 5 MB, re-encoded so EXIF (e.g. GPS position) is dropped."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is larger than 5 MB.")})
    try:
        image = Image.open(upload)
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError({"photo": _("The photo must be a JPEG, PNG or WebP image.")}) from exc
    kind = image.format
    if kind not in PHOTO_FORMATS:
        raise ValidationError({"photo": _("The photo must be a JPEG, PNG or WebP image.")})
    if image.width * image.height > 40_000_000:
        raise ValidationError({"photo": _("The photo has too many pixels.")})
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
    *, category: str, text: str, village=None, agency=None, contact: str = "", photo=None
) -> Feedback:
    """Store a citizen's message routed to its village or agency; returns it with its code."""
    if (village is None) == (agency is None):
        raise ValidationError({"village": _("Choose either a village or an agency.")})
    if village is not None and village.level != 4:
        raise ValidationError({"village": _("Choose a village.")})
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


def _require_handler(actor, item: Feedback) -> None:
    if not Feedback.objects.editable_by(actor).filter(pk=item.pk).exists():
        raise PermissionDenied(_("This message is not routed to you."))


@transaction.atomic
def reply(actor, item: Feedback, text: str) -> Reply:
    """Answer a message; the answer is public on the tracking page and marks it answered."""
    _require_handler(actor, item)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The reply must not be empty.")})
    answer = audit.create(actor, Reply(feedback=item, author=actor, text=text))
    if item.status in (Feedback.Status.RECEIVED, Feedback.Status.IN_PROGRESS):
        audit.update(actor, item, status=Feedback.Status.ANSWERED, answered_at=timezone.now())
    return answer


@transaction.atomic
def set_status(actor, item: Feedback, status: str) -> Feedback:
    """Move a message along received → in progress → answered → closed."""
    _require_handler(actor, item)
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
    _require_handler(actor, item)
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
