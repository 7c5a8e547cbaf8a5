"""Queries of the school portal. Batch functions take keys and return results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import ClauseAdapter

from domain.core.roles import Role
from persistence.batching import bound_among, chunks, rows_by_ids
from persistence.core.models import OrgUnit, Person, RoleAssignment
from persistence.paging import KeyOrder, Seek, Slice, fetch_slice
from persistence.prepared import built_once
from persistence.school.models import (
    CalendarFeed,
    ClassMentor,
    GuardianConsent,
    GuardianConsentChange,
    GuardianLink,
    LocationDetails,
    Pupil,
    PupilEnrolment,
    SchoolAbsence,
    SchoolAssessment,
    SchoolGrade,
    SchoolLesson,
    SchoolSubject,
)
from persistence.snapshots import Snapshots, fetch_rows
from persistence.tenancy import on_postgres


def _ids(column: Any, postgres: bool, one: bool) -> sa.ColumnElement[bool]:
    """`column` among the ids `_fetch` binds as "ids": `bound_among`, or for a single id
    (`one`) a scalar parameter. PostgreSQL estimates `= ANY($1)` for ten elements, so a
    prepared statement with it costs more as a generic plan than as a custom one and is planned
    again on every execution (1.5 ms for the children's nine tables); with `= $1` it keeps
    the generic plan."""
    return column == sa.bindparam("ids") if one else bound_among(column, "ids", postgres)


async def _fetch(
    session: AsyncSession,
    statement: Callable[[bool, bool], Any],
    ids: Sequence[int],
    **params: Any,
) -> Sequence[Any]:
    """The rows of `statement(postgres, one)` (see `_ids`) for these ids and parameters.

    The dashboard's statements are built once: building a select of nine joined tables and
    its cache key costs more (0.4 ms) than PostgreSQL takes to run it."""
    one = len(ids) == 1
    params["ids"] = ids[0] if one else list(ids)
    return await fetch_rows(session, statement(on_postgres(session), one), params)


# --- the viewer's relations (run once per request, in portaal/auth.py) -----------------------


@dataclass(frozen=True)
class SchoolRelationRows:
    """What the viewer's school relations are computed from (see `school_relations`)."""

    # (pupil id, date of birth, consent given, the pupil's class) per representative link
    links: list[tuple[int, date, bool, int]]
    mentored: list[int]  # classes the person mentors
    taught: list[int]  # classes the person teaches a lesson of in the period asked


async def school_relations(
    session: AsyncSession, person_id: int, year_start: datetime, year_end: datetime
) -> SchoolRelationRows:
    """The person's links as a legal representative, classes mentored and classes taught
    (a lesson starting in [year_start, year_end)).

    One statement: a UNION ALL of the three, so every request pays one extra query, not three.
    A link that is not as legal representative ("wettelijk vertegenwoordiger") is left out: it
    is recorded, but grants nothing.
    """
    params = {"person_id": person_id, "year_start": year_start, "year_end": year_end}
    rows = (await (await session.connection()).execute(_school_relations(), params)).all()
    return SchoolRelationRows(
        links=[
            (int(ref), dob, bool(given), int(cid)) for k, ref, dob, given, cid in rows if k == "G"
        ],
        mentored=[int(ref) for k, ref, *_ in rows if k == "M"],
        taught=sorted({int(ref) for k, ref, *_ in rows if k == "T"}),
    )


def may_have_school_relations(person_id: Any, postgres: bool) -> sa.ColumnElement[bool]:
    """Whether `school_relations` can find anything for the person: a link as legal
    representative or a teacher's role (mentors and teachers count only while they hold one).

    A probe of the authenticating statement (`persistence.core.people.Probe`).
    """
    if postgres:
        # Row-level security: that statement switches its tenant in its own select list, so a
        # read of guardian links beside it would depend on the order of evaluation; the
        # function (migration 0010) answers yes or no as the system.
        return sa.func.portaal_may_have_school_relations(person_id, type_=sa.Boolean)
    link = sa.select(GuardianLink.id).where(
        GuardianLink.guardian_person_id == person_id,
        GuardianLink.legal_representative.is_(True),
    )
    role = aliased(RoleAssignment)  # not the grants' role_assignment of that statement
    teacher = sa.select(role.id).where(role.person_id == person_id, role.role == Role.TEACHER)
    return sa.or_(link.exists(), teacher.exists())


@cache
def _school_relations() -> sa.CompoundSelect:
    # Built once, run with bind parameters: every authenticated request runs it, and building
    # the aliased union costs more than executing it.
    person_id: sa.BindParameter[int] = sa.bindparam("person_id")
    year_start: sa.BindParameter[datetime] = sa.bindparam("year_start")
    year_end: sa.BindParameter[datetime] = sa.bindparam("year_end")
    guardian = (
        sa.select(
            sa.literal("G").label("k"),
            GuardianLink.pupil_id.label("ref"),
            Pupil.date_of_birth.label("dob"),
            sa.func.coalesce(GuardianConsent.given, sa.false()).label("given"),
            Pupil.class_unit_id.label("class_id"),
        )
        .join(Pupil, Pupil.id == GuardianLink.pupil_id)
        .outerjoin(
            GuardianConsent,
            sa.and_(
                GuardianConsent.pupil_id == GuardianLink.pupil_id,
                GuardianConsent.guardian_person_id == GuardianLink.guardian_person_id,
            ),
        )
        .where(
            GuardianLink.guardian_person_id == person_id,
            GuardianLink.legal_representative.is_(True),
        )
    )
    # A mentor or teacher counts only while still a teacher of the class's location or school.
    class_unit, teacher_unit = aliased(OrgUnit), aliased(OrgUnit)
    still_teacher = (
        sa.select(RoleAssignment.id)
        .join(teacher_unit, teacher_unit.id == RoleAssignment.org_unit_id)
        .where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.role == Role.TEACHER,
            class_unit.path.startswith(teacher_unit.path),
        )
        .exists()
    )
    mentor = (
        sa.select(
            sa.literal("M").label("k"),
            ClassMentor.class_unit_id.label("ref"),
            sa.cast(sa.null(), sa.Date).label("dob"),
            sa.false().label("given"),
            sa.cast(sa.null(), sa.Integer).label("class_id"),
        )
        .join(class_unit, class_unit.id == ClassMentor.class_unit_id)
        .where(ClassMentor.teacher_person_id == person_id, still_teacher)
    )
    teaches = (
        sa.select(
            sa.literal("T").label("k"),
            SchoolLesson.class_unit_id.label("ref"),
            sa.cast(sa.null(), sa.Date).label("dob"),
            sa.false().label("given"),
            sa.cast(sa.null(), sa.Integer).label("class_id"),
        )
        .join(class_unit, class_unit.id == SchoolLesson.class_unit_id)
        .where(
            SchoolLesson.teacher_person_id == person_id,
            SchoolLesson.starts_at >= year_start,
            SchoolLesson.starts_at < year_end,
            still_teacher,
        )
        .distinct()
    )
    return sa.union_all(guardian, mentor, teaches)


