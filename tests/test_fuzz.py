"""A bounded schema-driven fuzz run (issue 17): hypothesis-graphql writes valid documents of
every root field with arbitrary arguments; they go to a live uvicorn over HTTP with the
platform admin's API token (which cannot log itself out: `logout` ends sessions only).

0 answers with a 5xx status and 0 unmasked errors (anything internal: a traceback, SQL, an
INTERNAL code). Bounded by FUZZ_EXAMPLES (default 80, about a minute in CI; `make security`
prints the figures).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes

from persistence.db import Database
from persistence.migrate import upgrade
from portaal.app import create_app
from portaal.demo import DEMO_PASSWORD, load_demo
from schema.build import print_sdl
from tests.conftest import make_settings
from tests.live_server import free_port

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "80"))
LEAKS = re.compile(r"Traceback|sqlalchemy|psycopg|sqlite3|File \"|line \d+, in ", re.I)
SCALARS = {
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "DateTime": st.datetimes().map(lambda d: nodes.String(d.isoformat() + "Z")),
    "Time": st.times().map(lambda t: nodes.String(t.strftime("%H:%M"))),
    "Decimal": st.decimals(allow_nan=False, allow_infinity=False, places=2).map(
        lambda d: nodes.String(str(d))
    ),
}


@contextmanager
def demo_server(folder: Path) -> Iterator[str]:
    import asyncio

    import uvicorn

    url = f"sqlite+aiosqlite:///{folder / 'fuzz.db'}"
    upgrade(url.replace("+aiosqlite", ""))

    async def seed() -> None:
        db = Database(url)
        try:
            await load_demo(db)
        finally:
            await db.dispose()

    asyncio.run(seed())
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(make_settings(url)),
            host="127.0.0.1",
            port=port,
            log_level="critical",
            proxy_headers=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _api_token(client: httpx.Client) -> str:
    login = client.post(
        "/graphql",
        json={
            "query": 'mutation($p: String!) { login(email: "beheer@portaal.example", '
            "password: $p) { token } }",
            "variables": {"p": DEMO_PASSWORD},
        },
    ).json()["data"]["login"]["token"]
    auth = {"authorization": f"Bearer {login}"}
    roles = client.post(
        "/graphql", json={"query": "{ viewer { roleAssignments { id role } } }"}, headers=auth
    ).json()["data"]["viewer"]["roleAssignments"]
    assignment = next(r["id"] for r in roles if r["role"] == "PLATFORM_ADMIN")
    created = client.post(
        "/graphql",
        json={
            "query": 'mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "fuzz") '
            "{ token } }",
            "variables": {"a": assignment},
        },
        headers=auth,
    ).json()
    return str(created["data"]["createApiToken"]["token"])


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, dict]]:
    with demo_server(tmp_path_factory.mktemp("fuzz")) as base:
        with httpx.Client(base_url=base, timeout=30) as client:
            token = _api_token(client)
            yield client, {"authorization": f"Bearer {token}"}


FIGURES: dict[str, Any] = {"requests": 0, "5xx": 0, "unmasked": 0, "statuses": {}}


def test_schema_driven_fuzz(fuzz_target: tuple[httpx.Client, dict]) -> None:
    client, headers = fuzz_target
    started = time.perf_counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(document=from_schema(print_sdl(), custom_scalars=SCALARS))
    def one(document: str) -> None:
        response = client.post("/graphql", json={"query": document}, headers=headers)
        FIGURES["requests"] += 1
        FIGURES["statuses"][response.status_code] = (
            FIGURES["statuses"].get(response.status_code, 0) + 1
        )
        assert response.status_code < 500, (document, response.text[:500])
        body = response.json()
        for error in body.get("errors", []):
            code = (error.get("extensions") or {}).get("code")
            assert code != "INTERNAL", (document, error)
            assert not LEAKS.search(error.get("message", "")), (document, error)

    try:
        one()
    finally:
        FIGURES["seconds"] = round(time.perf_counter() - started, 1)
        print(
            f"\nfuzz: {FIGURES['requests']} requests in {FIGURES['seconds']} s, "
            f"statuses {FIGURES['statuses']}, 0 x 5xx and 0 unmasked errors required"
        )
    # the token survived the run (it cannot log itself out)
    me = client.post("/graphql", json={"query": "{ viewer { person { email } } }"}, headers=headers)
    assert me.json()["data"]["viewer"]["person"]["email"] == "beheer@portaal.example"
