"""The course catalogue: new courses with lessons, questions, accreditation and refreshers."""

from __future__ import annotations

from dataclasses import dataclass

from domain.core.errors import DomainError, ErrorCode
from persistence.academy.models import Course
from persistence.core import people as iq
from resolvers.context import Context


@dataclass(frozen=True)
class NewCourse:
    title: str
    description: str
    estimated_minutes: int
    lessons: list[tuple[str, str, int]]  # (module title, lesson title, minutes)
    questions: list[tuple[str, list[str], int]]  # (text, options, index of the correct one)
    accreditations: list[tuple[str, int]]  # (register code, points)
    refreshers: list[tuple[str, str, int]]  # (moment, title, minutes)


async def create_course(ctx: Context, new: NewCourse) -> Course:
    """A catalogue course with its lessons, exam question bank, accreditation and refreshers."""
    import json

    from domain.academy import accreditation
    from domain.academy.refreshers import RefresherMoment, check_duration
    from domain.core.errors import DomainErrors
    from persistence.academy.models import (
        CourseAccreditation,
        ExamQuestion,
        Lesson,
        RefresherModule,
    )

    problems = []
    title = " ".join(new.title.split())
    if not 1 <= len(title) <= 200:
        problems.append(DomainError(ErrorCode.INVALID, "A title has 1 to 200 characters", "title"))
    if not new.lessons:
        problems.append(
            DomainError(ErrorCode.INVALID, "A course needs at least one lesson", "lessons")
        )
    for i, (text, options, correct) in enumerate(new.questions):
        if len(options) < 2 or not 0 <= correct < len(options) or not text.strip():
            problems.append(
                DomainError(
                    ErrorCode.INVALID,
                    f"Question {i + 1} needs a text, two or more options and a correct one among them",
                    "questions",
                )
            )
    if new.estimated_minutes < 1:
        problems.append(
            DomainError(
                ErrorCode.INVALID, "The estimated duration is at least a minute", "estimatedMinutes"
            )
        )
    for code, points in new.accreditations:
        accreditation.register_for(code, "accreditations")
        if points < 1:
            problems.append(
                DomainError(
                    ErrorCode.INVALID, "Accreditation points are at least 1", "accreditations"
                )
            )
    for _moment, _title, minutes in new.refreshers:
        check_duration(minutes, "refreshers")
    if problems:
        raise DomainErrors(problems)
    async with ctx.db.write() as session:
        course = await iq.add(
            session,
            Course(
                title=title,
                description=new.description.strip(),
                estimated_minutes=new.estimated_minutes,
            ),
        )
        for i, (module, lesson, minutes) in enumerate(new.lessons, start=1):
            session.add(
                Lesson(
                    course_id=course.id,
                    position=i,
                    module_title=module,
                    title=lesson,
                    duration_minutes=minutes,
                )
            )
        for i, (text, options, correct) in enumerate(new.questions, start=1):
            session.add(
                ExamQuestion(
                    course_id=course.id,
                    position=i,
                    text=text.strip(),
                    options_json=json.dumps(options),
                    correct_option=correct,
                )
            )
        for code, points in new.accreditations:
            session.add(
                CourseAccreditation(
                    course_id=course.id,
                    register_code=accreditation.register_for(code).code,
                    points=points,
                )
            )
        for moment, rtitle, minutes in new.refreshers:
            session.add(
                RefresherModule(
                    course_id=course.id,
                    moment=RefresherMoment(moment),
                    title=rtitle,
                    duration_minutes=minutes,
                )
            )
        await session.flush()
        await iq.audit(
            session,
            "COURSE_CREATED",
            actor=ctx.viewer.person_id,
            address=ctx.client_address,
            detail=title,
        )
    ctx.loaders.clear()
    return course
