"""Academy catalogue mutations: courses."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.roles import Role as R
from resolvers.academy.catalogue import create_course
from schema.academy.inputs import CreateCourseInput, to_new_course
from schema.academy.payloads import CoursePayload
from schema.academy.types import CourseNode
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademyCatalogueMutations:
    @requires(
        [R.PLATFORM_ADMIN],
        description="Add a course to the catalogue: lessons, an optional exam question bank, "
        "accreditation and refresher modules.",
    )
    async def create_course(
        self, info: Info, input: Annotated[CreateCourseInput, arg("The course.")]
    ) -> CoursePayload:
        async def work() -> CoursePayload:
            course = await create_course(info.context, to_new_course(input))
            return CoursePayload(course=CourseNode.from_row(course))

        return await attempt(CoursePayload, work)
