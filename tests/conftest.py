"""Test fixtures: the real app over ASGI/HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import warnings
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlmodel import SQLModel

from persistence.db import Database
from persistence.migrate import upgrade
from portaal.app import create_app
from portaal.demo import DEMO_PASSWORD, load_demo
from portaal.settings import Settings, normalize_database_url, sync_database_url

PG_URL = normalize_database_url(
    os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
)
IN_CI = os.environ.get("CI", "").lower() == "true"
_pg_problem: list[str] = []


def _postgres_reachable() -> str | None:
    try:
        engine = sa.create_engine(sync_database_url(PG_URL))
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as e:
        return f"{e.__class__.__name__}: {str(e).splitlines()[0]}"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres_only: runs only on PostgreSQL")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _pg_problem:
        terminalreporter.write_sep("!", "POSTGRESQL TESTS WERE SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"PostgreSQL at {PG_URL} unreachable: {_pg_problem[0]}")


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(sync_database_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def pg_url() -> str:
    problem = _postgres_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true and is unreachable: {problem}")
        _pg_problem.append(problem)
        warnings.warn(f"PostgreSQL unreachable, skipping its tests: {problem}", stacklevel=1)
        pytest.skip(f"PostgreSQL unreachable: {problem}")
    return PG_URL


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database of each kind, once per test session."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = request.getfixturevalue("pg_url")
        reset_postgres(url)
    upgrade(sync_database_url(url))
    return url


@pytest_asyncio.fixture(scope="session")
async def database(backend_url: str) -> AsyncIterator[Database]:
    db = Database(backend_url)
    yield db
    await db.dispose()


async def wipe(db: Database) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    async with db.engine.begin() as conn:
        if db.is_postgres:
            await conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await conn.execute(sa.text(f"DELETE FROM {table}"))


def make_settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": url,
        "public_url": "http://portaal.test",
        "secret_key": "test-secret",
        "run_worker_in_process": False,
    }
    values.update(overrides)
    return Settings(**values)


@pytest_asyncio.fixture
async def database_with_demo(database: Database) -> Database:
    await wipe(database)
    await load_demo(database)
    return database


@pytest_asyncio.fixture
async def app(database_with_demo: Database) -> Any:
    return create_app(make_settings(database_with_demo.url), database_with_demo)


class Api:
    """The GraphQL endpoint as a client sees it, plus a statement counter."""

    def __init__(self, client: httpx.AsyncClient, database: Database) -> None:
        self.client = client
        self.database = database
        self.last_statements = 0

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        **kw: Any,
    ) -> httpx.Response:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        headers.update(kw.pop("headers", {}))
        before = self.database.statement_count
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers, **kw
        )
        self.last_statements = self.database.statement_count - before
        return response

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = await self.post(query, variables, token)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The data of a query that must succeed without any error."""
        body = await self.query(query, variables, token)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def login(self, email: str, password: str = DEMO_PASSWORD) -> str:
        data = await self.data(
            "mutation($e:String!,$p:String!){login(email:$e,password:$p){token errors{code message}}}",
            {"e": email, "p": password},
        )
        assert data["login"]["errors"] == [], data
        return data["login"]["token"]

    async def unit_id(self, name: str) -> str:
        from domain.core.ids import encode_global_id
        from persistence.core.models import OrgUnit

        async with self.database.transaction() as s:
            unit = (await s.execute(sa.select(OrgUnit).where(OrgUnit.name == name))).scalars().one()
        return encode_global_id("OrgUnit", unit.id)

    async def person_id(self, email: str) -> str:
        from domain.core.ids import encode_global_id
        from persistence.core.models import Person

        async with self.database.transaction() as s:
            person = (
                (await s.execute(sa.select(Person).where(Person.email == email))).scalars().one()
            )
        return encode_global_id("Person", person.id)


@pytest_asyncio.fixture
async def api(app: Any, database_with_demo: Database) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://portaal.test") as client:
        yield Api(client, database_with_demo)
