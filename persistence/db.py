"""Engines and per-request sessions over SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")
# Far above any real query; only a programming error (a read awaited inside a write) waits this long.
LOCK_WAIT_SECONDS = 30


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
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.statement_count = 0
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._count)
        self.sessionmaker = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )

    def _count(self, *_args: Any) -> None:
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

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work outside a request (CLI, worker): commits on success, else rolls back."""
        async with self.sessionmaker() as session, session.begin():
            yield session


class RequestSession:
    """The one session of a request, shared by its dataloaders and mutations.

    An AsyncSession must not run two statements at once, but sibling resolvers dispatch
    their batches concurrently: a lock serialises them on the request's one connection.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    def _get(self) -> AsyncSession:
        if self._session is None:
            self._session = self._db.sessionmaker()
        return self._session

    async def read(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run a query function `fn(session, *args)` under the request's lock."""
        try:
            await asyncio.wait_for(self._lock.acquire(), LOCK_WAIT_SECONDS)
        except TimeoutError:
            # A dataloader awaited inside `write()` would wait for itself: fail loudly, never hang.
            raise RuntimeError(
                f"request session busy for {LOCK_WAIT_SECONDS}s: a read inside a write block?"
            ) from None
        try:
            return await fn(self._get(), *args)
        finally:
            self._lock.release()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: everything inside commits together or not at all."""
        async with self._lock:
            session = self._get()
            if session.in_transaction():
                # End the read-only transaction of earlier loads: writes start fresh.
                await session.commit()
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
