"""The integer audit finds what several sums and bounds pin together, and only that."""

from __future__ import annotations

import pytest

from satudata.registry import integer_audit

INF = float("inf")


def test_two_cells_of_at_least_one_that_sum_to_two_are_both_one():
    # The QA's demo case in small: no single equation pins c or d, their sum does.
    equations = [
        ([("c", 1), ("x", 1)], 5),  # a village row: c and a larger hidden x
        ([("d", 1), ("y", 1)], 5),
        ([("x", 1), ("y", 1)], 8),  # a column: x + y
    ]
    low = {"c": 1, "d": 1, "x": 1, "y": 1}
    high = dict.fromkeys(low, INF)
    assert integer_audit.pinned(equations, low, high) == {"c": 1, "d": 1, "x": 4, "y": 4}


def test_a_cell_that_can_move_is_not_pinned_and_a_known_point_is_used():
    equations = [([("a", 1), ("b", 1)], 5), ([("b", 1), ("c", 1)], 4)]
    low = {"a": 1, "b": 1, "c": 1}
    high = {"a": 2, "b": INF, "c": INF}
    # a in {1, 2} -> b in {4, 3} -> c in {0, 1}: c >= 1 leaves only a = 2, b = 3, c = 1.
    assert integer_audit.pinned(equations, low, high) == {"a": 2, "b": 3, "c": 1}
    # With a up to 3 and b + c = 5, (3, 3, 2) and (2, 4, 1) both fit: nothing is pinned.
    high["a"] = 3
    equations = [([("a", 1), ("b", 1)], 6), ([("b", 1), ("c", 1)], 5)]
    assert integer_audit.pinned(equations, low, high, point={"a": 3, "b": 3, "c": 2}) == {}


def test_whole_numbers_pin_what_fractions_would_not():
    # x + y = 1 and x - z = 0 and y - z = 0 has only x = y = z = 1/2 in fractions; with
    # 2x = 1 impossible in whole numbers the system has no solution at all.
    with pytest.raises(ValueError):
        integer_audit.pinned(
            [([("x", 1), ("y", 1)], 1), ([("x", 1), ("z", -1)], 0), ([("y", 1), ("z", -1)], 0)],
            {"x": 0, "y": 0, "z": 0},
            dict.fromkeys("xyz", INF),
        )


def test_a_region_with_nothing_published_pins_nothing():
    equations = [([("total", -1), ("men", 1), ("women", 1)], 0)]
    low = {"total": 1, "men": 0, "women": 0}
    assert integer_audit.pinned(equations, low, dict.fromkeys(low, INF)) == {}
