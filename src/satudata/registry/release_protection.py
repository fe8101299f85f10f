"""A release protected together with the releases before it, not only alone.

Each release hides cells so that nothing it hides can be worked out from it alone
(`disclosure_tree.protect_tree`). But readers keep earlier releases, and most of a regency does not
change between two: a table of a region whose counts are the same holds the same hidden
counts in both. Chosen afresh, the new release hid other cells of such a table, or showed a
count the previous one hid, and the two together pinned counts that each release hid (QA,
seventh session: after one death in Rangda, Runtu's Khonghucu and Natai Raya's Hindu, 1 each).
So a new release is protected with the earlier ones in mind:

- `carry_over` (sticky cells): a table whose counts did not change is published exactly as
  before; the cells it showed may not be hidden now (hiding a published number hides nothing,
  so no choice of cells may count on it); and a cell the previous release hid stays hidden
  while its count is the same, in changed tables too.
- `_cut_differences`: a parent's change is the sum of its children's; where only one child's
  change is not seen, it follows (a new village is its district after minus before), and one
  more cell of the new release is hidden beside it.
- `protect_jointly`: the hidden counts of the last `HISTORY` releases and the new one are the
  unknowns of one system, each release's own equations and bounds, where a count whose table
  did not change is one unknown in all (or the number a release showed). It is checked as
  one release is, by interval propagation and the integer programme, and more cells of the
  new release are hidden until no count of 1 or 2 hidden in any of them is pinned. Larger
  counts it gives away are kept with the release (`_keep_worked_out`) and taken as published
  by later ones, which carries what older releases said. The joint system itself is built
  in `release_system`.

The reader is taken to know which tables of which regions changed (a death or a move is
known in a village; a table whose published cells all stayed looks unchanged). See
docs/decisions.md, "Consecutive releases protected together (seventh session)".
"""

from __future__ import annotations

import time
from copy import deepcopy

from satudata.registry import disclosure, disclosure_tree
from satudata.registry.disclosure import (
    MARGIN,
    SMALL,
    SMALL_MARK,
    TABLES,
    RegionCounts,
    _categories,
    _hide,
    _key,
    _top_down,
    _withhold,
    protect_region,
)
from satudata.registry.disclosure_bridges import _cut_bridges
from satudata.registry.disclosure_tree import (
    INF,
    _cost_of,
    _nearby_cells,
    children_of,
    protect_tree,
)
from satudata.registry.release_system import Previous, _key_of, _same_table, pinned_together

HISTORY = 3  # earlier releases checked with a new one; what older ones gave is carried


def protect_release(
    regions: dict[str, RegionCounts],
    parent_of: dict[str, str],
    previous: list[dict[str, RegionCounts]] | dict[str, RegionCounts] | None = None,
) -> None:
    """Hide the cells of a new release's raw counts in place: each region and the tree as
    before, and, given earlier releases' regions (true counts and marks; oldest first, the
    previous release last), so that they and the new one together pin nothing any hid."""
    if isinstance(previous, dict):
        previous = [previous]
    if not previous:
        for counts in regions.values():
            protect_region(counts)
        protect_tree(regions, parent_of)
        return
    history = [(release, children_of(release, _parents(release))) for release in previous]
    before = Previous(*history[-1], history=history)
    previous = previous[-1]
    for code, counts in regions.items():
        if code in previous:
            before.same[code] = carry_over(counts, previous[code])
        else:
            protect_region(counts)
    protect_tree(regions, parent_of)
    children = children_of(regions, parent_of)
    for _ in range(ROUNDS):
        if not _cut_differences(regions, children, before):
            break
        protect_tree(regions, parent_of)
    protect_jointly(regions, children, before)


def _parents(regions: dict) -> dict[str, str]:
    return {code: code.rsplit(".", 1)[0] for code in regions if "." in code}


def _columns(counts: RegionCounts, before: RegionCounts, table: str) -> list:
    if table in disclosure.PYRAMID:
        return _categories(counts, table)
    found = set(counts.tables[table]) | set(before.tables[table])
    return sorted(found, key=lambda code: (code is None, code or 0))


def _cell(key: tuple) -> tuple:
    """(table, column) of a key: the total is the sex table's margin."""
    return ("sex", MARGIN) if key == ("total",) else key


