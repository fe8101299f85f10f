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
from satudata.letters.templating import (
    DEFAULTS,
    TITLES,
    check_template,
    fill,
    village_titles,
)
from satudata.regions.models import Region
from satudata.registry import codes
from satudata.registry.models import LifeEvent, Resident

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


def own_template(village: Region, letter_type: str) -> LetterTemplate | None:
    """The village's own wording of a letter type, or None when it uses the default."""
    return LetterTemplate.objects.filter(village=village, letter_type=letter_type).first()


def template_body(village: Region, letter_type: str) -> str:
    own = own_template(village, letter_type)
    return own.body if own else DEFAULTS[LetterType(letter_type)]


def _check_template_change(actor, village: Region, letter_type: str) -> None:
    if not write_scope(actor).allows(village.code) or village.level != Region.Level.VILLAGE:
        raise PermissionDenied(_("You may not change this village's letters."))
    if letter_type not in LetterType.values:
        raise ValidationError({"letter_type": _("Unknown letter type.")})


@transaction.atomic
def save_template(actor, village: Region, letter_type: str, body: str) -> LetterTemplate:
    """A village adjusts its wording of one letter type; unknown placeholders are refused."""
    _check_template_change(actor, village, letter_type)
    body = check_template(body)
    own = own_template(village, letter_type)
    if own is None:
        return audit.create(
            actor, LetterTemplate(village=village, letter_type=letter_type, body=body)
        )
    return audit.update(actor, own, body=body)


@transaction.atomic
def restore_default_template(actor, village: Region, letter_type: str) -> None:
    """Back to the default wording: the village's own text is soft-deleted (kept in the audit
    history, restorable from there)."""
    _check_template_change(actor, village, letter_type)
    own = own_template(village, letter_type)
    if own is not None:
        audit.soft_delete(actor, own)


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


def _death_date(resident: Resident):
    """The date of the death event that made the resident dead (the last one recorded)."""
    event = resident.events.filter(kind=LifeEvent.Kind.DEATH).order_by("-id").first()
    return event.date if event else None


def _values(resident: Resident, purpose: str, today) -> dict[str, str]:
    village = resident.village
    ancestors = {r.level: r for r in village.ancestors()}
    district = ancestors.get(Region.Level.DISTRICT)
    regency = ancestors.get(Region.Level.REGENCY)
    village_word, head = village_titles(village)
    address = []
    if resident.family_id and resident.family.address:
        address.append(resident.family.address)
    if resident.unit_id:
        address.append(resident.unit.path_label())
    address.append(f"{village_word} {village.name}")
    died = _death_date(resident) if resident.status == Resident.Status.DEAD else None
    return {
        "nama": resident.name,
        "nik": resident.nik,
        "jenis_kelamin": "Laki-laki" if resident.sex == Resident.Sex.MALE else "Perempuan",
        "tempat_lahir": resident.birth_place or "-",
        "tanggal_lahir": long_date(resident.birth_date),
        "alamat": ", ".join(address),
        "desa": village.name,
        "sebutan_desa": village_word,
        "jabatan_kepala": head,
        "kecamatan": district.name if district else "",
        "kabupaten": regency.name if regency else "",
        "keperluan": purpose or "-",
        "tanggal": long_date(today),
        "tanggal_meninggal": long_date(died) if died else "-",
    }


# Which registry statuses each letter type may be issued for. A moving letter is also issued
# for a resident already recorded as moved out: operators record the move in the registry on
# the day the person leaves, and the letter is what the person takes to the new village.
LIVING = {Resident.Status.ALIVE}
ISSUED_FOR = {
    **{letter_type: LIVING for letter_type in LetterType},
    LetterType.DEATH: {Resident.Status.DEAD},
    LetterType.MOVING: {Resident.Status.ALIVE, Resident.Status.MOVED},
}


def _check_status(resident: Resident, letter_type: LetterType) -> None:
    """A death letter only for a resident recorded as dead; the others only for the living."""
    if resident.status in ISSUED_FOR[letter_type]:
        return
    names = {"name": resident.name, "status": codes.label("status", resident.status)}
    if letter_type == LetterType.DEATH:
        message = _(
            '%(name)s is recorded in the registry as "%(status)s", not as dead. A death letter '
            "is issued only for a resident recorded as dead: record the death in the registry "
            'first (the resident\'s page, event "death"), then issue the letter.'
        )
    elif resident.status == Resident.Status.DEAD:
        message = _(
            '%(name)s is recorded in the registry as dead ("%(status)s"): only a death letter '
            "can be issued. If the death was recorded by mistake, record a correction on the "
            "resident's page first."
        )
    else:
        message = _(
            '%(name)s is recorded in the registry as "%(status)s": this letter is issued only '
            "for living residents (a moving letter also for residents recorded as moved out). "
            "If the status is wrong, record a correction on the resident's page first."
        )
    raise ValidationError({"nik": message % names})


def letter_number(code: str, serial: int, village: Region, year: int) -> str:
    """SKD/0001/6201022016/2026: the full village code, so no two villages share a number.
    Letters issued earlier keep the number printed on them (SKD/0001/2016/2026)."""
    return f"{code}/{serial:04d}/{village.digits}/{year}"


@transaction.atomic
def issue(actor, *, nik: str, letter_type: str, purpose: str = "") -> Letter:
    """Issue a letter for a resident of a village the actor keeps; numbered and audited."""
    if letter_type not in LetterType.values:
        raise ValidationError({"letter_type": _("Unknown letter type.")})
    letter_type = LetterType(letter_type)
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
    _check_status(resident, letter_type)
    # One clock reading for the date printed, the number's year and the stored time.
    now = timezone.now()
    today = timezone.localtime(now).date()
    serial = _next_serial(resident.village, today.year)
    letter = Letter(
        village=resident.village,
        letter_type=letter_type,
        resident=resident,
        holder_name=resident.name,
        year=today.year,
        serial=serial,
        number=letter_number(TITLES[letter_type][1], serial, resident.village, today.year),
        purpose=purpose,
        body=fill(template_body(resident.village, letter_type), _values(resident, purpose, today)),
        issued_by=actor,
        issued_at=now,
    )
    return audit.create(actor, letter)
