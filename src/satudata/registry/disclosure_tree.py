"""Population counts protected across levels: `protect_tree` and the bounds it checks.

A region's count is the sum of its children's: `protect_tree` closes the two-way tables'
bridges (`disclosure_bridges`), then hides more cells around each hidden count that the sums
and the bounds (a "<3" is 1 or 2, a listed category at least 1, no count below 0) pin
(`_cut_pins`): found by interval propagation or, for what only all equations together pin,
an integer programme (`integer_audit`). See `registry.disclosure` for the whole method.
"""

from __future__ import annotations

import time
from collections import defaultdict
from copy import deepcopy

from satudata.registry import integer_audit
from satudata.registry.disclosure import (
    MARGIN,
    PYRAMID,
    SMALL,
    SMALL_MARK,
    TABLES,
    RegionCounts,
    _categories,
    _frozen,
    _hide,
    _key,
    _top_down,
    _withhold,
)
from satudata.registry.disclosure_bridges import _cut_bridges

BOUND_ROUNDS = 30


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


def children_of(regions: dict[str, RegionCounts], parent_of: dict[str, str]) -> dict[str, list]:
    """Each region's children that have residents (a parent's cell is the sum of theirs)."""
    children: dict[str, list[str]] = defaultdict(list)
    for code, parent in parent_of.items():
        if code in regions and parent in regions and regions[code].total > 0:
            children[parent].append(code)
    return children


# --- Bounds: a "<3" is 1 or 2, a listed category at least 1, no count below 0. ---

INF = float("inf")


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
