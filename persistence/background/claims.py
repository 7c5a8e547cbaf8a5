"""Claiming due rows for workers: one statement, safe with many workers.

PostgreSQL: `FOR UPDATE SKIP LOCKED` lets concurrent workers claim disjoint rows without
waiting on each other. SQLite has one writer at a time, so the single UPDATE is atomic anyway.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession


async def claim(
    session: AsyncSession,
    model: Any,
    *,
    ready: Any,
    due_column: Any,
    running_status: Any,
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[Any]:
    """Mark up to `limit` rows that are ready (or whose lease ran out) as running, and return them."""
    expired = sa.and_(model.status == running_status, model.locked_until < now)
    candidates = (
        sa.select(model.id)
        .where(sa.or_(sa.and_(ready, due_column <= now), expired))
        .order_by(due_column, model.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    stmt = (
        sa.update(model)
        .where(model.id.in_(candidates.scalar_subquery()))
        .values(status=running_status, locked_until=lease_until, attempts=model.attempts + 1)
        .returning(model)
        .execution_options(synchronize_session=False)
    )
    rows = list((await session.execute(stmt)).scalars())
    return sorted(rows, key=lambda r: r.id)
