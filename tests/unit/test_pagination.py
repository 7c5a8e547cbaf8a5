"""Relay cursor pagination arithmetic (domain/pagination.py)."""

from __future__ import annotations

import base64

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.core.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PageInfoValues,
    PageRequest,
    Window,
    decode_cursor,
    encode_cursor,
    page_info,
    resolve_last,
    window,
)


def c(offset: int) -> str:
    return encode_cursor(offset)


def raw_cursor(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def fetch(page: PageRequest, total: int) -> list[int]:
    """What a resolver would return for rows 0..total-1: window, then `last` resolved."""
    win = window(page)
    if win.needs_total:
        win = resolve_last(page, win.offset, total)
    end = total if win.limit is None else win.offset + win.limit
    return list(range(total))[win.offset : end]


# --- cursors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [0, 1, 2, 19, 99, 12345, 10**12])
def test_cursor_round_trip(offset: int) -> None:
    assert decode_cursor(encode_cursor(offset), "after") == offset


def test_cursor_is_opaque_url_safe_and_unpadded() -> None:
    for offset in range(200):
        cursor = encode_cursor(offset)
        assert "offset" not in cursor
        assert "=" not in cursor
        assert not set(cursor) & set("+/")


def test_different_offsets_give_different_cursors() -> None:
    assert len({encode_cursor(i) for i in range(1000)}) == 1000


def test_padded_cursor_is_accepted_too() -> None:
    padded = base64.urlsafe_b64encode(b"offset:7").decode()
    assert padded.endswith("=")
    assert decode_cursor(padded, "after") == 7


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "x",  # not base64 of anything
        "!!!!",
        raw_cursor("offset:"),
        raw_cursor("offset:abc"),
        raw_cursor("offset:-1"),
        raw_cursor("offset:1.5"),
        raw_cursor("page:3"),
        raw_cursor("3"),
        raw_cursor(":3"),
        raw_cursor(b"\xff\xfe\xfd"),
    ],
)
def test_invalid_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(DomainError) as caught:
        decode_cursor(cursor, "before")
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "before"
    assert caught.value.message == f"'{cursor}' is not a valid cursor"


def test_invalid_after_cursor_names_after() -> None:
    with pytest.raises(DomainError) as caught:
        window(PageRequest(first=5, after="nonsense"))
    assert caught.value.field == "after"


def test_invalid_before_cursor_names_before() -> None:
    with pytest.raises(DomainError) as caught:
        window(PageRequest(last=5, before=raw_cursor("offset:-4")))
    assert caught.value.field == "before"


# --- page size bounds -------------------------------------------------------------------------


def test_page_size_constants() -> None:
    assert DEFAULT_PAGE_SIZE == 20
    assert MAX_PAGE_SIZE == 100


@pytest.mark.parametrize("name", ["first", "last"])
@pytest.mark.parametrize("value", [0, 1, MAX_PAGE_SIZE])
def test_page_size_within_bounds(name: str, value: int) -> None:
    assert getattr(PageRequest(**{name: value}), name) == value


@pytest.mark.parametrize("name", ["first", "last"])
@pytest.mark.parametrize("value", [-1, -100, MAX_PAGE_SIZE + 1, 10_000])
def test_page_size_out_of_bounds(name: str, value: int) -> None:
    with pytest.raises(DomainError) as caught:
        PageRequest(**{name: value})
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == name
    assert caught.value.message == f"`{name}` must be between 0 and {MAX_PAGE_SIZE}"


def test_first_and_last_together_are_refused() -> None:
    with pytest.raises(DomainError) as caught:
        PageRequest(first=5, last=5)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "last"
    assert caught.value.message == "Use either `first` or `last`, not both"


def test_first_zero_and_last_zero_together_are_refused() -> None:
    with pytest.raises(DomainError):
        PageRequest(first=0, last=0)


def test_page_request_is_immutable() -> None:
    page = PageRequest(first=3)
    with pytest.raises(AttributeError):
        page.first = 200  # type: ignore[misc]


# --- window: first / after --------------------------------------------------------------------


def test_no_arguments_gives_the_default_page_from_the_start() -> None:
    assert window(PageRequest()) == Window(offset=0, limit=DEFAULT_PAGE_SIZE, needs_total=False)


def test_first() -> None:
    assert window(PageRequest(first=5)) == Window(offset=0, limit=5, needs_total=False)


def test_first_zero_gives_an_empty_window() -> None:
    assert window(PageRequest(first=0)) == Window(offset=0, limit=0, needs_total=False)


def test_after_starts_just_past_the_cursor() -> None:
    assert window(PageRequest(first=5, after=c(9))) == Window(10, 5, False)
    assert window(PageRequest(after=c(0))) == Window(1, DEFAULT_PAGE_SIZE, False)


def test_before_alone_caps_the_default_page() -> None:
    assert window(PageRequest(before=c(10))) == Window(0, 10, False)
    assert window(PageRequest(before=c(30))) == Window(0, DEFAULT_PAGE_SIZE, False)


def test_first_with_before_stops_at_the_cursor() -> None:
    assert window(PageRequest(first=50, before=c(10))) == Window(0, 10, False)
    assert window(PageRequest(first=3, before=c(10))) == Window(0, 3, False)


