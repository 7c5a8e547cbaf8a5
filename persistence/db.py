"""Engines and per-request sessions over SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from persistence.tenancy import NOBODY, REACH, SET_TENANT_SQL, SYSTEM, TENANT, UNCOUNTED, set_tenant

T = TypeVar("T")
log = logging.getLogger("portaal.db")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless told so on every connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """One engine per process; counts statements so tests can assert on them."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.dialect == "sqlite" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if self.dialect == "postgresql":
            # No ping before every checkout (a round trip per request): connections are recycled
            # well before server-side timeouts, and a dropped one is replaced after its error.
            kwargs.update(pool_size=10, max_overflow=10, pool_recycle=1800)
            # The default random_page_cost (4) models spinning disks: with it the planner hashes
            # all 37,000 certificates to join 150 enrolments instead of probing the index (6 ms
            # against 1 ms). 1.1 is what PostgreSQL's manual advises for SSDs and cached data.
            # UTC: timestamps arrive as UTC already (persistence.types.UTCDateTime).
            kwargs["connect_args"] = {"options": "-c random_page_cost=1.1 -c timezone=UTC"}
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.statement_count = 0
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._count)
        # A Session class of this engine's own, so the listener below stays on its sessions.
        session_class = self.session_class = type("PortaalSession", (Session,), {})
        self.sessionmaker = async_sessionmaker(
            self.engine,
            class_=AsyncSession,
            sync_session_class=session_class,
            expire_on_commit=False,
            autoflush=False,
        )
        if self.dialect == "postgresql":
            # Row-level security (migration 0009): each transaction of a session starts in the
            # session's tenant. No setting at all for nobody: unset already admits no row.
            event.listen(session_class, "after_begin", _begin_in_tenant)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The tenant setting is bookkeeping of the transaction, not a query of the request:
        # statement counts stay comparable on SQLite (which has no RLS) and PostgreSQL.
        if statement not in UNCOUNTED:
            self.statement_count += 1

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    async def ping(self) -> bool:
        """Whether the database answers (for health checks)."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()

    def session(self, tenant: str = NOBODY) -> AsyncSession:
        """A new session whose transactions run in `tenant` (row-level security)."""
        return self.sessionmaker(info={TENANT: tenant})

    @asynccontextmanager
    async def transaction(self, tenant: str = SYSTEM) -> AsyncIterator[AsyncSession]:
        """A unit of work outside a request's (CLI, worker, demo, a request's own audit write):
        commits on success, else rolls back. System work, across tenants, unless told."""
        async with self.session(tenant) as session, session.begin():
            yield session

    @asynccontextmanager
    async def connect(self, tenant: str = SYSTEM) -> AsyncIterator[AsyncConnection]:
        """A Core connection in one transaction (streaming exports), in `tenant`."""
        async with self.engine.connect() as conn:
            if self.is_postgres and tenant:
                await conn.exec_driver_sql(SET_TENANT_SQL, {"tenant": tenant})
            yield conn


def _begin_in_tenant(session: Session, _transaction: Any, connection: Any) -> None:
    tenant, reach = session.info.get(TENANT, NOBODY), session.info.get(REACH)
    if tenant or reach is not None:
        set_tenant(connection, tenant, reach)


class Reader(Protocol):
    """Where dataloaders run their batch queries: the request's session or a unit of work."""

    async def read(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T: ...


class UnitOfWork:
    """One atomic change: its session, its audit trail, and work to do once it commits.

    Resolvers call these methods (and query functions with `uow.session`); nothing outside
    `persistence/` touches the session itself.
    """

    def __init__(self, session: AsyncSession, *, actor: int | None, address: str | None) -> None:
        self.session = session
        self.actor = actor
        self.address = address
        self.committed = False
        self._after_commit: list[Callable[[], None]] = []
        # Set by the resolver layer: dataloaders that read on this unit of work's session.
        self.loaders: Any = None

    async def read(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run a query function `fn(session, *args)` inside this unit of work."""
        return await fn(self.session, *args)

    def add(self, row: Any) -> Any:
        self.session.add(row)
        return row

    async def flush(self) -> None:
        await self.session.flush()

    async def get(self, model: type[T], pk: Any) -> T | None:
        return await self.session.get(model, pk)

    async def delete(self, row: Any) -> None:
        await self.session.delete(row)

    async def audit(
        self, kind: str, *, subject: int | None = None, unit: int | None = None, detail: str = ""
    ) -> None:
        """An audit event with the acting person and client address filled in."""
        from persistence.core.models import AuditEvent

        self.session.add(
            AuditEvent(
                kind=kind,
                actor_person_id=self.actor,
                subject_person_id=subject,
                org_unit_id=unit,
                client_address=self.address,
                detail=detail[:1000],
            )
        )
        await self.session.flush()

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    async def commit(self) -> None:
        await self.session.commit()
        self.committed = True
        for callback in self._after_commit:
            callback()


class RequestSession:
    """The one session of a request, shared by its dataloaders and mutations.

    An AsyncSession must not run two statements at once, but sibling resolvers dispatch
    their batches concurrently: a lock serialises them on the request's one connection.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self._in_unit_of_work = False

    def _get(self) -> AsyncSession:
        if self._session is None:
            self._session = self._db.session()
        return self._session

    async def read(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run a query function `fn(session, *args)` under the request's lock."""
        if self._in_unit_of_work:
            # It would wait for the unit of work that awaits it: read through `uow.loaders`.
            raise RuntimeError(
                "a request loader was awaited inside a unit of work; use uow.loaders"
            )
        async with self._lock:
            return await fn(self._get(), *args)

    @asynccontextmanager
    async def unit_of_work(
        self, actor: int | None, address: str | None, *, reach: int | None = None
    ) -> AsyncIterator[UnitOfWork]:
        """A unit of work on the request's connection: rolled back unless `commit()` is called.

        `reach`: a unit whose tenant this unit of work may also read and write (row-level
        security), e.g. the institute of a public event someone enrols for the first time.
        """
        async with self._lock:
            session = self._get()
            if session.in_transaction():
                # End the read-only transaction of earlier loads: writes start fresh.
                await session.commit()
            uow = UnitOfWork(session, actor=actor, address=address)
            self._in_unit_of_work = True
            session.info[REACH] = reach
            try:
                yield uow
            finally:
                self._in_unit_of_work = False
                if not uow.committed:
                    await session.rollback()
                session.info[REACH] = None

    async def close(self) -> None:
        if self._session is None:
            return
        # Under the lock: a sibling that a root field's error cancelled may still be unwinding
        # its statement on this connection (SQLAlchemy terminates it then); closing meanwhile
        # raced that clean-up, and the pool handed the next request a connection it was
        # still tearing down.
        async with self._lock:
            session, self._session = self._session, None
            if session is None:
                return
            try:
                if (
                    session.in_transaction()
                    and not (session.new or session.dirty or session.deleted)
                    and self._db.is_postgres
                ):
                    # A read ends with COMMIT (the same as a rollback when nothing was
                    # written): psycopg forgets every prepared statement of the connection on
                    # a ROLLBACK, and so would re-plan each statement of every request (~1 ms
                    # for the school relations' union, once per request). SQLite prepares
                    # nothing: it rolls back, which also resets a connection a cancelled
                    # sibling left mid-statement.
                    await session.commit()
                await session.close()
            except Exception:
                # A field error at the root cancels its siblings' pending work (graphql-core),
                # and a statement cancelled mid-way can leave the connection unusable: drop it
                # from the pool instead of failing an answer that is already complete.
                log.warning("a request's connection could not be reset; discarded", exc_info=True)
                await session.invalidate()
