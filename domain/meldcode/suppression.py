"""Small-cell suppression with complementary suppression, for aggregate-only readers.

A count from 1 to threshold−1 is shown as "fewer than {threshold}" (primary suppression); a zero
names nobody and is shown. Every published count belongs to one table: rows are the board's
schools, columns the quarters of the school year, and the margins are the schools' year
totals, the board's quarter totals and the board's year total. All additive relations between
published numbers are lines of that table (a row, a column, or a margin line).

Complementary suppression then hides more cells until, in the bipartite graph whose nodes are
the table's lines and whose edges are the suppressed cells (margins included), every edge lies
on a cycle. Along a cycle one can add 1 to every other cell and take 1 from the rest without
changing any published line sum; since every suppressed cell is at least 1, both directions
stay non-negative. So for each suppressed cell at least three tables fit everything that is
published: no subtraction, no system of equations and no bound recovers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """The table with margins: `values[r][c]`, rows 0..R-1 schools and R the board total,
    columns 0..C-1 quarters and C the year total; `hidden` holds the suppressed cells."""

    values: tuple[tuple[int, ...], ...]
    hidden: frozenset[Cell]
    threshold: int

    def shown(self, row: int, col: int) -> int | None:
        """The published value, or None where it reads "fewer than {threshold}"."""
        return None if (row, col) in self.hidden else self.values[row][col]

    @property
    def rows(self) -> int:
        return len(self.values)

    @property
    def cols(self) -> int:
        return len(self.values[0])


def with_margins(interior: Sequence[Sequence[int]]) -> list[list[int]]:
    cols = len(interior[0]) if interior else 0
    table = [[*row, sum(row)] for row in interior]
    table.append([sum(row[c] for row in table) for c in range(cols + 1)])
    return table


def suppress(interior: Sequence[Sequence[int]], threshold: int) -> SuppressedTable:
    """Primary and complementary suppression of a table given without margins."""
    table = with_margins(interior)
    rows, cols = len(table), len(table[0])
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    hidden = {(r, c) for r, c in cells if 0 < table[r][c] < threshold}

    def cost(cell: Cell) -> tuple[int, int, int]:
        # Hide the smallest non-zero cell; prefer an interior cell to a total on a tie.
        r, c = cell
        margin = int(r == rows - 1) + int(c == cols - 1)
        return (0 if table[r][c] > 0 else 1, table[r][c], margin)

    def pick(candidates: list[Cell]) -> Cell | None:
        free = [x for x in candidates if x not in hidden]
        return min(free, key=cost) if free else None

    changed = True
    while changed:
        changed = False
        # Each line with a hidden cell hides at least two: no single difference gives it away.
        for line in [[(r, c) for c in range(cols)] for r in range(rows)] + [
            [(r, c) for r in range(rows)] for c in range(cols)
        ]:
            if sum(x in hidden for x in line) == 1:
                extra = pick(line)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
        if changed:
            continue
        # A bridge (a hidden cell on no cycle) can still be solved for: close a cycle through it.
        for cell in sorted(hidden):
            sides = _sides_without(cell, hidden, rows, cols)
            if sides is None:
                continue
            row_side, col_side = sides
            candidates = [
                (r, c)
                for r in range(rows)
                for c in range(cols)
                if (r in row_side[0] and c in col_side[1])
                or (r in col_side[0] and c in row_side[1])
            ]
            extra = pick([x for x in candidates if x != cell])
            if extra is not None:
                hidden.add(extra)
                changed = True
                break
    return SuppressedTable(
        values=tuple(tuple(row) for row in table), hidden=frozenset(hidden), threshold=threshold
    )


def _sides_without(
    cell: Cell, hidden: set[Cell], rows: int, cols: int
) -> tuple[tuple[set[int], set[int]], tuple[set[int], set[int]]] | None:
    """None if the cell lies on a cycle; else the (rows, cols) reachable from each of its ends
    once it is removed."""
    by_row: dict[int, list[int]] = {}
    by_col: dict[int, list[int]] = {}
    for r, c in hidden:
        if (r, c) != cell:
            by_row.setdefault(r, []).append(c)
            by_col.setdefault(c, []).append(r)

    def reach(start_row: int | None, start_col: int | None) -> tuple[set[int], set[int]]:
        seen_r: set[int] = set() if start_row is None else {start_row}
        seen_c: set[int] = set() if start_col is None else {start_col}
        todo: list[tuple[str, int]] = (
            [("r", start_row)] if start_row is not None else [("c", start_col or 0)]
        )
        while todo:
            kind, idx = todo.pop()
            if kind == "r":
                for c in by_row.get(idx, ()):
                    if c not in seen_c:
                        seen_c.add(c)
                        todo.append(("c", c))
            else:
                for r in by_col.get(idx, ()):
                    if r not in seen_r:
                        seen_r.add(r)
                        todo.append(("r", r))
        return seen_r, seen_c

    r0, c0 = cell
    from_row = reach(r0, None)
    if c0 in from_row[1]:
        return None
    return from_row, reach(None, c0)


def suppress_share(numerator: int, denominator: int, threshold: int) -> tuple[int, int] | None:
    """A share is shown only when it rests on at least `threshold` items."""
    if denominator < threshold:
        return None
    return numerator, denominator
