"""School administration: locations, pupils, guardian links and mentors."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.roles import SCHOOL_ADMINS
from resolvers.school import pupils as school_pupils
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.school.inputs import LinkGuardianInput, LocationDetailsInput, RegisterPupilInput
from schema.school.payloads import (
    GuardianLinkPayload,
    RegisterPupilPayload,
    RemovedPayload,
    SchoolUnitPayload,
    _id,
    _link_node,
    _pupil_node,
)


@strawberry.type
class SchoolPupilMutations:
    @requires(
        SCHOOL_ADMINS,
        on="input.locationId",
        description="Set a location's address and general phone number (shown on pupil cards).",
    )
    async def set_location_details(
        self, info: Info, input: Annotated[LocationDetailsInput, arg("The location's details.")]
    ) -> SchoolUnitPayload:
        async def work() -> SchoolUnitPayload:
            await school_pupils.set_location_details(
                info.context,
                _id(input.location_id, "OrgUnit", "input.locationId"),
                input.street,
                input.postcode,
                input.city,
                input.phone,
            )
            return SchoolUnitPayload(ok=True)

        return await attempt(SchoolUnitPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="input.classId",
        description="Register a pupil in a class: their account (a new one gets an activation "
        "mail), the PUPIL role, the school record and the enrolment of the current school year.",
    )
    async def register_pupil(
        self, info: Info, input: Annotated[RegisterPupilInput, arg("The pupil and the class.")]
    ) -> RegisterPupilPayload:
        async def work() -> RegisterPupilPayload:
            done = await school_pupils.register_pupil(
                info.context,
                _id(input.class_id, "OrgUnit", "input.classId"),
                school_pupils.PupilInput(
                    email=input.email,
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
                    language=str(input.language.value),
                ),
            )
            assert done.pupil.id is not None
            return RegisterPupilPayload(pupil=await _pupil_node(info, done.pupil.id))

        return await attempt(RegisterPupilPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="input.pupilId",
        description="Link a guardian to a pupil. Someone new gets a guardian account and an "
        "activation mail with a single-use link (never a password). Each guardian has their "
        "own e-mail address: an address already used by another guardian is refused.",
    )
    async def link_guardian(
        self, info: Info, input: Annotated[LinkGuardianInput, arg("The guardian and the pupil.")]
    ) -> GuardianLinkPayload:
        async def work() -> GuardianLinkPayload:
            done = await school_pupils.link_guardian(
                info.context,
                _id(input.pupil_id, "Pupil", "input.pupilId"),
                school_pupils.GuardianInput(
                    email=input.email,
                    given_name=input.given_name,
                    name_prefix=input.name_prefix,
                    family_name=input.family_name,
                    language=str(input.language.value),
                    legal_representative=input.legal_representative,
                ),
            )
            return GuardianLinkPayload(guardian_link=await _link_node(info, done.link))

        return await attempt(GuardianLinkPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="guardianLinkId",
        description="Remove a guardian's link to a pupil (and its consent).",
    )
    async def unlink_guardian(
        self,
        info: Info,
        guardian_link_id: Annotated[strawberry.ID, arg("The link.")],
    ) -> RemovedPayload:
        async def work() -> RemovedPayload:
            await school_pupils.unlink_guardian(
                info.context, _id(guardian_link_id, "GuardianLink", "guardianLinkId")
            )
            return RemovedPayload(removed_id=guardian_link_id)

        return await attempt(RemovedPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="classId",
        description="Make a teacher (TEACHER on the class's location or school) mentor of a "
        "class, or stop being one.",
    )
    async def set_class_mentor(
        self,
        info: Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        teacher_id: Annotated[strawberry.ID, arg("The teacher (a Person).")],
        mentor: Annotated[bool, arg("True to make mentor, false to remove.")] = True,
    ) -> SchoolUnitPayload:
        async def work() -> SchoolUnitPayload:
            await school_pupils.set_class_mentor(
                info.context,
                _id(class_id, "OrgUnit", "classId"),
                _id(teacher_id, "Person", "teacherId"),
                mentor,
            )
            return SchoolUnitPayload(ok=True)

        return await attempt(SchoolUnitPayload, work)
