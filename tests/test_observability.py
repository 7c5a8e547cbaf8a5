"""Request IDs, the JSON access log, /metrics, liveness and readiness, the worker's heartbeat."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from persistence.db import Database
from persistence.migrate import upgrade
from portaal import cli
from portaal.app import create_app
from portaal.demo import DEMO_PASSWORD
from portaal.observability import JsonFormatter
from portaal.worker import _beat, heartbeat_fresh
from tests.conftest import make_settings

LOGIN = "mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def access_lines() -> Any:
    handler = Lines()
    logger = logging.getLogger("portaal.access")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(old)


def client(database: Database, **settings: Any) -> httpx.AsyncClient:
    app = create_app(make_settings(database.url, **settings), database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portaal.test")


async def test_request_id_taken_if_sane_else_made(database_with_demo: Database) -> None:
    async with client(database_with_demo) as c:
        given = await c.get("/livez", headers={"x-request-id": "req-42.a_b"})
        assert given.headers["x-request-id"] == "req-42.a_b"
        for bad in ("x" * 65, "two words", "a/b", "<script>"):
            made = await c.get("/livez", headers={"x-request-id": bad})
            assert made.headers["x-request-id"] != bad
            assert len(made.headers["x-request-id"]) == 32
        none = await c.get("/livez")
        assert len(none.headers["x-request-id"]) == 32


async def test_one_json_line_per_request_without_secrets(
    database_with_demo: Database, access_lines: list[str]
) -> None:
    email = "beheer@portaal.example"
    async with client(database_with_demo) as c:
        login = await c.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"e": email, "p": DEMO_PASSWORD}},
            headers={"x-request-id": "login-1"},
        )
        token = login.json()["data"]["login"]["token"]
        await c.post(
            "/graphql",
            json={"query": "query Me { viewer { id } }"},
            headers={"authorization": f"Bearer {token}", "x-request-id": "me-1"},
        )
        await c.get(
            "/graphql",
            params={
                "query": "query Q($v: String) { __typename }",
                "variables": '{"v": "secret-variable"}',
            },
        )
        await c.get("/ics/very-secret-feed-token")
    lines = [json.loads(line) for line in access_lines]
    assert [line["msg"] for line in lines] == ["request"] * 4
    first, me, get, ics = lines
    assert first["request_id"] == "login-1"
    assert first["operation"] == "Login"
    assert first["status"] == 200
    assert first["outcome"] == "success"
    assert me["operation"] == "Me"
    assert isinstance(me["viewer_id"], int)
    assert me["duration_ms"] >= 0 and me["sql_statements"] >= 1
    assert get["operation"] == "Q"
    assert ics["route"] == "/ics/{token}"
    text = "\n".join(access_lines)
    for secret in (email, DEMO_PASSWORD, token, "secret-variable", "very-secret-feed-token"):
        assert secret not in text


def test_log_lines_mask_addresses_and_carry_exceptions() -> None:
    record = logging.LogRecord(
        "portaal", logging.WARNING, __file__, 1, "to %s", ("a.b@example.org",), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "to <email>"
    assert line["level"] == "WARNING"


async def test_metrics_after_a_few_requests(database_with_demo: Database) -> None:
    async with client(database_with_demo) as c:
        for _ in range(2):
            await c.post("/graphql", json={"query": "query Ping { __typename }"})
        await c.post("/graphql", json={"query": "query Broken { nope }"})
        scrape = await c.get("/metrics")
    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    samples: dict[str, float] = {}
    for line in scrape.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    assert samples['portaal_graphql_requests_total{operation="Ping",outcome="success"}'] == 2
    assert samples['portaal_graphql_requests_total{operation="Broken",outcome="error"}'] == 1
    assert samples['portaal_graphql_request_duration_seconds_count{operation="Ping"}'] == 2
    assert samples['portaal_http_requests_total{method="POST",route="/graphql",status="200"}'] == 3
    assert samples["portaal_sql_statements_per_request_count"] >= 3
    for gauge in (
        "portaal_outbox_depth",
        "portaal_outbox_oldest_age_seconds",
        "portaal_outbox_dead",
        "portaal_job_lag_seconds",
        "portaal_export_duration_seconds_count",
    ):
        assert gauge in samples, gauge
    assert samples["portaal_outbox_depth"] >= 0


async def test_liveness_and_readiness(database_with_demo: Database, tmp_path: Path) -> None:
    async with client(database_with_demo) as c:
        assert (await c.get("/livez")).json() == {"status": "ok"}
        assert (await c.get("/readyz")).json() == {"status": "ok"}
        assert (await c.get("/healthz")).json() == {"status": "ok"}
    behind = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    upgrade(behind.replace("+aiosqlite", ""), "0001")
    db = Database(behind)
    try:
        async with client(db) as c:
            ready = await c.get("/readyz")
            assert ready.status_code == 503
            assert "not at head" in ready.json()["reason"]
            assert (await c.get("/livez")).status_code == 200
    finally:
        await db.dispose()


def test_worker_heartbeat(tmp_path: Path) -> None:
    beat = tmp_path / "beat"
    assert not heartbeat_fresh(beat)
    _beat(beat)
    assert heartbeat_fresh(beat)


def test_serve_flags_reach_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setenv("PORTAAL_LOG_FORMAT", "text")
    monkeypatch.delenv("PORTAAL_HOST", raising=False)
    monkeypatch.delenv("PORTAAL_PORT", raising=False)
    assert cli.main(["serve", "--host", "127.0.0.2", "--port", "18501", "--workers", "3"]) == 0
    assert seen["app"] == "portaal.cli:app_factory"
    assert (seen["host"], seen["port"], seen["workers"]) == ("127.0.0.2", 18501, 3)
    assert seen["access_log"] is False


async def test_account_page_tokens_never_reach_the_access_log(
    database_with_demo: Database, access_lines: list[str]
) -> None:
    async with client(database_with_demo) as c:
        await c.get("/activate", params={"token": "very-secret-activation-token"})
        await c.post(
            "/reset-password",
            data={"token": "very-secret-reset-token", "password": "x", "confirmation": "x"},
        )
    lines = [json.loads(line) for line in access_lines]
    assert [line["route"] for line in lines] == ["/activate", "/reset-password"]
    text = "\n".join(access_lines)
    assert "very-secret-activation-token" not in text
    assert "very-secret-reset-token" not in text
