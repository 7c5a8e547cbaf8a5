"""School parent portal: the viewer's school relations, reads for families and staff, and writes.

Family reads (guardians and the pupil) and staff reads share one code path; what differs is
decided here from the viewer and the pupil's scope: hidden exam results are dropped before
anything is computed from them, so neither a list nor an average can give them away.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain import accounts
from domain.attendance import Absence, IsoWeek, attendance_rates, iso_week
from domain.consent import (
    GuardianAccess,
    age_on,
    check_may_set_consent,
    guardian_access,
    needs_consent,
)
from domain.emails import normalize_email
from domain.errors import DomainError, ErrorCode
from domain.grades import (
    Assessment,
    AssessmentKind,
    SchoolYear,
    parse_grade,
    parse_weight,
    school_year_of,
    visible_to_family,
)
from domain.orgtree import OrgUnitKind, path_ids
from domain.roles import Relation, Role, Scope, Viewer
from domain.timetable import (
    AgendaView,
    DateRange,
    LessonTime,
    from_utc,
    local_date,
    to_utc,
    view_range,
)
from persistence.models import OrgUnit, Person
from persistence.models.identity import Language, OneTimePurpose
from persistence.models.school import (
    CalendarFeed,
    ClassMentor,
    GuardianConsent,
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
from persistence.queries import identity as identity_q
from persistence.queries import org as org_q
from persistence.queries import school as q
from persistence.types import utcnow
from portaal.security import hash_secret, new_secret
from resolvers.accounts import issue_link
from resolvers.context import Context
from resolvers.mail import enqueue, render

STAFF = (Role.SCHOOL_ADMIN, Role.TEACHER)
MAX_CHILDREN = 20  # a guardian's dashboard lists at most this many linked children
MAX_ATTENDANCE_DAYS = 366
FEED_DAYS_BACK = 28
FEED_DAYS_AHEAD = 56


def today() -> date:
    """The request's date on the Amsterdam calendar: ages, school years and weeks use it."""
    return local_date(utcnow())


def _not_found(field: str) -> DomainError:
    # Objects outside your reach are reported exactly like ones that do not exist.
    return DomainError(ErrorCode.NOT_FOUND, "No such object, or you may not see it.", field)


# --- the viewer's relations -----------------------------------------------------------------------


def allowed_pupils(links: list[tuple[int, date, bool]], on: date) -> frozenset[int]:
    """Pupils a guardian sees today: every linked minor, and adults who gave this guardian consent."""
    return frozenset(pid for pid, dob, given in links if guardian_access(dob, on, given).allowed)


async def school_relations(ctx: Context, person_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """(pupil ids the person sees as guardian, class ids they mentor), for the Viewer.

    Consent is applied here on today's date, so a birthday or a withdrawal takes effect on the
    very next request; nothing is cached between requests.
    """
    links, classes = await ctx.db.read(q.school_relations, person_id)
    return allowed_pupils(links, today()), frozenset(classes)


# --- scopes and permission helpers ------------------------------------------------------------------


def pupil_scope(pupil: Pupil, class_unit: OrgUnit) -> Scope:
    return Scope(
        unit_paths=(class_unit.path,),
        person_id=pupil.person_id,
        pupil_id=pupil.id,
        class_unit_id=class_unit.id,
    )


def is_staff_for(viewer: Viewer, scope: Scope) -> bool:
    """School staff of the pupil's class (administration, teachers, the mentor): they also see
    exam results the exam board has not finalised yet."""
    if any(viewer.holds_on(STAFF, path) for path in scope.unit_paths):
        return True
    return viewer.has_relation(Relation.MENTOR, scope)


def _check_on(ctx: Context, roles: tuple[Role, ...], unit: OrgUnit | None, field: str) -> OrgUnit:
    """The unit, if the viewer holds one of `roles` on it or above; else NOT_FOUND or FORBIDDEN."""
    if unit is None:
        raise _not_found(field)
    if ctx.viewer.holds_on(roles, unit.path):
        return unit
    if ctx.viewer.holds_on([g.role for g in ctx.viewer.grants], unit.path):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Only " + " or ".join(r.value for r in roles) + " of this unit may do this.",
            field,
        )
    raise _not_found(field)


async def _unit(session: Any, unit_id: int, kind: OrgUnitKind, field: str) -> OrgUnit:
    unit = await identity_q.unit_by_id(session, unit_id)
    if unit is None or unit.kind != kind:
        raise _not_found(field)
    return unit


async def _school_of(session: Any, unit: OrgUnit) -> OrgUnit:
    for ancestor in await org_q.ancestors(session, unit):
        if ancestor.kind == OrgUnitKind.SCHOOL:
            return ancestor
    raise DomainError(ErrorCode.INVALID, "This unit does not belong to a school", "classId")


