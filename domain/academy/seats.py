"""Seats of an academy membership: cluster limits, adding users, and pasted address lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from domain.core.emails import MAX_EMAIL_LENGTH, normalize_email
from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_, Text

MAX_PASTED_LINES = 5000
# Checked before splitting, so a pasted megabyte is refused without parsing it.
MAX_PASTED_CHARS = MAX_PASTED_LINES * (MAX_EMAIL_LENGTH + 2)
_SEPARATORS = re.compile(r"[,;]")
# "Jan Jansen <jan@example.org>" as mail programs copy it: take the part between brackets.
_BRACKETED = re.compile(r"<([^<>\s]+)>")


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
        # One id per plural form, so each language can say "1 seat" / "2 seats" its own way.
        message = (
            N_(
                "Only 1 of the membership's {seats} seats is left to distribute; "
                "this cluster cannot get {limit}."
            )
            if available == 1
            else N_(
                "Only {available} of the membership's {seats} seats are left to distribute; "
                "this cluster cannot get {limit}."
            )
        )
        raise DomainError(
            ErrorCode.CONFLICT,
            message,
            "seatLimit",
            available=max(0, available),
            seats=membership_seats,
            limit=new_limit,
        )
    if new_limit < used:
        message = (
            N_("This cluster already has 1 user; its limit cannot be lower than 1.")
            if used == 1
            else N_("This cluster already has {used} users; its limit cannot be lower than {used}.")
        )
        raise DomainError(ErrorCode.CONFLICT, message, "seatLimit", used=used)


def seats_left(limit: int, used: int) -> int:
    return max(0, limit - used)


def check_can_add(limit: int, used: int, adding: int, field: str = "emails") -> None:
    """Refuse adding more users than the cluster has seats left, saying how many are left."""
    left = seats_left(limit, used)
    if adding <= left:
        return
    # One id per plural form, so each language can say "1 seat" / "2 seats" its own way.
    if left == 0 and adding == 1:
        message = N_("This cluster is full: all {limit} seats are taken; you tried to add 1 user.")
    elif left == 0:
        message = N_(
            "This cluster is full: all {limit} seats are taken; you tried to add {adding} users."
        )
    elif left == 1:
        message = N_("Only 1 seat is left in this cluster; you tried to add {adding} users.")
    else:
        message = N_("Only {left} seats are left in this cluster; you tried to add {adding} users.")
    raise DomainError(ErrorCode.CONFLICT, message, field, limit=limit, left=left, adding=adding)


@dataclass(frozen=True)
class PastedEntry:
    """One entry as pasted, where it was, and what it is: an address, a repeat, or invalid."""

    line: int  # 1-based, as the admin sees it in the text box
    entry: str  # as pasted
    email: str | None = None  # normalised, when it is an address
    reason: Text | None = None  # why it is not an address (translated where shown)
    duplicate_of: int | None = None  # line of the first entry with the same address


@dataclass(frozen=True)
class PastedAddresses:
    """A parsed paste: every entry in the order pasted."""

    entries: tuple[PastedEntry, ...]

    @property
    def valid(self) -> tuple[str, ...]:
        """The distinct addresses, in first-seen order."""
        return tuple(
            e.email for e in self.entries if e.email is not None and e.duplicate_of is None
        )

    @property
    def invalid(self) -> tuple[PastedEntry, ...]:
        return tuple(e for e in self.entries if e.reason is not None)

    @property
    def duplicates(self) -> int:
        return sum(e.duplicate_of is not None for e in self.entries)


def parse_pasted_emails(text: str, field: str = "emails") -> PastedAddresses:
    """Split an admin's pasted list (one address per line; commas, semicolons and spaces also
    separate), normalise each address and mark repeats whatever their case.
    """
    too_many = DomainError(
        ErrorCode.INVALID,
        "Paste at most {max_pasted_lines} addresses at a time",
        field,
        max_pasted_lines=MAX_PASTED_LINES,
    )
    if len(text) > MAX_PASTED_CHARS:
        raise too_many
    lines = text.splitlines()
    if len(lines) > MAX_PASTED_LINES:
        raise too_many
    first_line: dict[str, int] = {}
    entries: list[PastedEntry] = []
    for number, line in enumerate(lines, start=1):
        for part in _SEPARATORS.split(line):
            bracketed = _BRACKETED.search(part)
            for entry in [bracketed.group(1)] if bracketed else part.split():
                if len(entries) == MAX_PASTED_LINES:
                    raise too_many
                try:
                    email = normalize_email(entry, field)
                except DomainError as error:
                    entries.append(
                        PastedEntry(number, entry, reason=Text(error.message_id, error.params))
                    )
                    continue
                entries.append(PastedEntry(number, entry, email, None, first_line.get(email)))
                first_line.setdefault(email, number)
    return PastedAddresses(tuple(entries))
