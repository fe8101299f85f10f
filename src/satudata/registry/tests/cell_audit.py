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

from satudata.registry import codes
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
    equations: list[list[tuple[str, tuple, int]]] = []
    for code in cells:
        for table in TABLES:
            terms = [(code, (table, c), 1) for c in categories[table]]
            equations.append([*terms, (code, ("total",), -1)])
        for column, sex in SEX_OF_COLUMN.items():
            terms = [(code, (column, c), 1) for c in categories[column]]
            equations.append([*terms, (code, ("sex", sex), -1)])
    children: dict[str, list[str]] = {}
    for code, parent in parent_of.items():
        if code in cells and parent in cells:
            children.setdefault(parent, []).append(code)
    for parent, kids in children.items():
        for key in cells[parent]:
            equations.append([(parent, key, 1)] + [(kid, key, -1) for kid in kids])
    rows = []
    for equation in equations:
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
