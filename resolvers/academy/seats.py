"""Seat limits of clusters and the membership of an academy organisation."""

from __future__ import annotations

from domain.academy import seats
from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from persistence.academy import queries as aq
from persistence.academy.models import ClusterSeats, Membership
from persistence.core import people as iq
from persistence.core.models import OrgUnit
from resolvers.academy.selection import _academy_of, _not_yours
from resolvers.context import Context
from resolvers.core.tree import unit_of_kind


async def set_seat_limit(ctx: Context, cluster_id: int, seat_limit: int) -> OrgUnit:
    async with ctx.uow() as uow:
        cluster = await unit_of_kind(uow, cluster_id, OrgUnitKind.CLUSTER, "clusterId")
        academy = await _academy_of(uow.session, cluster)
        member = await aq.membership(uow.session, academy.id)  # type: ignore[arg-type]
        limits = await aq.cluster_limits(uow.session, academy.path)
        _, used = await aq.lock_cluster_seats(uow.session, cluster.id)  # type: ignore[arg-type]
        others = [v for k, v in limits.items() if k != cluster.id]
        seats.check_cluster_limit(member.total_seats if member else 0, others, seat_limit, used)
        row = await uow.get(ClusterSeats, cluster.id)
        assert row is not None
        row.seat_limit = seat_limit
        await uow.audit("SEAT_LIMIT_SET", unit=cluster.id, detail=str(seat_limit))
        await uow.commit()
    return cluster


async def set_membership(
    ctx: Context, academy_id: int, total_seats: int, course_ids: list[int]
) -> OrgUnit:
    if total_seats < 0:
        raise DomainError(ErrorCode.INVALID, "Seats cannot be negative", "totalSeats")
    async with ctx.db.write() as session:
        academy = await iq.unit_by_id(session, academy_id)
        if academy is None or academy.kind != OrgUnitKind.ACADEMY:
            raise _not_yours("academyId")
        limits = await aq.cluster_limits(session, academy.path)
        if sum(limits.values()) > total_seats:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"The clusters already hold {sum(limits.values())} seats; "
                "lower their limits first.",
                "totalSeats",
            )
        courses = await aq.courses_by_ids(session, course_ids)
        if any(c is None for c in courses):
            raise DomainError(
                ErrorCode.NOT_FOUND, "One of the courses does not exist.", "courseIds"
            )
        member = await aq.membership(session, academy.id)  # type: ignore[arg-type]
        if member is None:
            member = await iq.add(
                session, Membership(academy_id=academy.id, total_seats=total_seats)
            )
        member.total_seats = total_seats
        from persistence.academy.models import MembershipCourse

        have = await aq.membership_course_ids(session, academy.id)  # type: ignore[arg-type]
        for cid in set(course_ids) - have:
            session.add(MembershipCourse(academy_id=academy.id, course_id=cid))
    ctx.loaders.clear()
    return academy
