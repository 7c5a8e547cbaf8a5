"""Meldcode HTTP endpoints: the yearly overview as PDF or XLSX, for a logged-in reader."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from portaal.routes.context import route_context
from resolvers.meldcode.reports import yearly_overview


async def overview_document(request: Request) -> Response:
    """`/meldcode/overview.pdf?unitId=…&schoolYear=2025` (or .xlsx), with the bearer token or
    session cookie. Outside your reach, unknown or malformed: 404 alike."""
    kind = request.path_params["kind"]
    if kind not in {"pdf", "xlsx"}:
        return PlainTextResponse("Not found", status_code=404)
    try:
        year = int(request.query_params.get("schoolYear", ""))
    except ValueError:
        return PlainTextResponse("Not found", status_code=404)
    async with route_context(request, authenticated=True) as ctx:
        if not ctx.viewer.is_authenticated:
            return PlainTextResponse("Log in first", status_code=401)
        found = await yearly_overview(ctx, request.query_params.get("unitId", ""), year, kind)
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "private, no-store",
        },
    )
