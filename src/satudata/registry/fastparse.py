"""Vectorised parsing and validation of a chunk of CSV rows (polars), for the importer.

The importer's per-row parse (`Importer._parse`) cost more than the whole raw load. Here a
chunk's columns are checked at once with the same rules: NIK of 16 ASCII digits whose first
six are a district code, DDMMYY (day + 40 for women) agreeing with the sex and birth date,
serial not 0000; KK number of 16 digits starting with a district code; code numbers in their
lists; a name of 1–100 characters; a birth date (yyyy-mm-dd, d/m/yyyy or d-m-yyyy, padded or
not) not in the future; a village in the table, the chosen one and the account's scope. A
temporary NIK (16 digits starting with 0) stands instead of a real one, with its flag set.

The fast path is sound, not complete: a row it accepts is one the per-row parse accepts with
the same values; every other row (another date form, a code like "+5", any error) goes
through `Importer._parse`, so messages and edge cases come from one place.
"""

from __future__ import annotations

import polars as pl

from satudata.regions.services import served
from satudata.registry import codes
from satudata.registry.import_format import EXCEL_ERRORS, TEXT_FIELDS
from satudata.registry.validation import (
    OPTIONAL_CODES,
    PLACE_LIMITS,
    TEXT_LIMITS,
    earliest_birth,
)

DIGITS16 = r"^[0-9]{16}$"
# A temporary NIK (validation.temporary_nik_problem): 16 digits starting with 0, which no
# district code does. OpenSID gives one to a resident without a NIK; our exports carry no
# flag column, so the import knows it by this form alone.
TEMPORARY_NIK = r"^0[0-9]{15}$"
SMALL_NUMBER = r"^[0-9]{1,3}$"
# Exactly the characters str.strip() removes (Rust's whitespace lacks \x1c-\x1f).
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


# Every parsed row, fast or slow, becomes a row of a frame with these columns (a field the
# file lacks is "" or null, exactly what `_parse` gives through `dict.get`).
TEXTS = (
    "nik",
    "family_number",
    "name",
    "birth_place",
    "address",
    "hamlet",
    "rw",
    "rt",
    "father_name",
    "mother_name",
    "village",
)
SCHEMA: dict[str, pl.DataType] = {
    "_line": pl.Int64(),
    **{name: pl.Utf8() for name in TEXTS},
    "sex": pl.Int64(),
    "birth_date": pl.Date(),
    **{name: pl.Int64() for name in OPTIONAL_CODES},
    "nik_is_temporary": pl.Boolean(),
}


def raw_frame(rows: list[list], width: int) -> pl.DataFrame:
    """Rows (at least `width` long) as text columns c0…: what the polars reader gives."""
    # Column-wise: zip(*rows) transposes in C, far cheaper than a row-oriented frame.
    transposed = list(zip(*rows, strict=False))
    return pl.DataFrame(
        {f"c{i}": pl.Series(f"c{i}", transposed[i], dtype=pl.Utf8) for i in range(width)}
    )


