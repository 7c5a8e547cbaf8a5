"""Read resolvers for people, roles, the viewer and the audit log."""

from __future__ import annotations

from typing import Any

from domain.core.pagination import PageRequest
from domain.core.roles import ACTING_ROLES, ADMIN_ROLES
from persistence.core import people as q
from persistence.core.models import OrgUnit, Person, RoleAssignment
from persistence.paging import Seek, Slice
from resolvers.context import Context
from resolvers.core.pagination import Page, paginate


async def viewer_person(ctx: Context) -> Person | None:
    pid = ctx.viewer.person_id
    return await ctx.loaders.person_by_id.load(pid) if pid else None


async def viewer_assignments(ctx: Context) -> list[RoleAssignment]:
    assert ctx.viewer.person_id is not None
    rows = await ctx.loaders.assignments_by_person.load(ctx.viewer.person_id)
    allowed = {g.assignment_id for g in ctx.viewer.grants}
    return [r for r in rows if r.id in allowed]


async def _units(ctx: Context, ids: list[int]) -> list[OrgUnit]:
    units = await ctx.loaders.unit_by_id.load_many(list(dict.fromkeys(ids)))
    return [u for u in units if u is not None]


async def administered_units(ctx: Context) -> list[OrgUnit]:
    grants = ctx.viewer.effective_grants
    return await _units(ctx, [g.unit_id for g in grants if g.role in ADMIN_ROLES])


async def acting_for(ctx: Context) -> OrgUnit | None:
    uid = ctx.viewer.acting_for_unit_id
    return await ctx.loaders.unit_by_id.load(uid) if uid else None


async def can_act_for(ctx: Context) -> list[OrgUnit]:
    grants = ctx.viewer.grants
    return await _units(ctx, [g.unit_id for g in grants if g.role in ACTING_ROLES])


async def api_tokens(ctx: Context) -> list[Any]:
    return await ctx.db.read(q.api_tokens_of, ctx.viewer.person_id)


async def assignment(ctx: Context, assignment_id: int | None) -> RoleAssignment | None:
    if assignment_id is None:
        return None
    return await ctx.db.read(q.assignment_by_id, assignment_id)


async def audit_events(ctx: Context, request: PageRequest, kind: str | None) -> Page[Any]:
    db = ctx.db

    async def fetch(seek: Seek) -> Slice[Any]:
        return await db.read(q.audit_page, seek, kind)

    async def count() -> int:
        return await db.read(q.audit_count, kind)

    return await paginate(request, fetch, count, q.AUDIT_ORDER)
