"""Domain failures carry a stable code so every layer can report them the same way."""

from __future__ import annotations

from enum import Enum


class ErrorCode(str, Enum):
    """Codes for expected failures; mutation payloads return them in `errors`."""

    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CONFLICT = "CONFLICT"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    RATE_LIMITED = "RATE_LIMITED"
    TOKEN_INVALID = "TOKEN_INVALID"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_USED = "TOKEN_USED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    WRONG_PASSWORD = "WRONG_PASSWORD"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"


class DomainError(Exception):
    """An expected failure: a rule said no. `field` names the input it concerns.

    `message` is a message id — the English text with named placeholders — and `params` fill
    them in; the edge translates it into the reader's language (resolvers/core/i18n.py).
    """

    def __init__(
        self, code: ErrorCode, message: str, field: str | None = None, **params: object
    ) -> None:
        self.message_id = message
        self.params = params
        self.message = message.format(**params) if params else message
        super().__init__(self.message)
        self.code = code
        self.field = field


class DomainErrors(Exception):
    """Several expected failures at once (e.g. every way a password falls short)."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
