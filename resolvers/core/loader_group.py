"""The base of every area's group of per-request dataloaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

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

        db = self._db  # not `self`: a group holding its loaders would be a reference cycle

        async def load(keys: list[K]) -> Sequence[V]:
            return await db.read(lambda session: fn(session, keys, *args, **kwargs))

        return Loader(load_fn=load)


class Loader(DataLoader[K, V]):
    """A DataLoader whose primed values are plain dict entries: priming a page's thousand keys
    is a dict merge instead of a Future each, and `peek` (resolvers.core.prefetch) one lookup."""

    def __init__(self, load_fn: Callable[[list[K]], Awaitable[Sequence[Any]]]) -> None:
        super().__init__(load_fn=load_fn)
        self.values: dict[K, V] = {}

    def load(self, key: K) -> Awaitable[V]:
        values = self.values
        if key in values:
            future = self.loop.create_future()
            future.set_result(values[key])
            return future
        return super().load(key)

    def prime_many(self, data: Mapping[K, V], force: bool = False) -> None:
        if force or (self.batch is not None and not self.batch.dispatched and self.batch.tasks):
            # Overriding, or a batch still to resolve: DataLoader's own rules (with Futures).
            for key in data:
                self.values.pop(key, None)
            super().prime_many(data, force)
            return
        loaded = self._loaded()
        fresh = {k: v for k, v in data.items() if k not in loaded} if loaded else dict(data)
        fresh.update(self.values)  # a value primed earlier stays, as with DataLoader
        self.values = fresh

    def clear(self, key: K) -> None:
        self.clear_many([key])

    def clear_many(self, keys: Iterable[K]) -> None:
        loaded = self._loaded()
        for key in keys:
            self.values.pop(key, None)
            loaded.pop(key, None)

    def clear_all(self) -> None:
        self.values.clear()
        self._loaded().clear()

    def _loaded(self) -> dict[Any, Any]:
        """Futures of what was loaded (or is loading), by key."""
        return self.cache_map.cache_map  # type: ignore[attr-defined, no-any-return]


async def referenced(loader: DataLoader[K, V | None], key: K) -> V:
    """The row a foreign key points to: the database guarantees it, so a missing one is a bug."""
    row = await loader.load(key)
    if row is None:
        raise LookupError(f"no row {key!r}, though a foreign key points to it")
    return row
