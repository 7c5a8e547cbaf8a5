"""The iCalendar feed of a pupil's timetable at a secret, revocable URL."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response


async def calendar_feed(request: Request) -> Response:
    return PlainTextResponse("Not found", status_code=404)