# --- pupils -----------------------------------------------------------------------------------


async def pupils_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Pupil | None]:
    return await rows_by_ids(session, Pupil, ids)


async def pupils_by_person(session: AsyncSession, person_ids: Sequence[int]) -> list[Pupil | None]:
    found: dict[int, Pupil] = {}
    for part in chunks(list(dict.fromkeys(person_ids))):
        result = await session.execute(sa.select(Pupil).where(Pupil.person_id.in_(part)))
        found.update({row.person_id: row for row in result.scalars()})
    return [found.get(pid) for pid in person_ids]


async def pupil_by_student_number(
    session: AsyncSession, school_unit_id: int, number: str
) -> Pupil | None:
    stmt = sa.select(Pupil).where(
        Pupil.school_unit_id == school_unit_id, Pupil.student_number == number
    )
    return (await session.execute(stmt)).scalars().first()


def _class_pupils_where(class_unit_id: int) -> list[Any]:
    return [Pupil.class_unit_id == class_unit_id]


CLASS_PUPIL_ORDER = KeyOrder.of(
    "classPupils", Person.family_name, Person.given_name, tiebreak=Pupil.id
)


async def class_pupils_page(
    session: AsyncSession, class_unit_id: int, seek: Seek
) -> Slice[tuple[Pupil, Person]]:
    stmt = (
        sa.select(Pupil, Person)
        .join(Person, Person.id == Pupil.person_id)
        .where(*_class_pupils_where(class_unit_id))
    )
    return await fetch_slice(session, stmt, CLASS_PUPIL_ORDER, seek)


