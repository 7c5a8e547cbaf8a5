"""Read-only snapshots of table rows for the hot list reads: tuples that read like the model.

Hydrating ORM entities (instance state, identity map, attribute instrumentation) was the largest
single cost of a 100-learner page: about 1,500 entities, a third of the request's CPU. A list
read that only feeds fields selects the columns with Core and wraps each row's slice in a tuple
subclass with the model's attribute names and properties (`Person.display_name`). Snapshots
are frozen: writing an attribute raises, so a write path that met one fails loudly instead of
writing nothing. Writes load ORM entities through their session as before.

`Person.password_hash` is never read into a snapshot: lists only need whether it is set, so the
column reads as `SET` or None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.util import ClauseAdapter

from persistence.prepared import is_built_once, run_built_once

M = TypeVar("M")

# Stands in for a stored password hash in a snapshot: verify_password never accepts it.
SET = "(set)"


@cache
def snapshot_of(model: type[M]) -> type[M]:
    """The snapshot class of `model`: its columns as tuple items, its properties copied."""
    names = [c.key for c in model.__table__.columns]  # type: ignore[attr-defined]
    body: dict[str, Any] = {"__slots__": (), "__module__": __name__, "_fields": tuple(names)}
    for i, name in enumerate(names):
        body[name] = property(itemgetter(i), doc=f"{model.__name__}.{name}")
    for name, value in vars(model).items():
        if isinstance(value, property) and name not in body:
            body[name] = value
    body["__repr__"] = lambda self: f"{model.__name__}Snapshot{tuple.__repr__(self)}"
    return cast("type[M]", type(f"{model.__name__}Snapshot", (tuple,), body))


@cache
def columns_of(model: Any) -> tuple[Any, ...]:
    """The columns a snapshot of `model` reads, in snapshot order."""
    table = model.__table__
    out: list[Any] = []
    for column in table.columns:
        if table.name == "person" and column.key == "password_hash":
            column = sa.case((column.is_(None), sa.null()), else_=sa.literal(SET)).label(
                "password_hash"
            )
        out.append(column)
    return tuple(out)


class Snapshots:
    """Cuts a Core row of several models' `columns_of` into one snapshot per model (each
    model's first column is its id). A source may be an alias (`aliased(Model)`): its
    snapshot reads the same columns from the alias."""

    def __init__(self, *sources: Any) -> None:
        self.columns: list[Any] = []
        self.parts: list[tuple[type[Any], int, int]] = []
        for source in sources:
            found = sa.inspect(source)
            model = found.mapper.class_
            columns = columns_of(model)
            if found.is_aliased_class:
                columns = tuple(map(ClauseAdapter(found.selectable).traverse, columns))
            start = len(self.columns)
            self.columns += columns
            self.parts.append((snapshot_of(model), start, len(self.columns)))
        # `split` runs for every row of a list read: spelled out per model, not a loop over
        # the parts (a third less per row). Only our own class names and offsets go in.
        names = {f"c{i}": cls for i, (cls, _, _) in enumerate(self.parts)}
        cuts = ", ".join(
            f"None if row[{start}] is None else new(c{i}, row[{start}:{end}])"
            for i, (_, start, end) in enumerate(self.parts)
        )
        self.split: Callable[[Sequence[Any]], list[Any]] = eval(  # noqa: S307
            f"lambda row: [{cuts}]", {"new": tuple.__new__, **names}
        )
        self.split.__doc__ = (
            "One snapshot per model; None for a model whose id is NULL (an outer join's miss)."
        )


async def fetch_rows(
    session: AsyncSession, stmt: Any, params: dict[str, Any] | None = None
) -> Sequence[Any]:
    """Core rows of a column SELECT, executed on the session's connection: the ORM's result
    machinery (entities, identity map) has nothing to do for snapshots. A statement made by
    `built_once` runs on psycopg directly on PostgreSQL (persistence.prepared)."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql" and is_built_once(stmt):
        return await run_built_once(connection, stmt, params)
    return (await connection.execute(stmt, params)).all()
