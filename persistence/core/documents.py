"""Trusted documents: GraphQL operations a client registered ahead, found by id or sha256."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.core.models import TrustedDocument


async def find_document(session: AsyncSession, key: str) -> TrustedDocument | None:
    """The registered document whose id or sha256 is `key`."""
    rows = await session.execute(
        select(TrustedDocument)
        .where(or_(TrustedDocument.id == key, TrustedDocument.sha256 == key))
        .limit(1)
    )
    return rows.scalars().first()


async def register_documents(
    session: AsyncSession, documents: list[TrustedDocument]
) -> tuple[int, int]:
    """Store new documents; an id already registered keeps its document. Returns (added, kept)."""
    ids = [d.id for d in documents]
    existing = set(
        (await session.execute(select(TrustedDocument.id).where(TrustedDocument.id.in_(ids))))
        .scalars()
        .all()
    )
    added = [d for d in documents if d.id not in existing]
    session.add_all(added)
    await session.flush()
    return len(added), len(documents) - len(added)
