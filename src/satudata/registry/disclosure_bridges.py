"""Hidden cells a parent with its children could give away by sums: the bridges closed.

Each parent with its children is a two-way table per region table; a hidden cell that is a
bridge of the graph of its rows and columns is exact, so more cells are hidden until none is
(`_cut_bridges`, called by `disclosure_tree.protect_tree`). See `registry.disclosure`.
"""

from __future__ import annotations

from collections import defaultdict

from satudata.registry.disclosure import (
    MARGIN,
    PYRAMID,
    TABLES,
    RegionCounts,
    _categories,
    _frozen,
    _hide,
)


def _cut_bridges(regions, parents, children) -> None:
    changed = True
    while changed:
        changed = False
        for parent in parents:
            rows = [regions[parent]] + [regions[code] for code in sorted(children[parent])]
            for table in TABLES:
                while _cut_one_bridge(rows, table):
                    changed = True


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
