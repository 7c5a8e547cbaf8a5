"""The course catalogue: new courses with lessons, questions, accreditation and refreshers."""

from __future__ import annotations

import json

from domain.academy.courses import NewCourse, check_new_course
from persistence.academy.models import (
    Course,
    CourseAccreditation,
    ExamQuestion,
    Lesson,
    RefresherModule,
)
from resolvers.context import Context


async def create_course(ctx: Context, new: NewCourse) -> Course:
    """A catalogue course with its lessons, exam question bank, accreditation and refreshers."""
    checked = check_new_course(new)
    async with ctx.uow() as uow:
        course = uow.add(
            Course(
                title=checked.title,
                description=checked.description,
                estimated_minutes=checked.estimated_minutes,
            )
        )
        await uow.flush()
        assert course.id is not None
        for i, lesson in enumerate(checked.lessons, start=1):
            uow.add(
                Lesson(
                    course_id=course.id,
                    position=i,
                    module_title=lesson.module_title,
                    title=lesson.title,
                    duration_minutes=lesson.duration_minutes,
                )
            )
        for i, q in enumerate(checked.questions, start=1):
            uow.add(
                ExamQuestion(
                    course_id=course.id,
                    position=i,
                    text=q.text,
                    options_json=json.dumps(list(q.options)),
                    correct_option=q.correct_option,
                )
            )
        for a in checked.accreditations:
            uow.add(
                CourseAccreditation(
                    course_id=course.id, register_code=a.register_code, points=a.points
                )
            )
        for r in checked.refreshers:
            uow.add(
                RefresherModule(
                    course_id=course.id,
                    moment=r.moment,
                    title=r.title,
                    duration_minutes=r.duration_minutes,
                )
            )
        await uow.flush()
        await uow.audit("COURSE_CREATED", detail=checked.title)
        await uow.commit()
    return course