async def class_pupils_count(session: AsyncSession, class_unit_id: int) -> int:
    stmt = sa.select(sa.func.count()).select_from(Pupil).where(*_class_pupils_where(class_unit_id))
    return int((await session.execute(stmt)).scalar_one())


async def location_details_by_units(
    session: AsyncSession, unit_ids: Sequence[int]
) -> list[LocationDetails | None]:
    found: dict[int, LocationDetails] = {}
    for part in chunks(list(dict.fromkeys(unit_ids))):
        result = await session.execute(
            sa.select(LocationDetails).where(LocationDetails.org_unit_id.in_(part))
        )
        found.update({row.org_unit_id: row for row in result.scalars()})
    return [found.get(uid) for uid in unit_ids]


async def location_details(session: AsyncSession, unit_id: int) -> LocationDetails | None:
    return await session.get(LocationDetails, unit_id)


async def mentors_by_class(session: AsyncSession, class_ids: Sequence[int]) -> list[list[Person]]:
    grouped: dict[int, list[Person]] = defaultdict(list)
    for part in chunks(list(dict.fromkeys(class_ids))):
        stmt = (
            sa.select(ClassMentor.class_unit_id, Person)
            .join(Person, Person.id == ClassMentor.teacher_person_id)
            .where(ClassMentor.class_unit_id.in_(part))
            .order_by(ClassMentor.id)
        )
        for class_id, person in (await session.execute(stmt)).all():
            grouped[class_id].append(person)
    return [grouped.get(cid, []) for cid in class_ids]


async def class_mentor(
    session: AsyncSession, class_unit_id: int, person_id: int
) -> ClassMentor | None:
    stmt = sa.select(ClassMentor).where(
        ClassMentor.class_unit_id == class_unit_id, ClassMentor.teacher_person_id == person_id
    )
    return (await session.execute(stmt)).scalars().first()


async def roles_on_units(
    session: AsyncSession, person_id: int, unit_ids: Sequence[int]
) -> list[RoleAssignment]:
    stmt = sa.select(RoleAssignment).where(
        RoleAssignment.person_id == person_id, RoleAssignment.org_unit_id.in_(list(unit_ids))
    )
    return list((await session.execute(stmt)).scalars())


async def enrolments_by_pupil(
    session: AsyncSession, pupil_ids: Sequence[int]
) -> list[list[PupilEnrolment]]:
    grouped: dict[int, list[PupilEnrolment]] = defaultdict(list)
    for part in chunks(list(dict.fromkeys(pupil_ids))):
        stmt = (
            sa.select(PupilEnrolment)
            .where(PupilEnrolment.pupil_id.in_(part))
            .order_by(PupilEnrolment.school_year.desc())
        )
        for row in (await session.execute(stmt)).scalars():
            grouped[row.pupil_id].append(row)
    return [grouped.get(pid, []) for pid in pupil_ids]


async def enrolments_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[PupilEnrolment | None]:
    return await rows_by_ids(session, PupilEnrolment, ids)


# --- guardians and consent ----------------------------------------------------------------------


@dataclass
class GuardianRow:
    """A guardian's link with what the dashboard shows of the child: the pupil, the pupil's
    person, the consent row (if any), the class, its location with details, the mentors.

    All of them are read-only snapshots (persistence.snapshots): the dashboard never writes."""

    link: GuardianLink
    pupil: Pupil
    person: Person
    consent: GuardianConsent | None
    class_unit: OrgUnit
    location: OrgUnit | None
    details: LocationDetails | None
    mentors: list[Person]


_CLASS, _LOCATION, _MENTOR = aliased(OrgUnit), aliased(OrgUnit), aliased(Person)
_CHILDREN = Snapshots(
    GuardianLink, Pupil, Person, GuardianConsent, _CLASS, _LOCATION, LocationDetails, _MENTOR
)


