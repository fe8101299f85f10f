"""Which population counts may be published: small cells hidden, in each table and across levels.

Pure functions over raw counts; `registry.statistics` reads the counts and renders summaries.

Within a region (`protect`): every table sums to the region's public total, so a count hidden
as "<3" alone could be undone by subtraction. Where that would work, the small cells and the
smallest larger cells are all shown as "*", so that nobody can tell which hidden cell is the
small one. A region too small for that is withheld: it publishes no breakdown and no total.

Across levels (`protect_tree`): a district's count of a cell is the sum of its villages', so if
only one village hides that cell, district minus the other villages gives it (the API QA of
2026-11-23 recovered 10 hidden demo cells that way, and a phased rollout's single resident
from regency minus the other district). Every parent with its children is a two-way table for
each of the region tables: rows are the parent and its children, columns are the categories
and the rows' sums (the total, or for a pyramid column the sex count). Each row and each
column of such a table is one public equation, and the hidden cells are the unknowns. A
hidden cell can be worked out exactly from these equations if and only if it is a bridge of
the graph whose nodes are the rows and columns and whose edges are the hidden cells (a
hidden cell on a cycle can be moved by +t, -t around it without changing any sum). So for
every such table, parents first, more cells are hidden until no hidden cell is a bridge:
preferably a child's smallest count that closes a cycle, a parent's cell or a whole child
only when nothing else will. This is the standard cell-suppression audit of statistical
offices (two-way tables with margins), done table by table down the tree.

Then bounds (`_cut_pins`): a reader also knows that "<3" is 1 or 2, that a listed category
holds at least 1 and that no count is negative. Interval propagation finds most counts those
pin; an integer programme over all equations at once (`integer_audit`) finds the rest. Each
pinned count gets more cells hidden around it.

Over time, releases are protected together with the ones before them
(`registry.release_protection`), which uses these functions with the cells a previous release
published and that are the same now (`RegionCounts.frozen`) taken as known. See
docs/decisions.md, "Public population statistics", "An integer programme decides what is
exact" and "Consecutive releases protected together".
"""

from __future__ import annotations

import time
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass, field

from satudata.registry import integer_audit

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


def protect_tree(regions: dict[str, RegionCounts], parent_of: dict[str, str]) -> None:
    """Hide more cells until none can be worked out from any parent with its children.

    `regions` are already protected one by one (`protect_region`); `parent_of` links each
    region code to its parent's. Parents are done from the top down, and again while a lower
    table had to hide a parent's cell.
    """
    children = children_of(regions, parent_of)
    parents = _top_down(children)
    for _ in range(BOUND_ROUNDS):
        _cut_bridges(regions, parents, children)
        if not _cut_pins(regions, children):
            return
    # Still pinned after so many rounds (not seen on any data tried): withhold each region
    # with a pinned count, then close the bridges that opens.
    for name in _pinned(regions, children)[0]:
        _withhold(regions, name[0])
    _cut_bridges(regions, parents, children)


def _withhold(regions: dict[str, RegionCounts], code: str) -> None:
    """Withhold a region; for one published as it was before (`steady`), whose counts that
    release gave away, its nearest region above that changed."""
    while "." in code and regions[code].steady and code.rsplit(".", 1)[0] in regions:
        code = code.rsplit(".", 1)[0]
    regions[code].withheld = True


def children_of(regions: dict[str, RegionCounts], parent_of: dict[str, str]) -> dict[str, list]:
    """Each region's children that have residents (a parent's cell is the sum of theirs)."""
    children: dict[str, list[str]] = defaultdict(list)
    for code, parent in parent_of.items():
        if code in regions and parent in regions and regions[code].total > 0:
            children[parent].append(code)
    return children


def _cut_bridges(regions, parents, children) -> None:
    changed = True
    while changed:
        changed = False
        for parent in parents:
            rows = [regions[parent]] + [regions[code] for code in sorted(children[parent])]
            for table in TABLES:
                while _cut_one_bridge(rows, table):
                    changed = True


# --- Bounds: a "<3" is 1 or 2, a listed category at least 1, no count below 0. ---

BOUND_ROUNDS = 30
INF = float("inf")


def _key(code: str, table: str, column) -> tuple:
    """One name per public number: a table's margin is the total, a pyramid's the sex count."""
    if column == MARGIN:
        return (code, "sex", PYRAMID[table]) if table in PYRAMID else (code, "total")
    return (code, table, column)


