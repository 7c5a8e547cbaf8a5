"""The composition root: GraphQL over HTTP on /graphql, each area's HTTP routes, the worker."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import HTTPException
from graphql.error import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from persistence.db import Database
from portaal import graphiql, observability, outage  # operations (issue 14)
from portaal.auth import SESSION_COOKIE, authenticate, credentials, record_token_use
from portaal.cors import cors_middleware  # operations (issue 14)
from portaal.errors import format_error
from portaal.limits import BodyLimit
from portaal.persisted import PersistedOperations, PersistedQueryError  # operations (issue 14)
from portaal.routes import academy as academy_routes
from portaal.routes import account as account_routes
from portaal.routes import background as background_routes
from portaal.routes import core as core_routes
from portaal.routes import institute as institute_routes
from portaal.routes import meldcode as meldcode_routes
from portaal.routes import school as school_routes
from portaal.routes.context import make_context
from portaal.settings import Settings
from resolvers.context import Context
from resolvers.core.accounts import DEVICE_COOKIE, RATE_LIMITED_SECONDS
from resolvers.core.i18n import language, negotiate, translate
from schema.build import build_schema
from schema.core.execution import NATIVE_DATES

log = logging.getLogger("portaal")

GRAPHQL_RESPONSE = "application/graphql-response+json"
DEVICE_COOKIE_DAYS = 365


class PortaalGraphQL(GraphQL):
    """strawberry's ASGI view with our context, error masking and media-type negotiation."""

    def __init__(self, settings: Settings, database: Database) -> None:
        schema = build_schema(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            introspection=settings.introspection,
            compiled=settings.compiled_execution,
        )
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            # Subscriptions (progress of long work) over graphql-transport-ws on /graphql.
            # Browsers send cookies on any cross-site websocket: strawberry refuses a handshake
            # whose Origin is neither this host nor one listed in PORTAAL_CORS_ORIGINS.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=settings.cors_origins,
        )
        self.settings = settings
        self.database = database
        # --- operations (issue 14): APQ and trusted documents ---
        self.persisted = PersistedOperations(
            database,
            trusted_only=settings.trusted_documents,
            apq_entries=settings.apq_max_entries,
        )

    def should_render_graphql_ide(self, request: Any) -> bool:
        # operations (issue 14): a GET naming a persisted document is an operation, not the IDE
        params = request.query_params
        return super().should_render_graphql_ide(request) and not (
            "extensions" in params or "documentId" in params
        )

    async def render_graphql_ide(self, request: Any) -> Response:
        return graphiql.ide_response()  # operations (issue 14): assets served by us, offline

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            await self._websocket(WebSocket(scope, receive=receive, send=send))
            return
        if scope["type"] != "http":
            return
        request = Request(scope=scope, receive=receive)
        try:
            ctx = await self._make_context(request)
        except Exception as e:
            if not outage.is_outage(e):
                raise
            # The caller could not even be looked up: the browser's language, not theirs.
            with language(negotiate(request.headers.get("accept-language"))):
                ctx = outage.unavailable_response()
        try:
            if isinstance(ctx, Response):
                response = ctx
            else:
                try:
                    with language(ctx.language):  # messages are translated at the edge
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
            # The context and the request refer to each other: without this the request's
            # whole graph (loaders, their rows) waits for the cycle collector.
            request.state.portaal_context = None
        await response(scope, receive, send)
        if isinstance(ctx, Context):
            await record_token_use(ctx)

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
        ctx.extra[NATIVE_DATES] = True  # this view's body is orjson's (encode_json)
        request.state.portaal_context = ctx  # hardening (issue 17): read by process_result
        try:
            if secret and not await authenticate(ctx, secret):
                ctx.extra["credentials_rejected"] = source
        except BaseException:
            await ctx.db.close()  # else its connection stays checked out: the pool runs dry
            raise
        return ctx

    async def _websocket(self, websocket: WebSocket) -> None:
        """A subscriptions connection: the session cookie (same origin) or, as browsers cannot
        set headers on a websocket, `{"Authorization": "Bearer …"}` in `connection_init`."""
        ctx = make_context(websocket, self.settings, self.database)  # type: ignore[arg-type]
        secret, _source = credentials(websocket.headers, websocket.cookies)
        try:
            if secret and not await authenticate(ctx, secret):
                ctx.extra["credentials_rejected"] = True
            # The connection lives long: subscriptions read with fresh short sessions.
            await ctx.db.close()
            await self.run(websocket, context=ctx)
        finally:
            await ctx.db.close()

    async def on_ws_connect(self, context: Any) -> Any:
        params = getattr(context, "connection_params", None) or {}
        auth = params.get("Authorization") or params.get("authorization") or ""
        if isinstance(auth, str) and auth.lower().startswith("bearer "):
            try:
                ok = await authenticate(context, auth[7:].strip())
            finally:
                await context.db.close()
            if not ok:
                raise ConnectionRejectionError({"reason": "invalid or expired token"})
        elif context.extra.get("credentials_rejected"):
            raise ConnectionRejectionError({"reason": "invalid or expired session"})
        return await super().on_ws_connect(context)

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
        if device := ctx.extra.get("device_cookie"):
            # hardening (issue 17): the device token outlives sessions and logouts on purpose;
            # it proves "this browser logged in here before" (docs/security.md).
            response.set_cookie(
                DEVICE_COOKIE,
                device,
                max_age=DEVICE_COOKIE_DAYS * 86400,
                httponly=True,
                secure=self.settings.cookie_secure,
                samesite="lax",
                path="/graphql",
            )

    async def get_context(self, request: Any, response: Any) -> Any:  # pragma: no cover
        raise RuntimeError("context is made in __call__")

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        # --- operations (issue 14): persisted operations; what ran, for logs and metrics ---
        request, context = kwargs["request"], kwargs["context"]
        resolved = await self.persisted.resolve(request, kwargs["request_data"])
        kwargs["request_data"] = resolved.data
        request.state.by_reference = resolved.by_reference
        if request.method == "GET" and not resolved.by_reference and not self.settings.adhoc_get:
            # hardening (issue 17): GET is for cacheable persisted documents; an ad-hoc
            # document over GET (a link someone is lured to, a log line) is refused.
            raise HTTPException(
                405, "Over GET only persisted documents run here; send this one with POST"
            )
        observability.note_graphql(resolved.operation_name, "error", context.viewer.person_id)
        # --- end operations ---
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
        # --- operations (issue 14): GraphQL over HTTP. A request that never executed (parse or
        # validation errors, no error has a path) is a 400 without a `data` entry under
        # application/graphql-response+json; one that executed has `data` and is a 2xx, even
        # when a field error nulled all of it. Plain JSON keeps `data: null` for old clients.
        executed = result.data is not None or any(e.path for e in result.errors or [])
        if executed or GRAPHQL_RESPONSE not in request.headers.get("accept", ""):
            body["data"] = result.data
        if result.extensions:
            body["extensions"] = result.extensions
        limited = _retry_after(request)
        if limited is not None:
            # hardening (issue 17): throttling visible to HTTP; the payload keeps its error.
            body.setdefault("errors", []).append(
                {
                    "message": translate(RATE_LIMITED_SECONDS, seconds=limited),
                    "extensions": {"code": "RATE_LIMITED", "retryAfterSeconds": limited},
                }
            )
        if not executed and result.errors:
            request.state.request_error = True
        if any(outage.is_outage(e.original_error) for e in result.errors or []):
            request.state.outage = True  # issue 17: a 503, the client may retry
        # --- end operations ---
        observability.note_outcome(result.data is not None, bool(result.errors))  # issue 14
        return body

    def _handle_errors(self, errors: list[GraphQLError], response_data: Any) -> None:
        return None  # logged in process_result; strawberry would log every one again

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        try:
            response = await super().run(request, context=context)
        except PersistedQueryError as e:  # operations (issue 14)
            return JSONResponse(e.body(), status_code=e.status)
        if getattr(request.state, "by_reference", False) and context is not None:
            # operations (issue 14): a document fetched by id over GET may be cached, by
            # shared caches only when nobody is logged in.
            cache = "public, max-age=60" if not context.viewer.person_id else "private, no-store"
            if request.method == "GET" and response.status_code == 200:
                response.headers["cache-control"] = cache
                response.headers["vary"] = "Authorization, Cookie, Accept-Language"
        if getattr(request.state, "outage", False):  # issue 17: the database is unreachable
            response.status_code = 503
            response.headers["retry-after"] = str(outage.RETRY_AFTER_SECONDS)
        limited = _retry_after(request)
        if limited is not None:  # hardening (issue 17): 429 with Retry-After
            response.status_code = 429
            response.headers["retry-after"] = str(limited)
        if context is not None and context.extra.get("accept_graphql_response"):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            # With this media type a request that never executed is a 400 (GraphQL over HTTP).
            if getattr(request.state, "request_error", False):
                response.status_code = 400
        return response


