"""Retry policy for background work: exponential backoff, then a dead letter."""

from __future__ import annotations

from datetime import timedelta

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
# A claimed item whose worker died is claimable again after its lease runs out.
LEASE = timedelta(minutes=5)


def backoff(attempts: int, base: timedelta = BASE_DELAY) -> timedelta:
    """Delay before the next try after `attempts` failed tries: 30 s, 1 min, 2 min, … ≤ 6 h
    (`base` is the first delay; settings may shorten it)."""
    return min(base * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def gives_up(attempts: int, max_attempts: int = MAX_ATTEMPTS) -> bool:
    return attempts >= max_attempts