async def _pupil_for_staff(
    ctx: Context, session: Any, pupil_id: int, roles: tuple[Role, ...], field: str = "pupilId"
) -> tuple[Pupil, OrgUnit]:
    pupil = await session.get(Pupil, pupil_id)
    if pupil is None:
        raise _not_found(field)
    unit = await identity_q.unit_by_id(session, pupil.class_unit_id)
    return pupil, _check_on(ctx, roles, unit, field)


# --- reads: pupils ------------------------------------------------------------------------------------


@dataclass
class PupilView:
    pupil: Pupil
    person: Person
    class_unit: OrgUnit
    scope: Scope


async def pupil_view(ctx: Context, pupil: Pupil) -> PupilView:
    person = await ctx.loaders.person_by_id.load(pupil.person_id)
    class_unit = await ctx.loaders.unit_by_id.load(pupil.class_unit_id)
    return PupilView(pupil, person, class_unit, pupil_scope(pupil, class_unit))


@dataclass
class ChildAccess:
    """One line of a guardian's dashboard."""

    first_name: str
    legal_representative: bool
    access: GuardianAccess
    pupil: Pupil | None  # None while the guardian may not see the pupil's data


async def my_children(ctx: Context) -> list[ChildAccess]:
    rows = await ctx.loaders.school.links_by_guardian.load(ctx.viewer.person_id)
    on = today()
    children = []
    for link, pupil, person, consent in rows[:MAX_CHILDREN]:
        access = guardian_access(pupil.date_of_birth, on, bool(consent and consent.given))
        visible = access.allowed and pupil.id in ctx.viewer.guardian_of
        children.append(
            ChildAccess(
                first_name=person.given_name,
                legal_representative=link.legal_representative,
                access=access,
                pupil=pupil if visible else None,
            )
        )
    return children


async def my_pupil_record(ctx: Context) -> Pupil | None:
    return await ctx.loaders.school.pupil_by_person.load(ctx.viewer.person_id)


@dataclass
class Location:
    unit: OrgUnit
    details: LocationDetails | None


async def location_of(ctx: Context, class_unit: OrgUnit) -> Location | None:
    if class_unit.parent_id is None:
        return None
    unit = await ctx.loaders.unit_by_id.load(class_unit.parent_id)
    details = await ctx.loaders.school.location_details.load(class_unit.parent_id)
    return Location(unit, details)


async def class_pupils_check(ctx: Context, class_id: int) -> OrgUnit:
    """Staff of the class's location or school, or its mentor, may list its pupils."""
    unit = await ctx.loaders.unit_by_id.load(class_id)
    if unit is None or unit.kind != OrgUnitKind.CLASS:
        raise _not_found("classId")
    if unit.id in ctx.viewer.mentor_of and not ctx.viewer.token_scoped:
        return unit
    return _check_on(ctx, STAFF, unit, "classId")


# --- reads: results ------------------------------------------------------------------------------------


@dataclass
class GradeLine:
    """A grade as entered, for a test or one of its sub-tests."""

    grade: SchoolGrade
    test: SchoolAssessment

    @property
    def value(self) -> Decimal:
        return Decimal(self.grade.grade_tenths).scaleb(-1)

    @property
    def weight(self) -> Decimal:
        return weight_of(self.test)


@dataclass
class TestResult:
    """A test as it counts in the average: its row, its subject, grades and the domain value."""

    test: SchoolAssessment
    subject: SchoolSubject
    lines: list[GradeLine]
    assessment: Assessment

    @property
    def school_year(self) -> SchoolYear:
        return SchoolYear(self.subject.school_year)


def weight_of(test: SchoolAssessment) -> Decimal:
    return (Decimal(test.weight_hundredths) / 100).normalize()


def build_tests(rows: list[q.ResultRow], include_hidden: bool) -> list[TestResult]:
    """Tests from a pupil's grade rows; for families, unfinalised exam tests are left out here."""
    latest: dict[int, tuple[SchoolGrade, SchoolAssessment, SchoolAssessment | None, Any]] = {}
    for grade, test, parent, subject in rows:
        # Of several attempts ("pogingen") the latest counts.
        held = latest.get(test.id)
        if held is None or grade.attempt > held[0].attempt:
            latest[test.id] = (grade, test, parent, subject)
    tops: dict[int, tuple[SchoolAssessment, SchoolSubject, list[GradeLine]]] = {}
    for grade, test, parent, subject in latest.values():
        top = parent or test
        if not include_hidden and not visible_to_family(top.kind, top.finalised):
            continue
        entry = tops.setdefault(top.id, (top, subject, []))
        entry[2].append(GradeLine(grade, test))
    results = []
    for top, subject, lines in tops.values():
        lines.sort(key=lambda line: (line.grade.taken_on, line.test.id))
        own = [line for line in lines if line.test.id == top.id]
        common = {"kind": top.kind, "finalised": top.finalised}
        if own:
            line = own[0]
            assessment = Assessment(
                name=top.name,
                weight=weight_of(top),
                grade=line.value,
                taken_on=line.grade.taken_on,
                attempt=line.grade.attempt,
                **common,
            )
        else:
            parts = tuple(
                Assessment(
                    name=line.test.name,
                    weight=line.weight,
                    grade=line.value,
                    taken_on=line.grade.taken_on,
                    attempt=line.grade.attempt,
                    **common,
                )
                for line in lines
            )
            assessment = Assessment(
                name=top.name,
                weight=weight_of(top),
                parts=parts,
                taken_on=max(line.grade.taken_on for line in lines),
                **common,
            )
        results.append(TestResult(top, subject, lines, assessment))
    results.sort(key=lambda r: (r.assessment.taken_on or date.min, r.test.id))
    return results


