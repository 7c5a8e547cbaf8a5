"""Cursor pagination arithmetic (Relay connection spec) over an ordered list of known size.

Cursors are opaque offsets; the window rules follow the spec's algorithm so `first/after`
and `last/before` compose the way clients expect.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from domain.core.errors import DomainError, ErrorCode

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        prefix, _, number = raw.partition(":")
        if not number.isdigit():
            raise ValueError(number)
        offset = int(number)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(
            ErrorCode.INVALID, "'{cursor}' is not a valid cursor", field, cursor=cursor
        ) from None
    if prefix != "offset" or offset < 0:
        raise DomainError(
            ErrorCode.INVALID, "'{cursor}' is not a valid cursor", field, cursor=cursor
        )
    return offset


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


@dataclass(frozen=True)
class Window:
    """Rows [offset, offset+limit) of the ordered list; `limit` None means to the end."""

    offset: int
    limit: int | None
    needs_total: bool


def window(page: PageRequest) -> Window:
    """The slice to fetch. `last` without `before` needs the total to know where the end is."""
    start = decode_cursor(page.after, "after") + 1 if page.after else 0
    end = decode_cursor(page.before, "before") if page.before else None
    if end is not None and end < start:
        end = start
    if page.last is not None:
        if end is None:
            return Window(offset=start, limit=None, needs_total=True)
        new_start = max(start, end - page.last)
        return Window(offset=new_start, limit=end - new_start, needs_total=False)
    size = page.first if page.first is not None else DEFAULT_PAGE_SIZE
    if end is not None:
        size = min(size, end - start)
    return Window(offset=start, limit=size, needs_total=False)


def resolve_last(page: PageRequest, start: int, total: int) -> Window:
    """With the total known, the window for `last` counted back from the end."""
    assert page.last is not None
    new_start = max(start, total - page.last)
    # An `after` cursor past the end leaves an empty page, never a negative LIMIT.
    return Window(offset=new_start, limit=max(0, total - new_start), needs_total=False)


@dataclass(frozen=True)
class PageInfoValues:
    has_previous_page: bool
    has_next_page: bool


def page_info(page: PageRequest, offset: int, fetched: int, more_after: bool) -> PageInfoValues:
    """Relay's rules: previous exists when the window starts past the first row."""
    return PageInfoValues(has_previous_page=offset > 0, has_next_page=more_after)
