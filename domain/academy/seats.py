"""Seats of an academy membership: cluster limits, adding users, and pasted address lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from domain.core.emails import MAX_EMAIL_LENGTH, normalize_email
from domain.core.errors import DomainError, ErrorCode

MAX_PASTED_LINES = 5000
# Checked before splitting, so a pasted megabyte is refused without parsing it.
MAX_PASTED_CHARS = MAX_PASTED_LINES * (MAX_EMAIL_LENGTH + 2)
_SEPARATORS = re.compile(r"[,;]")
# "Jan Jansen <jan@example.org>" as mail programs copy it: take the part between brackets.
_BRACKETED = re.compile(r"<([^<>\s]+)>")


def _seats(n: int) -> str:
    return f"{n} seat" if n == 1 else f"{n} seats"


def _users(n: int) -> str:
    return f"{n} user" if n == 1 else f"{n} users"


def seats_to_distribute(membership_seats: int, cluster_limits: Iterable[int]) -> int:
    """Seats of the membership not yet given to a cluster (negative if over-distributed)."""
    return membership_seats - sum(cluster_limits)


def check_cluster_limit(
    membership_seats: int, other_cluster_limits: Iterable[int], new_limit: int, used: int = 0
) -> None:
    """Refuse a cluster limit the membership cannot cover, or below the users already there."""
    if new_limit < 0:
        raise DomainError(ErrorCode.INVALID, "A seat limit cannot be negative", "seatLimit")
    available = seats_to_distribute(membership_seats, other_cluster_limits)
    if new_limit > available:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"Only {max(0, available)} of the membership's {_seats(membership_seats)} "
            f"{'is' if available == 1 else 'are'} left to distribute; "
            f"this cluster cannot get {new_limit}.",
            "seatLimit",
        )
    if new_limit < used:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"This cluster already has {_users(used)}; its limit cannot be lower than {used}.",
            "seatLimit",
        )


def seats_left(limit: int, used: int) -> int:
    return max(0, limit - used)


def check_can_add(limit: int, used: int, adding: int, field: str = "emails") -> None:
    """Refuse adding more users than the cluster has seats left, saying how many are left."""
    left = seats_left(limit, used)
    if adding <= left:
        return
    if left == 0:
        message = (
            f"This cluster is full: all {_seats(limit)} are taken; "
            f"you tried to add {_users(adding)}."
        )
    else:
        only = f"Only {_seats(left)} {'is' if left == 1 else 'are'} left in this cluster"
        message = f"{only}; you tried to add {_users(adding)}."
    raise DomainError(ErrorCode.CONFLICT, message, field)


@dataclass(frozen=True)
class InvalidEntry:
    """A pasted entry that is not an address, with where it was and why."""

    line: int  # 1-based, as the admin sees it in the text box
    entry: str
    reason: str


@dataclass(frozen=True)
class PastedAddresses:
    """A parsed paste: valid addresses in first-seen order, invalid entries, duplicates skipped."""

    valid: tuple[str, ...]
    invalid: tuple[InvalidEntry, ...]
    duplicates: int


def parse_pasted_emails(text: str, field: str = "emails") -> PastedAddresses:
    """Split an admin's pasted list (one address per line; commas, semicolons and spaces also
    separate), normalise each address and drop repeats whatever their case.
    """
    too_many = DomainError(
        ErrorCode.INVALID, f"Paste at most {MAX_PASTED_LINES} addresses at a time", field
    )
    if len(text) > MAX_PASTED_CHARS:
        raise too_many
    lines = text.splitlines()
    if len(lines) > MAX_PASTED_LINES:
        raise too_many
    valid: list[str] = []
    seen: set[str] = set()
    invalid: list[InvalidEntry] = []
    duplicates = 0
    entries = 0
    for number, line in enumerate(lines, start=1):
        for part in _SEPARATORS.split(line):
            bracketed = _BRACKETED.search(part)
            for entry in [bracketed.group(1)] if bracketed else part.split():
                entries += 1
                if entries > MAX_PASTED_LINES:
                    raise too_many
                try:
                    email = normalize_email(entry, field)
                except DomainError as error:
                    invalid.append(InvalidEntry(number, entry, error.message))
                    continue
                if email in seen:
                    duplicates += 1
                    continue
                seen.add(email)
                valid.append(email)
    return PastedAddresses(tuple(valid), tuple(invalid), duplicates)