async def pupil_tests(
    ctx: Context, view: PupilView, kind: AssessmentKind | None
) -> list[TestResult]:
    rows = await ctx.loaders.school.results_by_pupil.load(view.pupil.id)
    tests = build_tests(rows, include_hidden=is_staff_for(ctx.viewer, view.scope))
    return [t for t in tests if kind is None or t.test.kind is kind]


def by_subject(tests: list[TestResult]) -> list[tuple[SchoolSubject, list[TestResult]]]:
    grouped: dict[int, list[TestResult]] = defaultdict(list)
    subjects: dict[int, SchoolSubject] = {}
    for t in tests:
        grouped[t.subject.id].append(t)
        subjects[t.subject.id] = t.subject
    return sorted(
        ((subjects[sid], items) for sid, items in grouped.items()),
        key=lambda pair: (pair[0].name, pair[0].id),
    )


@dataclass
class OverviewScope:
    enrolment: PupilEnrolment | None
    years: list[SchoolYear]


async def overview_scope(ctx: Context, view: PupilView, enrolment_id: int | None) -> OverviewScope:
    """The school years of an enrolment ("verbintenis"): all of the pupil's enrolment years with
    the same programme, so upper years 3 and 4 show together (as in the seed)."""
    enrolments: list[PupilEnrolment] = await ctx.loaders.school.enrolments_by_pupil.load(
        view.pupil.id
    )
    if enrolment_id is None:
        current = school_year_of(today()).start_year
        chosen = next((e for e in enrolments if e.school_year == current), None)
        chosen = chosen or (enrolments[0] if enrolments else None)
    else:
        chosen = next((e for e in enrolments if e.id == enrolment_id), None)
        if chosen is None:
            raise _not_found("enrolmentId")
    if chosen is None:
        return OverviewScope(None, [])
    years = sorted(e.school_year for e in enrolments if e.programme == chosen.programme)
    return OverviewScope(chosen, [SchoolYear(y) for y in years])


def fraction_to_decimal(value: Fraction, places: int) -> Decimal:
    """Half-up rounding to `places` decimals, for showing exact fractions."""
    scale = 10**places
    return Decimal(math.floor(value * scale + Fraction(1, 2))).scaleb(-places)


# --- reads: attendance ----------------------------------------------------------------------------------


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight before `first` and after `last`."""
    return to_utc(first, time(0)), to_utc(last + timedelta(days=1), time(0))


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


async def attendance(
    ctx: Context, view: PupilView, first: date | None, last: date | None
) -> AttendanceView:
    on = today()
    last = last or on
    first = first or SchoolYear(school_year_of(last).start_year).first_day
    period = DateRange(first, last)
    if period.days > MAX_ATTENDANCE_DAYS:
        raise DomainError(
            ErrorCode.INVALID,
            f"A period of at most {MAX_ATTENDANCE_DAYS} days; {period.days} were asked for",
            "to",
        )
    start, end = day_bounds(first, last)
    lessons = await ctx.loaders.school.lessons_by_class_range.load(
        (view.pupil.class_unit_id, start, end)
    )
    rows = await ctx.loaders.school.absences_by_pupil_range.load((view.pupil.id, start, end))
    # Registered: lessons of the class whose attendance the teacher registered, plus any lesson
    # the pupil was recorded absent from (also one of an earlier class).
    registered = {lesson.id for lesson, _ in lessons if lesson.attendance_registered}
    registered |= {a.lesson_id for a, _, _ in rows}
    rates = attendance_rates(len(registered), len({a.lesson_id for a, _, _ in rows}))
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
        rates.registered_lessons,
        rates.absent_lessons,
        rates.absence_percent,
        rates.presence_percent,
        ordered,
    )


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
    """A lesson read through a pupil's agenda carries the pupil (guardians read it as such)."""
    if pupil is None:
        return Scope(unit_paths=(class_unit.path,), class_unit_id=class_unit.id)
    return pupil.scope


