"""Probabilistic record linkage of residents (splink, Fellegi–Sunter) on DuckDB or Spark.

The model is one splink settings dictionary built here; `link()` runs it on an embedded DuckDB
and `spark_linker()` hands the same settings and the same prepared rows to a Spark session for a
province or the country. Nothing in this module touches Django, so the Spark job can import it
on a cluster without a database.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from satudata.quality.names import first_key, normalise, sound_key

# The columns one resident contributes, in the order `prepare` expects them.
INPUT_COLUMNS = (
    "id",
    "nik",
    "name",
    "sex",
    "birth_date",
    "birth_place",
    "mother_name",
    "father_name",
    "village_id",
)
# Comparison columns shown to the custodian as "fields that agree".
FIELDS = ("nik", "name", "birth_date", "sex", "mother", "father", "birth_place")
DEFAULT_THRESHOLD = 0.95
# m and u probabilities of a parent's name: exact, Jaro–Winkler ≥ 0.95, ≥ 0.9, else.
PARENT = ([0.68, 0.2, 0.1, 0.02], [0.005, 0.005, 0.02, 0.97], (0.95, 0.9))


@dataclass(frozen=True)
class Pair:
    """One candidate pair: two resident ids, the model's verdict and which fields agree."""

    id_a: int
    id_b: int
    match_probability: float
    match_weight: float
    agreeing: tuple[str, ...]


def prepare(rows: Iterable[Sequence]) -> dict[str, list]:
    """Column lists for splink from residents' rows (see INPUT_COLUMNS); names normalised."""
    rows = list(rows)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in INPUT_COLUMNS]
    rid, nik, name, sex, birth, place, mother, father, village = columns
    return {
        "unique_id": [int(x) for x in rid],
        "nik": [x or None for x in nik],
        "name": [normalise(x) or None for x in name],
        "name_key": [sound_key(x) or None for x in name],
        "first_key": [first_key(x) or None for x in name],
        "sex": [int(x) if x else None for x in sex],
        "birth_date": [
            (x.isoformat() if isinstance(x, datetime.date) else x) or None for x in birth
        ],
        "birth_place": [normalise(x) or None for x in place],
        "mother": [sound_key(x) or None for x in mother],
        "mother_key": [first_key(x) or None for x in mother],
        "father": [sound_key(x) or None for x in father],
        "father_key": [first_key(x) or None for x in father],
        "village": list(village),
    }


def _names(column: str, m: list[float], u: list[float], thresholds=(0.92, 0.85)):
    import splink.comparison_library as cl

    return cl.JaroWinklerAtThresholds(column, list(thresholds)).configure(
        m_probabilities=m, u_probabilities=u
    )


def settings():
    """The splink model (a SettingsCreator, so each backend renders its own SQL dialect):
    comparisons with their m/u probabilities, blocking rules, prior.

    The parameters are set from what we know of the registry rather than trained per run
    (EM on a regency's data took longer than the whole prediction and drifted when the
    mistyped-NIK level correlated with the birth date encoded in the NIK): a near NIK is only
    weak evidence, because people born on the same day in one district have NIKs one serial
    digit apart.
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-6,
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("nik", [1]).configure(
                m_probabilities=[0.05, 0.4, 0.55], u_probabilities=[1e-6, 0.1, 0.9]
            ),
            _names("name", [0.5, 0.37, 0.125, 0.005], [0.001, 0.002, 0.01, 0.987]),
            # A birth date typed with one wrong or swapped digit still counts, less.
            cl.DamerauLevenshteinAtThresholds("birth_date", [1]).configure(
                m_probabilities=[0.95, 0.048, 0.002], u_probabilities=[4e-5, 0.002, 0.99796]
            ),
            cl.ExactMatch("sex").configure(
                m_probabilities=[0.99, 0.01], u_probabilities=[0.5, 0.5]
            ),
            # Siblings share their parents' names: strong but not overwhelming evidence.
            # Parents' names are short and common: only close spellings count as near.
            _names("mother", *PARENT),
            _names("father", *PARENT),
            cl.ExactMatch("birth_place").configure(
                m_probabilities=[0.9, 0.1], u_probabilities=[0.1, 0.9]
            ),
        ],
        # Each rule pairs only people born on the same day who share a given name or a
        # parent's given name: about half a million comparisons for 600k residents instead
        # of 180 billion.
        blocking_rules_to_generate_predictions=[
            block_on("birth_date", "first_key"),
            block_on("birth_date", "mother_key"),
            block_on("birth_date", "father_key"),
            # For a mistyped birth date: the same name and both parents' given names.
            block_on("name_key", "mother_key", "father_key"),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )


def _agreeing(row: dict) -> tuple[str, ...]:
    # A field agrees when its level adds evidence for a match (exact or near enough).
    return tuple(f for f in FIELDS if (row.get(f"mw_{f}") or 0) > 0)


def link(
    rows: Iterable[Sequence],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Pair]:
    """Candidate duplicate pairs among residents' rows at or above `threshold` probability."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    cols = prepare(rows)
    if len(cols["unique_id"]) < 2:
        return []
    con = duckdb.connect(":memory:")
    db_api = DuckDBAPI(connection=con)
    table = db_api.register(pa.table(cols), table_name="residents")
    linker = Linker(table, settings(), log_level=logging.WARNING)
    result = linker.inference.predict(threshold_match_probability=threshold)
    names = [f"mw_{f}" for f in FIELDS]
    arrow = result.as_duckdbpyrelation().select(
        ", ".join(["unique_id_l", "unique_id_r", "match_probability", "match_weight", *names])
    )
    pairs = []
    for rec in arrow.fetchall():
        row = dict(zip(["a", "b", "p", "w", *names], rec, strict=True))
        a, b = sorted((row["a"], row["b"]))
        pairs.append(Pair(a, b, float(row["p"]), float(row["w"]), _agreeing(row)))
    con.close()
    return pairs


def spark_linker(spark, rows: Iterable[Sequence]):
    """The same model on a Spark session (pip install 'satudata[spark]'), ready to predict."""
    from splink import Linker, SparkAPI

    cols = prepare(rows)
    records = [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]
    frame = spark.createDataFrame(records)
    db_api = SparkAPI(spark_session=spark)
    linker = Linker(db_api.register(frame), settings(), log_level=logging.WARNING)
    return linker