@built_once
def _children_statement(postgres: bool, one: bool) -> sa.Select[Any]:
    # The links with their pupils, persons, consents and classes are a subquery with OFFSET 0,
    # which PostgreSQL plans on its own: planning nine joined tables at once took ten times
    # longer (1.7 ms against 0.6) than running the statement.
    own = _CHILDREN.parts[4][2]  # the columns up to the class's
    child = (
        sa.select(*_CHILDREN.columns[:own])
        .select_from(GuardianLink)
        .join(Pupil, Pupil.id == GuardianLink.pupil_id)
        .join(Person, Person.id == Pupil.person_id)
        .outerjoin(
            GuardianConsent,
            sa.and_(
                GuardianConsent.pupil_id == GuardianLink.pupil_id,
                GuardianConsent.guardian_person_id == GuardianLink.guardian_person_id,
            ),
        )
        .join(_CLASS, _CLASS.id == Pupil.class_unit_id)
        .where(_ids(GuardianLink.guardian_person_id, postgres, one))
        .offset(0)
        .subquery("child")
    )
    adapt = ClauseAdapter(child).traverse

    def of_child(attribute: Any) -> Any:
        return adapt(attribute.expression)

    return (
        sa.select(*child.c, *_CHILDREN.columns[own:])
        .select_from(child)
        .outerjoin(_LOCATION, _LOCATION.id == of_child(_CLASS.parent_id))
        .outerjoin(LocationDetails, LocationDetails.org_unit_id == of_child(_CLASS.parent_id))
        .outerjoin(ClassMentor, ClassMentor.class_unit_id == of_child(_CLASS.id))
        .outerjoin(_MENTOR, _MENTOR.id == ClassMentor.teacher_person_id)
        .order_by(
            of_child(Person.given_name),
            of_child(Pupil.id),
            of_child(GuardianLink.id),
            ClassMentor.id,
        )
    )


async def links_by_guardian(
    session: AsyncSession, person_ids: Sequence[int]
) -> list[list[GuardianRow]]:
    """Per guardian: each link with its child's card (see `GuardianRow`), in one statement.

    The mentors are joined in (a row per mentor): a class has one or two, so the few extra rows
    cost less than a statement of their own.
    """
    grouped: dict[int, list[GuardianRow]] = defaultdict(list)
    split = _CHILDREN.split
    for part in chunks(list(dict.fromkeys(person_ids))):
        rows: dict[int, GuardianRow] = {}
        for values in await _fetch(session, _children_statement, part):
            link, pupil, person, consent, unit, loc, details, teacher = split(values)
            row = rows.get(link.id)
            if row is None:
                row = rows[link.id] = GuardianRow(
                    link, pupil, person, consent, unit, loc, details, []
                )
                grouped[link.guardian_person_id].append(row)
            if teacher is not None:
                row.mentors.append(teacher)
    return [grouped.get(pid, []) for pid in person_ids]


async def links_by_pupil(
    session: AsyncSession, pupil_ids: Sequence[int]
) -> list[list[GuardianLink]]:
    grouped: dict[int, list[GuardianLink]] = defaultdict(list)
    for part in chunks(list(dict.fromkeys(pupil_ids))):
        stmt = (
            sa.select(GuardianLink).where(GuardianLink.pupil_id.in_(part)).order_by(GuardianLink.id)
        )
        for link in (await session.execute(stmt)).scalars():
            grouped[link.pupil_id].append(link)
    return [grouped.get(pid, []) for pid in pupil_ids]


async def links_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[GuardianLink | None]:
    return await rows_by_ids(session, GuardianLink, ids)


async def consents_by_link(
    session: AsyncSession, keys: Sequence[tuple[int, int]]
) -> list[GuardianConsent | None]:
    """Consent rows for (pupil id, guardian person id) keys."""
    found: dict[tuple[int, int], GuardianConsent] = {}
    pupil_ids = list(dict.fromkeys(k[0] for k in keys))
    for part in chunks(pupil_ids):
        result = await session.execute(
            sa.select(GuardianConsent).where(GuardianConsent.pupil_id.in_(part))
        )
        found.update({(c.pupil_id, c.guardian_person_id): c for c in result.scalars()})
    return [found.get(k) for k in keys]


async def link_of(session: AsyncSession, guardian_id: int, pupil_id: int) -> GuardianLink | None:
    stmt = sa.select(GuardianLink).where(
        GuardianLink.guardian_person_id == guardian_id, GuardianLink.pupil_id == pupil_id
    )
    return (await session.execute(stmt)).scalars().first()