async def agenda(
    ctx: Context,
    class_unit: OrgUnit,
    pupil: PupilView | None,
    view: AgendaView,
    day: date | None,
    end_date: date | None,
) -> AgendaResult:
    period = view_range(view, day or today(), end_date)
    start, end = day_bounds(period.first, period.last)
    rows = await ctx.loaders.school.lessons_by_class_range.load((class_unit.id, start, end))
    scope = lesson_scope(class_unit, pupil)
    per_day: dict[date, list[LessonView]] = defaultdict(list)
    for lesson, subject in rows:
        per_day[from_utc(lesson.starts_at)[0]].append(LessonView(lesson, subject, scope))
    days = [AgendaDay(d, per_day.get(d, [])) for d in period.dates()]
    if view is AgendaView.LIST:
        days = [d for d in days if d.lessons]  # a list shows only days with lessons
    return AgendaResult(view, period, days)


# --- calendar feeds ---------------------------------------------------------------------------------------


def feed_url(ctx: Context, secret: str) -> str:
    return f"{ctx.settings.public_url}/ics/{secret}"


def _may_subscribe(ctx: Context, pupil: Pupil) -> bool:
    if ctx.viewer.token_scoped:
        return False
    return pupil.person_id == ctx.viewer.person_id or pupil.id in ctx.viewer.guardian_of


@dataclass
class NewFeed:
    url: str
    feed: CalendarFeed


async def create_calendar_feed(ctx: Context, pupil_id: int) -> NewFeed:
    secret = new_secret()
    async with ctx.db.write() as session:
        pupil = await session.get(Pupil, pupil_id)
        if pupil is None or not _may_subscribe(ctx, pupil):
            raise _not_found("pupilId")
        feed = await identity_q.add(
            session,
            CalendarFeed(
                person_id=ctx.viewer.person_id, pupil_id=pupil.id, token_hash=hash_secret(secret)
            ),
        )
        await identity_q.audit(
            session,
            "CALENDAR_FEED_CREATED",
            actor=ctx.viewer.person_id,
            subject=pupil.person_id,
            address=ctx.client_address,
        )
    ctx.loaders.clear()
    return NewFeed(feed_url(ctx, secret), feed)


async def revoke_calendar_feed(ctx: Context, feed_id: int) -> CalendarFeed:
    async with ctx.db.write() as session:
        feed = await session.get(CalendarFeed, feed_id)
        if feed is None or feed.person_id != ctx.viewer.person_id:
            raise _not_found("id")
        if feed.revoked_at is None:
            feed.revoked_at = utcnow()
            await identity_q.audit(
                session,
                "CALENDAR_FEED_REVOKED",
                actor=ctx.viewer.person_id,
                address=ctx.client_address,
            )
    ctx.loaders.clear()
    return feed


@dataclass
class FeedContent:
    pupil: Pupil
    person: Person
    lessons: list[tuple[SchoolLesson, SchoolSubject]]
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
        links, _ = await q.school_relations(session, feed.person_id)
        if pupil.id not in allowed_pupils(links, on):
            return None
    start, end = day_bounds(
        on - timedelta(days=FEED_DAYS_BACK), on + timedelta(days=FEED_DAYS_AHEAD)
    )
    lessons = (await q.lessons_by_class_range(session, [(pupil.class_unit_id, start, end)]))[0]
    units = await q.class_and_location(session, pupil.class_unit_id)
    if units is None:
        return None
    return FeedContent(pupil, person, lessons, units[0], units[1])


# --- writes: administration -------------------------------------------------------------------------------


def _clean(value: str, field: str, max_length: int) -> str:
    text = " ".join(value.split())
    if len(text) > max_length:
        raise DomainError(ErrorCode.INVALID, f"At most {max_length} characters", field)
    return text


def _required(value: str, field: str, max_length: int) -> str:
    text = _clean(value, field, max_length)
    if not text:
        raise DomainError(ErrorCode.INVALID, "This field is required", field)
    return text


async def set_location_details(
    ctx: Context, location_id: int, street: str, postcode: str, city: str, phone: str
) -> LocationDetails:
    values = {
        "street": _clean(street, "street", 200),
        "postcode": _clean(postcode, "postcode", 12).upper(),
        "city": _clean(city, "city", 100),
        "phone": _clean(phone, "phone", 40),
    }
    async with ctx.db.write() as session:
        unit = await identity_q.unit_by_id(session, location_id)
        if unit is None or unit.kind != OrgUnitKind.LOCATION:
            raise _not_found("locationId")
        _check_on(ctx, (Role.SCHOOL_ADMIN,), unit, "locationId")
        details = await q.location_details(session, location_id)
        if details is None:
            details = LocationDetails(org_unit_id=location_id)
            session.add(details)
        for key, value in values.items():
            setattr(details, key, value)
        await session.flush()
    ctx.loaders.clear()
    return details


@dataclass
class PupilInput:
    email: str
    given_name: str
    name_prefix: str
    family_name: str
    student_number: str
    date_of_birth: date
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    programme: str = ""
    language: str = "nl"


@dataclass
class Registered:
    pupil: Pupil
    created: bool