def carry_over(counts: RegionCounts, before: RegionCounts) -> frozenset:
    """Protect one region (`protect_region`) keeping what the previous release did where
    the counts are the same; return the keys of its cells whose tables did not change. A
    region with no table changed is `steady`: published exactly as before."""
    same: set = set()
    unchanged = []
    for table in TABLES:
        columns = _columns(counts, before, table)
        if _same_table(counts, before, table):
            unchanged.append(table)
            same |= {_key(counts.code, table, c)[1:] for c in [MARGIN, *columns]}
    if len(unchanged) == len(TABLES):
        counts.withheld, counts.marks = before.withheld, deepcopy(before.marks)
        counts.steady = True
    else:
        protect_region(counts)
        if before.withheld and before.total == counts.total:
            counts.withheld = True
        for table in TABLES:
            for column in _columns(counts, before, table):
                count = counts.value(table, column)
                if (
                    0 < count == before.value(table, column)
                    and before.hidden(table, column)
                    and not counts.hidden(table, column)
                ):
                    _hide(counts, table, column)
        for table in unchanged:
            # The same small cells (same counts) and the previous release's extra ones.
            counts.marks[table] = dict(before.marks[table])
    counts.frozen = frozenset(key for key in same if not before.hidden(*_cell(key)))
    return frozenset(same)


# --- What a parent's change says about its children's. ---


def _shows(region: RegionCounts | None, table: str, column) -> bool:
    """Whether a release shows the cell (a region absent from it shows 0)."""
    return region is None or not region.hidden(table, column)


def _bounds(region: RegionCounts, table: str, column) -> tuple[float, float]:
    """What a reader can tell of a hidden cell from its mark alone."""
    if region.mark(table, column) == SMALL_MARK:
        return 1, SMALL - 1
    if region.withheld or region.margin_hidden(table):
        return (1 if column == MARGIN and table not in disclosure.PYRAMID else 0), INF
    return 1, INF


def _change_known(code: str, regions: dict, before: Previous, table: str, column) -> bool:
    """Whether a reader of both releases sees how much the cell changed."""
    if _key(code, table, column)[1:] in before.same.get(code, ()):
        return True  # its table did not change
    return _shows(regions.get(code), table, column) and _shows(
        before.regions.get(code), table, column
    )


def _change_pins(code: str, regions: dict, before: Previous, table: str, column) -> bool:
    """Whether knowing how much the cell changed pins a count of 1 or 2 in either release."""
    now, then = regions.get(code), before.regions.get(code)
    value_now = now.value(table, column) if now else 0
    value_then = then.value(table, column) if then else 0
    change = value_now - value_then
    if _shows(now, table, column):
        return not _shows(then, table, column) and 0 < value_then < SMALL
    if _shows(then, table, column):
        return 0 < value_now < SMALL
    low_now, high_now = _bounds(now, table, column)
    low_then, high_then = _bounds(then, table, column)
    # Both hidden: value_now - value_then = change, each within its own bounds.
    low, high = max(low_then, low_now - change), min(high_then, high_now - change)
    return low == high and (0 < low < SMALL or 0 < low + change < SMALL)


def _cut_differences(regions: dict, children: dict, before: Previous) -> bool:
    """A parent's cell changes by the sum of its children's changes. Where all of those
    changes but one are seen (both releases show the cell, or its table did not change), that
    one follows; when it pins a small count, hide one more cell of the new release in the
    same column (the parent's or a child's, the cheapest), so that two changes are unknown.
    Parents are done from the bottom up, so that a cell hidden here counts above it. True if
    anything was hidden.

    This is how a new village shows: its district before and after differ by exactly its
    counts, hidden or not. The joint check (`protect_jointly`) finds everything; this finds
    the usual cases at once, without trying cells one by one.
    """
    hid = False
    parents = set(children) | {p for p in before.children if p in regions}
    for parent in sorted(parents, key=lambda code: (-code.count("."), code)):
        kids = sorted(set(children.get(parent, ())) | set(before.children.get(parent, ())))
        for table in TABLES:
            columns = {MARGIN}
            for code in [parent, *kids]:
                for region in (regions.get(code), before.regions.get(code)):
                    if region is not None:
                        columns |= set(_categories(region, table))
            for column in sorted(columns, key=repr):
                unknown = [
                    code
                    for code in [parent, *kids]
                    if not _change_known(code, regions, before, table, column)
                ]
                if len(unknown) != 1 or not _change_pins(
                    unknown[0], regions, before, table, column
                ):
                    continue
                options = [
                    (cost, code)
                    for code in [parent, *kids]
                    if code in regions
                    and regions[code].value(table, column) > 0
                    and not regions[code].hidden(table, column)
                    and (cost := _cost_of(regions[code], table, column)) is not None
                ]
                if options:
                    _hide(regions[min(options)[1]], table, column)
                    hid = True
    return hid


ROUNDS = 10