def _retry_after(request: Any) -> int | None:
    """Seconds a throttled client waits (hardening, issue 17), or None when not throttled."""
    ctx = getattr(request.state, "portaal_context", None)
    wait = ctx.extra.get("retry_after_seconds") if isinstance(ctx, Context) else None
    return int(wait) if wait else None


def tune_collector() -> None:
    """Garbage collection for a server whose heap after start-up lives as long as it does."""
    # The schema, mappers and modules: out of the collector's sight, a full collection no
    # longer walks them (about 5 % of a large page's CPU).
    gc.freeze()
    # A list page allocates some 100,000 objects, nearly all freed by reference counting; at
    # the default (700) the young generation was collected 150 times per page, 18 % of its CPU,
    # and at 10,000 the older generations' passes still cost a fifth of a page's median
    # (bench.profile, alternating settings in one process). Cycles are still collected.
    gc.set_threshold(50_000, 20, 20)


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
        tune_collector()
        yield
        stop.set()
        if task:
            await task
        await database.dispose()

    app = Starlette(
        routes=[
            Route("/", lambda r: RedirectResponse("/graphql")),
            Route("/healthz", core_routes.health),
            # --- operations (issue 14) ---
            Route("/livez", observability.livez),
            Route("/readyz", observability.readyz),
            Route("/metrics", observability.metrics_endpoint),
            *([Route("/graphiql/{name}", graphiql.asset)] if settings.graphiql else []),
            # --- end operations ---
            # The embedded account pages mails link to without a frontend (issue 14).
            Route("/activate", account_routes.activate, methods=["GET", "POST"]),
            Route("/reset-password", account_routes.reset_password, methods=["GET", "POST"]),
            Route("/exports/{export_id:int}", background_routes.download_export),
            Route("/ics/{token}", school_routes.timetable_feed),
            Route("/meldcode/overview.{kind:str}", meldcode_routes.overview_document),
            Route("/certificates/{certificate_id:int}.pdf", academy_routes.certificate_pdf),
            Route("/refreshers/{delivery_id:int}", academy_routes.refresher),
            Route("/invoices/{invoice_id:int}.pdf", institute_routes.invoice_pdf),
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
            WebSocketRoute("/graphql", graphql_app),  # subscriptions (issue 14)
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
            *cors_middleware(settings.cors_origins),  # operations (issue 14)
        ],
    )
    app.state.settings = settings
    app.state.database = database
    app.state.graphql = graphql_app
    # --- operations (issue 14): request IDs, access log, metrics; outermost, so CORS
    # preflights and errors are counted and carry an X-Request-ID too ---
    app.state.metrics = observability.Metrics()
    app.add_middleware(
        observability.RequestObservability, metrics=app.state.metrics, database=database
    )
    return app
