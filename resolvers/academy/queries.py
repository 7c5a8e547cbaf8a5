"""Read resolvers of the academy: the user list, own courses, report, seats, labels."""

from __future__ import annotations

from typing import Any, cast

from domain.academy.learner_filter import LearnerFilter
from domain.core.orgtree import OrgUnitKind, path_ids
from domain.core.pagination import PageRequest
from domain.core.roles import Role
from persistence.academy import queries as aq
from persistence.academy.models import Course, Label, Learner, RegistrationNumber, pk
from persistence.core import tree as org_q
from persistence.core.models import OrgUnit
from persistence.paging import Seek, Slice
from resolvers.academy.selection import ACADEMY_ADMINS, admin_paths
from resolvers.context import Context
from resolvers.core.pagination import Page, paginate
from resolvers.core.tree import not_found


async def learners(
    ctx: Context,
    f: LearnerFilter,
    sort: str,
    descending: bool,
    request: PageRequest,
    *,
    with_total: bool = False,
    with_person: bool = False,
) -> Page[Learner]:
    """A page of learners; their clusters are loaded with them, with `with_total` the count of
    all matches and with `with_person` their persons too (one statement for all of it)."""
    db = ctx.db
    scoped = f.within(admin_paths(ctx))
    counted: list[int] = []

    order = aq.learner_order(sort, descending)

    async def fetch(seek: Seek) -> Slice[Learner]:
        page, total = await db.read(
            aq.learner_page_in_units, scoped, order, seek, with_total, with_person
        )
        loaders = ctx.loaders
        loaders.unit_by_id.prime_many({pk(r.cluster): r.cluster for r in page.rows})
        if with_person:
            loaders.person_by_id.prime_many({r.learner.person_id: r.person for r in page.rows})
            loaders.unit_paths_by_person.prime_many(
                {r.learner.person_id: r.unit_paths for r in page.rows}
            )
        if total is not None:
            counted.append(total)
        return page.map(lambda row: row.learner)

    async def count() -> int:
        if counted:
            return counted[0]
        return await db.read(aq.learner_count, scoped)

    return await paginate(request, fetch, count, order)


async def my_enrolments(ctx: Context) -> list[Any]:
    if ctx.viewer.token_scoped or ctx.viewer.person_id is None:
        return []
    return await ctx.loaders.academy.enrolments_by_person.load(ctx.viewer.person_id)


async def my_registration_numbers(ctx: Context) -> list[RegistrationNumber]:
    if ctx.viewer.person_id is None:
        return []
    return await ctx.loaders.academy.registration_numbers_by_person.load(ctx.viewer.person_id)


async def catalogue(ctx: Context) -> list[Course]:
    """Platform admins see the whole catalogue; others the courses of their organisations."""
    if ctx.viewer.holds_anywhere([Role.PLATFORM_ADMIN]):
        return await ctx.db.read(aq.catalogue, None)
    # The academy is the second unit on a path: /platform/academy/cluster/.
    paths = admin_paths(ctx) + admin_paths(ctx, frozenset({Role.LEARNER}))
    academies = sorted({path_ids(p)[1] for p in paths if len(path_ids(p)) >= 2})
    return await ctx.db.read(aq.catalogue, academies)


async def report(ctx: Context) -> list[tuple[Any, OrgUnit, Course]]:
    rows = await ctx.db.read(aq.report_rows, admin_paths(ctx))
    clusters = await ctx.loaders.unit_by_id.load_many([r[0] for r in rows])
    courses = await ctx.loaders.academy.course_by_id.load_many([r[1] for r in rows])
    # Every report row names an existing cluster (a foreign key).
    return list(zip(rows, cast(list[OrgUnit], clusters), cast(list[Course], courses), strict=True))


async def seat_usage(ctx: Context, academy_id: int) -> list[tuple[OrgUnit, int, int]]:
    """The clusters of the academy the viewer administers, with their seats."""
    academy = await ctx.loaders.unit_by_id.load(academy_id)
    if academy is None or academy.kind != OrgUnitKind.ACADEMY:
        raise not_found("academyId")
    clusters = await ctx.db.read(org_q.descendants_list, academy.path, (OrgUnitKind.CLUSTER,), None)
    # A list scoped by the viewer's reach: a cluster admin sees their own clusters only.
    clusters = [c for c in clusters if ctx.viewer.holds_on(ACADEMY_ADMINS, c.path)]
    usage = await ctx.loaders.academy.seats_by_cluster.load_many([pk(c) for c in clusters])
    return [(c, limit, used) for c, (limit, used) in zip(clusters, usage, strict=True)]


async def labels(ctx: Context) -> list[Label]:
    """Labels of every academy or cluster the viewer administers, and of the units below."""
    return await ctx.db.read(aq.labels_under, admin_paths(ctx))
