"""Seat limits of clusters and the membership of an academy organisation."""

from __future__ import annotations

from domain.academy import seats
from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from persistence.academy import queries as aq
from persistence.academy.models import ClusterSeats, Membership, MembershipCourse
from persistence.core.models import OrgUnit
from resolvers.academy.selection import academy_of
from resolvers.context import Context
from resolvers.core.tree import unit_of_kind


async def set_seat_limit(ctx: Context, cluster_id: int, seat_limit: int) -> OrgUnit:
    async with ctx.uow() as uow:
        cluster = await unit_of_kind(uow, cluster_id, OrgUnitKind.CLUSTER, "clusterId")
        assert cluster.id is not None
        academy = await academy_of(uow, cluster)
        assert academy.id is not None
        member = await aq.membership(uow.session, academy.id)
        limits = await aq.cluster_limits(uow.session, academy.path)
        _, used = await aq.lock_cluster_seats(uow.session, cluster.id)
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
    async with ctx.uow() as uow:
        academy = await unit_of_kind(uow, academy_id, OrgUnitKind.ACADEMY, "academyId")
        assert academy.id is not None
        limits = await aq.cluster_limits(uow.session, academy.path)
        if sum(limits.values()) > total_seats:
            raise DomainError(
                ErrorCode.CONFLICT,
                "The clusters already hold {seats} seats; lower their limits first.",
                "totalSeats",
                seats=sum(limits.values()),
            )
        courses = await aq.courses_by_ids(uow.session, course_ids)
        if any(c is None for c in courses):
            raise DomainError(
                ErrorCode.NOT_FOUND, "One of the courses does not exist.", "courseIds"
            )
        member = await aq.membership(uow.session, academy.id)
        if member is None:
            member = uow.add(Membership(academy_id=academy.id, total_seats=total_seats))
        member.total_seats = total_seats
        have = await aq.membership_course_ids(uow.session, academy.id)
        for cid in set(course_ids) - have:
            uow.add(MembershipCourse(academy_id=academy.id, course_id=cid))
        await uow.commit()
    return academy