def protect_jointly(regions: dict[str, RegionCounts], children: dict, before: Previous) -> None:
    """Hide more cells of the new release until it and the earlier ones pin nothing small.

    For each pinned count, nearby published cells of the new release are tried
    (`_candidates`): hide one, close the bridges, keep the first that frees it. When none
    does, the nearest changed region is withheld; after `ROUNDS`, every changed region.
    """
    parents = _top_down(children)
    deadline = time.monotonic() + disclosure_tree.TRIAL_SECONDS
    for _ in range(ROUNDS):
        pinned = pinned_together(regions, children, before)
        if not pinned:
            _keep_worked_out(regions, before)
            return
        for name in sorted(pinned, key=repr):  # a category may be None ("not recorded")
            if name not in pinned_together(regions, children, before, only={name}):
                continue  # freed by what was hidden for an earlier one
            if not _free(regions, children, parents, before, name, deadline):
                _withhold_near(regions, name)
        _cut_bridges(regions, parents, children)
    # Not seen on any data tried: every region that changed goes whole.
    for region in regions.values():
        region.withheld = region.withheld or not region.steady
    _cut_bridges(regions, parents, children)
    if pinned_together(regions, children, before):
        raise ValueError("the release cannot be protected together with the previous one")
    _keep_worked_out(regions, before)


def _keep_worked_out(regions: dict, before: Previous) -> None:
    """Note on each region the hidden counts of 3 or more that the releases give together.

    They are allowed (the rule would show such a count), but the next release must take them
    as published: otherwise it could hide the count again after a change, and a reader of
    three releases would have it (shown 3, then hidden 3 but worked out, then hidden 2, the
    district's 24, 24, 23: the 2 follows). Each release is checked with the last `HISTORY`
    only; this carries what older ones gave away.
    """
    keys: dict[str, set] = {}
    for name in before.worked_out:
        if _key_of(name) != ("total",) and name[0] in regions:
            keys.setdefault(name[0], set()).add(_key_of(name))
    for code, found in keys.items():
        regions[code].worked_out = frozenset(found)


def _free(regions, children, parents, before: Previous, name: tuple, deadline: float) -> bool:
    """Hide the first nearby cell that frees a pinned count, if one does within the trials."""
    for cell in _candidates(regions, children, before, name)[: disclosure_tree.TRIALS]:
        if time.monotonic() > deadline:
            return False
        saved = {
            code: (region.withheld, deepcopy(region.marks)) for code, region in regions.items()
        }
        _hide(regions[cell[0]], *cell[1:])
        _cut_bridges(regions, parents, children)
        if name not in pinned_together(regions, children, before, only={name}):
            return True
        for code, (withheld, marks) in saved.items():
            regions[code].withheld, regions[code].marks = withheld, marks
    return False


def _region_of(regions: dict, name: tuple) -> tuple[str, tuple]:
    """The region of today's release nearest to a pinned count's, and the count's key."""
    code = name[0]
    while code not in regions and "." in code:
        code = code.rsplit(".", 1)[0]  # the region has no residents now: its parent
    return code, _key_of(name)


def _candidates(regions, children, before: Previous, name: tuple) -> list[tuple]:
    """Published cells of the new release near a pinned count: those whose count changed
    first, then those the previous release hid, then the cheapest. For a withheld region's
    total: the totals of the region, its parent and its children (withholding them), the
    smallest first."""
    code, key = _region_of(regions, name)
    if code not in regions:
        return []
    if key == ("total",):
        near = {code, *children.get(code, ()), *(c.rsplit(".", 1)[0] for c in [code] if "." in c)}
        totals = [
            (cost, c)
            for c in near
            if c in regions
            and not regions[c].withheld
            and (cost := _cost_of(regions[c], "sex", MARGIN)) is not None
        ]
        return [(c, "sex", MARGIN) for _, c in sorted(totals)]
    table = _cell(key)[0]
    cells = _nearby_cells(regions, children, (code, table))

    def order(cell) -> tuple[bool, bool]:
        # What the two releases say together comes from the counts that changed: a changed
        # count hidden now no longer gives the difference. Then counts hidden before.
        region, now = before.regions.get(cell[0]), regions[cell[0]].value(*cell[1:])
        if region is None:
            return (False, True)
        return (region.value(*cell[1:]) == now, not region.hidden(*cell[1:]))

    return sorted(cells, key=order)  # stable: the cheapest first within each


def _withhold_near(regions: dict, name: tuple) -> None:
    """Withhold the pinned count's region, or its nearest changed ancestor when it did not
    change (its published cells are the previous release's, known either way)."""
    code, _ = _region_of(regions, name)
    if code in regions:
        _withhold(regions, code)
