"""REST routes of the letters app (mounted under /api/v1/)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from satudata.core.access import public
from satudata.letters import services

router = Router(tags=["letters"])


class VerificationOut(Schema):
    """What anyone scanning a letter's QR code learns: no personal data beyond initials."""

    valid: bool
    number: str
    letter_type: str
    village: str
    village_name: str
    issued_on: date
    initials: str


@router.get("/letters/verify/{code}", response=VerificationOut, summary="Verify a letter")
@public
def verify(request, code: str):
    """Whether a letter with this verification code was issued, and its number, type and date."""
    letter = services.letter_for_code(code)
    if letter is None:
        raise HttpError(404, _("This verification code is not valid."))
    return {
        "valid": True,
        "number": letter.number,
        "letter_type": letter.letter_type,
        "village": letter.village_id,
        "village_name": letter.village.name,
        "issued_on": letter.issued_on(),
        "initials": letter.holder_initials(),
    }
