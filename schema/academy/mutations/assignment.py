"""Academy course assignment with its invitation mail."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from resolvers.academy.assignment import assign_courses
from schema.academy.inputs import CourseMailInput, UserSelectionInput, _mail, to_selection
from schema.academy.payloads import AssignCoursesPayload, _counts, already_has
from schema.academy.types import (
    ADMINS,
)
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademyAssignmentMutations:
    @requires(
        ADMINS,
        description="Give courses to users and mail them your invitation. A user never gets a course twice: "
        "those who have it are counted, not duplicated. Use `previewCourseAssignment` first.",
    )
    async def assign_courses(
        self,
        info: Info,
        selection: Annotated[UserSelectionInput, arg("The users.")],
        course_ids: Annotated[list[strawberry.ID], arg("The courses.")],
        mail: Annotated[CourseMailInput, arg("The invitation mail.")],
        idempotency_key: Annotated[
            str | None,
            arg("Any unique string per intended action, so a retry does not mail twice."),
        ] = None,
    ) -> AssignCoursesPayload:
        async def work() -> AssignCoursesPayload:
            ids = [decode_expected(i, "Course", "courseIds") for i in course_ids]
            plan = await assign_courses(
                info.context, to_selection(selection), ids, _mail(mail), idempotency_key
            )
            return AssignCoursesPayload(
                enrolments_created=sum(c.receiving for c in plan.counts),
                courses=_counts(plan),
                already_has=await already_has(info, plan),
            )

        return await attempt(AssignCoursesPayload, work)