async def register_pupil(ctx: Context, class_id: int, data: PupilInput) -> Registered:
    """A pupil in a class: account (activation mail when new), PUPIL role, record, enrolment."""
    address = normalize_email(data.email)
    given = accounts.clean_name(data.given_name, "givenName")
    prefix = accounts.clean_name(data.name_prefix, "namePrefix")
    family = accounts.clean_name(data.family_name, "familyName")
    number = _required(data.student_number, "studentNumber", 32)
    on = today()
    age_on(data.date_of_birth, on)  # refuses a date of birth in the future
    async with ctx.db.write() as session:
        class_unit = await _unit(session, class_id, OrgUnitKind.CLASS, "classId")
        _check_on(ctx, (Role.SCHOOL_ADMIN,), class_unit, "classId")
        school = await _school_of(session, class_unit)
        if await q.pupil_by_student_number(session, school.id, number):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                f"Student number {number} is already in use at {school.name}",
                "studentNumber",
            )
        person = await identity_q.person_by_email(session, address)
        created = person is None
        if person is None:
            person = await identity_q.add(
                session,
                Person(
                    email=address,
                    given_name=given,
                    name_prefix=prefix,
                    family_name=family,
                    language=Language(data.language),
                    date_of_birth=data.date_of_birth,
                    phone=_clean(data.phone, "phone", 40) or None,
                ),
            )
            await _activation_mail(ctx, session, person, "activation", organisation=school.name)
        elif (await q.pupils_by_person(session, [person.id]))[0] is not None:  # type: ignore[list-item]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, "This person is already registered as a pupil", "email"
            )
        await identity_q.assign_role(session, person.id, Role.PUPIL, class_unit.id)  # type: ignore[arg-type]
        pupil = await identity_q.add(
            session,
            Pupil(
                person_id=person.id,
                school_unit_id=school.id,
                class_unit_id=class_unit.id,
                student_number=number,
                date_of_birth=data.date_of_birth,
                phone=_clean(data.phone, "phone", 40),
                street=_clean(data.street, "street", 200),
                postcode=_clean(data.postcode, "postcode", 12).upper(),
                city=_clean(data.city, "city", 100),
                programme=_clean(data.programme, "programme", 200),
            ),
        )
        await identity_q.add(
            session,
            PupilEnrolment(
                pupil_id=pupil.id,
                school_year=school_year_of(on).start_year,
                class_unit_id=class_unit.id,
                programme=pupil.programme,
            ),
        )
        await identity_q.audit(
            session,
            "PUPIL_REGISTERED",
            actor=ctx.viewer.person_id,
            subject=person.id,
            unit=class_unit.id,
            address=ctx.client_address,
            detail=f"student number {number}",
        )
    ctx.loaders.clear()
    return Registered(pupil, created)


async def _activation_mail(
    ctx: Context, session: Any, person: Person, template: str, **values: Any
) -> None:
    """An activation link, never a password (we depart from the seed's account mail here)."""
    secret = await issue_link(session, person, OneTimePurpose.ACTIVATION, utcnow())
    mail = render(
        template,
        person.language.value,
        name=person.given_name or person.email,
        email=person.email,
        link=f"{ctx.settings.public_url}/activate?token={secret}",
        **values,
    )
    await enqueue(
        session,
        mail,
        to=person.email,
        person_id=person.id,
        idempotency_key=f"{template}:{person.id}:{hash_secret(secret)}",
    )


@dataclass
class GuardianInput:
    email: str
    given_name: str = ""
    name_prefix: str = ""
    family_name: str = ""
    language: str = "nl"
    legal_representative: bool = True


@dataclass
class Linked:
    link: GuardianLink
    created: bool


def _same_name(person: Person, given: str, family: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.lower().split())

    return (not given or norm(given) == norm(person.given_name)) and (
        not family or norm(family) == norm(person.family_name)
    )


async def link_guardian(ctx: Context, pupil_id: int, data: GuardianInput) -> Linked:
    """Link a guardian; a new one gets an account and an activation mail.

    One account per e-mail address means two guardians can never share an address: the same
    address names the same person, so a second, separate parent with it is refused.
    """
    address = normalize_email(data.email)
    given = accounts.clean_name(data.given_name, "givenName")
    prefix = accounts.clean_name(data.name_prefix, "namePrefix")
    family = accounts.clean_name(data.family_name, "familyName")
    async with ctx.db.write() as session:
        pupil, class_unit = await _pupil_for_staff(ctx, session, pupil_id, (Role.SCHOOL_ADMIN,))
        school = await _school_of(session, class_unit)
        person = await identity_q.person_by_email(session, address)
        created = person is None
        if person is not None:
            if person.id == pupil.person_id:
                raise DomainError(
                    ErrorCode.INVALID, "A pupil cannot be their own guardian", "email"
                )
            if await q.link_of(session, person.id, pupil.id):  # type: ignore[arg-type]
                raise DomainError(
                    ErrorCode.ALREADY_EXISTS,
                    f"{address} already belongs to {person.display_name}, a guardian of this "
                    "pupil. Two guardians cannot share an e-mail address: each parent (also "
                    "separated parents) needs their own address for their own account.",
                    "email",
                )
            if not _same_name(person, given, family):
                raise DomainError(
                    ErrorCode.CONFLICT,
                    f"{address} already belongs to the account of {person.display_name}. "
                    "Two guardians cannot share an e-mail address: register this guardian "
                    "with their own address.",
                    "email",
                )
        else:
            person = await identity_q.add(
                session,
                Person(
                    email=address,
                    given_name=given,
                    name_prefix=prefix,
                    family_name=family,
                    language=Language(data.language),
                ),
            )
            child = await session.get(Person, pupil.person_id)
            await _activation_mail(
                ctx,
                session,
                person,
                "guardian_account",
                school=school.name,
                child=child.given_name if child else "",
            )
        link = await identity_q.add(
            session,
            GuardianLink(
                guardian_person_id=person.id,
                pupil_id=pupil.id,
                legal_representative=data.legal_representative,
            ),
        )
        await identity_q.audit(
            session,
            "GUARDIAN_LINKED",
            actor=ctx.viewer.person_id,
            subject=person.id,
            unit=class_unit.id,
            address=ctx.client_address,
            detail=f"pupil {pupil.student_number}",
        )
    ctx.loaders.clear()
    return Linked(link, created)


