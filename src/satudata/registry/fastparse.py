"""Vectorised parsing and validation of a chunk of CSV rows (polars), for the importer.

The importer's per-row parse (`Importer._parse`) cost more than the whole raw load. Here a
chunk's columns are checked at once with the same rules: NIK of 16 ASCII digits whose first
six are a district code, DDMMYY (day + 40 for women) agreeing with the sex and birth date,
serial not 0000; KK number of 16 digits starting with a district code; code numbers in their
lists; a name of 1–100 characters; a birth date (yyyy-mm-dd, dd/mm/yyyy or dd-mm-yyyy) not in
the future; a village in the table, the chosen one and the account's scope.

The fast path is sound, not complete: a row it accepts is one the per-row parse accepts with
the same values; every other row (another date form, a code like "+5", any error) goes
through `Importer._parse`, so messages and edge cases come from one place.
"""

from __future__ import annotations

import polars as pl

from satudata.registry import codes

DIGITS16 = r"^[0-9]{16}$"
SMALL_NUMBER = r"^[0-9]{1,3}$"
# Exactly the characters str.strip() removes (Rust's whitespace lacks \x1c-\x1f).
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def fast_rows(importer, rows: list[list]) -> list[dict | None]:
    """Per row: its parsed values (as `_parse` would give them) or None (use the slow path)."""
    positions = importer.positions
    fields = list(positions)
    width = max(positions.values()) + 1
    raw = pl.DataFrame(
        [row[:width] for row in rows], schema=[f"c{i}" for i in range(width)], orient="row"
    )
    frame = raw.select(
        pl.col(f"c{index}").str.strip_chars(WHITESPACE).alias(name)
        for name, index in positions.items()
    )
    columns = {name: frame[name].to_list() for name in fields}
    if "village_code" in positions:
        raw_villages = columns["village_code"]
        village = pl.col("village_code")
    else:
        raw_villages = [""]
        village = pl.lit("")
    villages = {raw: _village(importer, raw) for raw in set(raw_villages)}
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
    dmy = text.str.contains(r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$")
    dmy_dash = text.str.contains(r"^[0-9]{2}-[0-9]{2}-[0-9]{4}$")
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
    for name in importer.code_fields:
        value = pl.col(name)
        number = value.cast(pl.Int64, strict=False)
        default = 1 if name in ("status", "citizenship") else None
        exprs.append(
            pl.when(value == "").then(pl.lit(default, pl.Int64)).otherwise(number).alias(name)
        )
        known = list(codes.CODE_LISTS[name])
        code_ok.append((value == "") | (value.str.contains(SMALL_NUMBER) & number.is_in(known)))
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
    ok = (
        pl.col("village").is_not_null()
        & s.is_in([1, 2])
        & b.is_not_null()
        & (b.dt.year() >= 1)
        & (b <= importer.today)
        & (name.str.len_chars() >= 1)
        & (name.str.len_chars() <= 100)
        & nik.str.contains(DIGITS16)
        & nik.str.slice(0, 6).is_in(districts)
        & (nik.str.slice(12, 4) != "0000")
        & (nik.str.slice(6, 6) == expected)
        & kk.str.contains(DIGITS16)
        & kk.str.slice(0, 6).is_in(districts)
    )
    ok = ok & pl.col("_codes_ok")
    result = parsed.with_columns(ok.fill_null(False).alias("_ok"))
    good = result["_ok"].to_list()
    converted = ["village", "sex", "birth_date", *importer.code_fields]
    values = {name: result[name].to_list() for name in converted}
    keys = [*fields, *converted]
    if "status" not in importer.code_fields:
        keys.append("status")
        values["status"] = [1] * len(rows)
    if "citizenship" not in importer.code_fields:
        keys.append("citizenship")
        values["citizenship"] = [1] * len(rows)
    ordered = [columns[name] for name in fields] + [values[name] for name in keys[len(fields) :]]
    return [
        dict(zip(keys, row, strict=True)) if flag else None
        for flag, row in zip(good, zip(*ordered, strict=True), strict=True)
    ]


def _village(importer, raw: str) -> str | None:
    """The village code a row's value means, if the import may write there (else None)."""
    village = raw or importer.village
    if village and "." not in village and len(village) == 10:
        village = f"{village[:2]}.{village[2:4]}.{village[4:6]}.{village[6:]}"
    if importer.village and village != importer.village:
        return None
    if village not in importer.villages:
        return None
    if importer.scope is not None and not importer.scope.allows(village):
        return None
    return village
