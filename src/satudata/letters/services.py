"""Issuing village letters: numbered per village per year, filled from the registry, audited."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.audit import services as audit
from satudata.letters.models import Letter, LetterCounter, LetterTemplate, LetterType
from satudata.letters.templating import DEFAULTS, TITLES, check_template, fill
from satudata.regions.models import Region
from satudata.registry.models import Resident

_SIGNER = signing.Signer(salt="satudata.letters.verify")
MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def long_date(day) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def verification_code(letter: Letter) -> str:
    """An HMAC-signed code: the letter id and a signature only the server can make."""
    return _SIGNER.sign(str(letter.pk))


def letter_for_code(code: str) -> Letter | None:
    """The letter a code names, or None for a forged, altered or unknown code."""
    try:
        pk = _SIGNER.unsign((code or "").strip())
    except signing.BadSignature:
        return None
    if not pk.isdigit():
        return None
    return Letter.objects.select_related("village").filter(pk=int(pk)).first()


def template_body(village: Region, letter_type: str) -> str:
    own = LetterTemplate.objects.filter(village=village, letter_type=letter_type).first()
    return own.body if own else DEFAULTS[LetterType(letter_type)]


@transaction.atomic
def save_template(actor, village: Region, letter_type: str, body: str) -> LetterTemplate:
    """A village adjusts its wording of one letter type; unknown placeholders are refused."""
    if not write_scope(actor).allows(village.code) or village.level != Region.Level.VILLAGE:
        raise PermissionDenied(_("You may not change this village's letters."))
    if letter_type not in LetterType.values:
        raise ValidationError({"letter_type": _("Unknown letter type.")})
    body = check_template(body)
    own = LetterTemplate.objects.filter(village=village, letter_type=letter_type).first()
    if own is None:
        return audit.create(
            actor, LetterTemplate(village=village, letter_type=letter_type, body=body)
        )
    return audit.update(actor, own, body=body)


def _next_serial(village: Region, year: int) -> int:
    """Take the next number under a row lock, so two operators never get the same one."""
    counter = LetterCounter.objects.select_for_update().filter(village=village, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                LetterCounter.objects.create(village=village, year=year)
        except IntegrityError:
            pass  # someone else created it first; lock theirs
        counter = LetterCounter.objects.select_for_update().get(village=village, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _values(resident: Resident, purpose: str, today) -> dict[str, str]:
    village = resident.village
    ancestors = {r.level: r for r in village.ancestors()}
    district = ancestors.get(Region.Level.DISTRICT)
    regency = ancestors.get(Region.Level.REGENCY)
    address = []
    if resident.family_id and resident.family.address:
        address.append(resident.family.address)
    if resident.unit_id:
        address.append(resident.unit.path_label())
    address.append(f"Desa {village.name}")
    return {
        "nama": resident.name,
        "nik": resident.nik,
        "jenis_kelamin": "Laki-laki" if resident.sex == Resident.Sex.MALE else "Perempuan",
        "tempat_lahir": resident.birth_place or "-",
        "tanggal_lahir": long_date(resident.birth_date),
        "alamat": ", ".join(address),
        "desa": village.name,
        "kecamatan": district.name if district else "",
        "kabupaten": regency.name if regency else "",
        "keperluan": purpose or "-",
        "tanggal": long_date(today),
    }


@transaction.atomic
def issue(actor, *, nik: str, letter_type: str, purpose: str = "") -> Letter:
    """Issue a letter for a resident of a village the actor keeps; numbered and audited."""
    if letter_type not in LetterType.values:
        raise ValidationError({"letter_type": _("Unknown letter type.")})
    purpose = (purpose or "").strip()
    if len(purpose) > 200:
        raise ValidationError({"purpose": _("The purpose is longer than 200 characters.")})
    nik = (nik or "").strip()
    resident = (
        Resident.objects.editable_by(actor)
        .select_related("village", "family", "unit")
        .filter(nik=nik)
        .first()
    )
    if resident is None:
        # The same answer whether the NIK exists elsewhere or not at all.
        raise ValidationError(
            {"nik": _("No resident of your village has NIK %(nik)s.") % {"nik": nik}}
        )
    today = timezone.localdate()
    serial = _next_serial(resident.village, today.year)
    code = TITLES[LetterType(letter_type)][1]
    letter = Letter(
        village=resident.village,
        letter_type=letter_type,
        resident=resident,
        holder_name=resident.name,
        year=today.year,
        serial=serial,
        number=f"{code}/{serial:04d}/{resident.village.digits[-4:]}/{today.year}",
        purpose=purpose,
        body=fill(template_body(resident.village, letter_type), _values(resident, purpose, today)),
        issued_by=actor,
    )
    return audit.create(actor, letter)
