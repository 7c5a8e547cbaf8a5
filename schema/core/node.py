"""`node(id:)`: every Node type registers how to load it; invisible means not found."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from domain.core.ids import decode_global_id


@dataclass(frozen=True)
class NodeEntry:
    wrap: Callable[[Any, Any], Awaitable[Any]]  # (context, row) -> node object
    loader: Callable[[Any], Any]  # context -> DataLoader[int, row | None]


REGISTRY: dict[str, NodeEntry] = {}
DECOY_PK = 1  # the first row of a table: exists whenever the table holds anything


def register_node(
    type_name: str, wrap: Callable[[Any, Any], Awaitable[Any]], loader: Callable[[Any], Any]
) -> None:
    REGISTRY[type_name] = NodeEntry(wrap=wrap, loader=loader)


async def resolve_nodes(info: Any, ids: list[str]) -> list[Any | None]:
    """Nodes in the order asked; null for unknown IDs and for objects the viewer may not see,
    so the answer never tells whether something exists that you are not allowed to read."""
    ctx = info.context
    decoded = [decode_global_id(gid) for gid in ids]

    async def one(type_name: str, pk: int) -> Any | None:
        entry = REGISTRY.get(type_name)
        if entry is None:
            return None
        # A missing object does the work of a forbidden one (issue 17, point 8): a decoy row
        # of the same type rides in the same batch and is built and checked in its place, so
        # statements and timing do not tell "exists, not yours" from "does not exist".
        loader = entry.loader(ctx)
        row, decoy = await asyncio.gather(loader.load(pk), loader.load(DECOY_PK))
        if row is None:
            if decoy is not None:
                stand_in = await entry.wrap(ctx, decoy)
                ctx.allows(type(stand_in).READ, stand_in.scope)
            return None
        obj = await entry.wrap(ctx, row)
        return obj if ctx.allows(type(obj).READ, obj.scope) else None

    # Gathered, so every level of loading is one batch for all IDs together.
    return list(await asyncio.gather(*(one(t, pk) for t, pk in decoded)))


def plain(from_row: Callable[[Any], Any]) -> Callable[[Any, Any], Awaitable[Any]]:
    """For types whose object needs nothing but its row."""

    async def wrap(_ctx: Any, row: Any) -> Any:
        return from_row(row)

    return wrap
