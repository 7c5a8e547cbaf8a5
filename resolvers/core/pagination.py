"""Turn connection arguments into one window query (and a count only when asked for)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from domain.core.pagination import PageRequest, resolve_last, window

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of rows; `total` runs a count query only if the client asks for totalCount."""

    items: list[T]
    offset: int
    has_next: bool
    has_previous: bool
    total: Callable[[], Awaitable[int]]


def _memo(count: Callable[[], Awaitable[int]]) -> Callable[[], Awaitable[int]]:
    cache: list[int] = []

    async def total() -> int:
        if not cache:
            cache.append(await count())
        return cache[0]

    return total


async def paginate(
    request: PageRequest,
    fetch: Callable[[int, int | None], Awaitable[Sequence[T]]],
    count: Callable[[], Awaitable[int]],
) -> Page[T]:
    """`fetch(offset, limit)` returns up to limit+1 rows (the extra one says a next page exists)."""
    total = _memo(count)
    win = window(request)
    if win.needs_total:
        win = resolve_last(request, win.offset, await total())
    rows = list(await fetch(win.offset, win.limit))
    has_next = win.limit is not None and len(rows) > win.limit
    if win.limit is not None:
        rows = rows[: win.limit]
    if request.before and not has_next:
        # Items exist at and after the `before` cursor by definition.
        has_next = True
    return Page(
        items=rows, offset=win.offset, has_next=has_next, has_previous=win.offset > 0, total=total
    )


def page_from_rows(
    request: PageRequest,
    offset: int,
    limit: int,
    rows: list[Any],
    total: Callable[[], Awaitable[int]],
) -> Page[Any]:
    """A page from rows a batch loader fetched with limit+1."""
    has_next = len(rows) > limit
    return Page(
        items=rows[:limit],
        offset=offset,
        has_next=has_next or bool(request.before),
        has_previous=offset > 0,
        total=_memo(total),
    )
