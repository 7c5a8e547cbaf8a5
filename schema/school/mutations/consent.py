"""Consent of pupils of 18 and over for their guardians."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.roles import Relation
from domain.core.roles import Role as R
from resolvers.school import access as resolve
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.school.payloads import ConsentPayload, _id, _link_node


@strawberry.type
class SchoolConsentMutations:
    @requires(
        [R.PUPIL],
        [Relation.SELF],
        on="guardianLinkId",
        description="As a pupil of 18 or over: let this guardian see your data. Audit-logged.",
    )
    async def give_guardian_consent(
        self,
        info: Info,
        guardian_link_id: Annotated[strawberry.ID, arg("The guardian's link (Pupil.guardians).")],
    ) -> ConsentPayload:
        return await _consent(info, guardian_link_id, True)

    @requires(
        [R.PUPIL],
        [Relation.SELF],
        on="guardianLinkId",
        description="As a pupil of 18 or over: stop this guardian seeing your data, from the "
        "next request on. Audit-logged.",
    )
    async def withdraw_guardian_consent(
        self,
        info: Info,
        guardian_link_id: Annotated[strawberry.ID, arg("The guardian's link (Pupil.guardians).")],
    ) -> ConsentPayload:
        return await _consent(info, guardian_link_id, False)


async def _consent(info: Info, guardian_link_id: strawberry.ID, given: bool) -> ConsentPayload:
    async def work() -> ConsentPayload:
        link = await resolve.set_consent(
            info.context, _id(guardian_link_id, "GuardianLink", "guardianLinkId"), given
        )
        return ConsentPayload(guardian_link=await _link_node(info, link))

    return await attempt(ConsentPayload, work)
