"""Letter wording with {placeholders}: filled by plain substitution, never template execution."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from satudata.letters.models import LetterType

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# The values a template may use; each comes from the registry or the operator's form.
PLACEHOLDERS = (
    "nama",
    "nik",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "alamat",
    "desa",
    "kecamatan",
    "kabupaten",
    "keperluan",
    "tanggal",
)

# Official letters are written in Indonesian whatever the interface language.
_OPENING = (
    "Yang bertanda tangan di bawah ini, Kepala Desa {desa}, Kecamatan {kecamatan}, "
    "{kabupaten}, menerangkan bahwa:\n\nNama: {nama}\nNIK: {nik}\nJenis kelamin: "
    "{jenis_kelamin}\nTempat/tanggal lahir: {tempat_lahir}, {tanggal_lahir}\nAlamat: {alamat}\n\n"
)
_CLOSING = "\n\nSurat keterangan ini dibuat untuk keperluan: {keperluan}."
DEFAULTS = {
    LetterType.DOMICILE: _OPENING
    + "adalah benar penduduk yang berdomisili di Desa {desa}."
    + _CLOSING,
    LetterType.BUSINESS: _OPENING
    + "adalah benar memiliki usaha yang berada di Desa {desa}."
    + _CLOSING,
    LetterType.SKTM: _OPENING
    + "adalah benar warga Desa {desa} yang tergolong keluarga tidak mampu."
    + _CLOSING,
    LetterType.BIRTH: _OPENING
    + "adalah benar telah lahir dan tercatat sebagai penduduk Desa {desa}."
    + _CLOSING,
    LetterType.DEATH: _OPENING
    + "adalah benar telah meninggal dunia dan tercatat sebagai penduduk Desa {desa}."
    + _CLOSING,
    LetterType.MOVING: _OPENING
    + "adalah benar penduduk Desa {desa} yang akan pindah domisili."
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


def check_template(body: str) -> str:
    """The body, if every placeholder in it is known; a message naming the unknown one if not."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("The letter text must not be empty.")})
    unknown = sorted({name for name in PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            {
                "body": _("Unknown placeholder %(names)s; allowed: %(allowed)s.")
                % {
                    "names": ", ".join("{" + n + "}" for n in unknown),
                    "allowed": ", ".join("{" + n + "}" for n in PLACEHOLDERS),
                }
            }
        )
    return body


def fill(body: str, values: dict[str, str]) -> str:
    """Replace each {name} by its value; values are inserted as plain text, never evaluated."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)
