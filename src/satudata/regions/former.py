"""Former district codes: the 6-digit NIK and KK prefixes accepted besides the current ones.

A NIK is never re-issued, but a regency split (pemekaran) gives its districts new codes:
Merauke's people registered before Papua's 2022 split carry NIKs starting 91.01.xx while the
region table has 93.01.xx. The custodian records such codes here; `district_digits` (the
prefixes the NIK and KK checks accept) holds both.

`district_digits` is cached per process. Adding or removing a code clears this process's
cache at once; other processes (the server's workers, a running import) read the former codes
again after at most `FORMER_CODES_SECONDS`, so no restart is needed.
"""

from __future__ import annotations

import functools
import re
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import FormerDistrictCode, Region

FORMER_CODES_SECONDS = 60
# Province 11–99, regency and district from 01: a code starting with 0 would read as a
# temporary NIK, and 00 is no group of any Kemendagri code.
DISTRICT_CODE = re.compile(r"[1-9][0-9]\.(0[1-9]|[1-9][0-9])\.(0[1-9]|[1-9][0-9])")

_cached: tuple[float, frozenset[str]] | None = None


@functools.cache
def _current_digits() -> frozenset[str]:
    codes = Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", flat=True)
    return frozenset(code.replace(".", "") for code in codes)


def district_digits() -> frozenset[str]:
    """The 6-digit prefixes a NIK or KK number may start with: every district of the region
    table and every recorded former district code (cached; reloaded while the table is empty)."""
    global _cached
    now = time.monotonic()
    if _cached is not None and now < _cached[0]:
        return _cached[1]
    current = _current_digits()
    if not current:
        _current_digits.cache_clear()  # regions not loaded yet: look again next time
    former = frozenset(
        code.replace(".", "") for code in FormerDistrictCode.objects.values_list("code", flat=True)
    )
    found = current | former if former else current
    _cached = (now + FORMER_CODES_SECONDS, found) if current else None
    return found


def forget() -> None:
    """Drop this process's cached prefixes (after a change of the former codes or regions)."""
    global _cached
    _cached = None
    _current_digits.cache_clear()


def listed() -> QuerySet[FormerDistrictCode]:
    return FormerDistrictCode.objects.select_related("current")


def district_code(raw: str) -> str:
    """The dotted 6-digit district code typed as `raw` (91.01.01 or 910101); ValidationError."""
    try:
        code = normalize_code(raw)
    except BadRegionCode:
        code = ""
    if not DISTRICT_CODE.fullmatch(code):
        raise ValidationError(
            _("%(code)s is not a district code: 6 digits, e.g. 91.01.01 or 910101.")
            % {"code": str(raw).strip()[:40]}
        )
    return code


def _check_custodian(actor) -> None:
    if actor is not None and not actor.is_custodian:
        raise PermissionDenied(
            _("%(name)s may not change the former district codes: only the custodian may.")
            % {"name": actor.get_username()}
        )


def add(actor, raw_code: str, now: str | None = None, note: str = "") -> FormerDistrictCode:
    """Record a former district code (with the current district it became), audited."""
    _check_custodian(actor)
    code = district_code(raw_code)
    current_district = Region.objects.filter(code=code, level=Region.Level.DISTRICT).first()
    if current_district is not None:
        raise ValidationError(
            _("%(code)s is a current district code (%(name)s): NIKs starting with it are accepted.")
            % {"code": code, "name": current_district.full_name()}
        )
    became = None
    if now:
        now_code = district_code(now)
        became = Region.objects.filter(code=now_code, level=Region.Level.DISTRICT).first()
        if became is None:
            raise ValidationError(
                _("%(code)s is not a current district code of the region table.")
                % {"code": now_code}
            )
    with transaction.atomic():
        if FormerDistrictCode.objects.select_for_update().filter(code=code).exists():
            raise ValidationError(_("%(code)s is recorded already.") % {"code": code})
        former = audit.create(
            actor, FormerDistrictCode(code=code, current=became, note=note.strip())
        )
        transaction.on_commit(forget)
    forget()  # this process at once, also inside a caller's transaction (tests)
    return former


def remove(actor, raw_code: str) -> FormerDistrictCode:
    """Take a former district code off the list, audited; stored NIKs starting with it stay."""
    _check_custodian(actor)
    code = district_code(raw_code)
    with transaction.atomic():
        former = FormerDistrictCode.objects.select_for_update().filter(code=code).first()
        if former is None:
            raise ValidationError(
                _("%(code)s is not a recorded former district code.") % {"code": code}
            )
        audit.hard_delete(actor, former)
        transaction.on_commit(forget)
    forget()
    return former
