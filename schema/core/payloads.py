"""Shared mutation plumbing: argument descriptions and domain failures into payload errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from domain.core.errors import DomainError, DomainErrors, ErrorCode
from schema.core.permissions import public
from schema.core.relay import user_errors

P = TypeVar("P")

# Failures of who you are, not of what you typed: top-level errors, as Saleor does.
TOP_LEVEL = {ErrorCode.FORBIDDEN, ErrorCode.UNAUTHENTICATED}


def errors_field(description: str = "Why nothing happened, if so.") -> Any:
    """The `errors: [UserError!]!` of every payload: empty when the mutation succeeded."""
    return public(description=description, default_factory=list)


def arg(description: str) -> Any:
    return strawberry.argument(description=description)


async def attempt(payload: Callable[..., P], work: Callable[[], Awaitable[P]]) -> P:
    """Run the mutation; an expected failure becomes `payload(errors=[...])`, nothing changed."""
    try:
        return await work()
    except DomainErrors as e:
        return payload(errors=user_errors(e))
    except DomainError as e:
        if e.code in TOP_LEVEL:
            raise
        return payload(errors=user_errors(e))
