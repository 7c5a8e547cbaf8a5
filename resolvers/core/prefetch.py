"""Reading what a dataloader already holds, so fields of prefetched objects need no await.

A list resolver loads each relation its page shows in one batch up front; the objects' fields
then read the loaders' results synchronously (no coroutine per object), and fall back to an
ordinary load when something was not prefetched (an object reached by ID, a payload).
"""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

MISSING: Any = object()


def peek(loader: DataLoader[Any, Any], key: Any) -> Any:
    """The value `loader` already loaded for `key`, or MISSING; never waits."""
    values = getattr(loader, "values", None)  # resolvers.core.loader_group.Loader's primed ones
    if values is not None:
        value = values.get(key, MISSING)
        if value is not MISSING:
            return value
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception():
        return MISSING
    return future.result()
