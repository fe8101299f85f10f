"""An attacker's audit of published population summaries: which hidden counts are exact?

Whoever reads every public summary knows, for each region, that each table adds up to its
total (each pyramid column to its sex count) and, for each parent, that every cell and the
total are the sums of its children's. The hidden cells ("<3", "*", and every cell and the
total of a withheld region) are the unknowns of these linear equations. A hidden cell is
exact when it is fixed by them: its unit vector lies in the row space of the equations'
coefficients over the unknowns. That is decided by Gaussian elimination modulo a large prime
(exact for coefficients ±1 at these sizes, with overwhelming probability).
"""

from __future__ import annotations

from satudata.registry import codes, integer_audit
from satudata.registry.statistics import DIMENSIONS

PRIME = 2**61 - 1
TABLES = {"sex": "sex", **DIMENSIONS}
SEX_OF_COLUMN = {"male": 1, "female": 2}


def _categories(summaries: dict[str, dict]) -> dict[str, list]:
    found = {}
    for table, field in TABLES.items():
        listed = {row["code"] for s in summaries.values() for row in s[table]}
        found[table] = sorted(listed | set(codes.CODE_LISTS[field]) | {None}, key=str)
    groups = len(next(iter(summaries.values()))["age_groups"])
    for column in SEX_OF_COLUMN:
        found[column] = list(range(groups))
    return found


def _cells(summary: dict, categories: dict[str, list]) -> dict:
    """(table, category) -> published value (an int) or None when hidden; ("total",) too."""
    withheld = summary["total"] == "*"
    cells: dict = {("total",): None if withheld else summary["total"]}
    for table in TABLES:
        listed = {row["code"]: row["count"] for row in summary[table]}
        for code in categories[table]:
            value = None if withheld else listed.get(code, 0)
            cells[(table, code)] = value if isinstance(value, int) else None
    for column in SEX_OF_COLUMN:
        for index, group in enumerate(summary["age_groups"]):
            value = group[column]
            cells[(column, index)] = value if isinstance(value, int) else None
    return cells


def _equations(cells: dict, categories: dict, parent_of: dict[str, str]):
    """Every public equation, as terms (region, key, coefficient) summing to 0: each table
    and pyramid column sums to its margin, and a parent's cell is its children's sum."""
    for code in cells:
        for table in TABLES:
            terms = [(code, (table, c), 1) for c in categories[table]]
            yield [*terms, (code, ("total",), -1)]
        for column, sex in SEX_OF_COLUMN.items():
            terms = [(code, (column, c), 1) for c in categories[column]]
            yield [*terms, (code, ("sex", sex), -1)]
    children: dict[str, list[str]] = {}
    for code, parent in parent_of.items():
        if code in cells and parent in cells:
            children.setdefault(parent, []).append(code)
    for parent, kids in children.items():
        for key in cells[parent]:
            yield [(parent, key, 1)] + [(kid, key, -1) for kid in kids]


def exact_hidden_cells(summaries: dict[str, dict], parent_of: dict[str, str]) -> list[tuple]:
    """Every hidden (region, table, category) that the equations fix exactly."""
    if not summaries:
        return []
    categories = _categories(summaries)
    cells = {code: _cells(summary, categories) for code, summary in summaries.items()}
    unknowns: dict[tuple, int] = {}
    for code, region in cells.items():
        for key, value in region.items():
            if value is None:
                unknowns[(code, *key)] = len(unknowns)
    rows = []
    for equation in _equations(cells, categories, parent_of):
        row: dict[int, int] = {}
        for code, key, coefficient in equation:
            if cells[code][key] is None:
                index = unknowns[(code, *key)]
                row[index] = (row.get(index, 0) + coefficient) % PRIME
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    names = {index: name for name, index in unknowns.items()}
    return [names[index] for index in _fixed(rows)]


def _fixed(rows: list[dict[int, int]]) -> list[int]:
    """The unknowns whose unit vector is in the span of `rows` (reduced row echelon form)."""
    pivots: dict[int, dict[int, int]] = {}  # pivot unknown -> its reduced row
    for row in rows:
        row = dict(row)
        for pivot, reduced in pivots.items():
            if pivot in row:
                factor = row[pivot]
                for k, v in reduced.items():
                    row[k] = (row.get(k, 0) - factor * v) % PRIME
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {k: v * inverse % PRIME for k, v in row.items()}
        for other, reduced in pivots.items():
            if pivot in reduced:
                factor = reduced[pivot]
                for k, v in row.items():
                    reduced[k] = (reduced.get(k, 0) - factor * v) % PRIME
                pivots[other] = {k: v for k, v in reduced.items() if v}
        pivots[pivot] = row
    return [pivot for pivot, row in pivots.items() if len(row) == 1]