def _equations(regions: dict[str, RegionCounts], children: dict[str, list[str]]):
    """Every public equation over the hidden positive counts, their bounds as published, and
    their true counts.

    Each equation is ([(name, ±1)], r, [its published positive cells]): the hidden cells'
    signed sum is r. Hidden cells whose count is 0 are taken as known 0 (a reader may not
    know it: this only errs on the safe side), so every unknown is a positive count.
    """
    low: dict[tuple, float] = {}
    high: dict[tuple, float] = {}
    truth: dict[tuple, int] = {}
    equations: list[tuple[list, int]] = []

    def term(region: RegionCounts, table: str, column) -> tuple[tuple | None, int]:
        value = region.value(table, column)
        if value <= 0 or not region.hidden(table, column) or _frozen(region, table, column):
            # Shown, or hidden now but shown by the previous release with the same count.
            return None, value
        name = _key(region.code, table, column)
        truth[name] = value
        if name not in low:
            if region.withheld:
                low[name], high[name] = (1 if name[1] == "total" else 0), INF
            elif region.mark(table, column) == SMALL_MARK:
                low[name], high[name] = 1, SMALL - 1
            else:
                low[name], high[name] = (0 if region.margin_hidden(table) else 1), INF
        return name, value

    def add(cells: list[tuple[RegionCounts, str, object, int]]) -> None:
        unknown, rest, shown = [], 0, []
        for region, table, column, sign in cells:
            name, value = term(region, table, column)
            if name is None:
                rest -= sign * value
                if value > 0:
                    shown.append((region.code, table, column))
            else:
                unknown.append((name, sign))
        if unknown:
            equations.append((unknown, rest, shown))

    for region in regions.values():
        if region.total <= 0:
            continue
        for table in TABLES:
            cells = [(region, table, c, 1) for c in _categories(region, table)]
            add([*cells, (region, table, MARGIN, -1)])
    for parent, kids in children.items():
        rows = [regions[code] for code in kids]
        for table in TABLES:
            for column in [MARGIN, *_categories(regions[parent], table)]:
                cells = [(regions[parent], table, column, 1)]
                add(cells + [(row, table, column, -1) for row in rows])
    return equations, low, high, truth


def _tighten(equations: list, low: dict, high: dict, limit: int = 200_000) -> None:
    """Interval propagation to a fixpoint (or `limit` steps), in place.

    In sum(sign * x) = r, each x lies in r - (the others' range), signed. Linear per equation:
    the others' range is the whole range minus the cell's own, with infinities counted apart.
    """
    of: dict[tuple, list[int]] = defaultdict(list)
    for index, (terms, *_) in enumerate(equations):
        for name, _ in terms:
            of[name].append(index)
    queue = list(range(len(equations)))
    waiting = set(queue)
    steps = 0
    while queue and steps < limit:
        steps += 1
        index = queue.pop()
        waiting.discard(index)
        terms, rest, _ = equations[index]
        for name, new_low, new_high in _implied(terms, rest, low, high):
            if new_low > low[name] or new_high < high[name]:
                low[name] = max(low[name], new_low)
                high[name] = min(high[name], new_high)
                for other in of[name]:
                    if other not in waiting:
                        waiting.add(other)
                        queue.append(other)


def _implied(terms: list, rest: int, low: dict, high: dict):
    """(name, lowest, highest) that the equation allows each of its unknowns, given the others.

    Linear in the terms: the others' range is the whole range minus the term's own, with
    infinities counted apart.
    """
    spans = [(low[n], high[n]) if s > 0 else (-high[n], -low[n]) for n, s in terms]
    bottom = sum(a for a, _ in spans if a != -INF)
    bottoms_open = sum(1 for a, _ in spans if a == -INF)
    top = sum(b for _, b in spans if b != INF)
    tops_open = sum(1 for _, b in spans if b == INF)
    for (name, sign), (a, b) in zip(terms, spans, strict=True):
        others_low = -INF if bottoms_open - (a == -INF) else bottom - (a if a != -INF else 0)
        others_high = INF if tops_open - (b == INF) else top - (b if b != INF else 0)
        if sign > 0:
            yield name, rest - others_high, rest - others_low
        else:
            yield name, others_low - rest, others_high - rest


