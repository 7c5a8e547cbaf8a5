"""Relay keyset cursors and page flags (domain/core/pagination.py)."""

from __future__ import annotations

import base64
import json

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.core.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PageFlags,
    PageRequest,
    decode_cursor,
    encode_cursor,
    page_flags,
)


def raw_cursor(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --- cursors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [[1], [0], [10**12], ["Jansen", "Piet", 7], ["2026-01-02T03:04:05+00:00", 3], ["é/+=", 1]],
)
def test_cursor_round_trip(key: list) -> None:
    assert (
        decode_cursor(
            encode_cursor("learners:NAME:asc", key), "learners:NAME:asc", len(key), "after"
        )
        == key
    )


def test_cursor_is_opaque_url_safe_and_unpadded() -> None:
    for i in range(200):
        cursor = encode_cursor("children", [f"School {i:03}", i])
        assert "School" not in cursor
        assert "=" not in cursor
        assert not set(cursor) & set("+/")


def test_different_keys_give_different_cursors() -> None:
    assert len({encode_cursor("audit", [i]) for i in range(1000)}) == 1000


def test_padded_cursor_is_accepted_too() -> None:
    padded = base64.urlsafe_b64encode(b'["audit",7]').decode()
    assert padded.endswith("=")
    assert decode_cursor(padded, "audit", 1, "after") == [7]


def test_a_cursor_of_another_order_is_refused() -> None:
    cursor = encode_cursor("learners:NAME:asc", ["Jansen", "Piet", 7, 8])
    with pytest.raises(DomainError) as caught:
        decode_cursor(cursor, "learners:NAME:desc", 4, "after")
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "after"
    assert caught.value.params == {"cursor": cursor}


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "x",  # not base64 of anything
        "!!!!",
        raw_cursor("offset:3"),  # an old offset cursor
        raw_cursor("3"),
        raw_cursor(json.dumps(["audit"])),  # too few values
        raw_cursor(json.dumps(["audit", 1, 2])),  # too many
        raw_cursor(json.dumps(["audit", None])),
        raw_cursor(json.dumps(["audit", [1]])),
        raw_cursor(json.dumps({"audit": 1})),
        raw_cursor(b"\xff\xfe\xfd"),
    ],
)
def test_invalid_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(DomainError) as caught:
        decode_cursor(cursor, "audit", 1, "before")
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "before"
    assert caught.value.params == {"cursor": cursor}


# --- page flags -------------------------------------------------------------------------------


def test_first_page_has_no_previous() -> None:
    assert page_flags(PageRequest(first=5), more=True) == PageFlags(False, True)
    assert page_flags(PageRequest(first=5), more=False) == PageFlags(False, False)


def test_after_a_cursor_there_is_a_previous_page() -> None:
    after = encode_cursor("audit", [9])
    assert page_flags(PageRequest(first=5, after=after), more=False) == PageFlags(True, False)


def test_last_counts_back_from_the_end() -> None:
    assert page_flags(PageRequest(last=5), more=True) == PageFlags(True, False)
    assert page_flags(PageRequest(last=5), more=False) == PageFlags(False, False)


def test_before_means_a_next_page_exists() -> None:
    before = encode_cursor("audit", [9])
    assert page_flags(PageRequest(last=2, before=before), more=False) == PageFlags(False, True)
    assert page_flags(PageRequest(first=2, before=before), more=False) == PageFlags(False, True)


def test_page_size_and_direction() -> None:
    assert PageRequest().size == DEFAULT_PAGE_SIZE and not PageRequest().from_end
    assert PageRequest(first=7).size == 7
    assert PageRequest(last=3).size == 3 and PageRequest(last=3).from_end
    assert PageRequest(last=0).size == 0


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