async def consent_of(
    session: AsyncSession, pupil_id: int, guardian_id: int
) -> GuardianConsent | None:
    stmt = sa.select(GuardianConsent).where(
        GuardianConsent.pupil_id == pupil_id, GuardianConsent.guardian_person_id == guardian_id
    )
    return (await session.execute(stmt)).scalars().first()


async def consent_changes_by_link(
    session: AsyncSession, keys: Sequence[tuple[int, int]]
) -> list[list[tuple[GuardianConsentChange, Person | None]]]:
    """For (pupil id, guardian person id) keys the consent changes, newest first, each with
    the person who made it."""
    grouped: dict[tuple[int, int], list[tuple[GuardianConsentChange, Person | None]]] = defaultdict(
        list
    )
    for part in chunks(list(dict.fromkeys(k[0] for k in keys))):
        stmt = (
            sa.select(GuardianConsentChange, Person)
            .outerjoin(Person, Person.id == GuardianConsentChange.changed_by)
            .where(GuardianConsentChange.pupil_id.in_(part))
            .order_by(GuardianConsentChange.changed_at.desc(), GuardianConsentChange.id.desc())
        )
        for change, person in (await session.execute(stmt)).all():
            grouped[(change.pupil_id, change.guardian_person_id)].append((change, person))
    return [grouped.get(k, []) for k in keys]


# --- subjects, tests and grades -------------------------------------------------------------------


async def subjects_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[SchoolSubject | None]:
    return await rows_by_ids(session, SchoolSubject, ids)


async def subject_by_code(
    session: AsyncSession, school_unit_id: int, school_year: int, code: str
) -> SchoolSubject | None:
    stmt = sa.select(SchoolSubject).where(
        SchoolSubject.school_unit_id == school_unit_id,
        SchoolSubject.school_year == school_year,
        SchoolSubject.code == code,
    )
    return (await session.execute(stmt)).scalars().first()


async def assessments_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[SchoolAssessment | None]:
    return await rows_by_ids(session, SchoolAssessment, ids)


async def grades_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[SchoolGrade | None]:
    return await rows_by_ids(session, SchoolGrade, ids)


async def has_sub_tests(session: AsyncSession, assessment_id: int) -> bool:
    stmt = sa.select(SchoolAssessment.id).where(SchoolAssessment.parent_id == assessment_id)
    return (await session.execute(stmt.limit(1))).first() is not None


async def has_grades(session: AsyncSession, assessment_id: int) -> bool:
    stmt = sa.select(SchoolGrade.id).where(SchoolGrade.assessment_id == assessment_id)
    return (await session.execute(stmt.limit(1))).first() is not None


async def grade_of(
    session: AsyncSession, assessment_id: int, pupil_id: int, attempt: int
) -> SchoolGrade | None:
    stmt = sa.select(SchoolGrade).where(
        SchoolGrade.assessment_id == assessment_id,
        SchoolGrade.pupil_id == pupil_id,
        SchoolGrade.attempt == attempt,
    )
    return (await session.execute(stmt)).scalars().first()


ResultRow = tuple[SchoolGrade, SchoolAssessment, SchoolAssessment | None, SchoolSubject]

_PARENT_TEST = aliased(SchoolAssessment)
_RESULTS = Snapshots(SchoolGrade, SchoolAssessment, _PARENT_TEST, SchoolSubject)


@built_once
def _results_statement(postgres: bool, one: bool) -> sa.Select[Any]:
    return (
        sa.select(*_RESULTS.columns)
        .select_from(SchoolGrade)
        .join(SchoolAssessment, SchoolAssessment.id == SchoolGrade.assessment_id)
        .outerjoin(_PARENT_TEST, _PARENT_TEST.id == SchoolAssessment.parent_id)
        .join(SchoolSubject, SchoolSubject.id == SchoolAssessment.subject_id)
        .where(_ids(SchoolGrade.pupil_id, postgres, one))
        .order_by(SchoolGrade.taken_on, SchoolGrade.id)
    )


async def results_by_pupil(
    session: AsyncSession, pupil_ids: Sequence[int]
) -> list[list[ResultRow]]:
    """Per pupil every grade with its test, the test's parent (for a sub-test) and the subject:
    one statement for any number of pupils and grades. Snapshots: results are only read."""
    grouped: dict[int, list[ResultRow]] = defaultdict(list)
    split = _RESULTS.split
    for part in chunks(list(dict.fromkeys(pupil_ids))):
        for values in await _fetch(session, _results_statement, part):
            grade, test, parent_test, subject = split(values)
            grouped[grade.pupil_id].append((grade, test, parent_test, subject))
    return [grouped.get(pid, []) for pid in pupil_ids]


