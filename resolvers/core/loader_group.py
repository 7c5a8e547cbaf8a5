"""The base of every area's group of per-request dataloaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from persistence.db import Reader


class LoaderGroup:
    """Loaders that run their batch query on the request's one session."""

    def __init__(self, db: Reader) -> None:
        self._db = db

    def _loader(
        self, fn: Callable[..., Awaitable[Sequence[Any]]], *args: Any
    ) -> DataLoader[Any, Any]:
        """A DataLoader whose batch is `fn(session, keys, *args)`, results in key order."""

        async def load(keys: list[Any]) -> Sequence[Any]:
            return await self._db.read(fn, keys, *args)

        return DataLoader(load_fn=load)
