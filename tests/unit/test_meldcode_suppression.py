"""Small-cell suppression: an attacker with every published number recovers no hidden cell."""

from __future__ import annotations

import random
from fractions import Fraction

from domain.meldcode.suppression import SuppressedTable, suppress


def determined_cells(table: SuppressedTable) -> set[tuple[int, int]]:
    """The attack: every additive relation of the published table (each row and column sums to
    its margin) as linear equations over the hidden cells, solved by Gaussian elimination; a
    hidden cell is recovered when its unit vector lies in the row space of the equations."""
    hidden = sorted(table.hidden)
    index = {cell: i for i, cell in enumerate(hidden)}
    rows, cols = table.rows, table.cols
    lines = [[(r, c) for c in range(cols)] for r in range(rows)] + [
        [(r, c) for r in range(rows)] for c in range(cols)
    ]
    equations: list[list[Fraction]] = []
    for line in lines:
        # interior cells minus the margin cell = 0
        coeffs = [Fraction(0)] * (len(hidden) + 1)
        for k, cell in enumerate(line):
            sign = -1 if k == len(line) - 1 else 1
            if cell in index:
                coeffs[index[cell]] += sign
            else:
                coeffs[-1] -= sign * table.values[cell[0]][cell[1]]
        equations.append(coeffs)
    # Reduced row echelon form.
    pivots: list[int] = []
    m = [row[:] for row in equations]
    r = 0
    for c in range(len(hidden)):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        m[r] = [x / m[r][c] for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                m[i] = [a - m[i][c] * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(c)
        r += 1
    found = set()
    for i, c in enumerate(pivots):
        if all(m[i][k] == 0 for k in range(len(hidden)) if k != c):
            found.add(hidden[c])
            assert m[i][-1] == table.values[hidden[c][0]][hidden[c][1]]
    return found


def test_every_small_count_is_hidden_and_zero_is_shown() -> None:
    t = suppress([[3, 0, 10, 2], [7, 8, 9, 6], [1, 0, 0, 0]], 5)
    assert t.shown(0, 0) is None and t.shown(0, 3) is None and t.shown(2, 0) is None
    assert t.shown(0, 1) == 0
    for r in range(t.rows):
        for c in range(t.cols):
            value = t.values[r][c]
            if 0 < value < 5:
                assert t.shown(r, c) is None


def test_a_single_hidden_cell_in_a_line_is_complemented() -> None:
    # Without complementary suppression school 0's Q1 = 15 − 10 − 0 − 0.
    t = suppress([[3, 0, 12, 0], [6, 7, 8, 9]], 5)
    assert determined_cells(t) == set()
    for r in range(t.rows):
        assert sum((r, c) in t.hidden for c in range(t.cols)) != 1
    for c in range(t.cols):
        assert sum((r, c) in t.hidden for r in range(t.rows)) != 1


def test_the_subtraction_attack_recovers_nothing_on_many_random_boards() -> None:
    rng = random.Random(16)
    for _ in range(300):
        schools = rng.randint(1, 8)
        interior = [
            [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 30]) for _ in range(4)]
            for _ in range(schools)
        ]
        threshold = rng.choice([3, 5, 10])
        t = suppress(interior, threshold)
        assert determined_cells(t) == set(), (interior, threshold, sorted(t.hidden))
        for r, c in t.hidden:
            assert t.values[r][c] > 0  # never a hidden zero: shifting by one stays non-negative


def test_a_hidden_cell_has_another_consistent_table() -> None:
    # Constructive check of the guarantee: shift along a cycle and everything published holds.
    t = suppress([[2, 6, 7, 8], [6, 7, 8, 9], [9, 9, 9, 9]], 5)
    assert (0, 0) in t.hidden
    assert determined_cells(t) == set()