# --- Bounds: what the marks say about a hidden count, not only the sums. ---

INF = float("inf")


def _bounds(summaries: dict[str, dict], categories: dict[str, list]) -> dict[tuple, tuple]:
    """(region, *key) -> (lowest, highest) that a reader can tell of each hidden count.

    "<3" is 1 or 2. A category is listed only when someone is in it, so a listed "*" is at
    least 1; so is a "*" age group of a shown sex count (only positive counts are hidden), and
    the hidden total of a withheld region (a region is published only with residents). The
    cells of a withheld region and of a pyramid column whose sex count is hidden may be 0.
    """
    bounds: dict[tuple, tuple] = {}
    for code, summary in summaries.items():
        withheld = summary["total"] == "*"
        if withheld:
            bounds[(code, "total")] = (1, INF)
        for table in TABLES:
            listed = {row["code"]: row["count"] for row in summary[table]}
            for category in categories[table]:
                mark = listed.get(category)
                if withheld:
                    bounds[(code, table, category)] = (0, INF)
                elif isinstance(mark, str):
                    bounds[(code, table, category)] = (1, 2) if mark == "<3" else (1, INF)
        sex = {row["code"]: row["count"] for row in summary["sex"]}
        for column, code_of_sex in SEX_OF_COLUMN.items():
            open_column = withheld or not isinstance(sex.get(code_of_sex, 0), int)
            for index, group in enumerate(summary["age_groups"]):
                mark = group[column]
                if mark == "<3":
                    bounds[(code, column, index)] = (1, 2)
                elif isinstance(mark, str):
                    bounds[(code, column, index)] = (0 if open_column else 1, INF)
    return bounds


def _bounded_system(summaries: dict[str, dict], parent_of: dict[str, str]):
    """The public equations over the hidden counts, and each hidden count's bounds."""
    categories = _categories(summaries)
    cells = {code: _cells(summary, categories) for code, summary in summaries.items()}
    bounds = _bounds(summaries, categories)
    equations: list[tuple[list[tuple[tuple, int]], int]] = []
    for terms in _equations(cells, categories, parent_of):
        unknown, rest = [], 0
        for code, key, coefficient in terms:
            value = cells[code][key]
            if value is None:
                unknown.append(((code, *key), coefficient))
            else:
                rest -= coefficient * value
        if unknown:
            equations.append((unknown, rest))
    low = {name: bounds[name][0] for name in bounds}
    high = {name: bounds[name][1] for name in bounds}
    return equations, low, high


def integer_hidden_cells(summaries: dict[str, dict], parent_of: dict[str, str]) -> list[tuple]:
    """Every hidden (region, table, category, value) that all whole-number solutions agree on.

    The strongest reader of one publication: the equations and bounds of
    `bounded_hidden_cells`, all at once, with counts whole (a mixed-integer programme, as
    the QA of 2026-11-24 ran). A hidden 0 is not listed, as there.
    """
    if not summaries:
        return []
    equations, low, high = _bounded_system(summaries, parent_of)
    tighten(equations, low, high)  # narrower bounds: a smaller, faster programme
    found = integer_audit.pinned(equations, low, high)
    return sorted(((*name, value) for name, value in found.items() if value > 0), key=repr)


def bounded_hidden_cells(summaries: dict[str, dict], parent_of: dict[str, str]) -> list[tuple]:
    """Every hidden (region, table, category, value) that sums and bounds pin to one count > 0.

    The same public equations as `exact_hidden_cells`, with the bounds of `_bounds`, tightened
    to a fixpoint: in an equation whose published part leaves r for its hidden cells, each
    hidden cell lies in [r - (the others' highest), r - (the others' lowest)]. A hidden count
    pinned to 0 (a withheld village's empty age group whose district shows 0) is not listed:
    a published 0 above it says so anyway. Interval propagation is weaker than an integer
    programme over all equations at once; see docs/decisions.md.
    """
    if not summaries:
        return []
    equations, low, high = _bounded_system(summaries, parent_of)
    tighten(equations, low, high)
    return sorted(
        ((*name, low[name]) for name in low if low[name] == high[name] and low[name] > 0),
        key=repr,
    )


