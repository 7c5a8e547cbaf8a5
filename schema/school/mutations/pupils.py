"""School administration: locations, pupils, guardian links and mentors."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from resolvers.school import pupils as school_pupils
from schema.core.identity import Language
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.school.fields import ADMIN
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
        ADMIN,
        description="Set a location's address and general phone number (shown on pupil cards).",
    )
    async def set_location_details(
        self,
        info: strawberry.Info,
        location_id: Annotated[strawberry.ID, arg("The location (OrgUnit of kind LOCATION).")],
        street: Annotated[str, arg("Street and house number.")],
        postcode: Annotated[str, arg("Postcode.")],
        city: Annotated[str, arg("City.")],
        phone: Annotated[str, arg("General phone number.")],
    ) -> SchoolUnitPayload:
        async def work() -> SchoolUnitPayload:
            await school_pupils.set_location_details(
                info.context,
                _id(location_id, "OrgUnit", "locationId"),
                street,
                postcode,
                city,
                phone,
            )
            return SchoolUnitPayload(ok=True)

        return await attempt(SchoolUnitPayload, work)

    @requires(
        ADMIN,
        description="Register a pupil in a class: their account (a new one gets an activation "
        "mail), the PUPIL role, the school record and the enrolment of the current school year.",
    )
    async def register_pupil(
        self,
        info: strawberry.Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        email: Annotated[str, arg("The pupil's own e-mail address (their login).")],
        given_name: Annotated[str, arg("Given name.")],
        family_name: Annotated[str, arg("Family name.")],
        student_number: Annotated[str, arg("Student number, unique within the school.")],
        date_of_birth: Annotated[date, arg("Date of birth.")],
        name_prefix: Annotated[str, arg("Name prefix, if any.")] = "",
        phone: Annotated[str, arg("Phone number.")] = "",
        street: Annotated[str, arg("Street and house number.")] = "",
        postcode: Annotated[str, arg("Postcode.")] = "",
        city: Annotated[str, arg("City.")] = "",
        programme: Annotated[str, arg("Programme ('opleiding').")] = "",
        language: Annotated[Language, arg("Language of their mails.")] = Language.NL,
    ) -> RegisterPupilPayload:
        async def work() -> RegisterPupilPayload:
            done = await school_pupils.register_pupil(
                info.context,
                _id(class_id, "OrgUnit", "classId"),
                school_pupils.PupilInput(
                    email=email,
                    given_name=given_name,
                    name_prefix=name_prefix,
                    family_name=family_name,
                    student_number=student_number,
                    date_of_birth=date_of_birth,
                    phone=phone,
                    street=street,
                    postcode=postcode,
                    city=city,
                    programme=programme,
                    language=language.value,
                ),
            )
            assert done.pupil.id is not None
            return RegisterPupilPayload(pupil=await _pupil_node(info, done.pupil.id))

        return await attempt(RegisterPupilPayload, work)

    @requires(
        ADMIN,
        description="Link a guardian to a pupil. Someone new gets a guardian account and an "
        "activation mail with a single-use link (never a password). Each guardian has their "
        "own e-mail address: an address already used by another guardian is refused.",
    )
    async def link_guardian(
        self,
        info: strawberry.Info,
        pupil_id: Annotated[strawberry.ID, arg("The pupil.")],
        email: Annotated[str, arg("The guardian's own e-mail address.")],
        given_name: Annotated[str, arg("Given name.")] = "",
        name_prefix: Annotated[str, arg("Name prefix, if any.")] = "",
        family_name: Annotated[str, arg("Family name.")] = "",
        language: Annotated[Language, arg("Language of their mails.")] = Language.NL,
        legal_representative: Annotated[
            bool, arg("Registered as legal representative ('wettelijk vertegenwoordiger').")
        ] = True,
    ) -> GuardianLinkPayload:
        async def work() -> GuardianLinkPayload:
            done = await school_pupils.link_guardian(
                info.context,
                _id(pupil_id, "Pupil", "pupilId"),
                school_pupils.GuardianInput(
                    email=email,
                    given_name=given_name,
                    name_prefix=name_prefix,
                    family_name=family_name,
                    language=language.value,
                    legal_representative=legal_representative,
                ),
            )
            return GuardianLinkPayload(guardian_link=await _link_node(info, done.link))

        return await attempt(GuardianLinkPayload, work)

    @requires(ADMIN, description="Remove a guardian's link to a pupil (and its consent).")
    async def unlink_guardian(
        self,
        info: strawberry.Info,
        guardian_link_id: Annotated[strawberry.ID, arg("The link.")],
    ) -> RemovedPayload:
        async def work() -> RemovedPayload:
            await school_pupils.unlink_guardian(
                info.context, _id(guardian_link_id, "GuardianLink", "guardianLinkId")
            )
            return RemovedPayload(removed_id=guardian_link_id)

        return await attempt(RemovedPayload, work)

    @requires(
        ADMIN,
        description="Make a teacher (TEACHER on the class's location or school) mentor of a "
        "class, or stop being one.",
    )
    async def set_class_mentor(
        self,
        info: strawberry.Info,
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
