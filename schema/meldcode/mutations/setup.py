"""Mutations that set the meldcode up: the social map, the checklist, the board's policy."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import Role as R
from domain.meldcode.sharing import PartnerKind as DomainKind
from resolvers.meldcode import cases as resolve
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.meldcode.enums import PartnerKind
from schema.meldcode.inputs import ChecklistInput
from schema.meldcode.payloads import CarePartnerPayload, MeldcodeSettingsPayload
from schema.meldcode.types import CarePartnerNode


@strawberry.type
class MeldcodeSetupMutations:
    @requires(
        [R.CARE_COORDINATOR],
        on="schoolId",
        description="Add a care partner to the school's social map ('sociale kaart').",
    )
    async def add_care_partner(
        self,
        info: Info,
        school_id: Annotated[strawberry.ID, arg("The school.")],
        kind: Annotated[PartnerKind, arg("Kind of partner.")],
        name: Annotated[str, arg("Name of the organisation.")],
        contact_person: Annotated[str, arg("The fixed contact person.")] = "",
        phone: Annotated[str, arg("Phone number.")] = "",
        email: Annotated[str, arg("E-mail address.")] = "",
    ) -> CarePartnerPayload:
        async def work() -> CarePartnerPayload:
            row = await resolve.add_partner(
                info.context,
                decode_expected(school_id, "OrgUnit", "schoolId"),
                DomainKind(kind.value),
                name,
                contact_person,
                phone,
                email,
            )
            return CarePartnerPayload(partner=await CarePartnerNode.build(info.context, row))

        return await attempt(CarePartnerPayload, work)

    @requires(
        [R.DIRECTOR, R.CARE_COORDINATOR],
        on="input.schoolId",
        description="Set the school's implementation checklist (care coordinator hours, plan "
        "of approach, yearly agenda, verwijsindex).",
    )
    async def set_meldcode_checklist(
        self, info: Info, input: Annotated[ChecklistInput, arg("The checklist.")]
    ) -> MeldcodeSettingsPayload:
        async def work() -> MeldcodeSettingsPayload:
            await resolve.set_profile(
                info.context,
                decode_expected(input.school_id, "OrgUnit", "schoolId"),
                input.care_coordinator_hours_per_week,
                input.plan_dated_on,
                input.plan_evaluated_on,
                input.on_yearly_agenda,
                input.verwijsindex_connected,
            )
            return MeldcodeSettingsPayload(ok=True)

        return await attempt(MeldcodeSettingsPayload, work)

    @requires(
        [R.BOARD_CONTACT],
        on="boardId",
        description="Set the board's retention period for closed cases and its small-cell "
        "suppression threshold (default 60 months and 5).",
    )
    async def set_meldcode_policy(
        self,
        info: Info,
        board_id: Annotated[strawberry.ID, arg("The school board.")],
        retention_months: Annotated[int, arg("Months after closing until content is purged.")],
        suppression_threshold: Annotated[int, arg("Counts below this show as 'fewer than'.")],
    ) -> MeldcodeSettingsPayload:
        async def work() -> MeldcodeSettingsPayload:
            await resolve.set_policy(
                info.context,
                decode_expected(board_id, "OrgUnit", "boardId"),
                retention_months,
                suppression_threshold,
            )
            return MeldcodeSettingsPayload(ok=True)

        return await attempt(MeldcodeSettingsPayload, work)
