"""Population statistics of a region: aggregates only, with small cells hidden.

Public surfaces (the chart page, /api/v1/statistics/population, village pages) show nothing
else, so no one can be singled out: a count of 1 or 2 people is reported as "<3", or as "*"
(hidden, any number) together with other cells where "<3" alone could be worked out by
subtraction, within a region or between a region and the regions in it. `registry.disclosure`
decides which cells; see its docstring.

Hiding across levels needs every region's counts at once, so the public summaries are
published together as one snapshot of the whole tree (`published`), kept in each process's
memory. A registry write makes the snapshot stale, in this process through the cache and in
every process through a counter of committed writes in the database (`StatisticsVersion`:
without Redis, each process's cache is its own); the next public request rebuilds it, but
not more often than every `SATUDATA_STATISTICS_REFRESH_SECONDS` (60). Public aggregates may
therefore lag a registration by a minute or so (and by default they change only from one
release to the next, `registry.releases`); an answer from a snapshot older than the
data is marked (`core.cache.not_current`) so that the public page cache never keeps it as
current.

The pyramid sums the maintained cells (`PopulationCell`: village, sex, birth year, by month);
the other tables come from one scan of the residents.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from satudata.core import cache as public_cache
from satudata.registry import cells, codes
from satudata.registry.disclosure import (
    HIDDEN,
    PYRAMID,
    SMALL,
    SMALL_MARK,
    TABLES,
    RegionCounts,
    _categories,
    protect,
    protect_region,
    suppress,
)
from satudata.registry.models import StatisticsVersion
from satudata.registry.release_protection import HISTORY, protect_release
from satudata.registry.release_snapshot import one_snapshot

__all__ = ["HIDDEN", "SMALL", "SMALL_MARK", "protect", "suppress", "population_summary"]

AGE_GROUPS = [(lo, lo + 4) for lo in range(0, 75, 5)] + [(75, None)]
GROUP_LABELS = [f"{lo}–{hi}" if hi is not None else f"{lo}+" for lo, hi in AGE_GROUPS]
MAX_AGE_SECONDS = 300
GENERATION_KEY = "registry:population:generation"
log = logging.getLogger("satudata.registry")
DIMENSIONS = {
    "religion": "religion",
    "education": "education_kk",
    "occupation": "occupation",
    "marital_status": "marital_status",
}


def _cells_of(region_code: str) -> tuple[str, list]:
    """The region's pyramid cells: one village, or a code range for larger regions."""
    if region_code.count(".") >= 3:
        return "village_id = %s", [region_code]
    # '/' follows '.' in ASCII: the range holds exactly the codes under "region_code.".
    return "village_id > %s AND village_id < %s", [region_code + ".", region_code + "/"]


