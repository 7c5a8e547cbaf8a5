"""Persisted operations: Apollo's APQ protocol on the wire, and trusted-documents mode."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from persistence.core import documents as documents_q
from persistence.db import Database
from persistence.migrate import upgrade
from portaal.app import create_app
from portaal.cli import main
from portaal.demo import DEMO_PASSWORD
from portaal.persisted import BoundedStore, parse_manifest, register_manifest
from tests.conftest import make_settings

QUERY = "query Typename { __typename }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
APQ = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}
APOLLO_MANIFEST = {
    "format": "apollo-persisted-query-manifest",
    "version": 1,
    "operations": [{"id": HASH, "name": "Typename", "type": "query", "body": QUERY}],
}
LOGIN = "mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"


def client(database: Database, **settings: Any) -> httpx.AsyncClient:
    app = create_app(make_settings(database.url, **settings), database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portaal.test")


async def test_apq_as_apollo_sends_it(database_with_demo: Database) -> None:
    """Hash only, PersistedQueryNotFound, then hash and document, then hash only again."""
    async with client(database_with_demo) as c:
        first = await c.post("/graphql", json={"operationName": "Typename", "extensions": APQ})
        assert first.status_code == 200
        assert first.headers["content-type"].startswith("application/json")
        assert first.json() == {
            "errors": [
                {
                    "message": "PersistedQueryNotFound",
                    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
                }
            ]
        }
        second = await c.post("/graphql", json={"query": QUERY, "extensions": APQ})
        assert second.json()["data"] == {"__typename": "Query"}
        third = await c.post("/graphql", json={"extensions": APQ})
        assert third.json()["data"] == {"__typename": "Query"}
        # Apollo's useGETForHashedQueries: cacheable when nobody is logged in.
        get = await c.get("/graphql", params={"extensions": json.dumps(APQ)})
        assert get.json()["data"] == {"__typename": "Query"}
        assert get.headers["cache-control"] == "public, max-age=60"


async def test_apq_refuses_a_hash_that_does_not_match(database_with_demo: Database) -> None:
    async with client(database_with_demo) as c:
        wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
        response = await c.post("/graphql", json={"query": QUERY, "extensions": wrong})
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
        # The wrong hash was not stored.
        again = await c.post("/graphql", json={"extensions": wrong})
        assert again.json()["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_authenticated_get_is_never_publicly_cacheable(database_with_demo: Database) -> None:
    async with client(database_with_demo) as c:
        await c.post("/graphql", json={"query": QUERY, "extensions": APQ})
        token = (
            await c.post(
                "/graphql",
                json={
                    "query": LOGIN,
                    "variables": {"e": "beheer@portaal.example", "p": DEMO_PASSWORD},
                },
            )
        ).json()["data"]["login"]["token"]
        response = await c.get(
            "/graphql",
            params={"extensions": json.dumps(APQ)},
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-store"


def test_the_apq_store_is_bounded() -> None:
    store = BoundedStore(2)
    store.put("a", "1")
    store.put("b", "2")
    assert store.get("a") == "1"  # a is now the most recently used
    store.put("c", "3")
    assert len(store) == 2
    assert store.get("b") is None
    assert store.get("a") == "1"


async def test_trusted_documents_mode(database_with_demo: Database) -> None:
    relay = {"relay-typename-1": "query RelayTypename { __typename }"}
    assert await register_manifest(database_with_demo, APOLLO_MANIFEST, "web") == (1, 0)
    assert await register_manifest(database_with_demo, relay, "relay") == (1, 0)
    assert await register_manifest(database_with_demo, APOLLO_MANIFEST, "web") == (0, 1)
    async with client(database_with_demo, trusted_documents=True) as c:
        ad_hoc = await c.post("/graphql", json={"query": "{ __typename viewer { id } }"})
        assert ad_hoc.status_code == 400
        error = ad_hoc.json()["errors"][0]
        assert error["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
        assert "registered" in error["message"]
        assert "data" not in ad_hoc.json()
        # An unregistered document may not register itself through APQ either.
        other = "query Other { __typename }"
        sneaky = {
            "persistedQuery": {
                "version": 1,
                "sha256Hash": hashlib.sha256(other.encode()).hexdigest(),
            }
        }
        refused = await c.post("/graphql", json={"query": other, "extensions": sneaky})
        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
        # Registered: by documentId over GET (cacheable), by APQ hash, by Relay's id in a POST.
        by_id = await c.get("/graphql", params={"documentId": f"sha256:{HASH}"})
        assert by_id.json()["data"] == {"__typename": "Query"}
        assert by_id.headers["cache-control"] == "public, max-age=60"
        by_hash = await c.post("/graphql", json={"extensions": APQ})
        assert by_hash.json()["data"] == {"__typename": "Query"}
        relay_post = await c.post("/graphql", json={"documentId": "relay-typename-1"})
        assert relay_post.json()["data"] == {"__typename": "Query"}
        unknown = await c.get("/graphql", params={"documentId": "nope"})
        assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        # An id that is no id is refused before any lookup.
        assert (await c.get("/graphql", params={"documentId": "nope!'"})).status_code == 400


def test_manifests_are_checked() -> None:
    rows = parse_manifest(APOLLO_MANIFEST, "web")
    assert [(r.id, r.sha256, r.operation_name) for r in rows] == [(HASH, HASH, "Typename")]
    with pytest.raises(ValueError):
        parse_manifest({"format": "apollo-persisted-query-manifest", "version": 2}, "web")
    with pytest.raises(ValueError):
        parse_manifest([1, 2], "web")


def test_cli_registers_a_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    upgrade(url.replace("+aiosqlite", ""))
    manifest = tmp_path / "persisted-query-manifest.json"
    manifest.write_text(json.dumps(APOLLO_MANIFEST))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PORTAAL_LOG_FORMAT", "text")
    assert main(["documents", "register", str(manifest), "--client", "web"]) == 0

    async def stored() -> str | None:
        db = Database(url)
        try:
            async with db.transaction() as session:
                row = await documents_q.find_document(session, HASH)
            return row.document if row else None
        finally:
            await db.dispose()

    assert asyncio.run(stored()) == QUERY
    bad = tmp_path / "bad.json"
    bad.write_text("[1]")
    assert main(["documents", "register", str(bad)]) == 1
