"""An unreachable database (issue 17 faults): every GraphQL request that needs it answers 503
with `Retry-After` and a top-level UNAVAILABLE error in the reader's language, never a 500 page
or the driver's text; readiness and health say 503. Runs everywhere: the database is a port
nobody listens on (the restart itself: tests/test_fault_restart.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from persistence.db import Database
from portaal.app import create_app
from tests.conftest import make_settings
from tests.live_server import free_port

LOGIN = """mutation { login(email: "lotte.jansen@example.org", password: "x") { token } }"""


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere?connect_timeout=2"
    db = Database(url)
    transport = httpx.ASGITransport(app=create_app(make_settings(url), db))
    async with httpx.AsyncClient(transport=transport, base_url="http://portaal.test") as c:
        yield c
    await db.dispose()


@pytest.mark.parametrize(
    ("headers", "lang"),
    [({"authorization": "Bearer some-token"}, "nl"), ({"accept-language": "en"}, "en")],
)
async def test_an_unreachable_database_answers_503_cleanly(
    client: httpx.AsyncClient, headers: dict[str, str], lang: str
) -> None:
    # With a token the outage strikes while authenticating; anonymous, inside the mutation.
    response = await client.post("/graphql", json={"query": LOGIN}, headers=headers)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "3"
    errors = response.json()["errors"]
    assert [e["extensions"] for e in errors] == [{"code": "UNAVAILABLE"}]
    expected = {"nl": "De dienst is even niet bereikbaar", "en": "The service is briefly"}
    assert errors[0]["message"].startswith(expected[lang])
    text = response.text.lower()
    assert not any(w in text for w in ("psycopg", "sqlalchemy", "connection", "127.0.0.1"))


async def test_readiness_and_health_say_unavailable(client: httpx.AsyncClient) -> None:
    assert (await client.get("/readyz")).status_code == 503
    assert (await client.get("/healthz")).status_code == 503
    assert (await client.get("/livez")).status_code == 200  # a restart would not fix it
