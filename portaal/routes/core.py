"""Core HTTP endpoints: the health check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from persistence.db import Database


async def health(request: Request) -> Response:
    db: Database = request.app.state.database
    if not await db.ping():
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})
