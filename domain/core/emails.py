"""E-mail addresses as identities: trimmed, lower-cased, and checked for a sane shape."""

from __future__ import annotations

import re

from domain.core.errors import DomainError, ErrorCode

MAX_EMAIL_LENGTH = 254
# Deliberately modest: the mailbox is proven by the activation mail, not by a regex.
_EMAIL = re.compile(
    r"^[^\s@<>(),;:\"\[\]\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)


def normalize_email(raw: str, field: str = "email") -> str:
    """The canonical form of an address, or a DomainError saying what is wrong with it."""
    email = raw.strip().lower()
    if not email:
        raise DomainError(ErrorCode.INVALID, "An e-mail address is required", field)
    if len(email) > MAX_EMAIL_LENGTH:
        raise DomainError(
            ErrorCode.INVALID,
            "An e-mail address has at most {max_email_length} characters",
            field,
            max_email_length=MAX_EMAIL_LENGTH,
        )
    if "@" not in email:
        raise DomainError(ErrorCode.INVALID, "'{address}' has no @", field, address=raw.strip())
    if not _EMAIL.match(email):
        raise DomainError(
            ErrorCode.INVALID,
            "'{address}' is not a valid e-mail address",
            field,
            address=raw.strip(),
        )
    return email
