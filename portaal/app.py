"""The composition root: GraphQL over HTTP on /graphql, each area's HTTP routes, the worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import HTTPException
from graphql.error import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from persistence.db import Database
from portaal.auth import SESSION_COOKIE, authenticate, credentials
from portaal.errors import format_error
from portaal.limits import BodyLimit
from portaal.routes import academy as academy_routes
from portaal.routes import background as background_routes
from portaal.routes import core as core_routes
from portaal.routes import school as school_routes
from portaal.routes.context import make_context
from portaal.settings import Settings
from resolvers.context import Context
from schema.build import build_schema

log = logging.getLogger("portaal")

GRAPHQL_RESPONSE = "application/graphql-response+json"


class PortaalGraphQL(GraphQL):
    """strawberry's ASGI view with our context, error masking and media-type negotiation."""

    def __init__(self, settings: Settings, database: Database) -> None:
        schema = build_schema(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            introspection=settings.introspection,
        )
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(),
        )
        self.settings = settings
        self.database = database

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope=scope, receive=receive)
        ctx = await self._make_context(request)
        try:
            if isinstance(ctx, Response):
                response = ctx
            else:
                try:
                    response = await self.run(request, context=ctx)
                except HTTPException as e:
                    headers = {"Allow": "POST"} if e.status_code == 405 else None
                    response = PlainTextResponse(
                        e.reason, status_code=e.status_code, headers=headers
                    )
                self._apply_cookies(ctx, response)
        finally:
            if isinstance(ctx, Context):
                await ctx.db.close()
        await response(scope, receive, send)

    async def _make_context(self, request: Request) -> Context | Response:
        ctx = make_context(request, self.settings, self.database)
        secret, source = credentials(request.headers, request.cookies)
        if source == "cookie" and request.method == "POST":
            # CSRF: a cookie rides along on cross-site form posts, which cannot send JSON.
            content_type = request.headers.get("content-type", "")
            if not content_type.startswith("application/json"):
                return PlainTextResponse(
                    "Cookie-authenticated POST requests must be application/json", status_code=415
                )
        ctx.extra["accept_graphql_response"] = GRAPHQL_RESPONSE in request.headers.get("accept", "")
        if secret and not await authenticate(ctx, secret):
            ctx.extra["credentials_rejected"] = source
        return ctx

    def _apply_cookies(self, ctx: Context, response: Response) -> None:
        if ctx.cookie_to_set:
            value, max_age = ctx.cookie_to_set
            response.set_cookie(
                SESSION_COOKIE,
                value,
                max_age=max_age,
                httponly=True,
                secure=self.settings.cookie_secure,
                samesite="lax",
                path="/",
            )
        if ctx.cookie_to_clear or ctx.extra.get("credentials_rejected") == "cookie":
            response.delete_cookie(SESSION_COOKIE, path="/")

    async def get_context(self, request: Any, response: Any) -> Any:  # pragma: no cover
        raise RuntimeError("context is made in __call__")

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as e:
            if isinstance(e.__cause__, InvalidOperationTypeError):
                # GraphQL over HTTP: a mutation over GET is a method that is not allowed.
                raise HTTPException(405, "Mutations are only accepted over POST") from e
            raise

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        hide = not self.settings.introspection
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [format_error(e, hide_suggestions=hide) for e in result.errors]
        body["data"] = result.data
        if result.extensions:
            body["extensions"] = result.extensions
        if result.data is None and result.errors:
            request.state.request_error = True
        return body

    def _handle_errors(self, errors: list[GraphQLError], response_data: Any) -> None:
        return None  # logged in process_result; strawberry would log every one again

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        response = await super().run(request, context=context)
        if context is not None and context.extra.get("accept_graphql_response"):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            # With this media type a request that never executed is a 400 (GraphQL over HTTP).
            if getattr(request.state, "request_error", False):
                response.status_code = 400
        return response


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    database = database or Database(settings.database_url)
    graphql_app = PortaalGraphQL(settings, database)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = None
        if settings.run_worker_in_process:
            # Embedded mode: one process does it all, no separate worker to start.
            from portaal.worker import Worker

            task = asyncio.create_task(Worker(settings, database).run_forever(stop))
        yield
        stop.set()
        if task:
            await task
        await database.dispose()

    app = Starlette(
        routes=[
            Route("/", lambda r: RedirectResponse("/graphql")),
            Route("/healthz", core_routes.health),
            Route("/exports/{export_id:int}", background_routes.download_export),
            Route("/ics/{token}", school_routes.timetable_feed),
            Route("/certificates/{certificate_id:int}.pdf", academy_routes.certificate_pdf),
            Route(
                "/magazine/unsubscribe",
                academy_routes.magazine_unsubscribe,
                methods=["GET", "POST"],
            ),
            *(
                [Route("/dev/mails", background_routes.dev_mailbox)]
                if not settings.production
                else []
            ),
            Route("/graphql", graphql_app),
        ],
        lifespan=lifespan,
        middleware=[Middleware(BodyLimit, max_bytes=settings.max_body_bytes)],
    )
    app.state.settings = settings
    app.state.database = database
    app.state.graphql = graphql_app
    return app