async def unlink_guardian(ctx: Context, link_id: int) -> int:
    async with ctx.db.write() as session:
        link = await session.get(GuardianLink, link_id)
        if link is None:
            raise _not_found("guardianLinkId")
        pupil, class_unit = await _pupil_for_staff(
            ctx, session, link.pupil_id, (Role.SCHOOL_ADMIN,), "guardianLinkId"
        )
        consent = await q.consent_of(session, pupil.id, link.guardian_person_id)  # type: ignore[arg-type]
        if consent is not None:
            await identity_q.delete_row(session, consent)
        await identity_q.audit(
            session,
            "GUARDIAN_UNLINKED",
            actor=ctx.viewer.person_id,
            subject=link.guardian_person_id,
            unit=class_unit.id,
            address=ctx.client_address,
            detail=f"pupil {pupil.student_number}",
        )
        await identity_q.delete_row(session, link)
    ctx.loaders.clear()
    return link_id


async def set_class_mentor(ctx: Context, class_id: int, person_id: int, mentor: bool) -> OrgUnit:
    async with ctx.db.write() as session:
        class_unit = await _unit(session, class_id, OrgUnitKind.CLASS, "classId")
        _check_on(ctx, (Role.SCHOOL_ADMIN,), class_unit, "classId")
        existing = await q.class_mentor(session, class_unit.id, person_id)  # type: ignore[arg-type]
        if mentor and existing is None:
            roles = await q.roles_on_units(session, person_id, path_ids(class_unit.path))
            if not any(r.role is Role.TEACHER for r in roles):
                raise DomainError(
                    ErrorCode.INVALID,
                    "A mentor is a teacher of the class's location or school",
                    "teacherId",
                )
            await identity_q.add(
                session, ClassMentor(class_unit_id=class_unit.id, teacher_person_id=person_id)
            )
        elif not mentor and existing is not None:
            await identity_q.delete_row(session, existing)
        await identity_q.audit(
            session,
            "MENTOR_SET" if mentor else "MENTOR_REMOVED",
            actor=ctx.viewer.person_id,
            subject=person_id,
            unit=class_unit.id,
            address=ctx.client_address,
        )
    ctx.loaders.clear()
    return class_unit


# --- writes: consent (the pupil) -----------------------------------------------------------------------


async def set_consent(ctx: Context, link_id: int, given: bool) -> GuardianLink:
    """An adult pupil gives or withdraws consent for one guardian; effective at once."""
    now = utcnow()
    async with ctx.db.write() as session:
        link = await session.get(GuardianLink, link_id)
        pupil = await session.get(Pupil, link.pupil_id) if link else None
        if (
            link is None
            or pupil is None
            or ctx.viewer.token_scoped
            or pupil.person_id != ctx.viewer.person_id
        ):
            raise _not_found("guardianLinkId")
        check_may_set_consent(pupil.date_of_birth, today(), "guardianLinkId")
        consent = await q.consent_of(session, pupil.id, link.guardian_person_id)  # type: ignore[arg-type]
        if consent is None:
            consent = GuardianConsent(pupil_id=pupil.id, guardian_person_id=link.guardian_person_id)
            session.add(consent)
        if consent.given != given:
            consent.given = given
            if given:
                consent.given_at = now
            else:
                consent.withdrawn_at = now
            await identity_q.audit(
                session,
                "CONSENT_GIVEN" if given else "CONSENT_WITHDRAWN",
                actor=ctx.viewer.person_id,
                subject=link.guardian_person_id,
                unit=pupil.class_unit_id,
                address=ctx.client_address,
                detail=f"guardian link {link.id}",
            )
        await session.flush()
    ctx.loaders.clear()
    return link


# --- writes: subjects, tests, grades ---------------------------------------------------------------------


