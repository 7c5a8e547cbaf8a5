"""Scalars and helpers shared by the types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from domain.core.pagination import PageRequest
from resolvers.core.pagination import Page
from schema.core.relay import Connection, Edge, PageInfo

T = TypeVar("T")

FIRST = strawberry.argument(description="Items from the start (default 20, at most 100).")
AFTER = strawberry.argument(description="Start after the item with this cursor.")
LAST = strawberry.argument(description="Items from the end (at most 100).")
BEFORE = strawberry.argument(description="End before the item with this cursor.")


def page_request(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    return PageRequest(first=first, after=after, last=last, before=before)


def to_connection(page: Page[Any], wrap: Callable[[Any], T]) -> Connection[T]:
    edges = [
        Edge(cursor=cursor, node=wrap(item))
        for item, cursor in zip(page.items, page.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _total=page.total,
    )
