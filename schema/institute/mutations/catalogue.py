"""The staff's catalogue management: planning events."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from resolvers.institute import catalogue as resolve
from resolvers.institute import scopes as s
from schema.core.info import Info
from schema.core.payloads import arg, attempt, errors_field
from schema.core.permissions import public, requires
from schema.core.relay import UserError
from schema.institute.inputs import CreateCourseEventInput
from schema.institute.types import CourseEventNode


@strawberry.type(description="Result of planning an event.")
class CourseEventPayload:
    event: CourseEventNode | None = public(description="The new event.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type
class InstituteCatalogueMutations:
    @requires(
        s.STAFF,
        on="input.courseId",
        description="Plan an event of a course: public, or maatwerk for one client organisation.",
    )
    async def create_course_event(
        self,
        info: Info,
        input: Annotated[CreateCourseEventInput, arg("The course, dates, seats and location.")],
    ) -> CourseEventPayload:
        async def work() -> CourseEventPayload:
            org = (
                decode_expected(input.for_organisation_id, "OrgUnit", "input.forOrganisationId")
                if input.for_organisation_id
                else None
            )
            plan = resolve.EventPlan(
                course_id=decode_expected(input.course_id, "InstituteCourse", "input.courseId"),
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                capacity=input.capacity,
                enrolment_deadline=input.enrolment_deadline,
                cancellation_deadline=input.cancellation_deadline,
                location_name=input.location_name.strip()[:200],
                location_address=input.location_address.strip()[:300],
                incompany=input.incompany,
                for_org_unit_id=org,
                meetings=[(m.starts_at, m.ends_at) for m in input.meetings],
            )
            event = await resolve.create_event(info.context, plan)
            return CourseEventPayload(event=await CourseEventNode.build(info.context, event))

        return await attempt(CourseEventPayload, work)