async def create_subject(
    ctx: Context, school_id: int, school_year: int, code: str, name: str
) -> SchoolSubject:
    code = _required(code, "code", 20).upper()
    name = _required(name, "name", 100)
    if not 2000 <= school_year <= 2100:
        raise DomainError(
            ErrorCode.INVALID, "A school year such as 2025 (for 2025-2026)", "schoolYear"
        )
    async with ctx.db.write() as session:
        school = await _unit(session, school_id, OrgUnitKind.SCHOOL, "schoolId")
        _check_on(ctx, (Role.SCHOOL_ADMIN,), school, "schoolId")
        if await q.subject_by_code(session, school.id, school_year, code):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                f"The subject {code} exists already in {SchoolYear(school_year).label}",
                "code",
            )
        subject = await identity_q.add(
            session,
            SchoolSubject(school_unit_id=school.id, school_year=school_year, code=code, name=name),
        )
    ctx.loaders.clear()
    return subject


def _hundredths(weight: Decimal) -> int:
    hundredths = weight * 100
    if hundredths != hundredths.to_integral_value() or hundredths > 100_000:
        raise DomainError(
            ErrorCode.INVALID, "A weight has at most two decimals and is at most 1000", "weight"
        )
    return int(hundredths)


async def create_assessment(
    ctx: Context,
    subject_id: int,
    class_id: int,
    name: str,
    weight: str,
    kind: AssessmentKind,
    parent_id: int | None,
) -> SchoolAssessment:
    name = _required(name, "name", 200)
    hundredths = _hundredths(parse_weight(weight))
    async with ctx.db.write() as session:
        class_unit = await _unit(session, class_id, OrgUnitKind.CLASS, "classId")
        _check_on(ctx, STAFF, class_unit, "classId")
        subject = await session.get(SchoolSubject, subject_id)
        if subject is None or str(subject.school_unit_id) not in path_ids_str(class_unit.path):
            raise _not_found("subjectId")
        if parent_id is not None:
            parent = await session.get(SchoolAssessment, parent_id)
            if (
                parent is None
                or parent.subject_id != subject.id
                or parent.class_unit_id != class_unit.id
            ):
                raise _not_found("parentId")
            if parent.parent_id is not None:
                raise DomainError(
                    ErrorCode.INVALID, "Sub-tests have no sub-tests of their own", "parentId"
                )
            if parent.kind is not kind:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"A sub-test has the kind of its test ({parent.kind.value})",
                    "kind",
                )
            if await q.has_grades(session, parent.id):  # type: ignore[arg-type]
                raise DomainError(
                    ErrorCode.CONFLICT,
                    "This test has grades of its own; a test gets either grades or sub-tests",
                    "parentId",
                )
        test = await identity_q.add(
            session,
            SchoolAssessment(
                subject_id=subject.id,
                class_unit_id=class_unit.id,
                parent_id=parent_id,
                name=name,
                weight_hundredths=hundredths,
                kind=kind,
            ),
        )
    ctx.loaders.clear()
    return test


def path_ids_str(path: str) -> set[str]:
    return {str(i) for i in path_ids(path)}


async def finalise_assessment(ctx: Context, assessment_id: int) -> SchoolAssessment:
    """The exam board has fixed the results: from now on families see them."""
    async with ctx.db.write() as session:
        test = await session.get(SchoolAssessment, assessment_id)
        if test is None:
            raise _not_found("assessmentId")
        unit = await identity_q.unit_by_id(session, test.class_unit_id)
        _check_on(ctx, (Role.SCHOOL_ADMIN,), unit, "assessmentId")
        if test.parent_id is not None:
            raise DomainError(
                ErrorCode.INVALID, "Finalise the test, not one of its sub-tests", "assessmentId"
            )
        if not test.finalised:
            test.finalised = True
            await identity_q.audit(
                session,
                "RESULTS_FINALISED",
                actor=ctx.viewer.person_id,
                unit=test.class_unit_id,
                address=ctx.client_address,
                detail=f"assessment {test.id}",
            )
    ctx.loaders.clear()
    return test


async def record_grade(
    ctx: Context, assessment_id: int, pupil_id: int, grade: str, taken_on: date, attempt: int
) -> SchoolGrade:
    value = parse_grade(grade)
    if attempt < 1:
        raise DomainError(ErrorCode.INVALID, "Attempts are counted from 1", "attempt")
    async with ctx.db.write() as session:
        test = await session.get(SchoolAssessment, assessment_id)
        if test is None:
            raise _not_found("assessmentId")
        unit = await identity_q.unit_by_id(session, test.class_unit_id)
        _check_on(ctx, STAFF, unit, "assessmentId")
        if await q.has_sub_tests(session, test.id):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.INVALID,
                "This test is made of sub-tests: record the grades of its sub-tests",
                "assessmentId",
            )
        pupil = await session.get(Pupil, pupil_id)
        if pupil is None or pupil.class_unit_id != test.class_unit_id:
            raise _not_found("pupilId")
        row = await q.grade_of(session, test.id, pupil.id, attempt)  # type: ignore[arg-type]
        if row is None:
            row = SchoolGrade(assessment_id=test.id, pupil_id=pupil.id, attempt=attempt)  # type: ignore[call-arg]
            session.add(row)
        row.grade_tenths = int(value * 10)
        row.taken_on = taken_on
        row.recorded_by = ctx.viewer.person_id
        await session.flush()
    ctx.loaders.clear()
    return row


