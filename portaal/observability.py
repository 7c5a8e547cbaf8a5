"""Request IDs, structured JSON logs, Prometheus metrics, liveness and readiness.

Log lines never hold e-mail addresses, tokens, secrets or query strings: the access line names
the route template (so an ICS feed's secret stays out), never the query string (GET variables,
signed-link signatures), and the viewer only by id.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persistence.background.gauges import background_gauges
from persistence.db import Database
from persistence.readiness import migration_problem
from persistence.types import utcnow

access_log = logging.getLogger("portaal.access")

SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SANE_OPERATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Paths whose segments are secrets or identifiers not worth a time series each.
ROUTE_TEMPLATES = [
    (re.compile(r"^/ics/[^/]+$"), "/ics/{token}"),
    (re.compile(r"^/exports/\d+$"), "/exports/{id}"),
    (re.compile(r"^/certificates/\d+\.pdf$"), "/certificates/{id}.pdf"),
]
KNOWN_ROUTES = {"/", "/graphql", "/healthz", "/livez", "/readyz", "/metrics"}
# The account pages carry their token in the query string, which is never logged.
KNOWN_ROUTES |= {"/activate", "/reset-password"}
# Operation names come from clients: past this many distinct ones, the rest count as "other".
MAX_OPERATION_LABELS = 200


@dataclass
class RequestInfo:
    """What the GraphQL view learns about a request, for its log line and metrics."""

    request_id: str
    operation: str | None = None
    outcome: str | None = None
    viewer_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "portaal_request", default=None
)


def request_info() -> RequestInfo | None:
    return current.get()


def route_of(path: str) -> str:
    if path in KNOWN_ROUTES or path.startswith("/graphiql/"):
        return path
    for pattern, template in ROUTE_TEMPLATES:
        if pattern.match(path):
            return template
    return "/magazine/unsubscribe" if path == "/magazine/unsubscribe" else "other"


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request ID of the request being served."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            # A message may quote an address (a failing mail): mask it rather than leak it.
            "msg": EMAIL.sub("<email>", record.getMessage()),
        }
        info = current.get()
        if info is not None:
            line["request_id"] = info.request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exc"] = EMAIL.sub("<email>", self.formatException(record.exc_info))
        return json.dumps(line, default=str)


def configure_logging(level: int = logging.INFO, *, as_json: bool = True) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if as_json else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


class Metrics:
    """The app's Prometheus series, in a registry of its own (one per app, so tests can
    create many apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "portaal_http_requests",
            "HTTP requests by route template, method and status",
            ["route", "method", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "portaal_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["route"],
            registry=r,
        )
        self.graphql_requests = Counter(
            "portaal_graphql_requests",
            "GraphQL operations by operation name and outcome (success, partial, error)",
            ["operation", "outcome"],
            registry=r,
        )
        self.graphql_duration = Histogram(
            "portaal_graphql_request_duration_seconds",
            "GraphQL request latency by operation name",
            ["operation"],
            registry=r,
        )
        self.sql_statements = Histogram(
            "portaal_sql_statements_per_request",
            "SQL statements run while serving one request (approximate under concurrency)",
            buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144),
            registry=r,
        )
        self.outbox_depth = Gauge("portaal_outbox_depth", "Mails waiting in the outbox", registry=r)
        self.outbox_oldest = Gauge(
            "portaal_outbox_oldest_age_seconds", "Age of the oldest waiting mail", registry=r
        )
        self.outbox_dead = Gauge("portaal_outbox_dead", "Mails the worker gave up on", registry=r)
        self.job_lag = Gauge(
            "portaal_job_lag_seconds", "How long the oldest due job has waited", registry=r
        )
        self.export_duration = self._export_histogram()
        self._operations: set[str] = set()

    def _export_histogram(self) -> Histogram:
        return Histogram(
            "portaal_export_duration_seconds",
            "Durations of exports finished in the hour before the scrape",
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
            registry=self.registry,
        )

    def operation_label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not SANE_OPERATION.match(name):
            return "other"
        if name not in self._operations:
            if len(self._operations) >= MAX_OPERATION_LABELS:
                return "other"
            self._operations.add(name)
        return name

    async def refresh(self, database: Database) -> None:
        """Background figures are read from the database at scrape time."""
        async with database.transaction() as session:
            gauges = await background_gauges(session, utcnow())
        self.outbox_depth.set(gauges.outbox_depth)
        self.outbox_oldest.set(gauges.outbox_oldest_age_seconds)
        self.outbox_dead.set(gauges.outbox_dead)
        self.job_lag.set(gauges.job_lag_seconds)
        self._replace_export_histogram(gauges.recent_export_seconds)

    def _replace_export_histogram(self, seconds: list[float]) -> None:
        # Exports are rows read at each scrape, not events: a fresh histogram per scrape shows
        # the last hour's exports without counting any twice.
        self.registry.unregister(self.export_duration)
        self.export_duration = self._export_histogram()
        for s in seconds:
            self.export_duration.observe(s)


class RequestObservability:
    """ASGI middleware: request ID in and out, one JSON access line, HTTP and GraphQL metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics, database: Database) -> None:
        self.app = app
        self.metrics = metrics
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
        info = RequestInfo(request_id)
        token = current.set(info)
        status = 500
        started = time.perf_counter()
        statements = self.database.statement_count

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, info, status, time.perf_counter() - started, statements)
            current.reset(token)

    def _record(
        self, scope: Scope, info: RequestInfo, status: int, seconds: float, statements: int
    ) -> None:
        route = route_of(scope["path"])
        sql = self.database.statement_count - statements
        m = self.metrics
        m.http_requests.labels(route, scope["method"], str(status)).inc()
        m.http_duration.labels(route).observe(seconds)
        m.sql_statements.observe(sql)
        fields: dict[str, Any] = {
            "method": scope["method"],
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "sql_statements": sql,
        }
        if info.outcome is not None:
            operation = m.operation_label(info.operation)
            m.graphql_requests.labels(operation, info.outcome).inc()
            m.graphql_duration.labels(operation).observe(seconds)
            fields.update(operation=info.operation, outcome=info.outcome)
        if info.viewer_id is not None:
            fields["viewer_id"] = info.viewer_id
        fields.update(info.extra)
        access_log.info("request", extra={"fields": fields})


def note_graphql(operation: str | None, outcome: str, viewer_id: int | None) -> None:
    """Called by the GraphQL view once it knows what ran and how it went."""
    info = current.get()
    if info is not None:
        info.operation = operation
        info.outcome = outcome
        info.viewer_id = viewer_id


def note_outcome(has_data: bool, has_errors: bool) -> None:
    """success: data, no errors; partial: data and errors; error: no data."""
    info = current.get()
    if info is not None:
        info.outcome = "error" if not has_data else "partial" if has_errors else "success"


async def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    try:
        await metrics.refresh(request.app.state.database)
    except Exception:
        logging.getLogger("portaal").warning("background gauges unavailable", exc_info=True)
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


async def livez(request: Request) -> Response:
    """The process serves requests (no database needed: a restart would not fix one)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Traffic may come: the database answers and its schema is at the newest migration."""
    problem = await migration_problem(request.app.state.database)
    if problem:
        return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
    return JSONResponse({"status": "ok"})