def _pinned(regions, children, everything: bool = False):
    """The hidden counts that sums and bounds pin to one number (name -> count), whether an
    integer programme was needed to find them, and the equations and bounds used.

    Interval propagation first: it is cheap and names the equations that pin. When it finds
    nothing (or `everything` is asked for), an integer programme over all equations at once
    has the last word: several equations together can pin what none does alone (QA's demo
    religion case, docs/decisions.md).
    """
    equations, low, high, truth = _equations(regions, children)
    start = (dict(low), dict(high))
    _tighten(equations, low, high)
    pinned = {name: low[name] for name in low if low[name] == high[name]}
    by_integers = not pinned
    if by_integers or everything:
        pinned |= integer_audit.pinned(equations, low, high, point=truth)
    return pinned, by_integers, equations, start, (low, high)


def _cut_pins(regions: dict[str, RegionCounts], children: dict[str, list[str]]) -> bool:
    """Hide one more cell of an equation that pins each pinned count; False if none is."""
    pinned, by_integers, equations, (low0, high0), (low, high) = _pinned(regions, children)
    if not pinned:
        return False
    if by_integers:
        _cut_integer_pins(regions, children, pinned)
        return True
    of: dict[tuple, list[int]] = defaultdict(list)
    for index, (terms, *_) in enumerate(equations):
        for name, _ in terms:
            of[name].append(index)
    chosen: set[tuple] = set()
    stuck: dict[tuple, int] = {}
    for name in sorted(pinned, key=repr):  # a category may be None ("not recorded")
        value = pinned[name]
        # The equations that pin it: those that bound it on a side its own bounds leave open
        # ("<3" pinned to 2 needs an equation saying "at least 2").
        pinning = [
            index
            for index in of[name]
            for term, new_low, new_high in _implied(*equations[index][:2], low, high)
            if term == name
            and ((new_low >= value > low0[name]) or (new_high <= value < high0[name]))
        ]
        best = None
        for indexes in (pinning, of[name]):  # any equation of it when those show nothing
            for index in indexes:
                for cell in equations[index][2]:
                    cost = _cost_of(regions[cell[0]], *cell[1:])
                    if cost is None:
                        continue
                    if best is None or (cost, repr(cell)) < best[:2]:
                        best = (cost, repr(cell), cell)
            if best is not None:
                break
        if best is None and regions[name[0]].steady:
            # Its equations are as the previous release published them: cells further off
            # (the changed regions' around it) may free it, as for an integer pin.
            stuck[name] = value
        elif best is None:
            _withhold(regions, name[0])  # nothing published left around it
        else:
            chosen.add(best[2])
    for code, table, column in chosen:
        _hide(regions[code], table, column)
    if stuck:
        _cut_integer_pins(regions, children, stuck)
    return True


TRIALS = 40  # nearby cells tried for each count that only the integer programme pins
TRIAL_SECONDS = 30  # for all of them in one snapshot


def _cut_integer_pins(regions, children, pinned: dict) -> None:
    """For each count that only all equations together pin, hide the cheapest nearby
    published cell that frees it once the bridges are closed again; else withhold its region.

    Such a pin combines many equations (the demo case: five village rows, three columns and
    the district's row), so no one equation's cell is known to help, and each candidate is
    tried on the true counts. This is rare; should it take long all the same, the regions
    left when `TRIAL_SECONDS` have passed are withheld (the safe way out) instead.
    """
    parents = _top_down(children)
    deadline = time.monotonic() + TRIAL_SECONDS
    for name in sorted(pinned, key=repr):  # a category may be None ("not recorded")
        if name not in _pinned(regions, children, everything=True)[0]:
            continue  # freed by what was hidden for an earlier one
        nearby = _nearby_cells(regions, children, name)[:TRIALS]
        for cell in nearby if time.monotonic() < deadline else ():
            saved = {
                code: (region.withheld, deepcopy(region.marks)) for code, region in regions.items()
            }
            _hide(regions[cell[0]], *cell[1:])
            _cut_bridges(regions, parents, children)
            if name not in _pinned(regions, children, everything=True)[0]:
                break
            for code, (withheld, marks) in saved.items():
                regions[code].withheld, regions[code].marks = withheld, marks
        else:
            _withhold(regions, name[0])