def _age_counts(rows, today: datetime.date) -> dict[tuple, int]:
    """(key, sex, age group index) -> people, from cell rows (key, sex, birth year, m1…m12).

    Ages are exact to the month: someone born in the current month counts as not yet having
    had this year's birthday, except a baby born this month, who is 0 (not -1, and never
    dropped: each sex's column must add up to the published sex count).
    """
    counts: dict[tuple, int] = defaultdict(int)
    last = len(AGE_GROUPS) - 1
    for key, sex, year, *by_month in rows:
        if sex not in (1, 2):
            continue
        passed = sum(int(n or 0) for n in by_month[: today.month - 1])
        not_yet = sum(int(n or 0) for n in by_month[today.month - 1 :])
        for age, n in ((today.year - year, passed), (today.year - year - 1, not_yet)):
            if n:
                counts[(key, sex, min(max(age, 0) // 5, last))] += n
    return counts


def pyramid(region_code: str, today: datetime.date | None = None) -> list[dict]:
    """Men and women per five-year age group (raw counts), from the maintained cells."""
    today = today or timezone.localdate()
    where, params = _cells_of(region_code)
    months = ", ".join(f"SUM(m{m})" for m in range(1, 13))
    sql = (
        f"SELECT 0, sex, birth_year, {months} FROM registry_populationcell "  # noqa: S608
        f"WHERE {where} GROUP BY sex, birth_year"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = _age_counts(cursor.fetchall(), today)
    return [
        {"group": label, "male": counts[(0, 1, i)], "female": counts[(0, 2, i)]}
        for i, label in enumerate(GROUP_LABELS)
    ]


def _dimension_rows() -> list[tuple]:
    """(village, sex, religion, education, occupation, marital status, count) of the living."""
    columns = ", ".join(DIMENSIONS.values())
    sql = (
        f"SELECT village_id, sex, {columns}, COUNT(*) FROM registry_resident "  # noqa: S608
        f"WHERE deleted_at IS NULL AND status = 1 GROUP BY village_id, sex, {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _villages(rows: list[tuple]) -> dict[str, RegionCounts]:
    """Each village's counts but its pyramid, from `_dimension_rows`.

    Counted per village first, then each village's few hundred counts are added up the tree:
    the scan returns up to one row per resident, four levels would be four times the work."""
    villages: dict[str, RegionCounts] = {}
    for code, sex, *values, n in rows:
        if code not in villages:
            villages[code] = RegionCounts.empty(code)
        counts = villages[code]
        counts.total += n
        counts.tables["sex"][sex] += n
        for name, value in zip(DIMENSIONS, values, strict=True):
            counts.tables[name][value] += n
    return villages


def _ancestors(code: str) -> list[str]:
    """A village's district, regency and province codes ("62.01.02.2001" -> "62.01.02", …)."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]


def raw_counts(today: datetime.date) -> tuple[dict[str, RegionCounts], dict[str, str]]:
    """Every region with living residents, its raw counts (summed up the tree), and parents."""
    # The residents, the cells and the recount from one state: read a statement apart, a
    # registration in between gave sex counts no pyramid could fit (`release_snapshot`).
    with one_snapshot():
        rows = _dimension_rows()
        months = ", ".join(f"m{m}" for m in range(1, 13))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT village_id, sex, birth_year, {months} FROM registry_populationcell"  # noqa: S608
            )
            cell_rows = cursor.fetchall()
        villages = _villages(rows)
        ages = _age_counts(cell_rows, today)
        _recount_where_cells_differ(ages, villages, today)
    for (code, sex, group), n in ages.items():
        if code in villages:  # cells of a village with no living resident are all 0
            villages[code].tables["male" if sex == 1 else "female"][group] += n
    regions = dict(villages)
    parent_of: dict[str, str] = {}
    for code, counts in villages.items():
        chain = [code, *_ancestors(code)]
        parent_of.update(zip(chain, chain[1:], strict=False))
        for ancestor in chain[1:]:
            if ancestor not in regions:
                regions[ancestor] = RegionCounts.empty(ancestor)
            regions[ancestor].total += counts.total
            for table, counted in counts.tables.items():
                into = regions[ancestor].tables[table]
                for category, n in counted.items():
                    into[category] += n
    return regions, parent_of


def _recount_where_cells_differ(ages: dict, villages: dict[str, RegionCounts], today) -> None:
    """Villages whose maintained cells do not add up to their living residents by sex get
    their ages counted from the residents, in place in `ages`, and a warning in the log.

    The cells are kept by every write; a write that forgot one (a move in refreshed the old
    village before the record left it) left a pyramid that disagreed with the sex counts,
    and the statistics of every region failed (no whole counts fit both). Reading the
    residents is slower but right; the next write in the village mends its cells."""
    by_sex: dict[tuple[str, int], int] = defaultdict(int)
    for (code, sex, _group), n in ages.items():
        by_sex[(code, sex)] += n
    wrong = sorted(
        code
        for code, counts in villages.items()
        if any(by_sex[(code, sex)] != counts.tables["sex"].get(sex, 0) for sex in (1, 2))
    )
    if not wrong:
        return
    log.warning("population cells out of date in %d villages; counted from residents", len(wrong))
    for key in [key for key in ages if key[0] in wrong]:
        del ages[key]
    marks = ", ".join(["%s"] * len(wrong))
    with connection.cursor() as cursor:
        cursor.execute(cells.counts_sql(f"village_id IN ({marks})"), wrong)
        ages.update(_age_counts(cursor.fetchall(), today))


def published(today: datetime.date) -> dict[str, dict]:
    """The public summary of every region with residents, protected as one tree."""
    return _protected(today, [])[0]


class NotProtected(Exception):
    """A new release's figures that could not be protected: no release is made of them."""


def release_figures(today: datetime.date) -> tuple[dict[str, dict], dict, int | None]:
    """A new release's summaries, protected together with the latest releases (see
    `registry.release_protection`); the true counts of the cells they hide, kept with the
    release and never served, for the releases after it; and the number of the release they
    follow (None for the first). NotProtected when the figures cannot be protected."""
    from satudata.registry.models import StatisticsRelease

    rows = list(
        StatisticsRelease.objects.order_by("-number").values(
            "number", "summaries", "hidden_counts"
        )[:HISTORY]
    )
    if rows and rows[0]["hidden_counts"] is None:
        # Published before releases kept what they hid: this one is protected on its own.
        log.warning("statistics release %s kept no hidden counts", rows[0]["number"])
    kept = []
    for row in rows:
        if row["hidden_counts"] is None:
            break
        kept.insert(0, row)
    summaries, hidden = _protected(today, kept)
    return summaries, hidden, rows[0]["number"] if rows else None


def _protected(today: datetime.date, previous: list[dict]) -> tuple[dict, dict]:
    """(summary of every region with residents, true counts of their hidden cells), given
    earlier releases (oldest first; none for figures protected alone)."""
    regions, parent_of = raw_counts(today)
    history = [counts_of_release(row["summaries"], row["hidden_counts"]) for row in previous]
    try:
        protect_release(regions, parent_of, history)
    except (ValueError, ArithmeticError) as exc:
        # ValueError: no whole counts fit (tables of two states, before `one_snapshot`);
        # OverflowError and the like: the bounds of such a system ran away in the solver.
        if previous:
            # The previous release's figures again, stored as a new release dated today,
            # told the custodian that today's figures were out: none is made from these.
            log.exception("population statistics could not be protected; no release made")
            raise NotProtected from exc
        # The published tables contradict each other (counts that no whole numbers fit):
        # a bug, but no reason to fail every statistics page. Nothing small can leak from
        # regions that publish nothing.
        log.exception("population statistics could not be protected; all regions withheld")
        for counts in regions.values():
            counts.withheld = True
    summaries = {code: _render(counts) for code, counts in regions.items()}
    return summaries, {code: _hidden_counts(counts) for code, counts in regions.items()}


def _hidden_counts(counts: RegionCounts) -> dict:
    """The true counts of the cells a region's summary hides (0s left out), as JSON."""
    cells = [
        [table, column, counts.value(table, column)]
        for table in TABLES
        for column in _categories(counts, table)
        if counts.value(table, column) > 0 and counts.hidden(table, column)
    ]
    hidden = {"cells": cells}
    if counts.worked_out:
        # Hidden, but given by this release and the earlier ones together: the next release
        # takes them as published (`release_protection._keep_worked_out`).
        hidden["known"] = sorted(([*key] for key in counts.worked_out), key=repr)
    return {"total": counts.total, **hidden} if counts.withheld else hidden


def counts_of_release(summaries: dict[str, dict], hidden: dict[str, dict]) -> dict:
    """A stored release's regions as `RegionCounts`: true counts and the marks it published
    (but on the counts a reader could work out from it and the release before it)."""
    regions = {}
    for code, summary in summaries.items():
        counts = RegionCounts.empty(code)
        counts.age_groups = len(summary["age_groups"])
        counts.withheld = summary["total"] == HIDDEN
        counts.total = hidden[code]["total"] if counts.withheld else summary["total"]
        for table in ("sex", *DIMENSIONS):
            for row in summary[table]:
                _read(counts, table, row["code"], row["count"])
        for index, group in enumerate(summary["age_groups"]):
            for column in PYRAMID:
                _read(counts, column, index, group[column])
        for table, column, count in hidden[code]["cells"]:
            counts.tables[table][column] = count
        for table, column in hidden[code].get("known", ()):
            counts.marks[table].pop(column, None)  # as published: see `_hidden_counts`
        for column in PYRAMID:
            # An age group shows "*" for 0 only in a column hidden whole (its sex count).
            for index in [i for i in counts.marks[column] if not counts.tables[column].get(i)]:
                del counts.marks[column][index]
        regions[code] = counts
    return regions


def _read(counts: RegionCounts, table: str, column, published) -> None:
    if isinstance(published, str):
        counts.marks[table][column] = published
    elif published:
        counts.tables[table][column] = published


def publish(region_code: str, raw_pyramid: list[dict], dims: dict[str, dict]) -> dict:
    """The public summary of one region on its own (no other region's counts to match)."""
    tables = {"sex": dims["sex"], **{name: dims[name] for name in DIMENSIONS}}
    for column in PYRAMID:
        tables[column] = {i: group[column] for i, group in enumerate(raw_pyramid)}
    counts = RegionCounts(region_code, sum(dims["sex"].values()), tables, len(raw_pyramid))
    return _render(protect_region(counts), [group["group"] for group in raw_pyramid])


def _render(counts: RegionCounts, labels: list[str] = GROUP_LABELS) -> dict:
    """A region's summary as published: every hidden cell a mark, or none shown if withheld."""
    if counts.withheld:
        return _withheld(counts.code, labels)
    return {
        "region": counts.code,
        "total": counts.total,
        "age_groups": [
            {"group": label, "male": counts.mark("male", i), "female": counts.mark("female", i)}
            for i, label in enumerate(labels)
        ],
        "sex": _rows(counts, "sex", "sex"),
        **{name: _rows(counts, name, field) for name, field in DIMENSIONS.items()},
    }


def _rows(counts: RegionCounts, table: str, field: str) -> list[dict]:
    listing = codes.CODE_LISTS[field]
    present = [code for code, n in counts.tables[table].items() if n]
    return [
        {
            "code": code,
            "label": listing.get(code, str(code)) if code is not None else "—",
            "count": counts.mark(table, code),
        }
        for code in sorted(present, key=lambda code: (code is None, code or 0))
    ]


def _withheld(region_code: str, labels: list[str]) -> dict:
    """A region with a table that cannot be protected shows only that it is hidden.

    The total is hidden too: published, it could pin the table that made the region fall
    here (4 residents and no sex table: 2 men and 2 women). A total of 1 or 2 is hidden the
    same way, so that "*" does not tell which case it is.
    """
    return {
        "region": region_code,
        "total": HIDDEN,
        "age_groups": [{"group": g, "male": HIDDEN, "female": HIDDEN} for g in labels],
        "sex": [],
        **{name: [] for name in DIMENSIONS},
    }


def _empty(region_code: str) -> dict:
    groups = [{"group": label, "male": 0, "female": 0} for label in GROUP_LABELS]
    return publish(region_code, groups, _no_dims())


def _no_dims() -> dict[str, dict]:
    return {"sex": {}} | {name: {} for name in DIMENSIONS}


# --- The snapshot each process serves. ---

_snapshot: dict = {}
_building = threading.Lock()


def population_summary(region_code: str, today: datetime.date | None = None) -> dict:
    """Counts by sex, age group (pyramid), religion, education, occupation and marital status.

    Every count from 1 to 2 is the string "<3" or "*", and so are larger counts where a
    public total, or other regions' counts, would give a small one away ("*": hidden, any
    number); safe to publish. `region_code` is a dotted Kemendagri code of a village,
    district, regency or province. `today` (for tests) computes ages as of another day.
    """
    from satudata.registry import releases

    if today is not None and today != timezone.localdate():
        summaries, as_of = published(today), today
    elif releases.mode() == "live":
        summaries, as_of = _current(), timezone.localdate()
    else:
        release = releases.in_force()
        summaries, as_of = release["summaries"], release["as_of"]
    return {**(summaries.get(region_code) or _empty(region_code)), "as_of": as_of.isoformat()}


def _current() -> dict[str, dict]:
    today = timezone.localdate()
    generation = f"{cache.get_or_set(GENERATION_KEY, uuid.uuid4().hex)}:{_writes()}"
    snapshot = _snapshot.get("now")
    if snapshot and snapshot["date"] == today:
        age = time.monotonic() - snapshot["built"]
        fresh = snapshot["generation"] == generation and age < MAX_AGE_SECONDS
        if fresh:
            return snapshot["summaries"]
        if age < refresh_seconds() or not _building.acquire(blocking=False):
            # Rebuilt a moment ago, or being rebuilt by another thread: the snapshot in hand
            # is at most a refresh interval old, but older than the data.
            return _stale(snapshot)
        if refresh_seconds() > 0:
            # A rebuild reads every resident (seconds for a whole regency): no visitor waits
            # for it while a snapshot a minute or so old can answer.
            threading.Thread(target=_rebuild_apart, args=(today, generation), daemon=True).start()
            return _stale(snapshot)
        try:
            return _rebuild(today, generation)
        finally:
            _building.release()
    with _building:
        # No snapshot of today: build one, unless a request that held the lock before this
        # one just did (a burst of first visitors after a start must not build it each).
        snapshot = _snapshot.get("now")
        if snapshot and snapshot["date"] == today:
            if snapshot["generation"] != generation:
                return _stale(snapshot)
            return snapshot["summaries"]
        return _rebuild(today, generation)


def _stale(snapshot: dict) -> dict[str, dict]:
    """The snapshot in hand, older than the data: the answer built from it is not cached.

    The public page cache keys answers by the data version; stored under the new version, an
    old snapshot's region would be served beside a fresh snapshot's regions for minutes, and
    the difference of the two would single out whoever was registered in between.
    """
    public_cache.not_current()
    return snapshot["summaries"]


def _rebuild(today: datetime.date, generation: str) -> dict[str, dict]:
    summaries = published(today)
    _snapshot["now"] = {
        "date": today,
        "generation": generation,
        "built": time.monotonic(),
        "summaries": summaries,
    }
    return summaries


def _rebuild_apart(today: datetime.date, generation: str) -> None:
    """A rebuild in its own thread, which holds `_building` and its own database connection."""
    try:
        _rebuild(today, generation)
    except Exception:
        log.exception("rebuilding the population statistics failed; the old ones stay")
    finally:
        connections.close_all()
        _building.release()


def refresh_seconds() -> float:
    return float(getattr(settings, "SATUDATA_STATISTICS_REFRESH_SECONDS", 60))


def changed() -> None:
    """Called by every registry write: the snapshot is rebuilt by the next public request.

    The token changes again when the write commits: a snapshot rebuilt meanwhile read the
    data without the write, and must not pass for current once the write is visible. Other
    processes (without a shared cache) learn of it from the committed-writes counter, which
    is bumped only after the commit: bumped inside the write's transaction, the row's lock
    would make every other village's write wait for a long import.
    """
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(_committed)


def _committed() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    try:
        if not StatisticsVersion.objects.filter(pk=1).update(writes=F("writes") + 1):
            StatisticsVersion.objects.get_or_create(pk=1, defaults={"writes": 1})
    except DatabaseError:
        # The write is committed; other processes then see it within MAX_AGE_SECONDS.
        log.warning("could not count a registry write for the statistics of other processes")


def _writes() -> int:
    """Registry writes committed so far, by any process."""
    row = StatisticsVersion.objects.filter(pk=1).values_list("writes", flat=True).first()
    return row or 0


def forget() -> None:
    """Drop this process's snapshot (tests, whose database rolls back under it)."""
    from satudata.registry import releases

    _snapshot.clear()
    releases.forget()
