"""Error masking: every top-level error gets `extensions.code`; nothing internal leaks."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from domain.core.errors import DomainError, DomainErrors, ErrorCode
from portaal.outage import is_outage, unavailable_error
from resolvers.core.i18n import N_, message_of, translate

log = logging.getLogger("portaal.errors")

TOP_LEVEL_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "INTERNAL"}
_DOMAIN_TO_TOP = {
    ErrorCode.NOT_FOUND: "NOT_FOUND",
    ErrorCode.FORBIDDEN: "FORBIDDEN",
    ErrorCode.UNAUTHENTICATED: "UNAUTHENTICATED",
}
INTERNAL_ERROR = N_("Internal server error. It has been logged; please try again later.")
_SUGGESTION = re.compile(r"\s*Did you mean .*$")


def format_error(error: GraphQLError, *, hide_suggestions: bool) -> dict[str, Any]:
    original = error.original_error
    code = (error.extensions or {}).get("code")
    message = error.message
    if isinstance(original, DomainErrors):
        original = original.errors[0]
    if isinstance(original, DomainError):
        code = _DOMAIN_TO_TOP.get(original.code, "BAD_USER_INPUT")
        message = message_of(original)  # the request's language
    elif code in TOP_LEVEL_CODES:
        pass
    elif is_outage(original):
        # Not a bug: the database is unreachable for a moment (the answer becomes a 503).
        log.warning("database unavailable at %s: %s", error.path, original.__class__.__name__)
        return {**unavailable_error(), **({"path": error.path} if error.path else {})}
    elif original is None:
        # Syntax, validation, limits and variable coercion: the client's request is wrong.
        code = "BAD_USER_INPUT"
        if hide_suggestions:
            message = _SUGGESTION.sub("", message)
    else:
        log.error("unexpected error at %s", error.path, exc_info=original)
        code = "INTERNAL"
        message = translate(INTERNAL_ERROR)
    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path:
        formatted["path"] = error.path
    formatted["extensions"] = {"code": code}
    if original is None and code == "BAD_USER_INPUT":
        # hardening (issue 17): a limit says which argument and what it allows
        # (`field`, `maxLength`); only our own limiters put more than `code` here.
        formatted["extensions"].update(
            {k: v for k, v in (error.extensions or {}).items() if k != "code"}
        )
    return formatted
