"""Consecutive releases as one system of equations, for `release_protection`.

A reader keeps the last releases. Each release gives equations (a parent is the sum of its
children, a table's cells sum to its margin) and bounds (a hidden "<3" is 1 or 2) over its
hidden counts; a count whose table did not change between two releases is the same unknown
in both (`_name`), and a number one release published is known in every other. This module
builds that joint system (`_system`, the earlier releases' part once per publish) and finds
the small counts it pins (`pinned_together`), by interval propagation and the integer
programme as for one release. What to hide about them is `release_protection`'s business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from satudata.registry import disclosure, integer_audit
from satudata.registry.disclosure import (
    MARGIN,
    SMALL,
    TABLES,
    RegionCounts,
    _categories,
    _key,
)
from satudata.registry.disclosure_tree import INF, _equations, _tighten


@dataclass
class Previous:
    """The previous release (its true counts with what it hid, and what is the same now), and
    the releases before it that are checked with the new one."""

    regions: dict[str, RegionCounts]
    children: dict[str, list[str]]
    history: list[tuple[dict, dict]] = field(default_factory=list)  # oldest first, then it
    # Region -> keys (as in `disclosure._key`, without the region) of its cells that are the
    # same in both releases because their table did not change.
    same: dict[str, frozenset] = field(default_factory=dict)
    system: tuple | None = None  # the earlier releases' joint system (`_history_system`)
    links: list | None = None  # `_links` of each earlier release with the new one
    prints: dict = field(default_factory=dict)  # tables' counts as numbers (`_name`)
    worked_out: dict = field(default_factory=dict)  # every count the last full check pinned
    alone: dict | None = None  # count -> whether they give it away on their own (`_alone`)


def _name(regions: dict[str, RegionCounts], name: tuple, prints: dict) -> tuple:
    """A release's count (`disclosure._key`) as one unknown of all releases together:
    (region, table, category, its whole table's counts).

    A count is the same unknown in two releases when its table is the same in both: a reader
    told which tables changed knows as much. A total and a sex count go with the sex table;
    `_links` adds that a total is also the same when another table is, and a sex count when
    its pyramid column is.
    """
    code, *key = name
    table, column = ("sex", None) if key == ["total"] else key
    found = prints.get((id(regions), code, table))
    if found is None:
        # Each table's counts once, as a number: the same for equal tables of any release.
        table_counts = regions[code].tables[table].items()
        counts = tuple(sorted(((repr(c), n) for c, n in table_counts if n), key=repr))
        numbers = prints.setdefault("numbers", {})
        found = prints[(id(regions), code, table)] = numbers.setdefault(counts, len(numbers))
    return (code, key[0], column, found)


def _links(earlier: dict, later: dict, prints: dict) -> list[tuple]:
    """Pairs of names of the same number in two releases that `_name` does not give: a total
    whose sex table changed but another table did not, a sex count whose pyramid column did
    not change."""
    pairs = []
    for code in set(earlier) & set(later):
        a, b = earlier[code], later[code]
        if _same_table(a, b, "sex"):
            continue  # the same names already
        if any(_same_table(a, b, table) for table in disclosure.DIMENSIONS):
            pairs.append(
                (_name(earlier, (code, "total"), prints), _name(later, (code, "total"), prints))
            )
        for column, sex in disclosure.PYRAMID.items():
            if _same_table(a, b, column):
                name = (code, "sex", sex)
                pairs.append((_name(earlier, name, prints), _name(later, name, prints)))
    return pairs


def _same_table(a: RegionCounts, b: RegionCounts, table: str) -> bool:
    keys = set(a.tables[table]) | set(b.tables[table])
    return all(a.tables[table].get(c, 0) == b.tables[table].get(c, 0) for c in keys)


def _key_of(name: tuple) -> tuple:
    """The key (`disclosure._key` without the region) of a joint unknown."""
    return ("total",) if name[1] == "total" else name[1:3]


def _renamed(regions: dict, children: dict, prints: dict) -> tuple:
    """One release's equations, bounds and true counts under joint names, and the counts it
    publishes (joint name -> number)."""
    equations, low, high, truth = _equations(regions, children)
    equations = [
        ([(_name(regions, n, prints), sign) for n, sign in terms], rest, shown)
        for terms, rest, shown in equations
    ]
    low, high, truth = (
        {_name(regions, n, prints): v for n, v in values.items()} for values in (low, high, truth)
    )
    shown = {}
    for code, region in regions.items():
        for table in TABLES:
            for column in [MARGIN, *_categories(region, table)]:
                count = region.value(table, column)
                if count > 0 and not region.hidden(table, column):
                    shown[_name(regions, _key(code, table, column), prints)] = count
    return equations, low, high, truth, shown


def _merge(into: tuple, equations, low, high, truth, known: dict, seen: set) -> None:
    """Add one release's equations (published counts of any release as numbers, and those
    another release already gave left out) and bounds to a joint system, in place."""
    joint, joint_low, joint_high, joint_truth = into
    for terms, rest, shown in equations:
        left = [(name, sign) for name, sign in terms if name not in known]
        rest -= sum(sign * known[name] for name, sign in terms if name in known)
        if left and (frozenset(left), rest) not in seen:
            seen.add((frozenset(left), rest))
            joint.append((left, rest, shown))
    for name, count in truth.items():
        if name not in known:
            joint_low[name] = max(joint_low.get(name, -INF), low[name])
            joint_high[name] = min(joint_high.get(name, INF), high[name])
            joint_truth[name] = count


def _history_system(before: Previous) -> tuple:
    """The earlier releases together: equations, bounds, true counts, the numbers any of them
    published, and the equations they give (built once a release)."""
    parts = [_renamed(regions, children, before.prints) for regions, children in before.history]
    known = {name: count for part in parts for name, count in part[4].items()}
    system: tuple = ([], {}, {}, {})
    seen: set = set()
    for equations, low, high, truth, _ in parts:
        _merge(system, equations, low, high, truth, known, seen)
    releases = [regions for regions, _ in before.history]
    pairs = [
        pair
        for i, a in enumerate(releases)
        for b in releases[i + 1 :]
        for pair in _links(a, b, before.prints)
    ]
    _link(system, pairs, known, seen)
    return (*system, known, seen)


def _link(system: tuple, pairs: list[tuple], known: dict, seen: set) -> None:
    """Add x = y for each pair of names of one number, where either is in the system."""
    equations = [
        ([(a, 1), (b, -1)], 0, [])
        for a, b in pairs
        if (a in system[1] or a in known) and (b in system[1] or b in known)
    ]
    _merge(system, equations, {}, {}, {}, known, seen)


def _system(regions: dict[str, RegionCounts], children: dict, before: Previous) -> tuple:
    """The equations, bounds and true counts of the earlier releases and the new one, and
    the new release's unknowns."""
    if before.system is None:
        before.system = _history_system(before)
    equations, low, high, truth, known, seen = before.system
    now, low_now, high_now, truth_now, shown_now = _renamed(regions, children, before.prints)
    system = (list(equations), dict(low), dict(high), dict(truth))
    seen = set(seen)
    _merge(system, now, low_now, high_now, truth_now, known, seen)
    # A count hidden before and published now (the same table, or the same total): known.
    for name in low:
        if name in shown_now:
            system[0].append(([(name, 1)], shown_now[name], []))
    if before.links is None:
        before.links = [
            pair
            for earlier, _ in before.history
            for pair in _links(earlier, regions, before.prints)
        ]
    _link(system, before.links, {**known, **shown_now}, seen)
    return (*system, set(truth_now))


