"""Which unknowns of a system of public sums every integer solution gives the same value.

The strongest reader of the published population tables (docs/decisions.md, "An integer
programme decides what is exact") knows each public sum, the bounds the marks imply ("<3" is
1 or 2, a listed category at least 1, no count below 0) and that counts are whole numbers. An
unknown is disclosed when its lowest and highest value over all such solutions meet. Interval
propagation (`disclosure_tree._tighten`) looks at one equation at a time and misses what two
equations say together; a mixed-integer programme over all of them at once does not.

Each unknown is found by at most two solves (its highest, then its lowest value), and every
solution found shows more unknowns free at once, so most need none of their own. The system
falls apart into independent parts (a religion table does not share an unknown with an
occupation table unless a total is hidden), and each part is solved on its own.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

# No count reaches this (a regency has a few million people at most): it stands for "no
# upper bound" so that every programme is bounded. A count whose highest value reaches it
# is free, not pinned.
CEILING = 10**8


def pinned(
    equations: list[tuple[list[tuple[object, int]], int]],
    low: dict,
    high: dict,
    point: dict | None = None,
    only: set | None = None,
) -> dict:
    """name -> value for each unknown that all integer solutions agree on, but 0 (a count
    pinned to 0 discloses nobody).

    `equations` are (terms, r, ...): sum(coefficient * unknown) over the terms is r. `low` and
    `high` bound every unknown (float("inf") for none). `point` is one known solution (the
    true counts, when the caller has them); without it, one is searched for first. With
    `only`, the programme is solved just for the parts that hold one of those unknowns.
    """
    # Unknowns whose bounds already meet (interval propagation, run first by the callers,
    # pins most of a withheld region's empty categories) are numbers, not unknowns.
    found = {name: low[name] for name in low if low[name] == high[name]}
    open_low = {name: bound for name, bound in low.items() if name not in found}
    reduced = []
    for terms, rest, *_ in equations:
        left = [(name, sign) for name, sign in terms if name not in found]
        if left:
            rest -= sum(sign * found[name] for name, sign in terms if name in found)
            reduced.append((left, rest))
    for part in _parts(reduced, open_low):
        if only is not None and only.isdisjoint(part[0]):
            continue
        if not _scalable(part, low, high):
            found.update(_pinned_in(part, low, high, point))
    return {name: value for name, value in found.items() if value != 0}


def _parts(equations: list, low: dict) -> list[tuple[list, list]]:
    """(unknowns, equations) of each connected part; an unknown in no equation is its own."""
    parent = {name: name for name in low}

    def root(name):
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for terms, *_ in equations:
        first = root(terms[0][0])
        for name, _ in terms[1:]:
            parent[root(name)] = first
    names: dict = defaultdict(list)
    for name in low:
        names[root(name)].append(name)
    rows: dict = defaultdict(list)
    for equation in equations:
        rows[root(equation[0][0][0])].append(equation)
    return [(names[key], rows[key]) for key in sorted(names, key=repr)]


def _scalable(part: tuple[list, list], low: dict, high: dict) -> bool:
    """True when twice a solution is a solution: every sum 0, no upper bound, none below 0
    (a part of withheld regions only). Then no count but 0 is pinned."""
    names, equations = part
    return all(rest == 0 for _, rest in equations) and all(
        low[name] >= 0 and high[name] >= CEILING for name in names
    )


def _pinned_in(part: tuple[list, list], low: dict, high: dict, point: dict | None) -> dict:
    import numpy as np

    names, equations = part
    index = {name: i for i, name in enumerate(names)}
    size = len(names)
    system = System(
        rows=[
            ([index[name] for name, _ in terms], [sign for _, sign in terms])
            for terms, *_ in equations
        ],
        sums=[rest for _, rest, *_ in equations],
        lowest=np.array([max(low[name], -CEILING) for name in names], dtype=float),
        highest=np.array([min(high[name], CEILING) for name in names], dtype=float),
    )
    if point is not None:
        seen = np.array([point[name] for name in names], dtype=float)
    else:
        seen = _solve(system, np.zeros(size))
    free = np.zeros(size, dtype=bool)

    def learn(solution) -> int:
        moved = (solution != seen) | (np.abs(solution) >= CEILING)
        new = int(np.count_nonzero(moved & ~free))
        free[moved] = True
        return new

    # Scouting solves first: each moves as many undecided unknowns as it can by at least 1,
    # all up or all down (those that can), so one solve shows hundreds free at once.
    while True:
        found = sum(learn(_scout(system, seen, ~free, up)) for up in (True, False))
        if not found or free.all():
            break
    # What is left: each unknown's own highest, then lowest value.
    for i in range(size):
        for direction in (-1.0, 1.0):
            if not free[i]:
                cost = np.zeros(size)
                cost[i] = direction  # HiGHS minimises: -x gives x's highest value
                learn(_solve(system, cost))
    return {names[i]: int(seen[i]) for i in range(size) if not free[i]}


@dataclass
class System:
    """sum(signs * x[columns]) = sum for each row; lowest <= x <= highest."""

    rows: list[tuple[list[int], list[int]]]
    sums: list[int]
    lowest: object  # numpy arrays
    highest: object


def _solve(system: System, cost, added: list[tuple[int, float, float]] = ()):
    """A whole-number x minimising cost over the system, with `added` rows (j, sign, upper):
    y_k - sign * x_j <= upper for a new y_k in [0, 1] each (the cost covers the y too).

    The linear programme first: these systems are mostly sums over a tree and a table,
    whose corners are whole numbers, and it is several times faster; a fractional answer is
    solved again with x whole.
    """
    import highspy
    import numpy as np

    size = len(system.lowest)
    starts, columns, values = [0], [], []
    for row_columns, signs in system.rows:
        columns += row_columns
        values += signs
        starts.append(len(columns))
    for k, (j, sign, _) in enumerate(added):
        columns += [j, size + k]
        values += [-sign, 1.0]
        starts.append(len(columns))
    model = highspy.HighsLp()
    model.num_col_ = size + len(added)
    model.num_row_ = len(system.rows) + len(added)
    model.col_cost_ = np.asarray(cost, dtype=float)
    model.col_lower_ = np.concatenate([system.lowest, np.zeros(len(added))])
    model.col_upper_ = np.concatenate([system.highest, np.ones(len(added))])
    model.row_lower_ = np.array([*system.sums, *[-highspy.kHighsInf] * len(added)], dtype=float)
    model.row_upper_ = np.array([*system.sums, *(upper for *_, upper in added)], dtype=float)
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    model.a_matrix_.index_ = np.array(columns, dtype=np.int32)
    model.a_matrix_.value_ = np.array(values, dtype=float)
    for whole in (False, True):
        if whole:
            kinds = highspy.HighsVarType
            model.integrality_ = [kinds.kInteger] * size + [kinds.kContinuous] * len(added)
        solver = _quiet_solver()
        solver.passModel(model)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise ValueError("no whole counts fit these sums and bounds")
        found = np.array(solver.getSolution().col_value[:size])
        solution = np.round(found)
        if np.all(np.abs(found - solution) < 1e-6):
            break
    return solution


def _quiet_solver():
    """A HiGHS solver that prints nothing."""
    solver = _quiet_highs()()
    solver.setOptionValue("output_flag", False)  # whatever a later highspy calls first
    return solver


@functools.cache
def _quiet_highs() -> type:
    """highspy's `Highs`, with `output_flag` off before its first call that prints.

    HiGHS writes its banner ("Running HiGHS …", copyright) to stdout at the first call that
    is not an option's, unless `output_flag` is off by then. highspy's constructor makes that
    call itself (`enableCallbacks`, its last step), before a caller can set the option: the
    banner came on every publish, on the command line and in the server's log.
    """
    import highspy

    class QuietHighs(highspy.Highs):
        def enableCallbacks(self):
            self.setOptionValue("output_flag", False)
            super().enableCallbacks()

    return QuietHighs


def _scout(system: System, seen, undecided, up: bool):
    """A solution moving as many undecided unknowns as it can, each by at least 1 in one
    direction: maximise the sum of y_j <= +-(x_j - seen_j), 0 <= y_j <= 1."""
    import numpy as np

    movable = undecided & ((seen < system.highest) if up else (seen > system.lowest))
    chosen = np.flatnonzero(movable)
    if not len(chosen):
        return seen
    sign = 1.0 if up else -1.0
    added = [(int(j), sign, -sign * seen[j]) for j in chosen]
    cost = np.concatenate([np.zeros(len(seen)), -np.ones(len(chosen))])
    return _solve(system, cost, added)
