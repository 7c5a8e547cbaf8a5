"""Sessions, single-use links and profile rules (domain/accounts.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.core.accounts import (
    ACTIVATION_LINK_LIFETIME,
    MAX_API_TOKEN_DAYS,
    MAX_NAME_LENGTH,
    RESET_LINK_LIFETIME,
    LinkState,
    api_token_expiry,
    check_link,
    clean_name,
    session_lifetime,
)
from domain.core.errors import DomainError, ErrorCode

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


# --- session lifetime -------------------------------------------------------------------------


def test_without_remember_me_the_session_lasts_the_configured_hours() -> None:
    assert session_lifetime(False, 10, 30) == timedelta(hours=10)


def test_with_remember_me_the_session_lasts_the_configured_days() -> None:
    assert session_lifetime(True, 10, 30) == timedelta(days=30)


def test_remember_me_outlasts_a_working_day() -> None:
    assert session_lifetime(True, 10, 14) > session_lifetime(False, 10, 14)


# --- single-use links -------------------------------------------------------------------------


def test_link_lifetimes() -> None:
    assert RESET_LINK_LIFETIME == timedelta(hours=1)
    assert ACTIVATION_LINK_LIFETIME == timedelta(days=14)


def link_refusal(link: LinkState | None, now: datetime = NOW, field: str = "token") -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_link(link, now, field)
    assert caught.value.field == field
    return caught.value


def test_fresh_unused_link_is_accepted() -> None:
    assert check_link(LinkState(used_at=None, expires_at=NOW + RESET_LINK_LIFETIME), NOW) is None


def test_link_one_microsecond_before_expiry_is_accepted() -> None:
    assert check_link(LinkState(None, NOW + timedelta(microseconds=1)), NOW) is None


def test_unknown_link_is_invalid() -> None:
    error = link_refusal(None)
    assert error.code is ErrorCode.TOKEN_INVALID
    assert error.message == "This link is not valid."


def test_used_link() -> None:
    error = link_refusal(
        LinkState(used_at=NOW - timedelta(minutes=5), expires_at=NOW + RESET_LINK_LIFETIME)
    )
    assert error.code is ErrorCode.TOKEN_USED
    assert error.message == (
        "This link has already been used. Request a new one if you still need it."
    )


def test_expired_link() -> None:
    error = link_refusal(LinkState(used_at=None, expires_at=NOW - timedelta(seconds=1)))
    assert error.code is ErrorCode.TOKEN_EXPIRED
    assert error.message == "This link has expired. Request a new one."


def test_link_expires_at_the_moment_of_expiry() -> None:
    assert link_refusal(LinkState(None, NOW)).code is ErrorCode.TOKEN_EXPIRED


def test_used_and_expired_link_says_used() -> None:
    link = LinkState(used_at=NOW - timedelta(days=3), expires_at=NOW - timedelta(days=2))
    assert link_refusal(link).code is ErrorCode.TOKEN_USED


def test_reset_link_expires_after_an_hour() -> None:
    issued = NOW
    link = LinkState(None, issued + RESET_LINK_LIFETIME)
    check_link(link, issued + timedelta(minutes=59))
    assert link_refusal(link, issued + timedelta(hours=1)).code is ErrorCode.TOKEN_EXPIRED


def test_the_three_link_states_have_distinct_codes_and_messages() -> None:
    errors = [
        link_refusal(None),
        link_refusal(LinkState(NOW, NOW + timedelta(hours=1))),
        link_refusal(LinkState(None, NOW - timedelta(hours=1))),
    ]
    assert len({e.code for e in errors}) == 3
    assert len({e.message for e in errors}) == 3


def test_link_field_is_passed_on() -> None:
    assert link_refusal(None, field="activationToken").field == "activationToken"


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Martin", "Martin"),
        ("  Martin  ", "Martin"),
        ("Jan  de   Vries", "Jan de Vries"),
        ("Jan\tde\nVries", "Jan de Vries"),
        ("Anne-Marie O'Brien", "Anne-Marie O'Brien"),
        ("Zoë Öztürk", "Zoë Öztürk"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean_name_collapses_whitespace(raw: str, expected: str) -> None:
    assert clean_name(raw, "firstName") == expected


def name_refusal(raw: str, field: str = "lastName", *, required: bool = False) -> DomainError:
    with pytest.raises(DomainError) as caught:
        clean_name(raw, field, required=required)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == field
    return caught.value


@pytest.mark.parametrize("raw", ["", "   ", "\n\t "])
def test_required_name_may_not_be_blank(raw: str) -> None:
    assert name_refusal(raw, required=True).message == "This name is required"


def test_required_name_present_is_fine() -> None:
    assert clean_name(" Sommer ", "lastName", required=True) == "Sommer"


def test_name_of_max_length_is_allowed() -> None:
    name = "x" * MAX_NAME_LENGTH
    assert MAX_NAME_LENGTH == 100
    assert clean_name(name, "firstName") == name


def test_name_over_max_length_is_refused() -> None:
    error = name_refusal("x" * (MAX_NAME_LENGTH + 1))
    assert error.message == "A name has at most 100 characters"


def test_name_length_is_counted_after_collapsing_whitespace() -> None:
    raw = "   " + "a   " * 50 + "   "  # 50 letters, collapses to 99 characters
    assert len(clean_name(raw, "firstName")) == 99


@pytest.mark.parametrize("raw", ["<script>", "Jan <b>", "Jan>", 'Jan "the man"', "Jan\\Piet"])
def test_markup_quotes_and_backslashes_are_refused(raw: str) -> None:
    assert name_refusal(raw).message == 'A name may not contain < > " or \\'


@pytest.mark.parametrize("raw", ["Jan\x00", "Jan\x1bX", "Jan\x7f", "Jan\x9b", "Jan\u202eX"])
def test_control_and_format_characters_are_refused(raw: str) -> None:
    assert name_refusal(raw).message == "A name may not contain control characters"


def test_apostrophe_and_ampersand_are_allowed() -> None:
    assert clean_name("D'Ancona & Zn", "lastName") == "D'Ancona & Zn"


# --- API tokens -------------------------------------------------------------------------------


def test_token_without_expiry() -> None:
    assert api_token_expiry(NOW, None) is None


@pytest.mark.parametrize("days", [1, 30, MAX_API_TOKEN_DAYS])
def test_token_expiry_in_days(days: int) -> None:
    assert api_token_expiry(NOW, days) == NOW + timedelta(days=days)


def test_max_token_days_is_a_leap_year() -> None:
    assert MAX_API_TOKEN_DAYS == 366


@pytest.mark.parametrize("days", [0, -1, MAX_API_TOKEN_DAYS + 1, 10_000])
def test_token_expiry_out_of_range(days: int) -> None:
    with pytest.raises(DomainError) as caught:
        api_token_expiry(NOW, days)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "expiresInDays"
    assert caught.value.message == "An API token lives 1 to 366 days"