def pinned_together(
    regions: dict[str, RegionCounts], children: dict, before: Previous, only: set | None = None
) -> dict:
    """Counts of 1 or 2 hidden in any of the releases that all together pin (name -> count),
    but those the earlier releases give away without the new one (nothing it can change).

    A larger count pinned is a number the rule would publish anyway, and whatever follows
    from it is in the same system: were a small count to follow, it would be listed too.
    """
    equations, low, high, truth, new = _system(regions, children, before)
    _tighten(equations, low, high)
    found = {name: low[name] for name in low if low[name] == high[name]}
    found |= integer_audit.pinned(equations, low, high, point=truth, only=only)
    if only is None:
        before.worked_out = {name: count for name, count in found.items() if name in new}
    found = {name: count for name, count in found.items() if 0 < count < SMALL}
    return {name: count for name, count in found.items() if not _alone(before, name)}


def _alone(before: Previous, name: tuple) -> bool:
    """Whether the earlier releases give the count away without the new one (made before
    this existed, or withheld in a hurry): nothing the new release hides can change that."""
    if before.alone is None:
        before.alone = {}
    # The count itself, or the same number under an earlier release's name (`_links`).
    names = (
        {name}
        | {b for a, b in before.links if a == name}
        | {a for a, b in before.links if b == name}
    )
    names = {n for n in names if n in before.system[1]}
    if not names:
        return False  # a count of the new release only
    if not names <= before.alone.keys():
        equations, low, high, truth, *_ = before.system
        low, high = dict(low), dict(high)  # narrowed below: the joint system's stay as they are
        asked = names - before.alone.keys()
        _tighten(equations, low, high)
        pins = {n for n in low if low[n] == high[n]}
        pins |= set(integer_audit.pinned(equations, low, high, point=truth, only=asked))
        before.alone.update({n: n in pins for n in asked})
    return any(before.alone[n] for n in names)
