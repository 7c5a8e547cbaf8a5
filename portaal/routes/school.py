"""School HTTP endpoints: a pupil's timetable as an iCalendar feed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from portaal.routes.context import route_context
from resolvers.school.calendar_feed import calendar_feed


async def timetable_feed(request: Request) -> Response:
    """The feed at its secret URL; unknown, revoked and no longer allowed answer 404 alike."""
    secret = request.path_params["token"].removesuffix(".ics")
    async with route_context(request) as ctx:
        # Row-level security: the secret names one feed (the lookup by its hash is the check,
        # and the consent rules are applied as for a login); there is no viewer to take a
        # tenant from.
        await ctx.act_as_system_for_link()
        feed = await calendar_feed(ctx, secret, request.url.hostname or "portaal")
    if feed is None:
        return PlainTextResponse("Not found", status_code=404)
    return Response(
        feed,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store"},
    )
