"""Academy HTTP endpoints behind signed links in mails: certificates and the magazine."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from domain.core.errors import DomainError
from portaal.pages import page
from portaal.routes.context import route_context
from resolvers.academy.links import (
    certificate_download,
    magazine_link_valid,
    refresher_page,
    unsubscribe_magazine,
)
from resolvers.core.i18n import N_, message_of, translate

INVALID_LINK = N_("This link is not valid or has expired.")


async def certificate_pdf(request: Request) -> Response:
    """A certificate as PDF, behind a signed link made for the learner (no login needed) or
    for one of their admins (only while logged in as that admin)."""
    admin_link = "admin" in request.query_params
    async with route_context(request, authenticated=admin_link) as ctx:
        found = await certificate_download(
            ctx, request.path_params["certificate_id"], request.query_params
        )
    if found is None:
        return PlainTextResponse(translate(INVALID_LINK), status_code=403)
    return Response(
        found.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


async def magazine_unsubscribe(request: Request) -> Response:
    """One click from the magazine mail, no login: the signed link says who (RFC 8058 POST too)."""
    async with route_context(request) as ctx:
        try:
            if request.method == "GET":
                # Mail scanners follow links: GET only asks, POST (the button, RFC 8058) acts.
                magazine_link_valid(ctx, request.query_params)
                return page(
                    "magazine_unsubscribe.html",
                    lang=ctx.language,  # the browser's (Accept-Language), Dutch by default
                    title=translate(N_("Unsubscribe")),
                    question=translate(N_("Stop receiving the magazine?")),
                    button=translate(N_("Unsubscribe")),
                )
            await unsubscribe_magazine(ctx, request.query_params)
        except DomainError as e:
            return PlainTextResponse(message_of(e), status_code=403)
        return page(
            "magazine_unsubscribed.html",
            lang=ctx.language,
            title=translate(N_("Unsubscribed")),
            done=translate(N_("You have been unsubscribed from the magazine.")),
        )


async def refresher(request: Request) -> Response:
    """The refresher module a learner was sent, behind the personal link in its mail."""
    async with route_context(request) as ctx:
        found = await refresher_page(ctx, request.path_params["delivery_id"], request.query_params)
    if found is None:
        return PlainTextResponse(translate(INVALID_LINK, ctx.language), status_code=404)
    return page(
        "refresher.html",
        title=found.title,
        lang=found.language,
        refresher=found,
    )
