"""The ASGI application: GraphQL over HTTP on /graphql, plus health and ICS routes later."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import HTTPException
from graphql.error import GraphQLError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from persistence.db import Database
from portaal import graphiql, observability  # operations (issue 14)
from portaal.auth import SESSION_COOKIE, authenticate, credentials
from portaal.cors import cors_middleware  # operations (issue 14)
from portaal.errors import format_error
from portaal.ics import calendar_feed
from portaal.persisted import PersistedOperations, PersistedQueryError  # operations (issue 14)
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
        client = request.client.host if request.client else "unknown"
        ctx = Context.create(self.settings, self.database, request=request, client_address=client)
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
        # --- operations (issue 14): persisted operations; what ran, for logs and metrics ---
        request, context = kwargs["request"], kwargs["context"]
        resolved = await self.persisted.resolve(request, kwargs["request_data"])
        kwargs["request_data"] = resolved.data
        request.state.by_reference = resolved.by_reference
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
        if not executed and result.errors:
            request.state.request_error = True
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
        if context is not None and context.extra.get("accept_graphql_response"):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            # With this media type a request that never executed is a 400 (GraphQL over HTTP).
            if getattr(request.state, "request_error", False):
                response.status_code = 400
        return response


async def health(request: Request) -> Response:
    db: Database = request.app.state.database
    if not await db.ping():
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def requesting_person(db: Database, request: Request) -> int | None:
    """The person behind the request's bearer token or session cookie, if any."""
    from domain.core.hashing import hash_secret
    from persistence.core import people as identity_q
    from persistence.types import utcnow

    secret, _source = credentials(request.headers, request.cookies)
    if not secret:
        return None
    async with db.transaction() as session:
        found = await identity_q.active_token(session, hash_secret(secret), utcnow())
    return found[1].id if found else None


