"""Running the linkage model over the registry and storing candidate pairs."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.db import transaction

from satudata.quality import linkage
from satudata.quality.models import CandidatePair
from satudata.registry.models import Resident


@dataclass
class DedupResult:
    pairs: list[linkage.Pair]
    created: int
    updated: int
    skipped_decided: int
    residents: int


def resident_rows() -> list[tuple]:
    """Every living record's linkage columns, read in bulk (no model instances)."""
    return list(
        Resident.objects.order_by().values_list(*linkage.INPUT_COLUMNS).iterator(chunk_size=20_000)
    )


def run(actor=None, threshold: float = linkage.DEFAULT_THRESHOLD, progress=None) -> DedupResult:
    """Find candidate pairs and store the new ones; pairs already decided are never re-proposed.

    Candidate pairs are the model's findings, not changes to anyone's record, so they are not
    written to the audit log one by one; the custodian's decisions on them are. `progress` is
    told each stage ("reading", "comparing", "saving") as it starts.
    """
    progress = progress or (lambda _stage: None)
    progress("reading")
    rows = resident_rows()
    progress("comparing")
    pairs = linkage.link(rows, threshold=threshold)
    progress("saving")
    existing = {
        (a, b): (pk, status)
        for pk, a, b, status in CandidatePair.objects.values_list(
            "pk", "resident_a_id", "resident_b_id", "status"
        )
    }
    new, changed, skipped, kept = [], [], 0, []
    for pair in pairs:
        found = existing.get((pair.id_a, pair.id_b))
        if found is None:
            new.append(
                CandidatePair(
                    resident_a_id=pair.id_a,
                    resident_b_id=pair.id_b,
                    match_probability=pair.match_probability,
                    match_weight=pair.match_weight,
                    agreeing=list(pair.agreeing),
                )
            )
        elif found[1] == CandidatePair.Status.PENDING:
            changed.append(
                CandidatePair(
                    pk=found[0],
                    match_probability=pair.match_probability,
                    match_weight=pair.match_weight,
                    agreeing=list(pair.agreeing),
                )
            )
        else:
            skipped += 1
            continue
        kept.append(pair)
    with transaction.atomic():
        CandidatePair.objects.bulk_create(new, batch_size=2000)
        CandidatePair.objects.bulk_update(
            changed, ["match_probability", "match_weight", "agreeing"], batch_size=2000
        )
    return DedupResult(kept, len(new), len(changed), skipped, len(rows))


def write_csv(path, pairs: list[linkage.Pair]) -> int:
    """The pairs as CSV (nik_a, nik_b, match_probability, …) for other tools; returns rows."""
    ids = {p.id_a for p in pairs} | {p.id_b for p in pairs}
    nik = {}
    id_list = list(ids)
    for start in range(0, len(id_list), 5000):
        chunk = id_list[start : start + 5000]
        nik.update(Resident.all_objects.filter(pk__in=chunk).values_list("pk", "nik"))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nik_a", "nik_b", "match_probability", "match_weight", "agreeing"])
        for p in pairs:
            writer.writerow(
                [
                    nik.get(p.id_a, ""),
                    nik.get(p.id_b, ""),
                    f"{p.match_probability:.6f}",
                    f"{p.match_weight:.3f}",
                    " ".join(p.agreeing),
                ]
            )
    return len(pairs)
