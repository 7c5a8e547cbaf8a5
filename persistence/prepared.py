"""Statements built once, and on PostgreSQL run on psycopg directly (the hot list reads).

A statement that `built_once` made (or that its builder keeps, marked by `once`) is compiled
once. On PostgreSQL `run_built_once` sends its text on the session's own psycopg connection,
inside the session's transaction (so under its tenant): SQLAlchemy's execution context, result
object and per-row processing were a third of such a read's CPU, for rows that go straight into
snapshots. What SQLAlchemy's path does that matters here stays: the column types' bind and
result processors, the engine's cursor events (statement counts, the profile's timings), errors
wrapped as `sqlalchemy.exc.DBAPIError`, and on a disconnect the pool invalidated
(portaal/outage.py answers 503).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any
from weakref import WeakKeyDictionary

import psycopg
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection

BUILT_ONCE = "portaal_built_once"


def built_once(build: Callable[..., sa.Select[Any]]) -> Callable[..., sa.Select[Any]]:
    """`functools.cache` for a statement builder; what it builds is marked for `run_built_once`
    (a statement built per request must not be: its compiled form would be kept forever)."""

    @cache
    @wraps(build)
    def wrapper(*args: Any) -> sa.Select[Any]:
        return once(build(*args))

    return wrapper


def once(stmt: sa.Select[Any]) -> sa.Select[Any]:
    """`stmt`, marked as built once: kept by its builder and run again with other parameters."""
    return stmt.execution_options(**{BUILT_ONCE: True})


def is_built_once(stmt: Any) -> bool:
    return bool(stmt.get_execution_options().get(BUILT_ONCE))


@dataclass
class _Compiled:
    sql: str
    compiled: Any
    binds: dict[str, Callable[[Any], Any]]  # bind processors by parameter name
    types: list[Any]  # of the selected columns
    # Set on the first execution, from the result's column types as psycopg reports them.
    results: list[tuple[int, Callable[[Any], Any]]] | None = None


# Per statement (a builder that lets a statement go lets its compiled form go with it).
_COMPILED: WeakKeyDictionary[Any, _Compiled] = WeakKeyDictionary()


def _compiled(stmt: Any, dialect: Any) -> _Compiled:
    found = _COMPILED.get(stmt)
    if found is None:
        compiled = stmt.compile(dialect=dialect)
        if compiled.post_compile_params or compiled.literal_execute_params:
            # Rendered per execution (an expanding IN): not a text that can be sent as is.
            raise ValueError("a built-once statement must bind lists as arrays (bound_among)")
        binds = {}
        for name, bind in compiled.binds.items():
            processor = bind.type._cached_bind_processor(dialect)
            if processor is not None:
                binds[name] = processor
        types = [c.type for c in stmt.selected_columns]
        found = _COMPILED[stmt] = _Compiled(str(compiled), compiled, binds, types)
    return found


async def run_built_once(
    connection: AsyncConnection, stmt: Any, params: dict[str, Any] | None
) -> Sequence[Any]:
    """The rows (tuples) of a `built_once` SELECT on a PostgreSQL connection in a transaction."""
    sync = connection.sync_connection
    assert sync is not None
    dialect = sync.dialect
    entry = _compiled(stmt, dialect)
    args = entry.compiled.construct_params(params)
    for name, processor in entry.binds.items():
        args[name] = processor(args[name])
    sql = entry.sql
    for listener in sync.dispatch.before_cursor_execute:
        sql, args = listener(sync, None, sql, args, None, False)
    driver: Any = sync.connection.driver_connection
    cursor = driver.cursor()
    try:
        await cursor.execute(sql, args)
        rows: list[Any] = await cursor.fetchall()
        if entry.results is None:
            entry.results = [
                (i, processor)
                for i, (kind, column) in enumerate(
                    zip(entry.types, cursor.description or (), strict=True)
                )
                if (processor := kind._cached_result_processor(dialect, column.type_code))
                is not None
            ]
    except psycopg.Error as error:
        invalidated = dialect.is_disconnect(error, driver, cursor)  # type: ignore[arg-type]
        if invalidated:
            # As SQLAlchemy's own path does on a disconnect: every connection the pool made
            # before now is replaced at its next checkout (a restart broke them all), and
            # this one is dropped at once.
            sync.engine.pool._invalidate(sync.connection, error, _checkin=False)
            await connection.invalidate(error)
        raise sa_exc.DBAPIError.instance(
            sql, args, error, psycopg.Error, connection_invalidated=invalidated, dialect=dialect
        ) from error
    finally:
        await cursor.close()
    for listener in sync.dispatch.after_cursor_execute:
        listener(sync, None, sql, args, None, False)
    if entry.results:
        processors = entry.results
        out = []
        for row in rows:
            values = list(row)
            for i, processor in processors:
                values[i] = processor(values[i])
            out.append(tuple(values))
        return out
    return rows