def _nearby_cells(regions, children, name: tuple) -> list[tuple]:
    """The published positive cells of the pinned count's table in its region, the region's
    parent and grandparent, and their children: cheapest first."""
    code, table = name[0], name[1]
    if table not in TABLES:
        return []  # a withheld region's total: nothing smaller to hide
    parent_of = {kid: parent for parent, kids in children.items() for kid in kids}
    near = {code, *children.get(code, ())}
    for above in (parent_of.get(code), parent_of.get(parent_of.get(code))):
        if above:
            near |= {above, *children.get(above, ())}
    cells = [
        (region.code, table, column)
        for region in (regions[c] for c in sorted(near))
        if not region.withheld
        for column in _categories(region, table)
        if region.value(table, column) > 0
        and not region.hidden(table, column)
        and not _frozen(region, table, column)
    ]
    return sorted(cells, key=lambda cell: (_cost_of(regions[cell[0]], *cell[1:]), repr(cell)))


def _top_down(children: dict[str, list[str]]) -> list[str]:
    return sorted(children, key=lambda code: (code.count("."), code))


def _cut_one_bridge(rows: list[RegionCounts], table: str) -> bool:
    """Hide cells so that one bridge of this two-way table is on a cycle; False if none."""
    parent = rows[0]
    # Where the parent publishes 0, every child's count is 0 too (none is negative), hidden
    # or not: such cells are known, and a table whose sum is a published 0 holds nothing.
    if parent.value(table, MARGIN) == 0 and not parent.margin_hidden(table):
        return False
    categories = _categories(parent, table)
    columns = [MARGIN] + [
        c for c in categories if parent.value(table, c) > 0 or parent.hidden(table, c)
    ]
    edges = [
        (("row", r), ("column", c))
        for r, region in enumerate(rows)
        for c in columns
        if region.hidden(table, c) and not _frozen(region, table, c)
    ]
    bridges = _bridges(edges)
    if not bridges:
        return False
    side_a, side_b = _sides(edges, bridges[0])
    choice = _cheapest_link(rows, table, columns, side_a, side_b)
    if choice is None:
        # Nothing closes a cycle: hide every row whole. A complete two-way table of hidden
        # cells with at least two rows and two columns has no bridge.
        if all(region.withheld or region.steady for region in rows):
            # Only when the table has no category left (all its cells are 0), or when what
            # is left is as the previous release published it (hiding it hides nothing).
            return False
        for region in rows:
            region.withheld = region.withheld or not region.steady
    else:
        for r, column in choice:
            _hide(rows[r], table, column)
    return True


def _hide(region: RegionCounts, table: str, column) -> None:
    if column != MARGIN:
        region.marks[table][column] = HIDDEN
    elif table in PYRAMID:
        region.marks["sex"][PYRAMID[table]] = HIDDEN
    else:
        region.withheld = True  # its total: every table would give it back otherwise


def _cost(rows: list[RegionCounts], table: str, r: int, column) -> float | None:
    """What hiding one more cell loses; None when it is hidden already or a published 0."""
    region = rows[r]
    if region.hidden(table, column) or _frozen(region, table, column):
        return None
    count = region.value(table, column)
    if count <= 0:
        return None
    if column == MARGIN:
        # Hiding a total withholds the whole region; hiding a sex count, a pyramid column.
        cost = 1_000 + 4 * region.total if table not in PYRAMID else 100 + 2 * count
    else:
        cost = count
    if r == 0:
        # The parent's cells were settled with its own parent: changing them means doing
        # that table again, and the parent is the more used summary.
        cost = 100_000 + 10 * cost
    return cost


