"""Absences and attendance percentages: a trend, not detail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from domain.core.roles import Scope
from persistence.school.models import (
    SchoolAbsence,
    SchoolLesson,
    SchoolSubject,
)
from resolvers.context import Context
from resolvers.core.i18n import N_, format_date, translate
from resolvers.core.loader_group import referenced
from resolvers.school import access as resolve
from resolvers.school import attendance as school_attendance
from schema.core.relay import Node
from schema.school.agenda import TimetableLessonNode
from schema.school.fields import PUPIL_READ, _f, _gid

# Status names as a school says them (seed: "geoorloofd" / "afgehandeld").
AUTHORISED = {True: N_("authorised"), False: N_("unauthorised")}
HANDLED = {True: N_("handled"), False: N_("not handled")}
DAY = "EEE d MMM"  # "ma 30 nov", "Mon 30 Nov"


@strawberry.type(
    name="Absence",
    description="An absence from a lesson ('absentie'). Without a known reason it is "
    "unauthorised and not handled.",
)
class AbsenceNode(Node):
    row: strawberry.Private[SchoolAbsence]
    lesson_row: strawberry.Private[SchoolLesson]
    subject_row: strawberry.Private[SchoolSubject]
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ

    @classmethod
    def make(
        cls, row: SchoolAbsence, lesson: SchoolLesson, subject: SchoolSubject, scope: Scope
    ) -> AbsenceNode:
        return cls(
            id=_gid("Absence", row.id),
            row=row,
            lesson_row=lesson,
            subject_row=subject,
            scope=scope,
        )

    @classmethod
    async def build(cls, ctx: Context, row: SchoolAbsence) -> AbsenceNode:
        lesson = await referenced(ctx.loaders.school.lesson_by_id, row.lesson_id)
        subject = await referenced(ctx.loaders.school.subject_by_id, lesson.subject_id)
        pupil = await referenced(ctx.loaders.school.pupil_by_id, row.pupil_id)
        view = await resolve.pupil_view(ctx, pupil)
        return cls.make(row, lesson, subject, view.scope)

    @_f(PUPIL_READ, "The day (Europe/Amsterdam).")
    def date(self) -> date:
        return school_attendance.from_utc(self.lesson_row.starts_at)[0]

    @_f(PUPIL_READ, "ISO week of the day, e.g. '2025-W41'.")
    def iso_week(self) -> str:
        return str(
            school_attendance.iso_week(school_attendance.from_utc(self.lesson_row.starts_at)[0])
        )

    @_f(PUPIL_READ, "Lesson hour ('lesuur') from which the pupil was absent.")
    def lesson_hour(self) -> int:
        return self.lesson_row.first_hour

    @_f(PUPIL_READ, "Lesson hours missed: 2 for a double lesson.")
    def lesson_hours(self) -> int:
        return self.lesson_row.last_hour - self.lesson_row.first_hour + 1

    @_f(PUPIL_READ, "The subject missed.")
    def subject_name(self) -> str:
        return self.subject_row.name

    @_f(PUPIL_READ, "Code of the subject missed.")
    def subject_code(self) -> str:
        return self.subject_row.code

    @_f(PUPIL_READ, "The reason; null while not known.")
    def reason(self) -> str | None:
        return self.row.reason

    @_f(PUPIL_READ, "Authorised ('geoorloofd'); false while no reason is known.")
    def authorised(self) -> bool:
        return self.row.authorised

    @_f(PUPIL_READ, "Handled ('afgehandeld'): the school has acted on it.")
    def handled(self) -> bool:
        return self.row.handled

    @_f(
        PUPIL_READ,
        "Authorised and handled as people say it, in the viewer's language: "
        "'ongeoorloofd, niet afgehandeld'.",
    )
    def status_text(self) -> str:
        return translate(
            N_("{authorised}, {handled}"),
            authorised=translate(AUTHORISED[self.row.authorised]),
            handled=translate(HANDLED[self.row.handled]),
        )

    @_f(PUPIL_READ, "The day as people write it, in the viewer's language: 'ma 30 nov'.")
    def day_label(self) -> str:
        return format_date(school_attendance.from_utc(self.lesson_row.starts_at)[0], style=DAY)

    @_f(PUPIL_READ, "The lesson missed.")
    def lesson(self) -> TimetableLessonNode:
        return TimetableLessonNode.make(self.lesson_row, self.subject_row, self.scope)


@strawberry.type(description="The absences of one ISO week.")
class AbsenceWeek:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    iso_week: str = _f(PUPIL_READ, "ISO week, e.g. '2025-W41'.")
    year: int = _f(PUPIL_READ, "ISO week-numbering year.")
    week: int = _f(PUPIL_READ, "Week number ('weeknummer').")
    monday: date = _f(PUPIL_READ, "Monday of the week.")
    absences: list[AbsenceNode] = _f(
        PUPIL_READ, "Absences, latest day first, lesson hours in order (one week's lessons)."
    )


@strawberry.type(description="Attendance over a period: a trend, not detail.")
class Attendance:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    first_day: date = _f(PUPIL_READ, "First day of the period.")
    last_day: date = _f(PUPIL_READ, "Last day of the period (included).")
    registered_lessons: int = _f(
        PUPIL_READ,
        "Lessons whose attendance was registered in the period (a double lesson is one lesson; "
        "the percentages count `registeredLessonHours`).",
    )
    absent_lessons: int = _f(PUPIL_READ, "Lessons the pupil was absent from.")
    registered_lesson_hours: int = _f(
        PUPIL_READ,
        "Lesson hours ('lesuren') whose attendance was registered: a double lesson counts 2.",
    )
    absent_lesson_hours: int = _f(
        PUPIL_READ, "Lesson hours the pupil was absent: a missed double lesson counts 2."
    )
    absence_percent: Decimal | None = _f(
        PUPIL_READ,
        "Absence in percent of the registered lesson hours (not lessons: a double lesson "
        "counts as 2 hours), one decimal, half up; null without registered lessons.",
    )
    presence_percent: Decimal | None = _f(
        PUPIL_READ,
        "Presence in percent of the registered lesson hours (100 - absence); null without "
        "registered lessons.",
    )
    weeks: list[AbsenceWeek] = _f(
        PUPIL_READ,
        "The week overview: weeks with absences, latest first (the period is at most 366 days). "
        "Empty when the pupil was never absent.",
    )

    @classmethod
    def make(cls, found: school_attendance.AttendanceView, scope: Scope) -> Attendance:
        return cls(
            scope=scope,
            first_day=found.period.first,
            last_day=found.period.last,
            registered_lessons=found.registered_lessons,
            absent_lessons=found.absent_lessons,
            registered_lesson_hours=found.registered_hours,
            absent_lesson_hours=found.absent_hours,
            absence_percent=found.absence_percent,
            presence_percent=found.presence_percent,
            weeks=[
                AbsenceWeek(
                    scope=scope,
                    iso_week=str(w.week),
                    year=w.week.year,
                    week=w.week.week,
                    monday=w.week.monday,
                    absences=[
                        AbsenceNode.make(a.absence, a.lesson, a.subject, scope) for a in w.absences
                    ],
                )
                for w in found.weeks
            ],
        )
