"""Cursor pagination (Relay connection spec) with keyset cursors.

A cursor holds the sort key of its row plus the row's id (the tiebreaker) and the name of the
order it belongs to, base64url-encoded JSON: opaque to clients, and stable when rows are added
or removed before it — the next page starts after that key, not after a row count. The SQL side
("seek method": `WHERE key > :cursor ORDER BY key LIMIT n`) lives in `persistence/paging.py`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.core.errors import DomainError, ErrorCode

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def encode_cursor(order: str, key: Sequence[Any]) -> str:
    """The cursor of a row whose sort key (JSON values, id last) is `key` in `order`."""
    raw = json.dumps([order, *key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: str, arity: int, field: str) -> list[Any]:
    """The key values in a cursor made by `encode_cursor(order, …)` with `arity` values.

    A cursor of another list or another sort order is refused rather than guessed at.
    """
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(
            ErrorCode.INVALID, "'{cursor}' is not a valid cursor", field, cursor=cursor
        ) from None
    if (
        not isinstance(value, list)
        or len(value) != arity + 1
        or value[0] != order
        or any(isinstance(v, (list, dict)) or v is None for v in value[1:])
    ):
        raise DomainError(
            ErrorCode.INVALID, "'{cursor}' is not a valid cursor", field, cursor=cursor
        )
    return value[1:]


@dataclass(frozen=True)
class PageRequest:
    """The four connection arguments, checked."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        for name in ("first", "last"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
                raise DomainError(
                    ErrorCode.INVALID,
                    "`{name}` must be between 0 and {max_page_size}",
                    name,
                    name=name,
                    max_page_size=MAX_PAGE_SIZE,
                )
        if self.first is not None and self.last is not None:
            raise DomainError(ErrorCode.INVALID, "Use either `first` or `last`, not both", "last")

    @property
    def from_end(self) -> bool:
        """`last` counts back from the end (or from `before`)."""
        return self.last is not None

    @property
    def size(self) -> int:
        if self.last is not None:
            return self.last
        return self.first if self.first is not None else DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class PageFlags:
    has_previous_page: bool
    has_next_page: bool


def page_flags(page: PageRequest, more: bool) -> PageFlags:
    """Relay's rules; `more` says rows exist beyond the page in the direction of travel.

    Going forward, a previous page exists when an `after` cursor was given, and a next one when
    there are more; going back from the end, the other way round. Items exist at and after a
    `before` cursor by definition.
    """
    if page.from_end:
        return PageFlags(has_previous_page=more, has_next_page=page.before is not None)
    return PageFlags(
        has_previous_page=page.after is not None, has_next_page=more or page.before is not None
    )
