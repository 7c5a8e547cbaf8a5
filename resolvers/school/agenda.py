"""School resolvers for the agenda: a class's or pupil's lessons per view, scheduling lessons
and homework, and the pupil's calendar (ICS) feeds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from domain.core.errors import DomainError, ErrorCode
from domain.core.hashing import hash_secret, new_secret
from domain.core.orgtree import OrgUnitKind, path_ids
from domain.core.roles import Role, Scope
from domain.school.timetable import AgendaView, DateRange, LessonTime, from_utc, to_utc, view_range
from persistence.core.models import OrgUnit, Person
from persistence.school import queries as q
from persistence.school.models import CalendarFeed, Pupil, SchoolLesson, SchoolSubject, pk
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.tree import not_found, unit_of_kind
from resolvers.school.access import (
    PupilView,
    allowed_pupils,
    clean_text,
    path_ids_str,
    row_of,
    school_year_bounds,
    today,
    viewer_id,
)

FEED_DAYS_BACK = 28
FEED_DAYS_AHEAD = 56


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight before `first` and after `last`."""
    return to_utc(first, time(0)), to_utc(last + timedelta(days=1), time(0))


# --- reads: agenda ----------------------------------------------------------------------------------------


@dataclass
class LessonView:
    lesson: SchoolLesson
    subject: SchoolSubject
    scope: Scope

    @property
    def time(self) -> LessonTime:
        day, start = from_utc(self.lesson.starts_at)
        _, end = from_utc(self.lesson.ends_at)
        return LessonTime(day, start, end, self.lesson.first_hour, self.lesson.last_hour)


@dataclass
class AgendaDay:
    day: date
    lessons: list[LessonView]


@dataclass
class AgendaResult:
    view: AgendaView
    period: DateRange
    days: list[AgendaDay]


def lesson_scope(class_unit: OrgUnit, pupil: PupilView | None) -> Scope:
    """A lesson read through a pupil's agenda carries the pupil (guardians read it as such); on
    its own it belongs to its class's timetable, which the guardians of the class's pupils see."""
    if pupil is None:
        return Scope(
            unit_paths=(class_unit.path,),
            class_unit_id=class_unit.id,
            timetable_class_id=class_unit.id,
        )
    return pupil.scope


def agenda_key(
    class_unit: OrgUnit, view: AgendaView, day: date | None, end_date: date | None
) -> tuple[DateRange, tuple[int, datetime, datetime]]:
    """The days a view shows and its key in `lessons_by_class_range`."""
    period = view_range(view, day or today(), end_date)
    start, end = day_bounds(period.first, period.last)
    return period, (pk(class_unit), start, end)


async def agenda(
    ctx: Context,
    class_unit: OrgUnit,
    pupil: PupilView | None,
    view: AgendaView,
    day: date | None,
    end_date: date | None,
) -> AgendaResult:
    period, key = agenda_key(class_unit, view, day, end_date)
    rows = await ctx.loaders.school.lessons_by_class_range.load(key)
    return agenda_of(ctx, class_unit, pupil, view, period, rows)


def agenda_of(
    ctx: Context,
    class_unit: OrgUnit,
    pupil: PupilView | None,
    view: AgendaView,
    period: DateRange,
    rows: list[q.LessonRow],
) -> AgendaResult:
    """The agenda from the lessons `lessons_by_class_range` loaded; their teachers are primed,
    so a lesson's teacher name needs no statement of its own."""
    scope = lesson_scope(class_unit, pupil)
    per_day: dict[date, list[LessonView]] = defaultdict(list)
    teachers = {}
    for lesson, subject, teacher in rows:
        per_day[from_utc(lesson.starts_at)[0]].append(LessonView(lesson, subject, scope))
        if teacher is not None:
            teachers[pk(teacher)] = teacher
    ctx.loaders.person_by_id.prime_many(teachers)
    days = [AgendaDay(d, per_day.get(d, [])) for d in period.dates()]
    if view is AgendaView.LIST:
        days = [d for d in days if d.lessons]  # a list shows only days with lessons
    return AgendaResult(view, period, days)


# --- calendar feeds ---------------------------------------------------------------------------------------


def feed_url(ctx: Context, secret: str) -> str:
    return f"{ctx.settings.public_url}/ics/{secret}"


@dataclass
class NewFeed:
    url: str
    feed: CalendarFeed


