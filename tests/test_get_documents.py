"""Point 7 of issue 17: in production GET runs persisted documents only (they are what a
cache can help with); an ad-hoc document over GET is refused with 405."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest
from cryptography.fernet import Fernet

from persistence.db import Database
from portaal.app import create_app
from portaal.settings import Settings
from tests.conftest import make_settings

QUERY = "query Typename { __typename }"
APQ = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(QUERY.encode()).hexdigest()}}


def client(database: Database, settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portaal.test")


def test_production_refuses_adhoc_get_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env().adhoc_get is True  # development keeps GraphiQL-style GETs
    monkeypatch.setenv("PORTAAL_ENV", "production")
    monkeypatch.setenv("PORTAAL_SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PORTAAL_MELDCODE_KEYS", Fernet.generate_key().decode())
    assert Settings.from_env().adhoc_get is False


async def test_adhoc_get_is_refused_but_a_persisted_get_runs(
    database_with_demo: Database,
) -> None:
    settings = make_settings(database_with_demo.url, adhoc_get=False)
    async with client(database_with_demo, settings) as c:
        adhoc = await c.get("/graphql", params={"query": QUERY})
        assert adhoc.status_code == 405
        assert adhoc.headers["allow"] == "POST"
        assert "__typename" not in adhoc.text
        # the same document over POST registers it (APQ) and runs
        posted = await c.post("/graphql", json={"query": QUERY, "extensions": APQ})
        assert posted.json()["data"] == {"__typename": "Query"}
        # by reference over GET it runs, and may be cached
        by_hash = await c.get("/graphql", params={"extensions": json.dumps(APQ)})
        assert by_hash.status_code == 200
        assert by_hash.json()["data"] == {"__typename": "Query"}
        assert by_hash.headers["cache-control"] == "public, max-age=60"
        # a GET carrying the document and its hash is ad hoc, too
        both = await c.get("/graphql", params={"query": QUERY, "extensions": json.dumps(APQ)})
        assert both.status_code == 405


async def test_development_still_answers_adhoc_get(database_with_demo: Database) -> None:
    async with client(database_with_demo, make_settings(database_with_demo.url)) as c:
        response = await c.get("/graphql", params={"query": QUERY})
        assert response.status_code == 200
