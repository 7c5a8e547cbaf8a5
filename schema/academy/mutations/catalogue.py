"""Academy catalogue mutations: courses."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.roles import Role as R
from resolvers.academy.catalogue import NewCourse, create_course
from schema.academy.inputs import AccreditationInput, LessonInput, QuestionInput, RefresherInput
from schema.academy.payloads import CoursePayload
from schema.academy.types import (
    CourseNode,
)
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
        self,
        info: strawberry.Info,
        title: Annotated[str, arg("Title.")],
        lessons: Annotated[list[LessonInput], arg("Lessons in order.")],
        description: Annotated[str, arg("What the course is about.")] = "",
        estimated_minutes: Annotated[int, arg("Estimated study time in minutes.")] = 60,
        questions: Annotated[
            list[QuestionInput] | None, arg("Exam questions; none for a course without exam.")
        ] = None,
        accreditations: Annotated[
            list[AccreditationInput] | None, arg("Accreditation with registers.")
        ] = None,
        refreshers: Annotated[
            list[RefresherInput] | None, arg("Refresher modules at +3 and +6 months.")
        ] = None,
    ) -> CoursePayload:
        async def work() -> CoursePayload:
            course = await create_course(
                info.context,
                NewCourse(
                    title=title,
                    description=description,
                    estimated_minutes=estimated_minutes,
                    lessons=[
                        (lesson.module_title, lesson.title, lesson.duration_minutes)
                        for lesson in lessons
                    ],
                    questions=[(q.text, q.options, q.correct_option) for q in questions or []],
                    accreditations=[(a.register_code, a.points) for a in accreditations or []],
                    refreshers=[
                        (r.moment.value, r.title, r.duration_minutes) for r in refreshers or []
                    ],
                ),
            )
            return CoursePayload(course=CourseNode.from_row(course))

        return await attempt(CoursePayload, work)
