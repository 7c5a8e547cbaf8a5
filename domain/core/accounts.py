"""Accounts: lifetimes of sessions and single-use links, and profile rules."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.core.errors import DomainError, ErrorCode

RESET_LINK_LIFETIME = timedelta(hours=1)
ACTIVATION_LINK_LIFETIME = timedelta(days=14)
MAX_API_TOKEN_DAYS = 366
MAX_NAME_LENGTH = 100


def session_lifetime(remember_me: bool, session_hours: int, remember_days: int) -> timedelta:
    """ "Remember me" keeps a login for weeks; otherwise it ends the same working day."""
    return timedelta(days=remember_days) if remember_me else timedelta(hours=session_hours)


@dataclass(frozen=True)
class LinkState:
    """What a presented single-use link turned out to be."""

    used_at: datetime | None
    expires_at: datetime


def check_link(link: LinkState | None, now: datetime, field: str = "token") -> None:
    """Refuse a link that is unknown, used or expired, each with its own message."""
    if link is None:
        raise DomainError(ErrorCode.TOKEN_INVALID, "This link is not valid.", field)
    if link.used_at is not None:
        raise DomainError(
            ErrorCode.TOKEN_USED,
            "This link has already been used. Request a new one if you still need it.",
            field,
        )
    if link.expires_at <= now:
        raise DomainError(
            ErrorCode.TOKEN_EXPIRED, "This link has expired. Request a new one.", field
        )


def clean_name(value: str, field: str, *, required: bool = False) -> str:
    name = " ".join(value.split())
    if required and not name:
        raise DomainError(ErrorCode.INVALID, "This name is required", field)
    if len(name) > MAX_NAME_LENGTH:
        raise DomainError(
            ErrorCode.INVALID,
            "A name has at most {max_name_length} characters",
            field,
            max_name_length=MAX_NAME_LENGTH,
        )
    if any(c in name for c in '<>"\\'):
        raise DomainError(ErrorCode.INVALID, 'A name may not contain < > " or \\', field)
    # Control and format characters (e.g. the right-to-left override) hide what a name says.
    if any(unicodedata.category(c) in {"Cc", "Cf"} for c in name):
        raise DomainError(ErrorCode.INVALID, "A name may not contain control characters", field)
    return name


def api_token_expiry(now: datetime, days: int | None) -> datetime | None:
    if days is None:
        return None
    if not 1 <= days <= MAX_API_TOKEN_DAYS:
        raise DomainError(
            ErrorCode.INVALID,
            "An API token lives 1 to {max_api_token_days} days",
            "expiresInDays",
            max_api_token_days=MAX_API_TOKEN_DAYS,
        )
    return now + timedelta(days=days)
