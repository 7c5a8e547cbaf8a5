"""Background HTTP endpoints: export downloads and, in development, the outbox."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from portaal.pages import page
from portaal.routes.context import route_context
from resolvers.background.downloads import ExportFile, Refusal, export_download
from resolvers.background.queries import newest_mails
from resolvers.core.i18n import N_, negotiate, translate

REFUSALS: dict[Refusal, tuple[int, str]] = {
    Refusal.INVALID: (403, N_("This download link is not valid.")),
    Refusal.WRONG_PERSON: (403, N_("Log in as the person who asked for this export.")),
    Refusal.EXPIRED: (410, N_("This download link has expired; ask for a new one.")),
    Refusal.NOT_READY: (404, N_("The export is not ready.")),
}


async def download_export(request: Request) -> Response:
    """A signed, expiring link for the person who asked for the export; nobody else."""
    try:
        expires = int(request.query_params.get("expires", ""))
    except ValueError:
        lang = negotiate(request.headers.get("accept-language"))
        return PlainTextResponse(translate(REFUSALS[Refusal.INVALID][1], lang), status_code=403)
    signature = request.query_params.get("signature", "")
    async with route_context(request, authenticated=True) as ctx:
        found = await export_download(ctx, request.path_params["export_id"], expires, signature)
        lang = ctx.language  # the viewer's, else the browser's
    if not isinstance(found, ExportFile):
        status, message = REFUSALS[found]
        return PlainTextResponse(translate(message, lang), status_code=status)
    return Response(
        found.content,
        media_type=found.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


async def dev_mailbox(request: Request) -> Response:
    """Development only, and only from this machine: the newest mails in the outbox, as they
    will be sent (they hold activation and reset links)."""
    if not request.client or request.client.host not in {"127.0.0.1", "::1", "localhost"}:
        return PlainTextResponse("Only from the machine itself.", status_code=403)
    async with route_context(request) as ctx:
        mails = await newest_mails(ctx, 50)
    return page("dev_mailbox.html", title="Outbox", lang="en", mails=mails)
