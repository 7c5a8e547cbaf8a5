"""Turn connection arguments into one keyset query (and a count only when asked for)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from domain.core.errors import DomainError, ErrorCode
from domain.core.pagination import PageRequest, decode_cursor, encode_cursor, page_flags
from persistence.paging import KeyOrder, Seek, Slice

T = TypeVar("T")
U = TypeVar("U")


@dataclass
class Page(Generic[T]):
    """One page of rows with their cursors; `total` runs a count query only if the client asks
    for totalCount."""

    items: list[T]
    has_next: bool
    has_previous: bool
    total: Callable[[], Awaitable[int]]
    cursors: list[str] = field(default_factory=list)


def _memo(count: Callable[[], Awaitable[int]]) -> Callable[[], Awaitable[int]]:
    cache: list[int] = []

    async def total() -> int:
        if not cache:
            cache.append(await count())
        return cache[0]

    return total


def _key(order: KeyOrder, cursor: str | None, field_name: str) -> tuple[Any, ...] | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor, order.name, order.arity, field_name)
    try:
        return order.from_json(values)
    except (ValueError, TypeError):
        raise DomainError(
            ErrorCode.INVALID, "'{cursor}' is not a valid cursor", field_name, cursor=cursor
        ) from None


def seek_of(request: PageRequest, order: KeyOrder) -> Seek:
    """The connection arguments as a seek over `order` (cursors checked and decoded)."""
    return Seek(
        after=_key(order, request.after, "after"),
        before=_key(order, request.before, "before"),
        size=request.size,
        from_end=request.from_end,
    )


def page_of(
    request: PageRequest,
    order: KeyOrder,
    rows: Slice[T],
    count: Callable[[], Awaitable[int]],
) -> Page[T]:
    """A page from a fetched slice: cursors from the rows' keys, Relay's page flags."""
    flags = page_flags(request, rows.more)
    return Page(
        items=rows.rows,
        has_next=flags.has_next_page,
        has_previous=flags.has_previous_page,
        total=_memo(count),
        cursors=[encode_cursor(order.name, order.to_json(k)) for k in rows.keys],
    )


async def paginate(
    request: PageRequest,
    fetch: Callable[[Seek], Awaitable[Slice[T]]],
    count: Callable[[], Awaitable[int]],
    order: KeyOrder,
) -> Page[T]:
    """`fetch(seek)` runs one keyset query over `order` (persistence/paging.fetch_slice)."""
    return page_of(request, order, await fetch(seek_of(request, order)), count)


def keep(page: Page[T], shown: Callable[[T], bool]) -> Page[T]:
    """The page with only the items `shown` accepts, each keeping its own cursor."""
    pairs = [(i, c) for i, c in zip(page.items, page.cursors, strict=True) if shown(i)]
    return Page(
        items=[i for i, _ in pairs],
        has_next=page.has_next,
        has_previous=page.has_previous,
        total=page.total,
        cursors=[c for _, c in pairs],
    )


def with_items(page: Page[T], items: list[U]) -> Page[U]:
    """The page with each item replaced one for one (e.g. rows by their nodes), cursors kept."""
    assert len(items) == len(page.items)
    return Page(items, page.has_next, page.has_previous, page.total, page.cursors)


def page_of_list(
    request: PageRequest,
    name: str,
    rows: list[T],
    key: Callable[[T], list[Any]],
    arity: int,
    *,
    descending: bool = False,
) -> Page[T]:
    """Keyset paging over rows already in memory (built from one batch), in display order by
    `key` — JSON values, unique, the id last — so cursors behave as those of a SQL list."""

    def decoded(cursor: str | None, field_name: str) -> list[Any] | None:
        return None if cursor is None else decode_cursor(cursor, name, arity, field_name)

    after, before = decoded(request.after, "after"), decoded(request.before, "before")

    def beyond(k: list[Any], c: list[Any]) -> bool:
        return k < c if descending else k > c

    try:
        chosen = [
            r
            for r in rows
            if (after is None or beyond(key(r), after))
            and (before is None or beyond(before, key(r)))
        ]
    except TypeError:
        raise DomainError(
            ErrorCode.INVALID,
            "'{cursor}' is not a valid cursor",
            "after",
            cursor=request.after or request.before,
        ) from None
    size = request.size
    window = chosen[-(size + 1) :] if request.from_end else chosen[: size + 1]
    more = len(window) > size
    if more:
        window = window[1:] if request.from_end else window[:size]
    flags = page_flags(request, more)

    async def count() -> int:
        return len(rows)

    return Page(
        items=window,
        has_next=flags.has_next_page,
        has_previous=flags.has_previous_page,
        total=_memo(count),
        cursors=[encode_cursor(name, key(r)) for r in window],
    )