def fast_rows(importer, raw: pl.DataFrame) -> pl.DataFrame | None:
    """The rows the vectorised checks accept, parsed (as `_parse` would), in `SCHEMA` plus
    `_i`, their index in the chunk; every other row is left to the per-row parse."""
    positions = importer.positions
    frame = raw.select(
        pl.col(f"c{index}").str.strip_chars(WHITESPACE).alias(name)
        for name, index in positions.items()
    )
    frame = _composed(frame, [name for name in TEXT_FIELDS if name in positions])
    if "village_code" in positions:
        raw_villages = frame["village_code"].unique().to_list()
        village = pl.col("village_code")
    else:
        raw_villages = [""]
        village = pl.lit("")
    villages = {raw: _village(importer, raw) for raw in raw_villages}
    allowed = {raw: code for raw, code in villages.items() if code is not None}
    village_out = village.replace_strict(allowed, default=None, return_dtype=pl.Utf8)

    sex = (
        pl.col("sex")
        .str.to_lowercase()
        .replace_strict(
            {"1": 1, "2": 2, "l": 1, "p": 2, "laki-laki": 1, "perempuan": 2},
            default=None,
            return_dtype=pl.Int64,
        )
    )
    text = pl.col("birth_date")
    iso = text.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    # Day first, with or without zero padding (7/5/1990, as Excel saves Indonesian CSVs).
    dmy = text.str.contains(r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$")
    dmy_dash = text.str.contains(r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$")
    birth = (
        pl.when(iso)
        .then(text.str.to_date("%Y-%m-%d", strict=False))
        .when(dmy)
        .then(text.str.to_date("%d/%m/%Y", strict=False))
        .when(dmy_dash)
        .then(text.str.to_date("%d-%m-%Y", strict=False))
    )
    exprs = [village_out.alias("village"), sex.alias("sex"), birth.alias("birth_date")]
    code_ok = []
    for name in OPTIONAL_CODES:
        default = 1 if name in ("status", "citizenship") else None
        if name not in importer.code_fields:
            exprs.append(pl.lit(default, pl.Int64).alias(name))
            continue
        value = pl.col(name)
        number = value.cast(pl.Int64, strict=False)
        exprs.append(
            pl.when(value == "").then(pl.lit(default, pl.Int64)).otherwise(number).alias(name)
        )
        known = list(codes.CODE_LISTS[name])
        code_ok.append((value == "") | (value.str.contains(SMALL_NUMBER) & number.is_in(known)))
    for name in TEXTS:
        if name not in positions and name != "village":
            exprs.append(pl.lit("", pl.Utf8).alias(name))
    codes_ok = pl.lit(True)
    for check in code_ok:
        codes_ok = codes_ok & check
    parsed = frame.with_columns([*exprs, codes_ok.alias("_codes_ok")])

    districts = list(importer.districts)
    nik, kk, b, s = pl.col("nik"), pl.col("family_number"), pl.col("birth_date"), pl.col("sex")
    day = b.dt.day() + pl.when(s == 2).then(40).otherwise(0)
    expected = pl.concat_str(
        [
            day.cast(pl.Utf8).str.zfill(2),
            b.dt.month().cast(pl.Utf8).str.zfill(2),
            (b.dt.year() % 100).cast(pl.Utf8).str.zfill(2),
        ]
    )
    name = pl.col("name")
    real_nik = (
        nik.str.contains(DIGITS16)
        & nik.str.slice(0, 6).is_in(districts)
        & (nik.str.slice(12, 4) != "0000")
        & (nik.str.slice(6, 6) == expected)
    )
    temporary = nik.str.contains(TEMPORARY_NIK) & (nik.str.slice(12, 4) != "0000")
    ok = (
        pl.col("village").is_not_null()
        & s.is_in([1, 2])
        & b.is_not_null()
        & (b >= earliest_birth(importer.today))
        & (b <= importer.today)
        & name.str.contains(r"\p{L}")  # a name has letters (check_resident)
        & _within_limits()
        & (temporary | real_nik)
        & kk.str.contains(DIGITS16)
        & kk.str.slice(0, 6).is_in(districts)
        & pl.col("_codes_ok")
    )
    return (
        parsed.with_columns(temporary.fill_null(False).alias("nik_is_temporary"))
        .with_row_index("_i")
        .filter(ok.fill_null(False))
        .select(pl.col("_i").cast(pl.Int64), *(pl.col(c) for c in SCHEMA if c != "_line"))
    )


INVISIBLE = r"[\p{Cc}\p{Cf}]"  # the categories `validation.invisible_problem` refuses


def _composed(frame: pl.DataFrame, texts: list[str]) -> pl.DataFrame:
    """Texts composed, as the forms store them (`validation.tidy_text`, NFC): a name in
    decomposed letters was stored so and no longer found by search (QA). Only non-ASCII
    texts can change; normalising every one cost 1.3 s of a 600,000-row import."""
    ascii_only = r"^[\x00-\x7f]*$"
    changed = []
    for name in texts:
        ascii = frame[name].str.contains(ascii_only)  # once: it picks the rows too
        if not ascii.all():
            column = frame[name]
            changed.append(
                pl.when(ascii).then(column).otherwise(column.str.normalize("NFC")).alias(name)
            )
    return frame.with_columns(changed) if changed else frame


def _within_limits() -> pl.Expr:
    """Texts within their columns' widths and not quoted, RW and RT of 1–3 digits (or
    blank), an RT only with its RW: `validation.TEXT_LIMITS` and `place_problems`, and
    `spreadsheet.read_text_cell` (other rows go the slow way)."""
    ok = pl.lit(True)
    for field, limit in {**TEXT_LIMITS, **PLACE_LIMITS}.items():
        ok = ok & (pl.col(field).str.len_chars() <= limit)
        # A control or invisible character: `validation.invisible_problem` names it.
        ok = ok & ~pl.col(field).str.contains(INVISIBLE)
        # An exported formula-like text ("'=…"): _parse removes the export's apostrophe.
        ok = ok & ~pl.col(field).str.starts_with("'")
        # A failed formula's "#N/A": _parse names it.
        ok = ok & ~pl.col(field).is_in(list(EXCEL_ERRORS))
    rw, rt = pl.col("rw"), pl.col("rt")
    for unit in (rw, rt):
        ok = ok & ((unit == "") | unit.str.contains(SMALL_NUMBER))
    return ok & ((rt == "") | (rw != ""))


def frame_of(dicts: list[dict]) -> pl.DataFrame:
    """Rows parsed one by one (`_parse`, with `_line`) as a frame in `SCHEMA`."""
    columns = {
        name: [d.get(name) if name not in TEXTS else (d.get(name) or "") for d in dicts]
        for name in SCHEMA
    }
    return pl.DataFrame(columns, schema=SCHEMA)


def _village(importer, raw: str) -> str | None:
    """The village code a row's value means, if the import may write there (else None)."""
    village = raw or importer.village or importer._own_village()
    if village and "." not in village and len(village) == 10:
        village = f"{village[:2]}.{village[2:4]}.{village[4:6]}.{village[6:]}"
    if importer.village and village != importer.village:
        return None
    if village not in importer.villages or not served(village):
        return None
    if importer.scope is not None and not importer.scope.allows(village):
        return None
    return village


def name_key(name: pl.Expr) -> pl.Expr:
    """`" ".join(name.lower().split())[:100]` as an expression.

    For ASCII names exactly: lower-case, runs of what str.split() splits on made one space,
    trimmed. Other names (rare; Unicode case and spaces differ between Rust and Python) are
    keyed by Python itself."""
    ascii_key = (
        name.str.to_lowercase()
        .str.replace_all(r"[\t\n\x0b\x0c\r\x1c-\x1f ]+", " ")
        .str.strip_chars(" ")
        .str.slice(0, 100)
    )
    return (
        pl.when(name.str.contains(r"^[\x00-\x7f]*$"))
        .then(ascii_key)
        .otherwise(
            pl.when(name.str.contains(r"^[\x00-\x7f]*$"))
            .then(None)
            .otherwise(name)
            .map_elements(_python_key, return_dtype=pl.Utf8, skip_nulls=True)
        )
    )


def _python_key(name: str) -> str:
    return " ".join(name.lower().split())[:100]
