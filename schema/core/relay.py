"""Relay conventions: the Node interface, cursor connections and typed mutation errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Generic, TypeVar

import strawberry

from domain.core.errors import DomainError, DomainErrors
from resolvers.core.i18n import message_of
from schema.core.permissions import public

T = TypeVar("T")


@strawberry.interface(description="An object with a globally unique, opaque ID.")
class Node:
    id: strawberry.ID = public(description="Opaque global ID; pass it to `node(id:)`.")


@strawberry.type(description="Where a page of a connection lies in the whole list.")
class PageInfo:
    has_next_page: bool = public(description="More items follow this page.")
    has_previous_page: bool = public(description="Items precede this page.")
    start_cursor: str | None = public(description="Cursor of the first item of the page.")
    end_cursor: str | None = public(description="Cursor of the last item of the page.")


@strawberry.type(description="An item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = public(description="Pass as `after` or `before` to page from this item.")
    node: T = public(description="The item.")


@strawberry.type(
    description="A page of a list. Page with `first`/`after` or `last`/`before` "
    "(default 20, at most 100 items)."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = public(description="The items of this page with their cursors.")
    page_info: PageInfo = public(description="Paging information.")
    _total: strawberry.Private[Callable[[], Awaitable[int]]]

    @public(description="The items of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @public(description="Number of items in the whole list, all pages together.")
    async def total_count(self) -> int:
        return await self._total()


@strawberry.enum(description="Why a mutation refused its input.")
class UserErrorCode(Enum):
    INVALID = strawberry.enum_value("INVALID", description="The input is not valid.")
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="A referenced object does not exist."
    )
    FORBIDDEN = strawberry.enum_value("FORBIDDEN", description="You may not do this.")
    UNAUTHENTICATED = strawberry.enum_value("UNAUTHENTICATED", description="Log in first.")
    CONFLICT = strawberry.enum_value("CONFLICT", description="The current state does not allow it.")
    ALREADY_EXISTS = strawberry.enum_value("ALREADY_EXISTS", description="It exists already.")
    RATE_LIMITED = strawberry.enum_value("RATE_LIMITED", description="Too many attempts; wait.")
    TOKEN_INVALID = strawberry.enum_value("TOKEN_INVALID", description="The link is not valid.")
    TOKEN_EXPIRED = strawberry.enum_value("TOKEN_EXPIRED", description="The link has expired.")
    TOKEN_USED = strawberry.enum_value("TOKEN_USED", description="The link was used already.")
    WEAK_PASSWORD = strawberry.enum_value("WEAK_PASSWORD", description="Password too weak.")
    WRONG_PASSWORD = strawberry.enum_value("WRONG_PASSWORD", description="Current password wrong.")
    INVALID_CREDENTIALS = strawberry.enum_value(
        "INVALID_CREDENTIALS", description="E-mail address or password is wrong."
    )


@strawberry.type(description="An expected failure of a mutation: nothing was changed.")
class UserError:
    code: UserErrorCode = public(description="Stable, machine-readable reason.")
    field: str | None = public(description="The input field it concerns, if one.")
    message: str = public(description="Explanation for people, in the viewer's language.")


def user_errors(error: DomainError | DomainErrors) -> list[UserError]:
    """Domain failures as the `errors` list of a mutation payload."""
    errors = error.errors if isinstance(error, DomainErrors) else [error]
    return [
        UserError(
            code=UserErrorCode(e.code.value),
            field=e.field,
            message=message_of(e),  # in the request's language
        )
        for e in errors
    ]
