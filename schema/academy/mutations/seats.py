"""Academy seat mutations: cluster seat limits and memberships."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import Role as R
from persistence.academy.models import pk
from resolvers.academy.seats import set_membership, set_seat_limit
from schema.academy.inputs import ORG_ADMINS
from schema.academy.payloads import ClusterPayload
from schema.academy.types import (
    SeatUsage,
)
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademySeatMutations:
    @requires(
        ORG_ADMINS,
        on="clusterId",
        description="Set a cluster's seat limit; all clusters together stay within the membership's seats.",
    )
    async def set_cluster_seat_limit(
        self,
        info: Info,
        cluster_id: Annotated[strawberry.ID, arg("The cluster.")],
        seat_limit: Annotated[int, arg("Maximum number of users.")],
    ) -> ClusterPayload:
        async def work() -> ClusterPayload:
            cluster = await set_seat_limit(
                info.context, decode_expected(cluster_id, "OrgUnit", "clusterId"), seat_limit
            )
            limit, used = await info.context.loaders.academy.seats_by_cluster.load(pk(cluster))
            return ClusterPayload(
                usage=SeatUsage(cluster_row=cluster, seat_limit=limit, seats_used=used)
            )

        return await attempt(ClusterPayload, work)

    @requires(
        [R.PLATFORM_ADMIN],
        on="academyId",
        description="Set an academy organisation's membership: total seats and courses.",
    )
    async def set_membership(
        self,
        info: Info,
        academy_id: Annotated[strawberry.ID, arg("The academy organisation.")],
        total_seats: Annotated[int, arg("Seats of the membership.")],
        course_ids: Annotated[list[strawberry.ID], arg("Courses to add to the membership.")],
    ) -> ClusterPayload:
        async def work() -> ClusterPayload:
            await set_membership(
                info.context,
                decode_expected(academy_id, "OrgUnit", "academyId"),
                total_seats,
                [decode_expected(c, "Course", "courseIds") for c in course_ids],
            )
            return ClusterPayload()

        return await attempt(ClusterPayload, work)