# --- writes: timetable, homework, attendance --------------------------------------------------------------


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
    async with ctx.db.write() as session:
        class_unit = await _unit(session, class_id, OrgUnitKind.CLASS, "classId")
        _check_on(ctx, STAFF, class_unit, "classId")
        subject = await session.get(SchoolSubject, data.subject_id)
        if subject is None or str(subject.school_unit_id) not in path_ids_str(class_unit.path):
            raise _not_found("subjectId")
        lesson = await identity_q.add(
            session,
            SchoolLesson(
                class_unit_id=class_unit.id,
                subject_id=subject.id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                first_hour=slot.first_hour,
                last_hour=slot.last_hour,
                room=_clean(data.room, "room", 40),
                teacher_code=_clean(data.teacher_code, "teacherCode", 12).upper(),
                teacher_person_id=data.teacher_id,
                homework=_homework(data.homework),
            ),
        )
    ctx.loaders.clear()
    return lesson


def _homework(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    if len(text) > 4000:
        raise DomainError(ErrorCode.INVALID, "Homework is at most 4000 characters", "homework")
    return text.strip()


async def _lesson_for_staff(ctx: Context, session: Any, lesson_id: int) -> SchoolLesson:
    lesson = await session.get(SchoolLesson, lesson_id)
    if lesson is None:
        raise _not_found("lessonId")
    unit = await identity_q.unit_by_id(session, lesson.class_unit_id)
    _check_on(ctx, STAFF, unit, "lessonId")
    return lesson


async def set_homework(ctx: Context, lesson_id: int, homework: str | None) -> SchoolLesson:
    text = _homework(homework)
    async with ctx.db.write() as session:
        lesson = await _lesson_for_staff(ctx, session, lesson_id)
        lesson.homework = text
    ctx.loaders.clear()
    return lesson


async def register_attendance(
    ctx: Context, lesson_id: int, absent_pupil_ids: list[int]
) -> tuple[SchoolLesson, list[SchoolAbsence]]:
    """The teacher registers presence for a lesson; the pupils named were absent. A new
    absence has no reason yet, so it is unauthorised and not handled."""
    if len(absent_pupil_ids) > 100:
        raise DomainError(ErrorCode.INVALID, "At most 100 pupils at once", "absentPupilIds")
    async with ctx.db.write() as session:
        lesson = await _lesson_for_staff(ctx, session, lesson_id)
        lesson.attendance_registered = True
        absences = []
        for pid in dict.fromkeys(absent_pupil_ids):
            pupil = await session.get(Pupil, pid)
            if pupil is None or pupil.class_unit_id != lesson.class_unit_id:
                raise _not_found("absentPupilIds")
            absence = await q.absence_of(session, pid, lesson.id)  # type: ignore[arg-type]
            if absence is None:
                absence = await identity_q.add(
                    session, SchoolAbsence(pupil_id=pid, lesson_id=lesson.id)
                )
            absences.append(absence)
        await session.flush()
    ctx.loaders.clear()
    return lesson, absences


async def handle_absence(
    ctx: Context, absence_id: int, reason: str | None, authorised: bool, handled: bool
) -> SchoolAbsence:
    """The mentor (or the administration) records the reason and follow-up of an absence."""
    text = None if reason is None or not reason.strip() else _clean(reason, "reason", 300)
    async with ctx.db.write() as session:
        absence = await session.get(SchoolAbsence, absence_id)
        if absence is None:
            raise _not_found("absenceId")
        lesson = await session.get(SchoolLesson, absence.lesson_id)
        pupil = await session.get(Pupil, absence.pupil_id)
        assert lesson is not None and pupil is not None
        unit = await identity_q.unit_by_id(session, pupil.class_unit_id)
        assert unit is not None
        mentor = pupil.class_unit_id in ctx.viewer.mentor_of and not ctx.viewer.token_scoped
        if not mentor:
            _check_on(ctx, (Role.SCHOOL_ADMIN,), unit, "absenceId")
        day = from_utc(lesson.starts_at)[0]
        # The domain rule: without a known reason an absence is unauthorised and not handled.
        Absence(day, lesson.first_hour, "", text, authorised, handled)
        absence.reason = text
        absence.authorised = authorised
        absence.handled = handled
        absence.handled_by = ctx.viewer.person_id
    ctx.loaders.clear()
    return absence


def consent_needed(pupil: Pupil) -> bool:
    return needs_consent(pupil.date_of_birth, today())
