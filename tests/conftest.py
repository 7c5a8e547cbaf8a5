"""Test fixtures: the real app over ASGI/HTTP, on SQLite and on PostgreSQL.

The demo is loaded once per backend and test session into a template; each test that needs
it works on its own copy (a `CREATE DATABASE ... TEMPLATE` on PostgreSQL, a file copy on
SQLite), so tests never see each other's writes and never pay for reloading the demo.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from persistence.app_role import grant_app_role
from persistence.db import Database
from persistence.migrate import upgrade
from portaal.app import create_app
from portaal.demo import DEMO_PASSWORD, load_demo
from portaal.settings import Settings, normalize_database_url, sync_database_url

PG_URL = normalize_database_url(
    os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
)
IN_CI = os.environ.get("CI", "").lower() == "true"
# How CREATE DATABASE copies the demo template (PostgreSQL 15+): FILE_COPY or WAL_LOG.
PG_COPY_STRATEGY = os.environ.get("TEST_PG_COPY_STRATEGY", "WAL_LOG")
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
def backend(request: pytest.FixtureRequest) -> str:
    """Every database test runs once per kind of database."""
    if request.param == "postgres":
        request.getfixturevalue("pg_url")  # skips (or fails under CI) when unreachable
    return str(request.param)


@pytest.fixture(scope="session")
def backend_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database of each kind, once per test session."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = PG_URL
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


async def _migrated_demo(url: str) -> None:
    upgrade(sync_database_url(url))
    db = Database(url)
    try:
        await load_demo(db)
    finally:
        await db.dispose()  # no connection may stay open on a template


class PostgresTemplates:
    """The demo in a template database; each test gets `CREATE DATABASE ... TEMPLATE` of it.

    The app commits in its own sessions, so a rolled-back transaction cannot isolate a
    test: a copy can. Copies are named after the test database (`<name>_tmpl`, `<name>_copy`)
    so that sessions on different test databases of one server never share one.
    """

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        base = self.url.database or "test"
        self.template = f"{base}_tmpl"
        self.copy_name = f"{base}_copy"
        server = make_url(sync_database_url(url)).set(database="postgres")
        # CREATE/DROP DATABASE cannot run in a transaction: an AUTOCOMMIT connection to the
        # maintenance database, kept for the session.
        self.server = sa.create_engine(server, isolation_level="AUTOCOMMIT", pool_size=1)
        self._quote = self.server.dialect.identifier_preparer.quote
        self.strategy = ""

    def _run(self, *statements: str) -> None:
        with self.server.connect() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))

    def _drop(self, name: str) -> str:
        return f"DROP DATABASE IF EXISTS {self._quote(name)} WITH (FORCE)"

    async def build(self) -> None:
        with self.server.connect() as conn:
            version = int(conn.execute(sa.text("SHOW server_version_num")).scalar_one())
        self.strategy = PG_COPY_STRATEGY if version >= 150000 else ""  # STRATEGY is new in 15
        self._run(self._drop(self.copy_name), self._drop(self.template))
        self._run(f"CREATE DATABASE {self._quote(self.template)}")
        await _migrated_demo(self.url_of(self.template))
        # Row-level security: the app under test connects as a role that owns nothing and
        # lacks BYPASSRLS (as in production); migrations and the demo ran as the owner.
        grant_app_role(sync_database_url(self.url_of(self.template)), self.app_role)

    @property
    def app_role(self) -> str:
        """The app's role on this server, named after the test database like the copies."""
        return f"{self.url.database or 'test'}_app"

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def app_url_of(self, url: str) -> str:
        """The same database, connected to as the app's role."""
        return make_url(url).set(username=self.app_role).render_as_string(hide_password=False)

    def copy(self) -> str:
        create = (
            f"CREATE DATABASE {self._quote(self.copy_name)} TEMPLATE {self._quote(self.template)}"
        )
        if self.strategy:
            create += f" STRATEGY {self.strategy}"
        self._run(create)
        return self.url_of(self.copy_name)

    def discard(self, url: str) -> None:
        self._run(self._drop(make_url(url).database or ""))

    def close(self) -> None:
        self._run(self._drop(self.copy_name), self._drop(self.template))
        self.server.dispose()


class SqliteTemplates:
    """The demo in a template file; each test gets a copy of the file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.db"
        self.copies = 0

    async def build(self) -> None:
        url = f"sqlite+aiosqlite:///{self.template}"
        await _migrated_demo(url)
        # Fold the write-ahead log into the file, so the file alone is the whole database.
        conn = sqlite3.connect(self.template)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()

    def copy(self) -> str:
        self.copies += 1
        path = self.folder / f"copy{self.copies}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite+aiosqlite:///{path}"

    def discard(self, url: str) -> None:
        path = make_url(url).database or ""
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        pass


@pytest_asyncio.fixture(scope="session")
async def demo_templates(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[PostgresTemplates | SqliteTemplates]:
    """The demo, loaded once per kind of database and test session."""
    templates: PostgresTemplates | SqliteTemplates
    if backend == "sqlite":
        templates = SqliteTemplates(tmp_path_factory.mktemp("demo"))
    else:
        templates = PostgresTemplates(PG_URL)
    await templates.build()
    yield templates
    templates.close()


@pytest_asyncio.fixture
async def database_with_demo(
    demo_templates: PostgresTemplates | SqliteTemplates,
) -> AsyncIterator[Database]:
    """A fresh copy of the demo for this test alone, with its own engine (on PostgreSQL as
    the app's role, so every test runs under row-level security)."""
    url = demo_templates.copy()
    db = Database(
        demo_templates.app_url_of(url) if isinstance(demo_templates, PostgresTemplates) else url
    )
    try:
        yield db
    finally:
        await db.dispose()
        demo_templates.discard(url)


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