async def download_export(request: Request) -> Response:
    """A signed, expiring link for the person who asked for the export; nobody else."""
    from domain.core.signing import expired, verify
    from persistence.background import jobs as jobs_q
    from persistence.background.models import ExportJob
    from persistence.types import utcnow

    settings: Settings = request.app.state.settings
    db: Database = request.app.state.database
    export_id = request.path_params["export_id"]
    try:
        expires = int(request.query_params.get("expires", ""))
    except ValueError:
        return PlainTextResponse("This download link is not valid.", status_code=403)
    signature = request.query_params.get("signature", "")
    async with db.transaction() as session:
        job = await session.get(ExportJob, export_id)
        content = await jobs_q.export_content(session, export_id) if job else None
    if job is None or not verify(settings.secret_key, signature, job.id, job.requested_by, expires):
        return PlainTextResponse("This download link is not valid.", status_code=403)
    # A link that leaks (logs, forwarding) is useless to anyone but the person who asked.
    if await requesting_person(db, request) != job.requested_by:
        return PlainTextResponse("Log in as the person who asked for this export.", status_code=403)
    if expired(expires, utcnow()):
        return PlainTextResponse(
            "This download link has expired; ask for a new one.", status_code=410
        )
    if content is None:
        return PlainTextResponse("The export is not ready.", status_code=404)
    return Response(
        content,
        media_type=job.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{job.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


async def certificate_pdf(request: Request) -> Response:
    """The learner's certificate as PDF, behind a signed link made for that learner."""
    from persistence.academy import queries as aq
    from resolvers.academy.documents import certificate_link_valid
    from resolvers.academy.documents import certificate_pdf as render_pdf

    settings: Settings = request.app.state.settings
    db: Database = request.app.state.database
    certificate_id = request.path_params["certificate_id"]
    person_id = certificate_link_valid(settings.secret_key, certificate_id, request.query_params)
    if person_id is None:
        return PlainTextResponse("This link is not valid or has expired.", status_code=403)
    async with db.transaction() as session:
        certificate = (await aq.certificates_by_ids(session, [certificate_id]))[0]
        found = (
            await aq.certificate_by_code(session, certificate.verification_code)
            if certificate
            else None
        )
    if found is None or found[3].id != person_id:
        return PlainTextResponse("This link is not valid or has expired.", status_code=403)
    certificate, _enrolment, course, person = found
    pdf = render_pdf(
        person.display_name,
        course.title,
        certificate.issued_at.date().isoformat(),
        certificate.highest_score_percent,
        certificate.verification_code,
        person.language.value,
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificaat-{certificate.verification_code}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


async def magazine_unsubscribe(request: Request) -> Response:
    """One click from the magazine mail, no login: the signed link says who (RFC 8058 POST too)."""
    from domain.core.errors import DomainError
    from persistence.academy import queries as academy_q
    from persistence.core import people as iq
    from resolvers.academy.documents import magazine_link_person

    settings: Settings = request.app.state.settings
    db: Database = request.app.state.database
    try:
        person_id = magazine_link_person(settings.secret_key, request.query_params)
    except DomainError as e:
        return PlainTextResponse(e.message, status_code=403)
    if request.method == "GET":
        # Mail scanners follow links: GET only asks, POST (the button, or RFC 8058 one-click) acts.
        return Response(
            '<!doctype html><meta charset=utf-8><title>Afmelden</title><form method="post">'
            "<p>Wil je het magazine niet meer ontvangen? / Stop receiving the magazine?</p>"
            '<button type="submit">Afmelden / Unsubscribe</button></form>',
            media_type="text/html",
        )
    async with db.transaction() as session:
        await academy_q.unsubscribe_magazine(session, person_id)
        await iq.audit(session, "MAGAZINE_UNSUBSCRIBED", subject=person_id)
    return Response(
        "<!doctype html><meta charset=utf-8><title>Afgemeld</title>"
        "<p>Je bent afgemeld voor het magazine. / You have been unsubscribed from the magazine.</p>",
        media_type="text/html",
    )


async def dev_mailbox(request: Request) -> Response:
    """Development only, and only from this machine: the newest mails in the outbox, as they
    will be sent (they hold activation and reset links)."""
    if not request.client or request.client.host not in {"127.0.0.1", "::1", "localhost"}:
        return PlainTextResponse("Only from the machine itself.", status_code=403)
    from persistence.background import outbox as outbox_q

    db: Database = request.app.state.database
    async with db.transaction() as session:
        mails = await outbox_q.mail_page(session, None, 0, 49)
    items = [
        f"<article><h2>{html.escape(m.subject)}</h2><p>To {html.escape(m.to_address)} · "
        f"{m.status.value} · {m.created_at:%Y-%m-%d %H:%M} UTC</p>"
        f'<iframe sandbox srcdoc="{html.escape(m.html_body, quote=True)}" '
        'style="width:100%;height:320px;border:1px solid #ccc"></iframe>'
        f"<pre>{html.escape(m.text_body)}</pre></article>"
        for m in mails
    ]
    body = "<!doctype html><meta charset=utf-8><title>Outbox</title><h1>Outbox (development)</h1>"
    return Response(body + ("".join(items) or "<p>No mails yet.</p>"), media_type="text/html")


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
            Route("/healthz", health),
            # --- operations (issue 14) ---
            Route("/livez", observability.livez),
            Route("/readyz", observability.readyz),
            Route("/metrics", observability.metrics_endpoint),
            *([Route("/graphiql/{name}", graphiql.asset)] if settings.graphiql else []),
            # --- end operations ---
            Route("/exports/{export_id:int}", download_export),
            Route("/ics/{token}", calendar_feed),
            Route("/certificates/{certificate_id:int}.pdf", certificate_pdf),
            Route("/magazine/unsubscribe", magazine_unsubscribe, methods=["GET", "POST"]),
            *([Route("/dev/mails", dev_mailbox)] if not settings.production else []),
            Route("/graphql", graphql_app),
        ],
        lifespan=lifespan,
        middleware=cors_middleware(settings.cors_origins),  # operations (issue 14)
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
