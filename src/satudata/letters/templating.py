"""Letter wording with {placeholders}: filled by plain substitution, never template execution."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from satudata.letters.models import LetterTemplate, LetterType
from satudata.regions.models import Region

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Every run of braces with what they enclose (up to the line's end when never closed), and
# every stray closing brace: each must be exactly one known {placeholder}.
BRACES = re.compile(r"\{+[^{}\n]*\}*|\}+")
# The values a template may use; each comes from the registry or the operator's form.
PLACEHOLDERS = (
    "nama",
    "nik",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "alamat",
    "desa",
    "sebutan_desa",
    "jabatan_kepala",
    "kecamatan",
    "kabupaten",
    "keperluan",
    "tanggal",
    "tanggal_meninggal",
)
MAX_LENGTH = LetterTemplate._meta.get_field("body").max_length

# Official letters are written in Indonesian whatever the interface language.
_OPENING = (
    "Yang bertanda tangan di bawah ini, {jabatan_kepala} {desa}, Kecamatan {kecamatan}, "
    "{kabupaten}, menerangkan bahwa:\n\nNama: {nama}\nNIK: {nik}\nJenis kelamin: "
    "{jenis_kelamin}\nTempat/tanggal lahir: {tempat_lahir}, {tanggal_lahir}\nAlamat: {alamat}\n\n"
)
_CLOSING = "\n\nSurat keterangan ini dibuat untuk keperluan: {keperluan}."
DEFAULTS = {
    LetterType.DOMICILE: _OPENING
    + "adalah benar penduduk yang berdomisili di {sebutan_desa} {desa}."
    + _CLOSING,
    LetterType.BUSINESS: _OPENING
    + "adalah benar memiliki usaha yang berada di {sebutan_desa} {desa}."
    + _CLOSING,
    LetterType.SKTM: _OPENING
    + "adalah benar warga {sebutan_desa} {desa} yang tergolong keluarga tidak mampu."
    + _CLOSING,
    LetterType.BIRTH: _OPENING
    + "adalah benar telah lahir dan tercatat sebagai penduduk {sebutan_desa} {desa}."
    + _CLOSING,
    LetterType.DEATH: _OPENING
    + "adalah benar telah meninggal dunia pada tanggal {tanggal_meninggal} dan tercatat "
    "sebagai penduduk {sebutan_desa} {desa}." + _CLOSING,
    LetterType.MOVING: _OPENING
    + "adalah benar penduduk {sebutan_desa} {desa} yang pindah domisili."
    + _CLOSING,
}
TITLES = {
    LetterType.DOMICILE: ("SURAT KETERANGAN DOMISILI", "SKD"),
    LetterType.BUSINESS: ("SURAT KETERANGAN USAHA", "SKU"),
    LetterType.SKTM: ("SURAT KETERANGAN TIDAK MAMPU", "SKTM"),
    LetterType.BIRTH: ("SURAT KETERANGAN KELAHIRAN", "SKL"),
    LetterType.DEATH: ("SURAT KETERANGAN KEMATIAN", "SKK"),
    LetterType.MOVING: ("SURAT KETERANGAN PINDAH", "SKP"),
}


def village_titles(village: Region) -> tuple[str, str]:
    """What the village is called and who signs: ("Kelurahan", "Lurah") or ("Desa", "Kepala
    Desa"), from the region's kind, as on the public region pages."""
    if village.kind == Region.Kind.KELURAHAN:
        return "Kelurahan", "Lurah"
    return "Desa", "Kepala Desa"


def _shown(fragment: str) -> str:
    return fragment if len(fragment) <= 30 else fragment[:29] + "…"


def check_template(body: str) -> str:
    """The body, if it is fit to print: not blank, within the length limit, no NUL, and every
    brace part of a known {placeholder}. Otherwise a message naming what is wrong."""
    body = (body or "").replace("\r\n", "\n").strip()  # browsers send line ends as CRLF
    if not body:
        raise ValidationError({"body": _("The letter text must not be empty.")})
    if "\x00" in body:
        raise ValidationError(
            {"body": _("The letter text contains a NUL character; remove it and save again.")}
        )
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("The letter text may be at most %(limit)d characters; it has %(length)d.")
                % {"limit": MAX_LENGTH, "length": len(body)}
            }
        )
    unknown, malformed = [], []
    for match in BRACES.finditer(body):
        placeholder = PLACEHOLDER.fullmatch(match.group())
        if placeholder is None:
            malformed.append(_shown(match.group()))
        elif placeholder.group(1) not in PLACEHOLDERS:
            unknown.append(match.group())
    allowed = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
    problems = []
    if unknown:
        problems.append(
            _("Unknown placeholder %(names)s; allowed: %(allowed)s.")
            % {"names": ", ".join(sorted(set(unknown))), "allowed": allowed}
        )
    if malformed:
        problems.append(
            _(
                "Braces may only surround a placeholder, written exactly as {nama} (lower case, "
                "no spaces or other signs); check %(fragments)s."
            )
            % {"fragments": ", ".join(f'"{f}"' for f in dict.fromkeys(malformed))}
        )
    if problems:
        raise ValidationError({"body": problems})
    return body


def fill(body: str, values: dict[str, str]) -> str:
    """Replace each {name} by its value; values are inserted as plain text, never evaluated."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)
