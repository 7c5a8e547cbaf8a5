"""Institute HTTP endpoints: the invoice PDF behind a signed link (from `Invoice.pdfUrl`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from domain.core.errors import DomainError
from portaal.routes.context import route_context
from resolvers.core.i18n import negotiate
from resolvers.institute.reads import invoice_pdf_download

INVALID_LINK = "This link is not valid or has expired."


async def invoice_pdf(request: Request) -> Response:
    lang = negotiate(request.headers.get("accept-language"))
    async with route_context(request) as ctx:
        try:
            content = await invoice_pdf_download(
                ctx, request.path_params["invoice_id"], request.query_params, lang
            )
        except DomainError:
            return PlainTextResponse(INVALID_LINK, status_code=403)
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="factuur-{request.path_params["invoice_id"]}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
