"""A resolver Context for a plain HTTP route, as the GraphQL endpoint makes one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.requests import Request

from persistence.db import Database
from portaal.auth import authenticate, credentials, record_token_use
from portaal.proxies import client_address
from portaal.settings import Settings
from resolvers.context import Context
from resolvers.core.i18n import language, negotiate
from schema.areas import RELATION_PROVIDERS


def make_context(
    request: Request, settings: Settings | None = None, database: Database | None = None
) -> Context:
    settings = settings or request.app.state.settings
    peer = request.client.host if request.client else "unknown"
    client = client_address(
        peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies
    )  # hardening (issue 17)
    return Context.create(
        settings,
        database or request.app.state.database,
        request=request,
        client_address=client,
        relation_providers=RELATION_PROVIDERS,
        # Anonymous: the browser's preference; authenticate() replaces it by the viewer's.
        language=negotiate(request.headers.get("accept-language")),
    )


@asynccontextmanager
async def route_context(request: Request, *, authenticated: bool = False) -> AsyncIterator[Context]:
    """The request's context, closed afterwards; `authenticated` reads the viewer too."""
    ctx = make_context(request)
    try:
        if authenticated:
            secret, _source = credentials(request.headers, request.cookies)
            if secret:
                await authenticate(ctx, secret)
        with language(ctx.language):
            yield ctx
    finally:
        await ctx.db.close()
        await record_token_use(ctx)