async def create_calendar_feed(ctx: Context, pupil_id: int) -> NewFeed:
    secret = new_secret()
    async with ctx.uow() as uow:
        # The pupil's SELF or GUARDIAN was checked by `@requires(on: "pupilId")`.
        pupil = await uow.get(Pupil, pupil_id)
        if pupil is None:
            raise not_found("pupilId")
        feed = uow.add(
            CalendarFeed(
                person_id=viewer_id(ctx), pupil_id=pk(pupil), token_hash=hash_secret(secret)
            )
        )
        await uow.flush()
        await uow.audit("CALENDAR_FEED_CREATED", subject=pupil.person_id)
        await uow.commit()
    return NewFeed(feed_url(ctx, secret), feed)


async def revoke_calendar_feed(ctx: Context, feed_id: int) -> CalendarFeed:
    async with ctx.uow() as uow:
        # That it is the viewer's own feed was checked by `@requires(on: "id")`.
        feed = await uow.get(CalendarFeed, feed_id)
        if feed is None:
            raise not_found("id")
        if feed.revoked_at is None:
            feed.revoked_at = utcnow()
            await uow.audit("CALENDAR_FEED_REVOKED")
        await uow.commit()
    return feed


@dataclass
class FeedContent:
    pupil: Pupil
    person: Person
    lessons: list[q.LessonRow]
    class_unit: OrgUnit
    location: OrgUnit | None


async def feed_content(session: Any, secret: str) -> FeedContent | None:
    """The lessons behind a feed secret, or None when revoked, unknown or no longer allowed.

    Access is decided now, as for a GraphQL request: a guardian whose adult child withdraws
    consent gets nothing from the next refresh on.
    """
    found = await q.feed_by_hash(session, hash_secret(secret))
    if found is None:
        return None
    feed, pupil, person = found
    on = today()
    if feed.person_id != pupil.person_id:
        rows = await q.school_relations(session, feed.person_id, *school_year_bounds(on))
        if pupil.id not in allowed_pupils(rows.links, on):
            return None
    start, end = day_bounds(
        on - timedelta(days=FEED_DAYS_BACK), on + timedelta(days=FEED_DAYS_AHEAD)
    )
    lessons = (await q.lessons_by_class_range(session, [(pupil.class_unit_id, start, end)]))[0]
    units = await q.class_and_location(session, pupil.class_unit_id)
    if units is None:
        return None
    return FeedContent(pupil, person, lessons, units[0], units[1])


# --- writes: timetable and homework ----------------------------------------------------------------------


@dataclass
class LessonInput:
    subject_id: int
    day: date
    start: time
    end: time
    first_hour: int
    last_hour: int | None = None
    room: str = ""
    teacher_code: str = ""
    teacher_id: int | None = None
    homework: str | None = None


async def schedule_lesson(ctx: Context, class_id: int, data: LessonInput) -> SchoolLesson:
    slot = LessonTime(
        data.day,
        data.start,
        data.end,
        data.first_hour,
        data.first_hour if data.last_hour is None else data.last_hour,
    )
    async with ctx.uow() as uow:
        class_unit = await unit_of_kind(uow, class_id, OrgUnitKind.CLASS, "input.classId")
        # The subject must be one of the class's school: any other id answers as unknown.
        subject = await uow.get(SchoolSubject, data.subject_id)
        if subject is None or str(subject.school_unit_id) not in path_ids_str(class_unit.path):
            raise not_found("subjectId")
        if data.teacher_id is not None:
            # Only a teacher of this school or location: any other id would name a stranger.
            roles = await q.roles_on_units(uow.session, data.teacher_id, path_ids(class_unit.path))
            if not any(r.role is Role.TEACHER for r in roles):
                raise not_found("teacherId")
        lesson = uow.add(
            SchoolLesson(
                class_unit_id=pk(class_unit),
                subject_id=pk(subject),
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                first_hour=slot.first_hour,
                last_hour=slot.last_hour,
                room=clean_text(data.room, "room", 40),
                teacher_code=clean_text(data.teacher_code, "teacherCode", 12).upper(),
                teacher_person_id=data.teacher_id,
                homework=_homework(data.homework),
            )
        )
        await uow.flush()
        await uow.commit()
    return lesson


def _homework(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    if len(text) > 4000:
        raise DomainError(ErrorCode.INVALID, "Homework is at most 4000 characters", "homework")
    return text.strip()


async def set_homework(ctx: Context, lesson_id: int, homework: str | None) -> SchoolLesson:
    text = _homework(homework)
    async with ctx.uow() as uow:
        lesson = await row_of(uow, SchoolLesson, lesson_id, "lessonId")
        lesson.homework = text
        await uow.commit()
    return lesson
