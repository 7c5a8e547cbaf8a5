"""CORS: same-origin unless configured; listed origins only, with credentials."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from persistence.db import Database
from portaal.app import create_app
from portaal.cors import parse_origins
from tests.conftest import make_settings

APP_ORIGIN = "https://app.example"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type, authorization",
}


def client(database: Database, **settings: Any) -> httpx.AsyncClient:
    app = create_app(make_settings(database.url, **settings), database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portaal.test")


async def test_same_origin_by_default(database_with_demo: Database) -> None:
    async with client(database_with_demo) as c:
        preflight = await c.options("/graphql", headers={"origin": APP_ORIGIN, **PREFLIGHT})
        assert preflight.status_code == 405
        post = await c.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": APP_ORIGIN}
        )
        assert "access-control-allow-origin" not in post.headers


async def test_listed_origins_only_with_credentials(database_with_demo: Database) -> None:
    async with client(database_with_demo, cors_origins=(APP_ORIGIN,)) as c:
        preflight = await c.options("/graphql", headers={"origin": APP_ORIGIN, **PREFLIGHT})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == APP_ORIGIN
        assert preflight.headers["access-control-allow-credentials"] == "true"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()

        post = await c.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": APP_ORIGIN}
        )
        assert post.json()["data"] == {"__typename": "Query"}
        assert post.headers["access-control-allow-origin"] == APP_ORIGIN
        assert post.headers["access-control-allow-credentials"] == "true"
        assert "x-request-id" in post.headers["access-control-expose-headers"].lower()

        evil = "https://evil.example"
        refused = await c.options("/graphql", headers={"origin": evil, **PREFLIGHT})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        other = await c.post("/graphql", json={"query": "{ __typename }"}, headers={"origin": evil})
        assert "access-control-allow-origin" not in other.headers


def test_the_allow_list_is_parsed_strictly() -> None:
    assert parse_origins(" https://a.example/, http://localhost:5173 ,") == (
        "https://a.example",
        "http://localhost:5173",
    )
    assert parse_origins("") == ()
    for bad in ("*", "a.example"):
        with pytest.raises(ValueError):
            parse_origins(bad)
