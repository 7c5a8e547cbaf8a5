"""Rate limits for failed logins and reset requests: counted attempts in a sliding window."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: timedelta


# Per account the limit is tighter than per address: an office behind one NAT shares an address.
LOGIN_PER_ACCOUNT = Limit(attempts=5, window=timedelta(minutes=15))
LOGIN_PER_ADDRESS = Limit(attempts=30, window=timedelta(minutes=15))
RESET_PER_ACCOUNT = Limit(attempts=3, window=timedelta(hours=1))
RESET_PER_ADDRESS = Limit(attempts=20, window=timedelta(hours=1))


def retry_after(limit: Limit, attempts: list[datetime], now: datetime) -> int | None:
    """Seconds to wait before the next attempt, or None when it may go ahead now."""
    recent = sorted(t for t in attempts if t > now - limit.window)
    if len(recent) < limit.attempts:
        return None
    # The oldest attempt that still counts must leave the window first.
    oldest_counting = recent[-limit.attempts]
    return max(1, math.ceil((oldest_counting + limit.window - now).total_seconds()))
