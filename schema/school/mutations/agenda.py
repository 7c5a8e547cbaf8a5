"""Lessons, homework and calendar feeds."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.roles import SCHOOL_STAFF, Relation
from resolvers.school import agenda as school_agenda
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.school.agenda import CalendarFeedNode
from schema.school.inputs import ScheduleLessonInput
from schema.school.payloads import (
    CalendarFeedPayload,
    CreateCalendarFeedPayload,
    LessonPayload,
    _id,
    _lesson_node,
)


@strawberry.type
class SchoolAgendaMutations:
    @requires(
        SCHOOL_STAFF,
        on="input.classId",
        description="Put a lesson on a class's timetable (Amsterdam wall-clock times).",
    )
    async def schedule_lesson(
        self, info: Info, input: Annotated[ScheduleLessonInput, arg("The lesson and its class.")]
    ) -> LessonPayload:
        async def work() -> LessonPayload:
            teacher_id = input.teacher_id
            row = await school_agenda.schedule_lesson(
                info.context,
                _id(input.class_id, "OrgUnit", "input.classId"),
                school_agenda.LessonInput(
                    subject_id=_id(input.subject_id, "SchoolSubject", "subjectId"),
                    day=input.date_,
                    start=input.start_time,
                    end=input.end_time,
                    first_hour=input.first_lesson_hour,
                    last_hour=input.last_lesson_hour,
                    room=input.room,
                    teacher_code=input.teacher_code,
                    teacher_id=_id(teacher_id, "Person", "teacherId") if teacher_id else None,
                    homework=input.homework,
                ),
            )
            return LessonPayload(lesson=await _lesson_node(info, row))

        return await attempt(LessonPayload, work)

    @requires(SCHOOL_STAFF, on="lessonId", description="Set or clear the homework of a lesson.")
    async def set_homework(
        self,
        info: Info,
        lesson_id: Annotated[strawberry.ID, arg("The lesson.")],
        homework: Annotated[str | None, arg("The homework; null or empty to clear.")],
    ) -> LessonPayload:
        async def work() -> LessonPayload:
            row = await school_agenda.set_homework(
                info.context, _id(lesson_id, "TimetableLesson", "lessonId"), homework
            )
            return LessonPayload(lesson=await _lesson_node(info, row))

        return await attempt(LessonPayload, work)

    @requires(
        (),
        [Relation.SELF, Relation.GUARDIAN],
        on="pupilId",
        description="Create a secret iCalendar feed URL of a pupil's timetable (yours, or a "
        "child's you may see). It follows consent: a guardian who loses access gets an empty "
        "answer (404) from then on.",
    )
    async def create_calendar_feed(
        self,
        info: Info,
        pupil_id: Annotated[strawberry.ID, arg("The pupil.")],
    ) -> CreateCalendarFeedPayload:
        async def work() -> CreateCalendarFeedPayload:
            new = await school_agenda.create_calendar_feed(
                info.context, _id(pupil_id, "Pupil", "pupilId")
            )
            return CreateCalendarFeedPayload(
                url=new.url, calendar_feed=CalendarFeedNode.from_row(new.feed)
            )

        return await attempt(CreateCalendarFeedPayload, work)

    @requires(
        (),
        [Relation.SELF],
        on="id",
        description="Revoke one of your calendar feeds; it stops at once.",
    )
    async def revoke_calendar_feed(
        self,
        info: Info,
        id: Annotated[strawberry.ID, arg("The feed.")],
    ) -> CalendarFeedPayload:
        async def work() -> CalendarFeedPayload:
            row = await school_agenda.revoke_calendar_feed(
                info.context, _id(id, "CalendarFeed", "id")
            )
            return CalendarFeedPayload(calendar_feed=CalendarFeedNode.from_row(row))

        return await attempt(CalendarFeedPayload, work)