def _cheapest_link(rows, table, columns, side_a, side_b) -> list[tuple[int, object]] | None:
    """The cheapest one, two or (`_three_cells`) three new hidden cells that join the two
    sides of a bridge."""

    def side(node) -> int | None:
        return 0 if node in side_a else 1 if node in side_b else None

    def cheapest(cells) -> tuple[float, tuple[int, object]] | None:
        costs = [(cost, cell) for cell in cells if (cost := _cost(rows, table, *cell)) is not None]
        return min(costs, key=lambda item: (item[0], repr(item[1])), default=None)

    row_sides = {r: side(("row", r)) for r in range(len(rows))}
    column_sides = {c: side(("column", c)) for c in columns}
    options: list[tuple[float, list]] = []
    # One cell joining a row of one side to a column of the other.
    one = cheapest(
        (r, c)
        for r, rs in row_sides.items()
        for c, cs in column_sides.items()
        if rs is not None and cs is not None and rs != cs
    )
    if one:
        options.append((one[0], [one[1]]))
    # Two cells: a row of neither side joined to a column of each, or a column to a row of each.
    for r, rs in row_sides.items():
        if rs is None:
            ends = [cheapest((r, c) for c, cs in column_sides.items() if cs == s) for s in (0, 1)]
            if None not in ends:
                options.append((ends[0][0] + ends[1][0], [ends[0][1], ends[1][1]]))
    for c, cs in column_sides.items():
        if cs is None:
            ends = [cheapest((r, c) for r, rs in row_sides.items() if rs == s) for s in (0, 1)]
            if None not in ends:
                options.append((ends[0][0] + ends[1][0], [ends[0][1], ends[1][1]]))
    if not options:
        options = _three_cells(rows, table, row_sides, column_sides, cheapest)
    if not options:
        return None
    return min(options, key=lambda option: (option[0], repr(option[1])))[1]


def _three_cells(rows, table, row_sides, column_sides, cheapest) -> list[tuple[float, list]]:
    """Three new hidden cells through a row and a column of neither side, when one or two
    cannot join the sides: from a row of one side to a column of the other.

    A hidden cell of a child that is its parent's only child is the usual case: the parent's
    cell is the same number, and the row of the child has no other hidden cell to join
    (a later release hiding one more count of a single-district regency). Without this, every
    row of the table was withheld.
    """
    options = []
    for r, rs in row_sides.items():
        for c, cs in column_sides.items():
            if rs is not None or cs is not None or _cost(rows, table, r, c) is None:
                continue
            middle = _cost(rows, table, r, c)
            for s in (0, 1):
                # (a row of side s, c), (r, c), (r, a column of the other side)
                start = cheapest((q, c) for q, qs in row_sides.items() if qs == s)
                end = cheapest((r, d) for d, ds in column_sides.items() if ds == 1 - s)
                if start and end:
                    options.append((start[0] + middle + end[0], [start[1], (r, c), end[1]]))
    return options


def _sides(edges: list[tuple], bridge: int) -> tuple[set, set]:
    """The nodes on each side of a bridge: those still reachable from each of its ends."""
    links = defaultdict(list)
    for index, (a, b) in enumerate(edges):
        if index != bridge:
            links[a].append(b)
            links[b].append(a)

    def reach(start) -> set:
        seen, todo = {start}, [start]
        while todo:
            for nxt in links[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    a, b = edges[bridge]
    return reach(a), reach(b)


def _bridges(edges: list[tuple]) -> list[int]:
    """Indexes of the edges on no cycle (Tarjan's low-link, without recursion)."""
    links = defaultdict(list)
    for index, (a, b) in enumerate(edges):
        links[a].append((b, index))
        links[b].append((a, index))
    order: dict = {}
    low: dict = {}
    found = []
    for root in links:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(links[root]))]
        while stack:
            node, via, pending = stack[-1]
            for nxt, index in pending:
                if index == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, index, iter(links[nxt])))
                    break
            else:
                stack.pop()
                if stack:
                    above = stack[-1][0]
                    low[above] = min(low[above], low[node])
                    if low[node] > order[above]:
                        found.append(via)
    return found


def _frozen(region: RegionCounts, table: str, column) -> bool:
    """Published by the previous release with the same count: hiding it now hides nothing."""
    return bool(region.frozen) and _key(region.code, table, column)[1:] in region.frozen


def _cost_of(region: RegionCounts, table: str, column) -> float | None:
    """What hiding one more published cell loses: a small count of a village first; None
    for a cell whose count the previous release published (`_frozen`)."""
    if _frozen(region, table, column):
        return None
    count = region.value(table, column)
    if column == MARGIN:
        cost = 1_000 + 4 * region.total if table not in PYRAMID else 100 + 2 * count
    elif table == "sex":
        cost = 100 + 2 * count  # hides that sex's whole pyramid column with it
    else:
        cost = count
    # A higher region's cells are the more used summaries, and were settled with its parent.
    return cost + 100_000 * (3 - min(region.code.count("."), 3))