# --- timetable and absences -----------------------------------------------------------------------

# A lesson, its subject and its teacher (when one is registered).
LessonRow = tuple[SchoolLesson, SchoolSubject, Person | None]

_LESSONS = Snapshots(SchoolLesson, SchoolSubject, Person)


@built_once
def _lessons_statement(postgres: bool, one: bool) -> sa.Select[Any]:
    return (
        sa.select(*_LESSONS.columns)
        .select_from(SchoolLesson)
        .join(SchoolSubject, SchoolSubject.id == SchoolLesson.subject_id)
        .outerjoin(Person, Person.id == SchoolLesson.teacher_person_id)
        .where(
            _ids(SchoolLesson.class_unit_id, postgres, one),
            SchoolLesson.starts_at >= sa.bindparam("start"),
            SchoolLesson.starts_at < sa.bindparam("end"),
        )
        .order_by(SchoolLesson.starts_at, SchoolLesson.id)
    )


async def lessons_by_class_range(
    session: AsyncSession, keys: Sequence[tuple[int, datetime, datetime]]
) -> list[list[LessonRow]]:
    """For keys (class id, from, until) the lessons starting in [from, until), with subjects
    and teachers; one statement per distinct period (in practice one). Snapshots: a timetable
    read never writes."""
    by_period: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    for class_id, start, end in keys:
        by_period[(start, end)].append(class_id)
    found: dict[tuple[int, datetime, datetime], list[LessonRow]] = defaultdict(list)
    split = _LESSONS.split
    for (start, end), class_ids in by_period.items():
        for part in chunks(list(dict.fromkeys(class_ids))):
            for values in await _fetch(session, _lessons_statement, part, start=start, end=end):
                lesson, subject, person = split(values)
                found[(lesson.class_unit_id, start, end)].append((lesson, subject, person))
    return [found.get(key, []) for key in keys]


async def lessons_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[SchoolLesson | None]:
    return await rows_by_ids(session, SchoolLesson, ids)


AbsenceRow = tuple[SchoolAbsence, SchoolLesson, SchoolSubject]


@dataclass
class AttendanceRows:
    """What a pupil's attendance over a period is computed from (see `attendance_by_pupil`)."""

    registered_lessons: int  # lessons of the pupil's class with attendance registered
    registered_hours: int  # their lesson hours
    absences: list[AbsenceRow]  # the pupil's absences, latest lesson first


_ABSENCES = Snapshots(SchoolAbsence, SchoolLesson, SchoolSubject)


@built_once
def _attendance_statement(postgres: bool, one: bool) -> sa.Select[Any]:
    in_period = sa.and_(
        SchoolLesson.starts_at >= sa.bindparam("start"),
        SchoolLesson.starts_at < sa.bindparam("end"),
    )
    child = aliased(Pupil)
    classes = sa.select(child.class_unit_id).where(_ids(child.id, postgres, one))
    registered = (
        sa.select(
            SchoolLesson.class_unit_id.label("class_id"),
            sa.func.count().label("lessons"),
            sa.func.sum(SchoolLesson.last_hour - SchoolLesson.first_hour + 1).label("hours"),
        )
        .where(
            SchoolLesson.class_unit_id.in_(classes),
            SchoolLesson.attendance_registered.is_(True),
            in_period,
        )
        .group_by(SchoolLesson.class_unit_id)
        .subquery()
    )
    return (
        sa.select(*_ABSENCES.columns, Pupil.id, registered.c.lessons, registered.c.hours)
        .select_from(Pupil)
        .outerjoin(registered, registered.c.class_id == Pupil.class_unit_id)
        .outerjoin(SchoolAbsence, SchoolAbsence.pupil_id == Pupil.id)
        .outerjoin(SchoolLesson, sa.and_(SchoolLesson.id == SchoolAbsence.lesson_id, in_period))
        .outerjoin(SchoolSubject, SchoolSubject.id == SchoolLesson.subject_id)
        .where(_ids(Pupil.id, postgres, one))
        .order_by(Pupil.id, SchoolLesson.starts_at.desc(), SchoolLesson.id)
    )