def tighten(equations: list, low: dict, high: dict, limit: int = 1_000_000) -> None:
    """Narrow [low, high] of every unknown with equations sum(coefficient * x) = r, in place."""
    of = {}
    for index, (terms, _) in enumerate(equations):
        for name, _ in terms:
            of.setdefault(name, []).append(index)
    queue = list(range(len(equations)))
    waiting = set(queue)
    steps = 0
    while queue and steps < limit:
        steps += 1
        index = queue.pop()
        waiting.discard(index)
        terms, rest = equations[index]
        # The lowest and highest the sum of coefficient * x can be.
        ranges = [(low[n], high[n]) if c > 0 else (-high[n], -low[n]) for n, c in terms]
        for position, (name, coefficient) in enumerate(terms):
            others_low = sum(r[0] for i, r in enumerate(ranges) if i != position)
            others_high = sum(r[1] for i, r in enumerate(ranges) if i != position)
            if coefficient > 0:
                new_low, new_high = rest - others_high, rest - others_low
            else:
                new_low, new_high = others_low - rest, others_high - rest
            changed = False
            if new_low > low[name]:
                low[name], changed = new_low, True
            if new_high < high[name]:
                high[name], changed = new_high, True
            if low[name] > high[name]:
                raise AssertionError(f"no count fits {name}: the audit's equations are wrong")
            if changed:
                ranges[position] = (
                    (low[name], high[name]) if coefficient > 0 else (-high[name], -low[name])
                )
                for other in of[name]:
                    if other not in waiting:
                        waiting.add(other)
                        queue.append(other)


# --- Two releases: the reader keeps the previous one. ---

NON_AGE_TABLES = ("sex", *DIMENSIONS)


def two_release_hidden_cells(
    first: dict[str, dict],
    second: dict[str, dict],
    parent_of: dict[str, str],
    unchanged: dict[str, set[str]],
) -> list[tuple]:
    """Every count hidden in one of two releases that both together pin to one number > 0,
    as (release 1 or 2, region, *key, value); see `releases_hidden_cells`."""
    return releases_hidden_cells([first, second], parent_of, {(1, 2): unchanged})


def releases_hidden_cells(
    releases: list[dict[str, dict]],
    parent_of: dict[str, str],
    unchanged: dict[tuple[int, int], dict[str, set[str]]],
) -> list[tuple]:
    """Every count hidden in one of several releases that all together pin to one number
    > 0, as (release number from 1, region, *key, value).

    The reader knows each release's equations and bounds (`integer_hidden_cells`) and is told
    which tables of which regions did not change between releases i and j (`unchanged[(i,
    j)]`: region -> names among "sex", the dimensions, "male" and "female"). The cells of such
    a table, and its margin (the total, or a pyramid column's sex count), are the same numbers
    in both: one unknown when both hide it, known when either shows it (so not listed when
    pinned).
    """
    numbered = list(enumerate(releases, start=1))
    tagged = {f"{n}:{code}": s for n, release in numbered for code, s in release.items()}
    tree = {
        f"{n}:{code}": f"{n}:{parent}"
        for n, release in numbered
        for code, parent in parent_of.items()
        if code in release and parent in release
    }
    equations, low, high = _bounded_system(tagged, tree)
    categories = _categories(tagged)
    cells = {code: _cells(summary, categories) for code, summary in tagged.items()}
    shown_elsewhere = set()
    for (i, j), tables_of in unchanged.items():
        for code, tables in tables_of.items():
            if code not in releases[i - 1] or code not in releases[j - 1]:
                continue
            one, two = cells[f"{i}:{code}"], cells[f"{j}:{code}"]
            for table in tables:
                margin = ("total",) if table in NON_AGE_TABLES else ("sex", SEX_OF_COLUMN[table])
                for key in [margin, *((table, c) for c in categories[table])]:
                    a, b = (f"{i}:{code}", *key), (f"{j}:{code}", *key)
                    if one[key] is None and two[key] is None:
                        equations.append(([(a, 1), (b, -1)], 0))
                    elif one[key] is None:
                        equations.append(([(a, 1)], two[key]))
                        shown_elsewhere.add(a)
                    elif two[key] is None:
                        equations.append(([(b, 1)], one[key]))
                        shown_elsewhere.add(b)
    tighten(equations, low, high)
    found = integer_audit.pinned(equations, low, high)
    return sorted(
        (
            (int(name[0].split(":")[0]), name[0].split(":", 1)[1], *name[1:], value)
            for name, value in found.items()
            if value > 0 and name not in shown_elsewhere
        ),
        key=repr,
    )
