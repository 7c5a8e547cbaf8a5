"""Sliding-window rate limits for logins and reset requests (domain/ratelimit.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.core.ratelimit import (
    LOGIN_PER_ACCOUNT,
    LOGIN_PER_ADDRESS,
    RESET_PER_ACCOUNT,
    RESET_PER_ADDRESS,
    Limit,
    retry_after,
)

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
FIVE_IN_15 = Limit(attempts=5, window=timedelta(minutes=15))


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


def test_configured_limits() -> None:
    assert LOGIN_PER_ACCOUNT == Limit(5, timedelta(minutes=15))
    assert LOGIN_PER_ADDRESS == Limit(30, timedelta(minutes=15))
    assert RESET_PER_ACCOUNT == Limit(3, timedelta(hours=1))
    assert RESET_PER_ADDRESS == Limit(20, timedelta(hours=1))


def test_per_account_is_tighter_than_per_address() -> None:
    assert LOGIN_PER_ACCOUNT.attempts < LOGIN_PER_ADDRESS.attempts
    assert RESET_PER_ACCOUNT.attempts < RESET_PER_ADDRESS.attempts


def test_no_attempts_may_go_ahead() -> None:
    assert retry_after(FIVE_IN_15, [], NOW) is None


def test_fewer_attempts_than_the_limit_may_go_ahead() -> None:
    attempts = [ago(minutes=m) for m in (1, 2, 3, 4)]
    assert retry_after(FIVE_IN_15, attempts, NOW) is None


def test_reaching_the_limit_blocks_until_the_oldest_leaves_the_window() -> None:
    attempts = [ago(minutes=m) for m in (10, 8, 6, 4, 2)]
    # The attempt 10 minutes ago leaves the 15-minute window in 5 minutes.
    assert retry_after(FIVE_IN_15, attempts, NOW) == 300


def test_attempts_outside_the_window_do_not_count() -> None:
    attempts = [ago(minutes=m) for m in (16, 20, 60, 3, 2, 1, 0.5)]
    assert retry_after(FIVE_IN_15, attempts, NOW) is None


def test_attempt_exactly_one_window_ago_no_longer_counts() -> None:
    attempts = [ago(minutes=15)] + [ago(minutes=m) for m in (4, 3, 2, 1)]
    assert retry_after(FIVE_IN_15, attempts, NOW) is None


def test_attempt_just_inside_the_window_counts() -> None:
    attempts = [ago(minutes=15) + timedelta(microseconds=1)] + [
        ago(minutes=m) for m in (4, 3, 2, 1)
    ]
    # A microsecond to wait is rounded up to a whole second.
    assert retry_after(FIVE_IN_15, attempts, NOW) == 1


def test_with_more_attempts_than_the_limit_the_nth_newest_decides() -> None:
    # Seven recent attempts; five may stand, so the 5th newest (6 min ago) must leave first.
    attempts = [ago(minutes=m) for m in (14, 12, 6, 5, 4, 3, 2)]
    assert retry_after(FIVE_IN_15, attempts, NOW) == 9 * 60


def test_order_of_attempts_does_not_matter() -> None:
    attempts = [ago(minutes=m) for m in (3, 14, 2, 6, 12, 5, 4)]
    assert retry_after(FIVE_IN_15, attempts, NOW) == 9 * 60
    assert retry_after(FIVE_IN_15, list(reversed(attempts)), NOW) == 9 * 60


@pytest.mark.parametrize(
    ("seconds_ago", "expected"),
    [
        (899.9, 1),  # 0.1 s left -> 1
        (899.0, 1),
        (898.5, 2),  # 1.5 s left -> 2
        (600, 300),
        (0, 900),
    ],
)
def test_seconds_are_rounded_up_and_at_least_one(seconds_ago: float, expected: int) -> None:
    oldest = ago(seconds=seconds_ago)
    attempts = [oldest] + [NOW] * 4
    assert retry_after(FIVE_IN_15, attempts, NOW) == expected


def test_result_is_an_int() -> None:
    attempts = [ago(seconds=100.25)] * 5
    result = retry_after(FIVE_IN_15, attempts, NOW)
    assert isinstance(result, int)
    assert result == 800


def test_waiting_the_advised_time_is_enough_and_one_second_less_is_not() -> None:
    attempts = [ago(minutes=m, seconds=17) for m in (13, 9, 7, 1, 0)]
    wait = retry_after(FIVE_IN_15, attempts, NOW)
    assert wait is not None
    assert retry_after(FIVE_IN_15, attempts, NOW + timedelta(seconds=wait)) is None
    assert retry_after(FIVE_IN_15, attempts, NOW + timedelta(seconds=wait - 1)) is not None


def test_reset_limit_blocks_the_fourth_request_within_the_hour() -> None:
    attempts = [ago(minutes=50), ago(minutes=30), ago(minutes=10)]
    assert retry_after(RESET_PER_ACCOUNT, attempts[:2], NOW) is None
    assert retry_after(RESET_PER_ACCOUNT, attempts, NOW) == 10 * 60


def test_a_shared_office_address_is_not_blocked_by_a_few_failures() -> None:
    attempts = [ago(seconds=s) for s in range(0, 29 * 10, 10)]  # 29 attempts
    assert len(attempts) == 29
    assert retry_after(LOGIN_PER_ADDRESS, attempts, NOW) is None
    assert retry_after(LOGIN_PER_ACCOUNT, attempts, NOW) is not None
    assert retry_after(LOGIN_PER_ADDRESS, [*attempts, NOW], NOW) is not None


def test_account_backoff_is_exponential_and_bounded() -> None:
    from domain.core.ratelimit import backoff

    window = timedelta(minutes=15)
    assert backoff([ago(seconds=s) for s in range(4)], NOW, window) is None  # 4 free
    five = [ago(seconds=1)] * 5
    assert backoff(five, NOW, window) == 29  # 30 s after the last failure
    assert backoff([ago(seconds=1)] * 6, NOW, window) == 59
    assert backoff([ago(seconds=1)] * 500, NOW, window) == 15 * 60 - 1  # the bound
    assert backoff([ago(seconds=31)] * 5, NOW, window) is None  # waited long enough


def test_device_tokens_are_bound_to_the_account() -> None:
    from domain.core import devices

    token = devices.issue("k", "a@example.org")
    assert devices.device_id("k", token, "a@example.org") == token.split(".")[1]
    assert devices.device_id("k", token, "b@example.org") is None
    assert devices.device_id("other-key", token, "a@example.org") is None
    assert devices.device_id("k", "d1.x.y", "a@example.org") is None
    assert devices.device_id("k", None, "a@example.org") is None
