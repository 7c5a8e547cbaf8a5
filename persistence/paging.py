"""Keyset pagination (the "seek method") for every connection.

A page is `WHERE (sort key, id) > (cursor's key) ORDER BY sort key, id LIMIT n+1`, never an
OFFSET: a deep page costs what the first page costs (an index range scan from the cursor), and a
row added or removed before the cursor does not shift the next page — no duplicate, no gap.

The key columns ride along in the same SELECT (labelled `_k0…`), so a cursor can be made for any
row shape without touching relations. The comparison is spelled out as an OR of prefixes rather
than a row-value comparison: it works with mixed ascending/descending keys and on SQLite and
PostgreSQL alike. Key columns must be NOT NULL, and the last one unique (the id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class SortKey:
    """One column of a sort order; `descending` flips it."""

    column: Any
    descending: bool = False


@dataclass(frozen=True)
class KeyOrder:
    """A named sort order; the name goes into the cursor so a cursor of another list or order
    is refused instead of being applied to the wrong keys."""

    name: str
    keys: tuple[SortKey, ...]

    @staticmethod
    def of(name: str, *columns: Any, descending: bool = False, tiebreak: Any = None) -> KeyOrder:
        """`columns` in one direction, then an ascending unique `tiebreak` if given."""
        keys = [SortKey(c, descending) for c in columns]
        if tiebreak is not None:
            keys.append(SortKey(tiebreak))
        return KeyOrder(name, tuple(keys))

    @property
    def arity(self) -> int:
        return len(self.keys)

    def order_by(self, reverse: bool = False) -> list[Any]:
        return [k.column.desc() if k.descending != reverse else k.column.asc() for k in self.keys]

    def beyond(self, values: Sequence[Any], forward: bool) -> sa.ColumnElement[bool]:
        """Rows strictly after `values` in this order (`forward`), or strictly before. The
        values may be bind parameters (`bound_seek`)."""
        alternatives = []
        for i, key in enumerate(self.keys):
            equal = [k.column == v for k, v in zip(self.keys[:i], values[:i], strict=True)]
            greater = key.descending != forward  # ascending & forward -> greater
            step = key.column > values[i] if greater else key.column < values[i]
            alternatives.append(sa.and_(*equal, step))
        return sa.or_(*alternatives)

    def to_json(self, values: Sequence[Any]) -> list[Any]:
        return [v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in values]

    def from_json(self, values: Sequence[Any]) -> tuple[Any, ...]:
        """Cursor values back to column values; ValueError when they do not fit the columns."""
        out: list[Any] = []
        for key, value in zip(self.keys, values, strict=True):
            kind = getattr(key.column, "type", None)
            if isinstance(kind, sa.TypeDecorator):  # e.g. the UTC timestamp: compare as its base
                kind = kind.impl_instance
            if isinstance(kind, sa.DateTime):
                value = dt.datetime.fromisoformat(str(value))
            elif isinstance(kind, sa.Date):
                value = dt.date.fromisoformat(str(value))
            elif isinstance(kind, sa.Integer):
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(value)
            elif isinstance(kind, sa.String) and not isinstance(value, str):
                raise ValueError(value)
            out.append(value)
        return tuple(out)


@dataclass(frozen=True)
class Seek:
    """Where a page starts and ends: key values (already converted) and how many rows."""

    after: tuple[Any, ...] | None = None
    before: tuple[Any, ...] | None = None
    size: int = 20
    from_end: bool = False


@dataclass
class Slice(Generic[T]):
    """Up to `size` rows in display order with their key values; `more` says further rows
    exist in the direction of travel (the query fetched one extra)."""

    rows: list[T]
    keys: list[tuple[Any, ...]] = field(default_factory=list)
    more: bool = False

    def map(self, f: Callable[[T], U]) -> Slice[U]:
        return Slice([f(r) for r in self.rows], self.keys, self.more)


def seek_shape(seek: Seek) -> tuple[bool, bool, bool]:
    """What a keyset page's statement depends on besides its order: which cursors, which way."""
    return (seek.after is not None, seek.before is not None, seek.from_end)


def seek_params(order: KeyOrder, seek: Seek) -> dict[str, Any]:
    """The cursor values and the size of a page, as the parameters `bound_seek` names."""
    params: dict[str, Any] = {"_limit": seek.size + 1}
    for side, values in (("after", seek.after), ("before", seek.before)):
        if values is not None:
            params.update({f"_{side}{i}": v for i, v in enumerate(values)})
    return params


def bound_seek(stmt: Any, order: KeyOrder, shape: tuple[bool, bool, bool]) -> Any:
    """`stmt` as a keyset page for a statement built once per (order, `seek_shape`): key
    columns, cursor conditions, ORDER BY and LIMIT, with `seek_params` bound at execution."""
    has_after, has_before, from_end = shape

    def binds(side: str) -> tuple[Any, ...]:
        return tuple(
            sa.bindparam(f"_{side}{i}", type_=k.column.type) for i, k in enumerate(order.keys)
        )

    cursors = Seek(
        after=binds("after") if has_after else None,
        before=binds("before") if has_before else None,
    )
    return (
        stmt.add_columns(*key_columns(order))
        .where(*seek_where(order, cursors))
        .order_by(*order.order_by(reverse=from_end))
        .limit(sa.bindparam("_limit", type_=sa.Integer))
    )


def seek_where(order: KeyOrder, seek: Seek) -> list[sa.ColumnElement[bool]]:
    clauses = []
    if seek.after is not None:
        clauses.append(order.beyond(seek.after, forward=True))
    if seek.before is not None:
        clauses.append(order.beyond(seek.before, forward=False))
    return clauses


def key_columns(order: KeyOrder) -> list[Any]:
    return [k.column.label(f"_k{i}") for i, k in enumerate(order.keys)]


def split_row(row: Sequence[Any], arity: int) -> tuple[Any, tuple[Any, ...]]:
    """(entity or tuple of entities, key values) from a row with the key columns appended."""
    head = tuple(row[:-arity])
    return (head[0] if len(head) == 1 else head), tuple(row[-arity:])


async def fetch_slice(session: Any, stmt: Any, order: KeyOrder, seek: Seek) -> Slice[Any]:
    """Run `stmt` (a SELECT without ORDER BY / LIMIT) as one keyset page."""
    stmt = bound_seek(stmt, order, seek_shape(seek))
    rows = (await session.execute(stmt, seek_params(order, seek))).all()
    pairs = [split_row(r, order.arity) for r in rows]
    return to_slice(pairs, seek)


def to_slice(pairs: list[tuple[Any, tuple[Any, ...]]], seek: Seek) -> Slice[Any]:
    """Rows fetched in travel order (size+1 at most) as a page in display order."""
    more = len(pairs) > seek.size
    pairs = pairs[: seek.size]
    if seek.from_end:
        # Fetched backwards from the end (or from `before`): turn round to read in order.
        pairs.reverse()
    return Slice([p[0] for p in pairs], [p[1] for p in pairs], more)
