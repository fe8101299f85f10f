"""Record linkage through the `satudata dedup` command, and the same model on Spark."""

from __future__ import annotations

import csv
import logging
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from satudata.quality.models import CandidatePair
from satudata.quality.names import normalise, similarity, sound_key
from satudata.registry.models import Resident

from .helpers import populate


def test_spelling_variants_share_a_sound_key():
    assert sound_key("Noerul Hidajat") == sound_key("Nurul Hidayat")
    assert sound_key("Djoko") == sound_key("Joko")
    assert normalise("Hj. Siti  AMINAH, S.Pd") == "siti aminah"
    assert similarity("Siti Aminah", "Aminah Siti") == 1.0
    assert similarity("Siti Aminah", "Budi Santoso") < 0.6


@pytest.mark.django_db
def test_dedup_finds_planted_duplicates_and_writes_csv(tmp_path):
    truth = {frozenset(p) for p in populate(1500, 0.02)}
    out = tmp_path / "pairs.csv"
    call_command("dedup", "--output", str(out))
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"nik_a", "nik_b", "match_probability"} <= set(rows[0])
    found = {frozenset((r["nik_a"], r["nik_b"])) for r in rows}
    true_found = found & truth
    assert len(true_found) / len(found) >= 0.95
    assert len(true_found) / len(truth) >= 0.9
    assert CandidatePair.objects.filter(status="pending").count() == len(rows)
    pair = CandidatePair.objects.first()
    assert pair.agreeing and pair.resident_a_id < pair.resident_b_id


@pytest.mark.django_db
def test_pairs_marked_different_are_never_proposed_again(tmp_path):
    populate(800, 0.03)
    call_command("dedup")
    pair = CandidatePair.objects.first()
    CandidatePair.objects.filter(pk=pair.pk).update(status=CandidatePair.Status.DIFFERENT)
    out = tmp_path / "again.csv"
    call_command("dedup", "--output", str(out))
    with out.open(encoding="utf-8") as handle:
        ids = {(r["nik_a"], r["nik_b"]) for r in csv.DictReader(handle)}
    a = Resident.objects.get(pk=pair.resident_a_id).nik
    b = Resident.objects.get(pk=pair.resident_b_id).nik
    assert (a, b) not in ids and (b, a) not in ids
    assert CandidatePair.objects.get(pk=pair.pk).status == CandidatePair.Status.DIFFERENT


@pytest.mark.django_db
def test_dedup_refuses_a_threshold_outside_zero_to_one():
    with pytest.raises(CommandError, match="antara 0 dan 1"):
        call_command("dedup", "--threshold", "5")


def _java_ok() -> bool:
    if shutil.which("java") is None:
        return False
    return subprocess.run(["java", "-version"], capture_output=True).returncode == 0  # noqa: S607


def test_same_model_runs_on_a_local_spark_session(tmp_path):
    pyspark = pytest.importorskip(
        "pyspark", reason="pyspark is not installed (pip install 'satudata[spark]')"
    )
    if not _java_ok():
        pytest.skip("Java is not installed; Spark needs a JVM")
    from splink.backends.spark import similarity_jar_location

    from satudata.quality import linkage
    from satudata.registry.synthetic import Generator

    # py4j closes its JVM connection when the interpreter exits and says so at INFO, after
    # pytest has closed the captured streams: a "Logging error" traceback under every run.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    spark = (
        pyspark.sql.SparkSession.builder.master("local[1]")
        .appName("satudata-linkage-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # splink's Jaro–Winkler and Damerau–Levenshtein for Spark SQL ship as a jar.
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(str(tmp_path))
    try:
        people = [p for f in Generator(5).families(["62.01.02.2016"], 200) for p in f.members]
        twin = people[0]
        rows = [
            (
                i,
                p.nik,
                p.name,
                p.sex,
                p.birth_date,
                p.birth_place,
                p.mother_name,
                p.father_name,
                "v",
            )
            for i, p in enumerate(people)
        ]
        rows.append(
            (
                len(rows),
                twin.nik[:-1] + "9",
                twin.name.replace("u", "oe"),
                twin.sex,
                twin.birth_date,
                twin.birth_place,
                twin.mother_name,
                twin.father_name,
                "w",
            )
        )
        linker = linkage.spark_linker(spark, rows)
        found = linker.inference.predict(threshold_match_probability=0.95).as_record_list()
        pairs = {tuple(sorted((r["unique_id_l"], r["unique_id_r"]))) for r in found}
        assert (0, len(rows) - 1) in pairs
    finally:
        spark.stop()
