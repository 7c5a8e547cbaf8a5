"""The database is unreachable (restarting, crashed, failing over): a 503, never a 500 page.

A request caught by it gets `503` with `Retry-After` and a GraphQL error body
(`extensions.code: UNAVAILABLE`); the driver's text never reaches the client. The pool has
already dropped its broken connections when the error surfaced (SQLAlchemy invalidates the
pool on a disconnect), so the next request connects afresh: no restart of the app.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc
from starlette.responses import JSONResponse

from resolvers.core.i18n import N_, translate

UNAVAILABLE = N_("The service is briefly unavailable. Please try again in a moment.")
RETRY_AFTER_SECONDS = 3
_OUTAGES = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def is_outage(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) says the database cannot be reached right now."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, _OUTAGES) or (
            isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated
        ):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def unavailable_error() -> dict[str, object]:
    """The top-level GraphQL error of a request the outage caught, in the request's language."""
    return {"message": translate(UNAVAILABLE), "extensions": {"code": "UNAVAILABLE"}}


def unavailable_response() -> JSONResponse:
    """The answer when the outage struck before execution (authenticating the caller)."""
    return JSONResponse(
        {"errors": [unavailable_error()]},
        status_code=503,
        headers={"retry-after": str(RETRY_AFTER_SECONDS)},
    )
