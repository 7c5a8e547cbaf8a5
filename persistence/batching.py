"""Helpers for batch loads: chunked IN lists and paginated children of many parents at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.paging import KeyOrder, Seek, Slice, key_columns, seek_where, split_row, to_slice

T = TypeVar("T")

# PostgreSQL accepts at most 65,535 bind parameters in one statement.
IN_CHUNK = 10_000


def among(session: AsyncSession, column: Any, ids: Sequence[Any]) -> sa.ColumnElement[bool]:
    """`column IN ids`. On PostgreSQL as one array parameter (`= ANY`): the statement's text is
    the same for every list size, so SQLAlchemy and psycopg reuse it and the server can prepare
    it, where an IN list renders (and casts) a placeholder per id on every request."""
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(ids), type_=ARRAY(column.type)))
    return column.in_(ids)


def bound_among(column: Any, name: str, postgres: bool) -> sa.ColumnElement[bool]:
    """`among` for a statement built once: the id list is the execution parameter `name`."""
    if postgres:
        return column == sa.any_(sa.bindparam(name, type_=ARRAY(sa.Integer)))
    return column.in_(sa.bindparam(name, expanding=True))


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def rows_by_ids(session: AsyncSession, model: Any, ids: Sequence[int]) -> list[Any | None]:
    """Rows for `ids`, in key order, None where a row does not exist."""
    found: dict[int, Any] = {}
    unique = list(dict.fromkeys(ids))
    for part in chunks(unique):
        result = await session.execute(sa.select(model).where(model.id.in_(part)))
        for row in result.scalars():
            found[row.id] = row
    return [found.get(i) for i in ids]


async def pages_by_parent(
    session: AsyncSession,
    model: Any,
    parent_column: Any,
    order: KeyOrder,
    keys: Sequence[tuple[int, Seek]],
    where: Sequence[Any] = (),
) -> list[Slice[Any]]:
    """For keys (parent_id, seek) the keyset page of children of each parent: one query per
    distinct seek — in practice one, since siblings are asked for the same first page. The
    cursor condition filters before the per-parent row number, so no row is skipped by count."""
    by_seek: dict[Seek, list[int]] = defaultdict(list)
    for parent_id, seek in keys:
        by_seek[seek].append(parent_id)
    pages: dict[tuple[int, Seek], Slice[Any]] = {}
    for seek, parent_ids in by_seek.items():
        for part in chunks(list(dict.fromkeys(parent_ids))):
            row_number = (
                sa.func.row_number()
                .over(partition_by=parent_column, order_by=order.order_by(reverse=seek.from_end))
                .label("rn")
            )
            inner = (
                sa.select(model.id.label("id"), row_number)
                .where(parent_column.in_(part), *where, *seek_where(order, seek))
                .subquery()
            )
            stmt = (
                sa.select(model, *key_columns(order))
                .join(inner, inner.c.id == model.id)
                .where(inner.c.rn <= seek.size + 1)
                .order_by(parent_column, inner.c.rn)
            )
            grouped: dict[int, list[tuple[Any, tuple[Any, ...]]]] = defaultdict(list)
            for row in (await session.execute(stmt)).all():
                entity, key = split_row(row, order.arity)
                grouped[getattr(entity, parent_column.key)].append((entity, key))
            for parent_id in part:
                pages[(parent_id, seek)] = to_slice(grouped.get(parent_id, []), seek)
    return [pages[key] for key in keys]


async def counts_by_parent(
    session: AsyncSession, parent_column: Any, keys: Sequence[int], where: Sequence[Any] = ()
) -> list[int]:
    counts: dict[int, int] = {}
    for part in chunks(list(dict.fromkeys(keys))):
        stmt = (
            sa.select(parent_column, sa.func.count())
            .where(parent_column.in_(part), *where)
            .group_by(parent_column)
        )
        counts.update({k: n for k, n in (await session.execute(stmt)).all()})
    return [counts.get(k, 0) for k in keys]


async def insert_many(
    session: AsyncSession, template: Any, changes: Sequence[dict[str, Any]], key: str | None = None
) -> list[Any]:
    """Rows like `template` (a model instance, which carries the model's defaults), each with its
    `changes`, inserted in batched statements. With `key`, a column unique among the rows, the
    stored rows come back in the order of `changes`, with their ids; without, nothing does.

    For a thousand rows at once: building a thousand model instances and flushing them costs
    far more than the INSERTs themselves, and SQLite would get one INSERT per row (an ordered
    RETURNING is row by row there, so rows are matched back by `key` instead).
    """
    if not changes:
        return []
    model = type(template)
    base = {
        c.key: getattr(template, c.key)
        for c in model.__table__.columns
        if not (c.primary_key and getattr(template, c.key) is None)
    }
    values = [{**base, **c} for c in changes]
    if key is None:
        await session.execute(sa.insert(model), values)
        return []
    stored = {
        getattr(r, key): r for r in await session.scalars(sa.insert(model).returning(model), values)
    }
    return [stored[v[key]] for v in values]
