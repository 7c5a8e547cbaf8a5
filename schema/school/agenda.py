"""Lessons, agenda views and the calendar feed."""

from __future__ import annotations

from datetime import date, datetime, time

import strawberry

from domain.core.roles import Scope
from persistence.core.models import OrgUnit
from persistence.school.models import (
    CalendarFeed,
    SchoolLesson,
    SchoolSubject,
)
from resolvers.context import Context
from resolvers.core.loader_group import referenced
from resolvers.school import agenda as school_agenda
from schema.core.info import Info
from schema.core.relay import Node
from schema.school.enums import AgendaView
from schema.school.fields import LESSON_READ, OWN_READ, _f, _gid, loaded
from schema.school.results import SchoolSubjectNode


def _name(unit: OrgUnit | None) -> str:
    if unit is None:
        raise LookupError("a lesson's class is missing, though a foreign key points to it")
    return unit.name


@strawberry.type(
    name="TimetableLesson",
    description="A lesson on the timetable: subject, room, teacher code, attendance mark, "
    "details and homework ('huiswerk').",
)
class TimetableLessonNode(Node):
    row: strawberry.Private[SchoolLesson]
    subject_row: strawberry.Private[SchoolSubject]
    scope: strawberry.Private[Scope]
    READ = LESSON_READ

    @classmethod
    def make(cls, row: SchoolLesson, subject: SchoolSubject, scope: Scope) -> TimetableLessonNode:
        return cls(id=_gid("TimetableLesson", row.id), row=row, subject_row=subject, scope=scope)

    @classmethod
    async def build(cls, ctx: Context, row: SchoolLesson) -> TimetableLessonNode:
        subject = await referenced(ctx.loaders.school.subject_by_id, row.subject_id)
        unit = await referenced(ctx.loaders.unit_by_id, row.class_unit_id)
        return cls.make(row, subject, school_agenda.lesson_scope(unit, None))

    @_f(LESSON_READ, "The day (Europe/Amsterdam).")
    def date(self) -> date:
        return school_agenda.from_utc(self.row.starts_at)[0]

    @_f(LESSON_READ, "Start on the Amsterdam wall clock.")
    def start_time(self) -> time:
        return school_agenda.from_utc(self.row.starts_at)[1].replace(fold=0)

    @_f(LESSON_READ, "End on the Amsterdam wall clock.")
    def end_time(self) -> time:
        return school_agenda.from_utc(self.row.ends_at)[1].replace(fold=0)

    @_f(LESSON_READ, "Start (ISO 8601, UTC).")
    def starts_at(self) -> datetime:
        return self.row.starts_at

    @_f(LESSON_READ, "End (ISO 8601, UTC).")
    def ends_at(self) -> datetime:
        return self.row.ends_at

    @_f(LESSON_READ, "Length in minutes.")
    def duration_minutes(self) -> int:
        return int((self.row.ends_at - self.row.starts_at).total_seconds() // 60)

    @_f(LESSON_READ, "First lesson hour ('lesuur').")
    def first_lesson_hour(self) -> int:
        return self.row.first_hour

    @_f(LESSON_READ, "Last lesson hour (the same as the first for a one-hour lesson).")
    def last_lesson_hour(self) -> int:
        return self.row.last_hour

    @_f(LESSON_READ, "The subject.")
    def subject(self) -> SchoolSubjectNode:
        return SchoolSubjectNode.make(self.subject_row, self.scope)

    @_f(LESSON_READ, "The room ('lokaal'), e.g. '1.23'.")
    def room(self) -> str:
        return self.row.room

    @_f(LESSON_READ, "The teacher's code ('docentcode').")
    def teacher_code(self) -> str:
        return self.row.teacher_code

    @_f(LESSON_READ, "The teacher's name; null if not known.")
    def teacher_name(self, info: Info) -> str | None:
        if self.row.teacher_person_id is None:
            return None
        return loaded(
            info.context.loaders.person_by_id,
            self.row.teacher_person_id,
            lambda person: person.display_name if person else None,
        )

    @_f(LESSON_READ, "The class.")
    def class_name(self, info: Info) -> str:
        return loaded(info.context.loaders.unit_by_id, self.row.class_unit_id, _name)

    @_f(LESSON_READ, "Whether the teacher registered attendance (the seed's green tick).")
    def attendance_registered(self) -> bool:
        return self.row.attendance_registered

    @_f(LESSON_READ, "Whether homework is set for this lesson.")
    def has_homework(self) -> bool:
        return bool(self.row.homework)

    @_f(LESSON_READ, "The homework; null if none.")
    def homework(self) -> str | None:
        return self.row.homework


@strawberry.type(description="One day of the agenda.")
class AgendaDay:
    scope: strawberry.Private[Scope]
    READ = LESSON_READ
    date: date = _f(LESSON_READ, "The day.")
    lessons: list[TimetableLessonNode] = _f(LESSON_READ, "Lessons of the day, in time order.")


@strawberry.type(description="An agenda: the days of a view with their lessons.")
class Agenda:
    scope: strawberry.Private[Scope]
    READ = LESSON_READ
    view: AgendaView = _f(LESSON_READ, "The view shown.")
    first_day: date = _f(LESSON_READ, "First day shown.")
    last_day: date = _f(LESSON_READ, "Last day shown.")
    days: list[AgendaDay] = _f(
        LESSON_READ, "The days: every day for week views, days with lessons for LIST (max 62)."
    )

    @classmethod
    def make(cls, found: school_agenda.AgendaResult, scope: Scope) -> Agenda:
        return cls(
            scope=scope,
            view=AgendaView(found.view.value),
            first_day=found.period.first,
            last_day=found.period.last,
            days=[
                AgendaDay(
                    scope=scope,
                    date=d.day,
                    lessons=[
                        TimetableLessonNode.make(lv.lesson, lv.subject, lv.scope)
                        for lv in d.lessons
                    ],
                )
                for d in found.days
            ],
        )


@strawberry.type(
    name="CalendarFeed",
    description="A secret iCalendar URL of a pupil's timetable, for a phone calendar. Its "
    "secret is shown once; revoke it to stop it at once.",
)
class CalendarFeedNode(Node):
    row: strawberry.Private[CalendarFeed]
    scope: strawberry.Private[Scope]
    READ = OWN_READ

    @classmethod
    def from_row(cls, row: CalendarFeed) -> CalendarFeedNode:
        return cls(id=_gid("CalendarFeed", row.id), row=row, scope=Scope(person_id=row.person_id))

    @_f(OWN_READ, "When it was created (ISO 8601, UTC).")
    def created_at(self) -> datetime:
        return self.row.created_at

    @_f(OWN_READ, "When it was revoked; null while it works.")
    def revoked_at(self) -> datetime | None:
        return self.row.revoked_at

    @_f(OWN_READ, "Global ID of the pupil whose timetable it shows.")
    def pupil_id(self) -> strawberry.ID:
        return _gid("Pupil", self.row.pupil_id)
