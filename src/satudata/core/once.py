"""One-time tokens for forms that create records, where a second send would create a second
record (a person with a temporary NIK, a birth): the page carries a token, the first send
claims it, and a repeated send is led to what the first one made instead of saving again.

The claim is its own small write before the form's work (not inside its transaction), so a
service that keeps a record of a refused attempt (a NIK conflict) keeps it; a refused send
releases the claim, so the corrected form can be sent again with the same token.
"""

from __future__ import annotations

import datetime
import secrets
import time

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.core.models import SentForm

FIELD = "once"
KEPT = datetime.timedelta(days=2)  # long enough for a page left open over a night
WAIT_SECONDS = 10  # for the first send of a double tap to finish, before "being saved"


def new_token() -> str:
    return secrets.token_hex(16)


def token_of(request) -> str:
    """The token a form page should carry: the one it was sent with, or a new one."""
    sent = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return sent if _well_formed(sent) else new_token()


def _well_formed(token: str) -> bool:
    return len(token) == 32 and all(c in "0123456789abcdef" for c in token)


class Claim:
    """The first send of a form: `done(url)` when saved, `release()` when refused."""

    def __init__(self, row: SentForm | None):
        self._row = row

    def finish(self, response):
        """Remember where the saved form led (a redirect), for a repeated send."""
        if self._row is not None:
            SentForm.objects.filter(pk=self._row.pk).update(result_url=response.url[:200])
        return response

    def release(self) -> None:
        if self._row is not None:
            SentForm.objects.filter(pk=self._row.pk).delete()


def claim(request) -> Claim | SentForm:
    """Claim the sent form's token. A SentForm back means it was sent before: its
    `result_url` is where the first send led ('' while that one is still being saved).
    A form without a token (an older page, a script) is not guarded."""
    token = request.POST.get(FIELD, "")
    if not _well_formed(token):
        return Claim(None)
    SentForm.objects.filter(sent_at__lt=timezone.now() - KEPT).delete()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                return Claim(SentForm.objects.create(token=token))
        except IntegrityError:
            first = SentForm.objects.filter(token=token).first()
        # A double tap: the first send may still be at work. Wait for its outcome, so this
        # send answers as it does: its result, or (refused, claim released) the same checks.
        if first is not None and (first.result_url or time.monotonic() > deadline):
            return first
        time.sleep(0.1)


def repeat(request, sent: SentForm):
    """The answer to a form sent again: where the first send led, saying so."""
    if sent.result_url:
        messages.info(
            request, _("This form had already been sent and saved; it was not saved again.")
        )
        return redirect(sent.result_url)
    messages.warning(
        request, _("This form is already being saved; wait a moment, then check the list.")
    )
    return redirect(request.get_full_path())