def test_after_and_before_together() -> None:
    assert window(PageRequest(first=100, after=c(4), before=c(10))) == Window(5, 5, False)
    assert window(PageRequest(first=2, after=c(4), before=c(10))) == Window(5, 2, False)


def test_before_the_first_row_is_empty() -> None:
    assert window(PageRequest(first=5, before=c(0))) == Window(0, 0, False)
    assert window(PageRequest(last=5, before=c(0))) == Window(0, 0, False)


@pytest.mark.parametrize(("after", "before"), [(4, 5), (5, 5), (9, 3)])
def test_before_not_past_after_gives_an_empty_window(after: int, before: int) -> None:
    for page in (
        PageRequest(first=10, after=c(after), before=c(before)),
        PageRequest(last=10, after=c(after), before=c(before)),
        PageRequest(after=c(after), before=c(before)),
    ):
        win = window(page)
        assert win.limit == 0
        assert win.offset == after + 1
        assert not win.needs_total


# --- window: last / before --------------------------------------------------------------------


def test_last_with_before_counts_back_from_the_cursor() -> None:
    assert window(PageRequest(last=3, before=c(10))) == Window(7, 3, False)


def test_last_with_before_never_goes_before_the_start() -> None:
    assert window(PageRequest(last=30, before=c(10))) == Window(0, 10, False)


def test_last_with_after_and_before_never_goes_before_after() -> None:
    assert window(PageRequest(last=30, after=c(4), before=c(10))) == Window(5, 5, False)
    assert window(PageRequest(last=2, after=c(4), before=c(10))) == Window(8, 2, False)


def test_last_zero_with_before() -> None:
    assert window(PageRequest(last=0, before=c(10))) == Window(10, 0, False)


def test_last_without_before_needs_the_total() -> None:
    assert window(PageRequest(last=5)) == Window(offset=0, limit=None, needs_total=True)
    assert window(PageRequest(last=5, after=c(3))) == Window(4, None, True)


def test_resolve_last_counts_back_from_the_end() -> None:
    assert resolve_last(PageRequest(last=10), 0, 50) == Window(40, 10, False)


def test_resolve_last_with_fewer_rows_than_asked() -> None:
    assert resolve_last(PageRequest(last=10), 0, 5) == Window(0, 5, False)


def test_resolve_last_never_goes_before_after() -> None:
    assert resolve_last(PageRequest(last=10, after=c(44)), 45, 50) == Window(45, 5, False)


def test_resolve_last_on_an_empty_list() -> None:
    assert resolve_last(PageRequest(last=10), 0, 0) == Window(0, 0, False)


def test_resolve_last_when_after_is_the_last_row() -> None:
    assert resolve_last(PageRequest(last=10, after=c(49)), 50, 50) == Window(50, 0, False)


def test_resolve_last_with_after_past_the_end_is_empty_not_negative() -> None:
    win = resolve_last(PageRequest(last=5, after=c(50)), 51, 10)
    assert win.limit == 0


def test_resolve_last_requires_last() -> None:
    with pytest.raises(AssertionError):
        resolve_last(PageRequest(first=5), 0, 10)


# --- windows composed the way clients page ----------------------------------------------------


@pytest.mark.parametrize("total", [0, 1, 7, 20, 21, 100, 101])
@pytest.mark.parametrize("size", [1, 3, 20, 100])
def test_paging_forward_visits_every_row_once(total: int, size: int) -> None:
    seen: list[int] = []
    after: str | None = None
    for _ in range(total + 2):
        rows = fetch(PageRequest(first=size, after=after), total)
        if not rows:
            break
        assert len(rows) <= size
        seen += rows
        after = encode_cursor(rows[-1])
    assert seen == list(range(total))


@pytest.mark.parametrize("total", [0, 1, 7, 20, 21, 100, 101])
@pytest.mark.parametrize("size", [1, 3, 20, 100])
def test_paging_backward_visits_every_row_once(total: int, size: int) -> None:
    seen: list[int] = []
    before: str | None = None
    for _ in range(total + 2):
        rows = fetch(PageRequest(last=size, before=before), total)
        if not rows:
            break
        assert len(rows) <= size
        seen = rows + seen
        before = encode_cursor(rows[0])
    assert seen == list(range(total))


def test_last_page_read_forward_equals_last_page_read_backward() -> None:
    assert fetch(PageRequest(last=5), 23) == [18, 19, 20, 21, 22]
    assert fetch(PageRequest(first=5, after=c(17)), 23) == [18, 19, 20, 21, 22]


def test_cursors_of_a_page_lead_to_its_neighbours() -> None:
    page = fetch(PageRequest(first=5, after=c(9)), 100)
    assert page == [10, 11, 12, 13, 14]
    assert fetch(PageRequest(last=5, before=c(page[0])), 100) == [5, 6, 7, 8, 9]
    assert fetch(PageRequest(first=5, after=c(page[-1])), 100) == [15, 16, 17, 18, 19]


# --- page info --------------------------------------------------------------------------------


def test_page_info_previous_page_exists_past_the_first_row() -> None:
    assert page_info(PageRequest(), 0, 5, False) == PageInfoValues(False, False)
    assert page_info(PageRequest(), 1, 5, False) == PageInfoValues(True, False)


def test_page_info_next_page_as_told() -> None:
    assert page_info(PageRequest(first=5), 0, 5, True).has_next_page
    assert not page_info(PageRequest(first=5), 0, 5, False).has_next_page
