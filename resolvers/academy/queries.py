"""Read resolvers of the academy: the user list, own courses, report, seats, labels."""

from __future__ import annotations

from typing import Any

from domain.core.orgtree import path_ids
from domain.core.pagination import PageRequest
from domain.core.roles import Role
from persistence.academy import queries as aq
from persistence.academy.models import Course, Learner
from persistence.core import tree as org_q
from persistence.core.models import OrgUnit
from resolvers.academy.selection import ACADEMY_ADMINS, admin_paths
from resolvers.core.pagination import Page, paginate


async def learners(
    info: Any, f: aq.LearnerFilter, sort: str, descending: bool, request: PageRequest
) -> Page[Learner]:
    db = info.context.db
    scoped = aq.LearnerFilter(**{**f.__dict__, "scope_paths": admin_paths(info.context)})

    async def fetch(offset: int, limit: int | None) -> list[Learner]:
        return await db.read(aq.learner_page, scoped, sort, descending, offset, limit)

    async def count() -> int:
        return await db.read(aq.learner_count, scoped)

    return await paginate(request, fetch, count)


async def my_enrolments(info: Any) -> list[Any]:
    ctx = info.context
    if ctx.viewer.token_scoped:
        return []
    return await ctx.loaders.academy.enrolments_by_person.load(ctx.viewer.person_id)


async def my_registration_numbers(info: Any) -> list[Any]:
    ctx = info.context
    return await ctx.loaders.academy.registration_numbers_by_person.load(ctx.viewer.person_id)


async def catalogue(info: Any) -> list[Course]:
    """Platform admins see the whole catalogue; others the courses of their organisations."""
    ctx = info.context
    if ctx.viewer.holds_anywhere([Role.PLATFORM_ADMIN]):
        return await ctx.db.read(aq.catalogue, None)
    # The academy is the second unit on a path: /platform/academy/cluster/.
    paths = admin_paths(ctx) + _learner_paths(ctx)
    academies = sorted({path_ids(p)[1] for p in paths if len(path_ids(p)) >= 2})
    return await ctx.db.read(aq.catalogue, academies)


def _learner_paths(ctx: Any) -> tuple[str, ...]:
    return tuple(g.unit_path for g in ctx.viewer.effective_grants if g.role == Role.LEARNER)


async def report(info: Any) -> list[tuple[Any, OrgUnit, Course]]:
    ctx = info.context
    rows = await ctx.db.read(aq.report_rows, admin_paths(ctx))
    clusters = await ctx.loaders.unit_by_id.load_many([r[0] for r in rows])
    courses = await ctx.loaders.academy.course_by_id.load_many([r[1] for r in rows])
    return list(zip(rows, clusters, courses, strict=True))


async def seat_usage(info: Any, academy: OrgUnit) -> list[tuple[OrgUnit, int, int]]:
    ctx = info.context
    clusters = [
        u for u in await ctx.db.read(org_q.descendants_page, academy.path, 0, None, None, None)
    ]
    clusters = [c for c in clusters if ctx.viewer.holds_on(ACADEMY_ADMINS, c.path)]
    usage = await ctx.loaders.academy.seats_by_cluster.load_many([c.id for c in clusters])
    return [(c, limit, used) for c, (limit, used) in zip(clusters, usage, strict=True)]


async def labels(info: Any) -> list[Any]:
    """Labels of every academy or cluster the viewer administers, and of the units below."""
    ctx = info.context
    return await ctx.db.read(aq.labels_under, admin_paths(ctx))
