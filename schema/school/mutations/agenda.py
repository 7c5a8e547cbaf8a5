"""Lessons, homework and calendar feeds."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

import strawberry

from resolvers.school import agenda as school_agenda
from schema.core.payloads import arg, attempt
from schema.core.permissions import authenticated, requires
from schema.school.agenda import CalendarFeedNode
from schema.school.fields import STAFF
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
        STAFF, description="Put a lesson on a class's timetable (Amsterdam wall-clock times)."
    )
    async def schedule_lesson(
        self,
        info: strawberry.Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        subject_id: Annotated[strawberry.ID, arg("The subject.")],
        date_: Annotated[date, strawberry.argument(name="date", description="The day.")],
        start_time: Annotated[time, arg("Start, local time.")],
        end_time: Annotated[time, arg("End, local time.")],
        first_lesson_hour: Annotated[int, arg("First lesson hour ('lesuur').")],
        last_lesson_hour: Annotated[
            int | None, arg("Last lesson hour; null for a one-hour lesson.")
        ] = None,
        room: Annotated[str, arg("Room.")] = "",
        teacher_code: Annotated[str, arg("Teacher code.")] = "",
        teacher_id: Annotated[strawberry.ID | None, arg("The teacher (a Person), if any.")] = None,
        homework: Annotated[str | None, arg("Homework, if any.")] = None,
    ) -> LessonPayload:
        async def work() -> LessonPayload:
            row = await school_agenda.schedule_lesson(
                info.context,
                _id(class_id, "OrgUnit", "classId"),
                school_agenda.LessonInput(
                    subject_id=_id(subject_id, "SchoolSubject", "subjectId"),
                    day=date_,
                    start=start_time,
                    end=end_time,
                    first_hour=first_lesson_hour,
                    last_hour=last_lesson_hour,
                    room=room,
                    teacher_code=teacher_code,
                    teacher_id=_id(teacher_id, "Person", "teacherId") if teacher_id else None,
                    homework=homework,
                ),
            )
            return LessonPayload(lesson=await _lesson_node(info, row))

        return await attempt(LessonPayload, work)

    @requires(STAFF, description="Set or clear the homework of a lesson.")
    async def set_homework(
        self,
        info: strawberry.Info,
        lesson_id: Annotated[strawberry.ID, arg("The lesson.")],
        homework: Annotated[str | None, arg("The homework; null or empty to clear.")],
    ) -> LessonPayload:
        async def work() -> LessonPayload:
            row = await school_agenda.set_homework(
                info.context, _id(lesson_id, "TimetableLesson", "lessonId"), homework
            )
            return LessonPayload(lesson=await _lesson_node(info, row))

        return await attempt(LessonPayload, work)

    @authenticated(
        description="Create a secret iCalendar feed URL of a pupil's timetable (yours, or a "
        "child's you may see). It follows consent: a guardian who loses access gets an empty "
        "answer (404) from then on."
    )
    async def create_calendar_feed(
        self,
        info: strawberry.Info,
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

    @authenticated(description="Revoke one of your calendar feeds; it stops at once.")
    async def revoke_calendar_feed(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, arg("The feed.")],
    ) -> CalendarFeedPayload:
        async def work() -> CalendarFeedPayload:
            row = await school_agenda.revoke_calendar_feed(
                info.context, _id(id, "CalendarFeed", "id")
            )
            return CalendarFeedPayload(calendar_feed=CalendarFeedNode.from_row(row))

        return await attempt(CalendarFeedPayload, work)
