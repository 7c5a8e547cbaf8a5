"""Queries on the organisation tree."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.core.orgtree import OrgUnitKind, check_parent, child_path, depth, path_ids
from persistence.batching import counts_by_parent, pages_by_parent, rows_by_ids
from persistence.core.models import OrgUnit
from persistence.paging import KeyOrder, Seek, Slice, fetch_slice

CHILD_ORDER = KeyOrder.of("children", OrgUnit.name, tiebreak=OrgUnit.id)
DESCENDANT_ORDER = KeyOrder.of("descendants", OrgUnit.path, tiebreak=OrgUnit.id)


def _kind_filter(kinds: Sequence[OrgUnitKind] | None) -> list[sa.ColumnElement[bool]]:
    return [OrgUnit.kind.in_(list(kinds))] if kinds else []  # type: ignore[attr-defined]


async def units_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[OrgUnit | None]:
    return await rows_by_ids(session, OrgUnit, ids)


async def children_pages(
    session: AsyncSession,
    keys: Sequence[tuple[int, Seek]],
    kinds: Sequence[OrgUnitKind] | None = None,
) -> list[Slice[OrgUnit]]:
    return await pages_by_parent(
        session, OrgUnit, OrgUnit.parent_id, CHILD_ORDER, keys, _kind_filter(kinds)
    )


async def children_counts(
    session: AsyncSession, parent_ids: Sequence[int], kinds: Sequence[OrgUnitKind] | None = None
) -> list[int]:
    return await counts_by_parent(session, OrgUnit.parent_id, parent_ids, _kind_filter(kinds))


def _descendants_where(
    path: str, kinds: Sequence[OrgUnitKind] | None, search: str | None
) -> list[sa.ColumnElement[bool]]:
    # A prefix LIKE on the materialised path: the index on path serves it.
    clauses = [OrgUnit.path.like(f"{path}%"), OrgUnit.path != path]  # type: ignore[attr-defined]
    clauses += _kind_filter(kinds)
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(sa.func.lower(OrgUnit.name).like(f"%{escaped}%", escape="\\"))
    return clauses


async def descendants_page(
    session: AsyncSession,
    path: str,
    seek: Seek,
    kinds: Sequence[OrgUnitKind] | None = None,
    search: str | None = None,
) -> Slice[OrgUnit]:
    stmt = sa.select(OrgUnit).where(*_descendants_where(path, kinds, search))
    return await fetch_slice(session, stmt, DESCENDANT_ORDER, seek)


async def descendants_list(
    session: AsyncSession,
    path: str,
    kinds: Sequence[OrgUnitKind] | None = None,
    search: str | None = None,
) -> list[OrgUnit]:
    """All of them, in tree order: for short lists (an academy's clusters), not connections."""
    stmt = sa.select(OrgUnit).where(*_descendants_where(path, kinds, search))
    return list((await session.execute(stmt.order_by(*DESCENDANT_ORDER.order_by()))).scalars())


async def descendants_count(
    session: AsyncSession,
    path: str,
    kinds: Sequence[OrgUnitKind] | None = None,
    search: str | None = None,
) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(OrgUnit)
        .where(*_descendants_where(path, kinds, search))
    )
    return int((await session.execute(stmt)).scalar_one())


async def ancestors(session: AsyncSession, unit: OrgUnit) -> list[OrgUnit]:
    """Ancestors root first, from the path: one indexed primary-key lookup."""
    ids = path_ids(unit.path)[:-1]
    found = await rows_by_ids(session, OrgUnit, ids)
    return [u for u in found if u is not None]


async def root(session: AsyncSession) -> OrgUnit | None:
    stmt = sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id).limit(1)  # type: ignore[union-attr]
    return (await session.execute(stmt)).scalars().first()


async def create_unit(
    session: AsyncSession,
    kind: OrgUnitKind,
    name: str,
    parent: OrgUnit | None,
    code: str | None = None,
) -> OrgUnit:
    """Insert a unit under `parent`; its path needs its id, so it is set after the flush."""
    check_parent(kind, parent.kind if parent else None)
    unit = OrgUnit(
        kind=kind,
        name=name,
        code=code,
        parent_id=parent.id if parent else None,
        path=f"/pending/{uuid.uuid4().hex}/",  # unique placeholder until the id is known
    )
    session.add(unit)
    await session.flush()
    assert unit.id is not None
    unit.path = child_path(parent.path if parent else None, unit.id)
    unit.depth = depth(unit.path)
    await session.flush()
    return unit
