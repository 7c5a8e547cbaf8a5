"""Resolvers for the organisation tree."""

from __future__ import annotations

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.pagination import PageRequest
from persistence.core import tree as org_q
from persistence.core.models import OrgUnit
from persistence.db import UnitOfWork
from persistence.paging import Seek, Slice
from resolvers.context import Context
from resolvers.core.pagination import Page, page_of, paginate, seek_of


async def parent(ctx: Context, unit: OrgUnit) -> OrgUnit | None:
    if unit.parent_id is None:
        return None
    return await ctx.loaders.unit_by_id.load(unit.parent_id)


async def ancestors(ctx: Context, unit: OrgUnit) -> list[OrgUnit]:
    from domain.core.orgtree import path_ids

    loaded = await ctx.loaders.unit_by_id.load_many(path_ids(unit.path)[:-1])
    return [u for u in loaded if u is not None]


async def children(
    ctx: Context, unit: OrgUnit, request: PageRequest, kinds: tuple[OrgUnitKind, ...] | None
) -> Page[OrgUnit]:
    """Children of many parents in one batch: the loader key carries the seek."""
    unit_id = unit.id
    assert unit_id is not None
    loaders = ctx.loaders
    count_loader = loaders.children_count(kinds)

    async def total() -> int:
        return int(await count_loader.load(unit_id))

    order = org_q.CHILD_ORDER
    rows = await loaders.children_page(kinds).load((unit_id, seek_of(request, order)))
    return page_of(request, order, rows, total)


async def descendants(
    ctx: Context,
    unit: OrgUnit,
    request: PageRequest,
    kinds: tuple[OrgUnitKind, ...] | None,
    search: str | None,
) -> Page[OrgUnit]:
    db = ctx.db

    async def fetch(seek: Seek) -> Slice[OrgUnit]:
        return await db.read(org_q.descendants_page, unit.path, seek, kinds, search)

    async def count() -> int:
        return await db.read(org_q.descendants_count, unit.path, kinds, search)

    return await paginate(request, fetch, count, org_q.DESCENDANT_ORDER)


def not_found(field: str) -> DomainError:
    # Objects outside your reach are reported exactly like ones that do not exist.
    return DomainError(ErrorCode.NOT_FOUND, "No such object, or you may not see it.", field)


async def unit_of_kind(uow: UnitOfWork, unit_id: int, kind: OrgUnitKind, field: str) -> OrgUnit:
    """The unit inside a unit of work, if it is of this kind; who may act on it is checked
    before the resolver runs (`@requires(on: …)`)."""
    unit = await uow.get(OrgUnit, unit_id)
    if unit is None or unit.kind != kind:
        raise not_found(field)
    return unit
