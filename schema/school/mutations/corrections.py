"""The administration corrects pupil records, enrolments and guardian links (seed 9.5)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.core.roles import SCHOOL_ADMINS
from resolvers.school import corrections
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.school.inputs import MovePupilInput, RecordEnrolmentInput, UpdatePupilInput
from schema.school.payloads import (
    GuardianLinkPayload,
    PupilEnrolmentPayload,
    PupilPayload,
    _id,
    _link_node,
    _pupil_node,
)
from schema.school.pupils import PupilEnrolmentNode


@strawberry.type
class SchoolCorrectionMutations:
    @requires(
        SCHOOL_ADMINS,
        on="input.pupilId",
        description="Correct a pupil's personal and contact details (fields left null stay as "
        "they are). Audit-logged with the fields changed.",
    )
    async def update_pupil(
        self, info: Info, input: Annotated[UpdatePupilInput, arg("The pupil and corrections.")]
    ) -> PupilPayload:
        async def work() -> PupilPayload:
            pupil_id = _id(input.pupil_id, "Pupil", "input.pupilId")
            await corrections.update_pupil(
                info.context,
                pupil_id,
                corrections.PupilChanges(
                    given_name=input.given_name,
                    name_prefix=input.name_prefix,
                    family_name=input.family_name,
                    student_number=input.student_number,
                    date_of_birth=input.date_of_birth,
                    phone=input.phone,
                    street=input.street,
                    postcode=input.postcode,
                    city=input.city,
                    programme=input.programme,
                ),
            )
            return PupilPayload(pupil=await _pupil_node(info, pupil_id))

        return await attempt(PupilPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="input.pupilId",
        description="Move a pupil to another class of the school: the PUPIL role and the "
        "current school year's enrolment follow; grades and absences stay. From then on the "
        "new class's mentor and teachers see the pupil, the old class's no longer. "
        "Audit-logged.",
    )
    async def move_pupil(
        self, info: Info, input: Annotated[MovePupilInput, arg("The pupil and the new class.")]
    ) -> PupilPayload:
        async def work() -> PupilPayload:
            pupil_id = _id(input.pupil_id, "Pupil", "input.pupilId")
            await corrections.move_pupil(
                info.context, pupil_id, _id(input.class_id, "OrgUnit", "input.classId")
            )
            return PupilPayload(pupil=await _pupil_node(info, pupil_id))

        return await attempt(PupilPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="input.pupilId",
        description="Record an earlier enrolment ('verbintenis') of a pupil, so the results "
        "overview per enrolment shows those school years. Audit-logged.",
    )
    async def record_enrolment(
        self, info: Info, input: Annotated[RecordEnrolmentInput, arg("The enrolment.")]
    ) -> PupilEnrolmentPayload:
        async def work() -> PupilEnrolmentPayload:
            pupil_id = _id(input.pupil_id, "Pupil", "input.pupilId")
            ids = await corrections.record_enrolment(
                info.context,
                pupil_id,
                corrections.EnrolmentInput(
                    class_id=_id(input.class_id, "OrgUnit", "input.classId"),
                    programme=input.programme,
                    school_years=list(input.school_years),
                ),
            )
            loader = info.context.loaders.school.enrolment_by_id
            rows = [r for r in await loader.load_many(ids) if r is not None]
            return PupilEnrolmentPayload(
                enrolments=[await PupilEnrolmentNode.build(info.context, r) for r in rows],
                pupil=await _pupil_node(info, pupil_id),
            )

        return await attempt(PupilEnrolmentPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="enrolmentId",
        description="End an enrolment on a day of its school year (the pupil left or changed "
        "programme). It stays in the history but is no longer the active one. Audit-logged.",
    )
    async def end_enrolment(
        self,
        info: Info,
        enrolment_id: Annotated[strawberry.ID, arg("The enrolment.")],
        ended_on: Annotated[date, arg("The last day of the enrolment.")],
    ) -> PupilEnrolmentPayload:
        async def work() -> PupilEnrolmentPayload:
            row = await corrections.end_enrolment(
                info.context, _id(enrolment_id, "PupilEnrolment", "enrolmentId"), ended_on
            )
            return PupilEnrolmentPayload(
                enrolments=[await PupilEnrolmentNode.build(info.context, row)],
                pupil=await _pupil_node(info, row.pupil_id),
            )

        return await attempt(PupilEnrolmentPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="guardianLinkId",
        description="Mark a guardian link as legal representative ('wettelijk "
        "vertegenwoordiger') or not. Only a legal representative sees the pupil; one who is "
        "no longer one loses their calendar feeds of the pupil for good. Audit-logged.",
    )
    async def set_legal_representative(
        self,
        info: Info,
        guardian_link_id: Annotated[strawberry.ID, arg("The link.")],
        legal_representative: Annotated[bool, arg("Whether the guardian is one.")],
    ) -> GuardianLinkPayload:
        async def work() -> GuardianLinkPayload:
            link = await corrections.set_legal_representative(
                info.context,
                _id(guardian_link_id, "GuardianLink", "guardianLinkId"),
                legal_representative,
            )
            return GuardianLinkPayload(guardian_link=await _link_node(info, link))

        return await attempt(GuardianLinkPayload, work)