async def attendance_by_pupil(
    session: AsyncSession, keys: Sequence[tuple[int, datetime, datetime]]
) -> list[AttendanceRows]:
    """For keys (pupil id, from, until): the registered lessons of the pupil's class starting in
    the period, counted, and the pupil's absences of lessons in it, in one statement.

    The count is a derived table joined to each pupil, its absences are outer-joined (a row
    each, or one row without): the class's lessons themselves never leave the database. The
    absences are snapshots: attendance is only read here.
    """
    by_period: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    for pupil_id, start, end in keys:
        by_period[(start, end)].append(pupil_id)
    found: dict[tuple[int, datetime, datetime], AttendanceRows] = {}
    split = _ABSENCES.split
    for (start, end), pupil_ids in by_period.items():
        for part in chunks(list(dict.fromkeys(pupil_ids))):
            for values in await _fetch(session, _attendance_statement, part, start=start, end=end):
                absence, lesson, subject = split(values)
                pupil_id, count, hours = values[-3:]
                rows = found.setdefault(
                    (pupil_id, start, end), AttendanceRows(int(count or 0), int(hours or 0), [])
                )
                if lesson is not None:  # an absence of a lesson outside the period has none
                    rows.absences.append((absence, lesson, subject))
    return [found.get(key) or AttendanceRows(0, 0, []) for key in keys]


async def absences_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[SchoolAbsence | None]:
    return await rows_by_ids(session, SchoolAbsence, ids)


async def absence_of(session: AsyncSession, pupil_id: int, lesson_id: int) -> SchoolAbsence | None:
    stmt = sa.select(SchoolAbsence).where(
        SchoolAbsence.pupil_id == pupil_id, SchoolAbsence.lesson_id == lesson_id
    )
    return (await session.execute(stmt)).scalars().first()


# --- calendar feeds -------------------------------------------------------------------------------


async def feed_by_hash(
    session: AsyncSession, token_hash: str
) -> tuple[CalendarFeed, Pupil, Person] | None:
    """The unrevoked feed with this hash, its pupil and the pupil's person (one statement)."""
    stmt = (
        sa.select(CalendarFeed, Pupil, Person)
        .join(Pupil, Pupil.id == CalendarFeed.pupil_id)
        .join(Person, Person.id == Pupil.person_id)
        .where(CalendarFeed.token_hash == token_hash, CalendarFeed.revoked_at.is_(None))
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1], row[2]) if row else None


async def revoke_feeds(session: AsyncSession, person_id: int, pupil_id: int, at: datetime) -> int:
    """Revoke every unrevoked feed of this owner for this pupil; the number revoked."""
    stmt = (
        sa.update(CalendarFeed)
        .where(
            CalendarFeed.person_id == person_id,
            CalendarFeed.pupil_id == pupil_id,
            CalendarFeed.revoked_at.is_(None),
        )
        .values(revoked_at=at)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def feeds_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[CalendarFeed | None]:
    return await rows_by_ids(session, CalendarFeed, ids)


async def feeds_of(
    session: AsyncSession, keys: Sequence[tuple[int, int]]
) -> list[list[CalendarFeed]]:
    """For keys (owner person id, pupil id) the owner's unrevoked feeds of that pupil."""
    grouped: dict[tuple[int, int], list[CalendarFeed]] = defaultdict(list)
    owners = list(dict.fromkeys(k[0] for k in keys))
    for part in chunks(owners):
        stmt = (
            sa.select(CalendarFeed)
            .where(CalendarFeed.person_id.in_(part), CalendarFeed.revoked_at.is_(None))
            .order_by(CalendarFeed.id)
        )
        for feed in (await session.execute(stmt)).scalars():
            grouped[(feed.person_id, feed.pupil_id)].append(feed)
    return [grouped.get(k, []) for k in keys]


async def class_and_location(
    session: AsyncSession, class_unit_id: int
) -> tuple[OrgUnit, OrgUnit | None] | None:
    """A class and the location above it."""
    location = aliased(OrgUnit)
    stmt = (
        sa.select(OrgUnit, location)
        .outerjoin(location, location.id == OrgUnit.parent_id)
        .where(OrgUnit.id == class_unit_id)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None
