"""School resolvers for attendance: a pupil's absences and rates over a period, registering
presence for a lesson and handling an absence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import SCHOOL_ADMINS, Relation, Requirement
from domain.school.attendance import (
    Absence,
    IsoWeek,
    attendance_rates,
    iso_week,
    lesson_hours,
)
from domain.school.grades import SchoolYear, school_year_of
from domain.school.timetable import DateRange, from_utc
from persistence.core.models import OrgUnit
from persistence.school import queries as q
from persistence.school.models import Pupil, SchoolAbsence, SchoolLesson, SchoolSubject, pk
from resolvers.context import Context
from resolvers.core.tree import not_found
from resolvers.school.access import PupilView, clean_text, pupil_scope, row_of, today
from resolvers.school.agenda import day_bounds

MAX_ATTENDANCE_DAYS = 366

# Every teacher of the class may reach an absence; only its mentor or the administration
# handles it (a rule narrower than the bound requirement, checked on the bound absence).
ABSENCE_HANDLERS = Requirement.of(SCHOOL_ADMINS, [Relation.MENTOR])


# --- reads: attendance ----------------------------------------------------------------------------------


@dataclass
class AbsenceLine:
    absence: SchoolAbsence
    lesson: SchoolLesson
    subject: SchoolSubject
    domain: Absence


@dataclass
class AbsenceWeek:
    week: IsoWeek
    absences: list[AbsenceLine]


@dataclass
class AttendanceView:
    period: DateRange
    registered_lessons: int
    absent_lessons: int
    absence_percent: Decimal | None
    presence_percent: Decimal | None
    weeks: list[AbsenceWeek] = field(default_factory=list)
    registered_hours: int = 0  # lesson hours ("lesuren"): what the percentages count
    absent_hours: int = 0


@dataclass(frozen=True)
class AttendanceKey:
    """The period a pupil's attendance is asked for, and its key in the loader."""

    period: DateRange
    key: tuple[int, datetime, datetime]


def attendance_key(pupil: Pupil, first: date | None, last: date | None) -> AttendanceKey:
    on = today()
    last = last or on
    first = first or SchoolYear(school_year_of(last).start_year).first_day
    period = DateRange(first, last)
    if period.days > MAX_ATTENDANCE_DAYS:
        raise DomainError(
            ErrorCode.INVALID,
            "A period of at most {max_attendance_days} days; {days} were asked for",
            "to",
            max_attendance_days=MAX_ATTENDANCE_DAYS,
            days=period.days,
        )
    start, end = day_bounds(first, last)
    return AttendanceKey(period, (pk(pupil), start, end))


def attendance_of(view: PupilView, period: DateRange, found: q.AttendanceRows) -> AttendanceView:
    """The attendance view from what `attendance_by_pupil` loaded."""
    rows = found.absences
    # Registered: lessons of the class whose attendance the teacher registered, plus any lesson
    # the pupil was recorded absent from (also one of an earlier class or not registered). Rates
    # count lesson hours, not lessons: a double lesson missed is two hours missed.
    absent = {pk(lesson): lesson for _, lesson, _ in rows}
    also = [
        lesson
        for lesson in absent.values()
        if not (lesson.class_unit_id == view.pupil.class_unit_id and lesson.attendance_registered)
    ]
    registered = found.registered_lessons + len(also)
    registered_hours = found.registered_hours + sum(
        lesson_hours(lesson.first_hour, lesson.last_hour) for lesson in also
    )
    absent_hours = sum(
        lesson_hours(lesson.first_hour, lesson.last_hour) for lesson in absent.values()
    )
    rates = attendance_rates(registered_hours, absent_hours)
    lines = [
        AbsenceLine(
            absence,
            lesson,
            subject,
            Absence(
                day=from_utc(lesson.starts_at)[0],
                lesson_hour=lesson.first_hour,
                subject=subject.name,
                reason=absence.reason,
                authorised=absence.authorised,
                handled=absence.handled,
            ),
        )
        for absence, lesson, subject in rows
    ]
    weeks: dict[IsoWeek, list[AbsenceLine]] = defaultdict(list)
    for line in lines:
        weeks[iso_week(line.domain.day)].append(line)
    # The seed's order: latest week first, in a week the latest day first, hours in order.
    ordered = [
        AbsenceWeek(
            week,
            sorted(items, key=lambda x: (-x.domain.day.toordinal(), x.domain.lesson_hour)),
        )
        for week, items in sorted(weeks.items(), key=lambda kv: kv[0], reverse=True)
    ]
    return AttendanceView(
        period,
        registered,
        len(absent),
        rates.absence_percent,
        rates.presence_percent,
        ordered,
        registered_hours=rates.registered_lessons,
        absent_hours=rates.absent_lessons,
    )


# --- writes: attendance ----------------------------------------------------------------------------------


async def register_attendance(
    ctx: Context, lesson_id: int, absent_pupil_ids: list[int]
) -> tuple[SchoolLesson, list[SchoolAbsence]]:
    """The teacher registers presence for a lesson; the pupils named were absent. A new
    absence has no reason yet, so it is unauthorised and not handled."""
    if len(absent_pupil_ids) > 100:
        raise DomainError(ErrorCode.INVALID, "At most 100 pupils at once", "absentPupilIds")
    async with ctx.uow() as uow:
        lesson = await row_of(uow, SchoolLesson, lesson_id, "lessonId")
        lesson.attendance_registered = True
        absences = []
        for pid in dict.fromkeys(absent_pupil_ids):
            # Only pupils of the lesson's class: any other id answers as unknown.
            pupil = await uow.get(Pupil, pid)
            if pupil is None or pupil.class_unit_id != lesson.class_unit_id:
                raise not_found("absentPupilIds")
            absence = await q.absence_of(uow.session, pid, lesson.id)  # type: ignore[arg-type]
            if absence is None:
                absence = uow.add(SchoolAbsence(pupil_id=pid, lesson_id=pk(lesson)))
            absences.append(absence)
        await uow.flush()
        await uow.commit()
    return lesson, absences


async def handle_absence(
    ctx: Context, absence_id: int, reason: str | None, authorised: bool, handled: bool
) -> SchoolAbsence:
    """The mentor (or the administration) records the reason and follow-up of an absence."""
    text = None if reason is None or not reason.strip() else clean_text(reason, "reason", 300)
    async with ctx.uow() as uow:
        absence = await row_of(uow, SchoolAbsence, absence_id, "absenceId")
        lesson = await row_of(uow, SchoolLesson, absence.lesson_id, "absenceId")
        pupil = await row_of(uow, Pupil, absence.pupil_id, "absenceId")
        class_unit = await row_of(uow, OrgUnit, pupil.class_unit_id, "absenceId")
        if not ctx.allows(ABSENCE_HANDLERS, pupil_scope(pupil, class_unit)):
            raise DomainError(
                ErrorCode.FORBIDDEN,
                "Only the class's mentor or the school administration handles absences.",
                "absenceId",
            )
        day = from_utc(lesson.starts_at)[0]
        # The domain rule: without a known reason an absence is unauthorised and not handled.
        Absence(day, lesson.first_hour, "", text, authorised, handled)
        absence.reason = text
        absence.authorised = authorised
        absence.handled = handled
        absence.handled_by = ctx.viewer.person_id
        await uow.commit()
    return absence
