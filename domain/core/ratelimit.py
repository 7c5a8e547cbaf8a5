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


# --- hardening (issue 17): lock-out-proof throttling (OWASP authentication cheat sheet) ---
# An attacker who knows someone's address must not be able to lock them out. So the hard
# limits are on what the attacker owns (the client address) and on a known device: a login
# from a device that logged in to this account before (it holds a device token, see
# domain/core/devices.py) counts only against that device. Attempts from unknown devices share
# the per-account counter, and past its free attempts they are slowed down exponentially up
# to a bound, never refused for longer than ACCOUNT_BACKOFF_CAP.
LOGIN_PER_DEVICE = Limit(attempts=5, window=timedelta(minutes=15))
RESET_PER_DEVICE = Limit(attempts=3, window=timedelta(hours=1))
ACCOUNT_FREE_FAILURES = 5
ACCOUNT_BACKOFF_BASE = timedelta(seconds=30)
ACCOUNT_BACKOFF_CAP = timedelta(minutes=15)


def backoff(failures: list[datetime], now: datetime, window: timedelta) -> int | None:
    """Seconds an unknown device waits after the account's recent failures, or None.

    The first ACCOUNT_FREE_FAILURES are free; then 30 s after the last failure, doubling with
    each further failure, at most ACCOUNT_BACKOFF_CAP (15 minutes).
    """
    recent = sorted(t for t in failures if t > now - window)
    extra = len(recent) - ACCOUNT_FREE_FAILURES
    if extra < 0:
        return None
    delay = min(ACCOUNT_BACKOFF_CAP, ACCOUNT_BACKOFF_BASE * (2 ** min(extra, 16)))
    wait = math.ceil((recent[-1] + delay - now).total_seconds())
    return wait if wait > 0 else None


# Mails: at most this many to one recipient per hour from all mutations together, and an
# identical mail (same template, subject and text) to the same address within
# MAIL_COLLAPSE_WINDOW is queued once.
MAIL_PER_RECIPIENT = Limit(attempts=20, window=timedelta(hours=1))
MAIL_COLLAPSE_WINDOW = timedelta(minutes=10)
# What one person (an admin's bulk mails, invitations) or one API token may queue per hour:
# room for a real mailing to a large academy, not for an unbounded script. The bench's academy
# (scale 1) has 32,827 magazine subscribers: a 10,000 cap silently dropped two thirds of them.
MAIL_PER_ADMIN = Limit(attempts=50_000, window=timedelta(hours=1))
MAIL_PER_TOKEN = Limit(attempts=1_000, window=timedelta(hours=1))
