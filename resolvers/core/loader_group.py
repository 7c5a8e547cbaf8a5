"""The base of every area's group of per-request dataloaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from persistence.db import Reader

K = TypeVar("K")
V = TypeVar("V")
P = ParamSpec("P")


class LoaderGroup:
    """Loaders that run their batch query on the request's one session."""

    def __init__(self, db: Reader) -> None:
        self._db = db

    def _loader(
        self,
        fn: Callable[Concatenate[AsyncSession, list[K], P], Awaitable[Sequence[V]]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> DataLoader[K, V]:
        """A DataLoader whose batch is `fn(session, keys, *args)`, results in key order."""

        async def load(keys: list[K]) -> Sequence[V]:
            return await self._db.read(lambda session: fn(session, keys, *args, **kwargs))

        return DataLoader(load_fn=load)


async def referenced(loader: DataLoader[K, V | None], key: K) -> V:
    """The row a foreign key points to: the database guarantees it, so a missing one is a bug."""
    row = await loader.load(key)
    if row is None:
        raise LookupError(f"no row {key!r}, though a foreign key points to it")
    return row
