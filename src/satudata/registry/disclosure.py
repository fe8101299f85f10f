"""Which population counts may be published: small cells hidden, in each table and across levels.

Pure functions over raw counts; `registry.statistics` reads the counts and renders summaries.
This module holds the rules within a region and the cell helpers the others share;
`disclosure_tree` holds the rules across levels (`protect_tree` and the bounds), and
`disclosure_bridges` the two-way tables' bridges that it closes.

Within a region (`protect`): every table sums to the region's public total, so a count hidden
as "<3" alone could be undone by subtraction. Where that would work, the small cells and the
smallest larger cells are all shown as "*", so that nobody can tell which hidden cell is the
small one. A region too small for that is withheld: it publishes no breakdown and no total.

Across levels (`disclosure_tree.protect_tree`): a district's count of a cell is the sum of its
villages', so if only one village hides that cell, district minus the other villages gives it
(the API QA of 2026-11-23 recovered 10 hidden demo cells that way, and a phased rollout's
single resident from regency minus the other district). Every parent with its children is a
two-way table for each of the region tables: rows are the parent and its children, columns are
the categories and the rows' sums (the total, or for a pyramid column the sex count). Each row
and each column of such a table is one public equation, and the hidden cells are the unknowns.
A hidden cell can be worked out exactly from these equations if and only if it is a bridge of
the graph whose nodes are the rows and columns and whose edges are the hidden cells (a hidden
cell on a cycle can be moved by +t, -t around it without changing any sum). So for every such
table, parents first, more cells are hidden until no hidden cell is a bridge: preferably a
child's smallest count that closes a cycle, a parent's cell or a whole child only when nothing
else will. This is the standard cell-suppression audit of statistical offices (two-way tables
with margins), done table by table down the tree.

Then bounds (`disclosure_tree._cut_pins`): a reader also knows that "<3" is 1 or 2, that a
listed category holds at least 1 and that no count is negative. Interval propagation finds most
counts those pin; an integer programme over all equations at once (`integer_audit`) finds the
rest. Each pinned count gets more cells hidden around it.

Over time, releases are protected together with the ones before them
(`registry.release_protection`), which uses these functions with the cells a previous release
published and that are the same now (`RegionCounts.frozen`) taken as known. See
docs/decisions.md, "Public population statistics", "An integer programme decides what is
exact" and "Consecutive releases protected together".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

SMALL = 3
SMALL_MARK = "<3"
HIDDEN = "*"  # hidden so that a small count cannot be worked out; may be any number
AGE_GROUP_COUNT = 16
DIMENSIONS = ("religion", "education", "occupation", "marital_status")
PYRAMID = {"male": 1, "female": 2}  # pyramid column -> the sex code that is its sum
TABLES = ("sex", *DIMENSIONS, *PYRAMID)
MARGIN = ("sum",)  # the column of a two-way table that holds each row's sum


def suppress(count: int) -> int | str:
    """A count fit for publication on its own: 1 and 2 become "<3"."""
    return SMALL_MARK if 0 < count < SMALL else count


def protect(counts: list[int]) -> list[int | str] | None:
    """The cells of a table whose sum is public, published so that no hidden cell is exact.

    Whoever knows this rule and the sum learns only the sum of the hidden cells. None when no
    choice of cells protects the table: every positive cell holds the same 1 or 2.
    """
    small = {n for n in counts if 0 < n < SMALL}
    if len(small) != 1:
        # No small cell, or 1s and 2s both: the sum of the "<3" cells fits every order of
        # those 1s and 2s, so each of them may be either.
        return [suppress(n) for n in counts]
    # The small cells are all 1 or all 2, and their sum (the total minus the published
    # cells) says which. Hide the smallest larger cells with them, all under one mark: any
    # hidden cell may then hold any other hidden cell's number, which includes a number
    # under 3 and one of 3 or more. A separate mark for the larger cells would not do: it
    # tells that they are 3 or more and no bigger than the smallest published cell, bounds
    # that pin the cells often (one "<3", one hidden, hidden sum 4: they are 1 and 3).
    larger = [n for n in counts if n >= SMALL]
    if not larger:
        return None
    # Every cell equal to the smallest: which of equal cells hides must not depend on order,
    # or swapping two hidden numbers could change the output and so rule the swap out.
    floor = min(larger)
    return [HIDDEN if 0 < n <= floor else n for n in counts]


@dataclass
class RegionCounts:
    """A region's raw counts and which of them are hidden.

    `tables[name]` maps a category (a code, None for "not recorded", or an age group's index
    for the pyramid columns "male" and "female") to its count; a missing category is 0.
    """

    code: str
    total: int
    tables: dict[str, dict]
    age_groups: int = AGE_GROUP_COUNT
    withheld: bool = False
    marks: dict[str, dict] = field(default_factory=lambda: defaultdict(dict))
    # Cells the previous release published that are the same now (`release_protection`):
    # hiding them would hide nothing, so no choice of cells to hide may count on them. Keys
    # as in `_key` without the region: ("total",), ("sex", 1), (table, category).
    frozen: frozenset = frozenset()
    steady: bool = False  # no table changed since the previous release: published as it was
    # Hidden counts (of 3 or more) that this release and the previous one give together, as
    # keys: kept with the release, so that the next one takes them as published.
    worked_out: frozenset = frozenset()

    @classmethod
    def empty(cls, code: str) -> RegionCounts:
        """No one yet: counts are added in place (every table a dict of 0s)."""
        return cls(code, 0, defaultdict(lambda: defaultdict(int)))

    def value(self, table: str, category) -> int:
        if category == MARGIN:
            return self.tables["sex"].get(PYRAMID[table], 0) if table in PYRAMID else self.total
        return self.tables[table].get(category, 0)

    def margin_hidden(self, table: str) -> bool:
        if self.withheld:
            return True
        return table in PYRAMID and PYRAMID[table] in self.marks["sex"]

    def hidden(self, table: str, category) -> bool:
        if category == MARGIN or self.margin_hidden(table):
            # A pyramid column whose sum is hidden is hidden whole, zeros too: its published
            # cells, or how many of them are not zero, would bound that sum.
            return self.margin_hidden(table)
        return category in self.marks[table]

    def mark(self, table: str, category) -> int | str:
        """The cell as published: its count, "<3" or "*"."""
        if self.hidden(table, category):
            return self.marks[table].get(category, HIDDEN)
        return self.value(table, category)


def protect_region(counts: RegionCounts) -> RegionCounts:
    """Hide the small cells of one region and their complements (`protect`), or withhold it.

    With a total of 1 or 2 every cell is small and the tables tell each other's sums.
    """
    if 0 < counts.total < SMALL:
        counts.withheld = True
        return counts
    for table in ("sex", *DIMENSIONS, *PYRAMID):
        if table in PYRAMID and counts.margin_hidden(table):
            continue
        categories = _categories(counts, table)
        shown = protect([counts.value(table, c) for c in categories])
        if shown is None:
            counts.withheld = True
            return counts
        for category, cell in zip(categories, shown, strict=True):
            if isinstance(cell, str):
                counts.marks[table][category] = cell
    return counts


def _categories(counts: RegionCounts, table: str) -> list:
    if table in PYRAMID:
        return list(range(counts.age_groups))
    return sorted(counts.tables[table], key=lambda code: (code is None, code or 0))


def _key(code: str, table: str, column) -> tuple:
    """One name per public number: a table's margin is the total, a pyramid's the sex count."""
    if column == MARGIN:
        return (code, "sex", PYRAMID[table]) if table in PYRAMID else (code, "total")
    return (code, table, column)


def _frozen(region: RegionCounts, table: str, column) -> bool:
    """Published by the previous release with the same count: hiding it now hides nothing."""
    return bool(region.frozen) and _key(region.code, table, column)[1:] in region.frozen


def _hide(region: RegionCounts, table: str, column) -> None:
    if column != MARGIN:
        region.marks[table][column] = HIDDEN
    elif table in PYRAMID:
        region.marks["sex"][PYRAMID[table]] = HIDDEN
    else:
        region.withheld = True  # its total: every table would give it back otherwise


def _withhold(regions: dict[str, RegionCounts], code: str) -> None:
    """Withhold a region; for one published as it was before (`steady`), whose counts that
    release gave away, its nearest region above that changed."""
    while "." in code and regions[code].steady and code.rsplit(".", 1)[0] in regions:
        code = code.rsplit(".", 1)[0]
    regions[code].withheld = True


def _top_down(children: dict[str, list[str]]) -> list[str]:
    return sorted(children, key=lambda code: (code.count("."), code))
