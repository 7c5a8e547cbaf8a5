"""The school parent portal in GraphQL: pupils, guardians, results, attendance, agenda.

Family-facing fields carry the GUARDIAN relation (with consent applied per request when the
pupil is 18 or over) and SELF for the pupil; staff read through SCHOOL_ADMIN / TEACHER held on
the pupil's class or above, or as the class's MENTOR.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Annotated, Any

import strawberry

from domain.core.ids import decode_expected, encode_global_id
from domain.core.roles import Relation, Requirement, Scope, allows
from domain.core.roles import Role as R
from domain.school.consent import age_on, guardian_access
from domain.school.grades import AssessmentKind as DomainKind
from domain.school.grades import (
    ExplainedSubTest,
    ExplainedTest,
    averages_per_year,
    explain_average,
    round_half_up,
    weighted_average,
)
from domain.school.grades import YearResult as DomainYearResult
from domain.school.timetable import AgendaView as DomainView
from persistence.school.models import (
    CalendarFeed,
    GuardianLink,
    Pupil,
    PupilEnrolment,
    SchoolAbsence,
    SchoolAssessment,
    SchoolLesson,
    SchoolSubject,
)
from resolvers.school import access as resolve
from resolvers.school import agenda as school_agenda
from resolvers.school import attendance as school_attendance
from resolvers.school import pupils as school_pupils
from resolvers.school import results as school_results
from schema.core.node import plain, register_node
from schema.core.payloads import arg
from schema.core.permissions import requires
from schema.core.relay import Node

STAFF = (R.SCHOOL_ADMIN, R.TEACHER)
# The pupil card, results, attendance and agenda: staff of the class, its mentor, the pupil
# and guardians who may see the pupil today.
PUPIL_READ = Requirement.of(STAFF, [Relation.SELF, Relation.GUARDIAN, Relation.MENTOR])
# Who the guardians are and their consent state: administration, mentor, and the pupil, who
# manages consent. Separated parents do not see each other's details.
GUARDIANS_READ = Requirement.of([R.SCHOOL_ADMIN], [Relation.SELF, Relation.MENTOR])
# The timetable of a class is also visible to its pupils (PUPIL on the class).
LESSON_READ = Requirement.of((*STAFF, R.PUPIL), [Relation.SELF, Relation.GUARDIAN, Relation.MENTOR])
SUBJECT_READ = Requirement.of(
    (*STAFF, R.PUPIL), [Relation.SELF, Relation.GUARDIAN, Relation.MENTOR, Relation.MEMBER]
)
STAFF_READ = Requirement.of(STAFF, [Relation.MENTOR])
OWN_READ = Requirement.of((), [Relation.SELF])

MAX_MENTORS = 5


def _f(requirement: Requirement, description: str) -> Any:
    return requires(requirement.roles, requirement.relations, description=description)


def _gid(type_name: str, pk: int | None) -> strawberry.ID:
    assert pk is not None
    return strawberry.ID(encode_global_id(type_name, pk))


def _dec(value: Fraction | None) -> Decimal | None:
    return None if value is None else round_half_up(value)


def _percent(share: Fraction) -> Decimal:
    return round_half_up(share * 100)


# --- enums ----------------------------------------------------------------------------------------


@strawberry.enum(description="The seed's 'type resultaten'.")
class AssessmentKind(Enum):
    REGULAR = strawberry.enum_value(
        "REGULAR", description="Tests ('toetsen'): the default, the indicators of progress."
    )
    EXAM_ORIENTED = strawberry.enum_value(
        "EXAM_ORIENTED",
        description="Exam-oriented ('examengericht'): families see these only once the exam "
        "board has finalised them.",
    )


@strawberry.enum(description="Agenda views: the seed's 'Lijst / werkweek / Week'.")
class AgendaView(Enum):
    WEEK = strawberry.enum_value("WEEK", description="Monday to Sunday of the date's week.")
    WORK_WEEK = strawberry.enum_value(
        "WORK_WEEK", description="Monday to Friday of the date's week."
    )
    LIST = strawberry.enum_value(
        "LIST",
        description="Days with lessons from the date to `endDate` (default 14 days, at most 62).",
    )


@strawberry.enum(description="Why a guardian does or does not see a linked child's data.")
class GuardianAccessReason(Enum):
    PUPIL_MINOR = strawberry.enum_value(
        "PUPIL_MINOR", description="The pupil is under 18: guardians see the data."
    )
    PUPIL_ADULT_CONSENT_GIVEN = strawberry.enum_value(
        "PUPIL_ADULT_CONSENT_GIVEN",
        description="The pupil is 18 or older and consented for this guardian.",
    )
    PUPIL_ADULT_NO_CONSENT = strawberry.enum_value(
        "PUPIL_ADULT_NO_CONSENT",
        description="The pupil is 18 or older and has not consented for this guardian: "
        "nothing is shown.",
    )


@strawberry.enum(description="Why a weighted average differs from the plain mean of grades.")
class AverageDifferenceReason(Enum):
    UNEQUAL_WEIGHTS = strawberry.enum_value(
        "UNEQUAL_WEIGHTS", description="Tests with a higher weight count more."
    )
    COMPOSED_TESTS = strawberry.enum_value(
        "COMPOSED_TESTS", description="Some tests are the weighted mean of their sub-tests."
    )
    ROUNDING = strawberry.enum_value(
        "ROUNDING", description="The average uses unrounded test grades."
    )


def _kind(kind: AssessmentKind | None) -> DomainKind | None:
    return None if kind is None else DomainKind(kind.value)


# --- small value types ------------------------------------------------------------------------------


@strawberry.type(description="A postal address.")
class PostalAddress:
    scope: strawberry.Private[Scope]
    street: str = _f(PUPIL_READ, "Street and house number.")
    postcode: str = _f(PUPIL_READ, "Postcode, e.g. 1234 AB.")
    city: str = _f(PUPIL_READ, "City.")


@strawberry.type(description="A location of the school ('vestiging'): name, address, phone.")
class SchoolLocation:
    scope: strawberry.Private[Scope]
    name: str = _f(PUPIL_READ, "Name of the location.")
    address: PostalAddress | None = _f(PUPIL_READ, "Address; null while not registered.")
    phone: str | None = _f(
        PUPIL_READ, "General phone number ('telefoon algemeen'); null while not registered."
    )


@strawberry.type(description="A member of staff as families see them: a name.")
class StaffMember:
    scope: strawberry.Private[Scope]
    display_name: str = _f(PUPIL_READ, "Full name.")


# --- pupil --------------------------------------------------------------------------------------------


@strawberry.type(
    name="Pupil",
    description="A pupil ('leerling'/'student') with the school's record: the pupil card, "
    "results, attendance and agenda. Guardians of a pupil of 18 or over see it only with the "
    "pupil's consent.",
)
class PupilNode(Node):
    row: strawberry.Private[Pupil]
    view: strawberry.Private[resolve.PupilView]
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ

    @classmethod
    async def build(cls, ctx: Any, row: Pupil) -> PupilNode:
        view = await resolve.pupil_view(ctx, row)
        return cls(id=_gid("Pupil", row.id), row=row, view=view, scope=view.scope)

    @classmethod
    async def visible(cls, info: strawberry.Info, rows: list[Pupil]) -> list[PupilNode]:
        nodes = await asyncio.gather(*(cls.build(info.context, r) for r in rows))
        return [n for n in nodes if allows(info.context.viewer, cls.READ, n.scope)]

    @_f(PUPIL_READ, "Given name.")
    def given_name(self) -> str:
        return self.view.person.given_name

    @_f(PUPIL_READ, "Name prefix (tussenvoegsel).")
    def name_prefix(self) -> str:
        return self.view.person.name_prefix

    @_f(PUPIL_READ, "Family name.")
    def family_name(self) -> str:
        return self.view.person.family_name

    @_f(PUPIL_READ, "Full name for display.")
    def display_name(self) -> str:
        return self.view.person.display_name

    @_f(PUPIL_READ, "Student number ('studentnummer'), unique within the school.")
    def student_number(self) -> str:
        return self.row.student_number

    @_f(PUPIL_READ, "Date of birth (ISO 8601).")
    def date_of_birth(self) -> date:
        return self.row.date_of_birth

    @_f(PUPIL_READ, "Age in whole years today (Europe/Amsterdam).")
    def age_years(self) -> int:
        return age_on(self.row.date_of_birth, resolve.today())

    @_f(
        PUPIL_READ,
        "Whether guardians need this pupil's consent to see the data (18 or over today).",
    )
    def guardians_need_consent(self) -> bool:
        return resolve.consent_needed(self.row)

    @_f(PUPIL_READ, "Phone number of the pupil's contact details; null if none.")
    def phone(self) -> str | None:
        return self.row.phone or None

    @_f(PUPIL_READ, "Home address of the pupil's contact details.")
    def address(self) -> PostalAddress:
        return PostalAddress(
            scope=self.scope,
            street=self.row.street,
            postcode=self.row.postcode,
            city=self.row.city,
        )

    @_f(PUPIL_READ, "Programme ('opleiding'), e.g. 'vmbo-kader Zorg en Welzijn'.")
    def programme(self) -> str:
        return self.row.programme

    @_f(PUPIL_READ, "Name of the pupil's current class.")
    def class_name(self) -> str:
        return self.view.class_unit.name

    @_f(PUPIL_READ, "The location ('vestiging') the pupil is enrolled at, with address and phone.")
    async def location(self, info: strawberry.Info) -> SchoolLocation | None:
        found = await school_pupils.location_of(info.context, self.view.class_unit)
        if found is None:
            return None
        details = found.details
        address = (
            PostalAddress(
                scope=self.scope,
                street=details.street,
                postcode=details.postcode,
                city=details.city,
            )
            if details
            else None
        )
        return SchoolLocation(
            scope=self.scope,
            name=found.unit.name,
            address=address,
            phone=(details.phone or None) if details else None,
        )

    @_f(PUPIL_READ, f"Mentors of the pupil's class (at most {MAX_MENTORS}).")
    async def mentors(self, info: strawberry.Info) -> list[StaffMember]:
        people = await info.context.loaders.school.mentors_by_class.load(self.row.class_unit_id)
        return [
            StaffMember(scope=self.scope, display_name=p.display_name) for p in people[:MAX_MENTORS]
        ]

    @_f(PUPIL_READ, "Enrolments ('verbintenissen') per school year, newest first.")
    async def enrolments(self, info: strawberry.Info) -> list[PupilEnrolmentNode]:
        rows = await info.context.loaders.school.enrolments_by_pupil.load(self.row.id)
        return [PupilEnrolmentNode.make(r, self.view) for r in rows]

    @_f(
        GUARDIANS_READ,
        "Guardians linked to the pupil, with their consent state (the pupil manages consent "
        "here). At most 20.",
    )
    async def guardians(self, info: strawberry.Info) -> list[GuardianLinkNode] | None:
        links = await info.context.loaders.school.links_by_pupil.load(self.row.id)
        return [GuardianLinkNode.make(link, self.view) for link in links[:20]]

    @_f(
        PUPIL_READ,
        "The results matrix ('matrix'): the subjects of the current school year with their "
        "grades and running average. Families never receive unfinalised exam results.",
    )
    async def results_matrix(
        self,
        info: strawberry.Info,
        kind: Annotated[
            AssessmentKind, arg("Tests (REGULAR, the default) or EXAM_ORIENTED results.")
        ] = AssessmentKind.REGULAR,
    ) -> ResultsMatrix:
        tests = await school_results.pupil_tests(info.context, self.view, _kind(kind))
        year = school_results.school_year_of(resolve.today())
        current = [t for t in tests if t.subject.school_year == year.start_year]
        return ResultsMatrix(
            scope=self.scope,
            school_year=year.label,
            kind=kind,
            subjects=[
                SubjectResults.make(subject, items, self.scope)
                for subject, items in school_results.by_subject(current)
            ],
        )

    @_f(
        PUPIL_READ,
        "The results overview ('overzicht'): all subjects of an enrolment per school year, "
        "with the average per year.",
    )
    async def results_overview(
        self,
        info: strawberry.Info,
        enrolment_id: Annotated[
            strawberry.ID | None,
            arg("The enrolment; null for the enrolment of the current school year."),
        ] = None,
        kind: Annotated[
            AssessmentKind, arg("Tests (REGULAR, the default) or EXAM_ORIENTED results.")
        ] = AssessmentKind.REGULAR,
    ) -> ResultsOverview:
        chosen = (
            decode_expected(enrolment_id, "PupilEnrolment", "enrolmentId") if enrolment_id else None
        )
        scope_ = await school_results.overview_scope(info.context, self.view, chosen)
        tests = await school_results.pupil_tests(info.context, self.view, _kind(kind))
        years = {y.start_year for y in scope_.years}
        in_scope = [t for t in tests if t.subject.school_year in years]
        names = {t.subject.code: t.subject.name for t in in_scope}
        rows = averages_per_year(
            DomainYearResult(t.subject.code, t.school_year, t.assessment) for t in in_scope
        )
        subjects: dict[str, list[YearAverage]] = {}
        for row in rows:
            subjects.setdefault(row.subject, []).append(
                YearAverage(
                    scope=self.scope,
                    school_year=row.school_year.label,
                    average=row.shown_average,
                    test_count=row.test_count,
                )
            )
        return ResultsOverview(
            scope=self.scope,
            enrolment=PupilEnrolmentNode.make(scope_.enrolment, self.view)
            if scope_.enrolment
            else None,
            school_years=[y.label for y in scope_.years],
            kind=kind,
            subjects=[
                OverviewSubject(scope=self.scope, code=code, name=names[code], years=years_)
                for code, years_ in sorted(subjects.items(), key=lambda kv: names[kv[0]])
            ],
        )

    @_f(
        PUPIL_READ,
        "Why a subject's running average is what it is: each test's grade, weight, share and "
        "sub-tests, and why it differs from the plain mean of the shown grades.",
    )
    async def average_explanation(
        self,
        info: strawberry.Info,
        subject_id: Annotated[strawberry.ID, arg("The subject (of one school year).")],
        kind: Annotated[
            AssessmentKind, arg("Tests (REGULAR, the default) or EXAM_ORIENTED results.")
        ] = AssessmentKind.REGULAR,
    ) -> AverageExplanation:
        sid = decode_expected(subject_id, "SchoolSubject", "subjectId")
        tests = await school_results.pupil_tests(info.context, self.view, _kind(kind))
        mine = [t for t in tests if t.subject.id == sid]
        explained = explain_average([t.assessment for t in mine])
        return AverageExplanation(
            scope=self.scope,
            subject_name=mine[0].subject.name if mine else "",
            kind=kind,
            tests=[ExplainedTestLine.make(t, self.scope) for t in explained.tests],
            average=explained.shown_average,
            plain_mean=explained.shown_plain_mean,
            plain_mean_of_entered=explained.shown_plain_mean_of_entered,
            reasons=[AverageDifferenceReason(r.value) for r in explained.reasons],
            sentence=explained.sentence,
        )

    @_f(
        PUPIL_READ,
        "Attendance ('presentie') over a period: absence and presence percentages and the "
        "week overview of absences, latest first.",
    )
    async def attendance(
        self,
        info: strawberry.Info,
        first_day: Annotated[
            date | None, arg("First day; null for the start of the school year of `lastDay`.")
        ] = None,
        last_day: Annotated[date | None, arg("Last day (included); null for today.")] = None,
    ) -> Attendance:
        found = await school_attendance.attendance(info.context, self.view, first_day, last_day)
        return Attendance.make(found, self.scope)

    @_f(
        PUPIL_READ,
        "The agenda of the pupil's class: lessons with details and homework, per day.",
    )
    async def agenda(
        self,
        info: strawberry.Info,
        view: Annotated[AgendaView, arg("WEEK (default), WORK_WEEK or LIST.")] = AgendaView.WEEK,
        date_: Annotated[
            date | None,
            strawberry.argument(
                name="date",
                description="A day in the week to show, or LIST's first day; null for today.",
            ),
        ] = None,
        end_date: Annotated[
            date | None, arg("LIST only: the last day (default 14 days, at most 62).")
        ] = None,
    ) -> Agenda:
        found = await school_agenda.agenda(
            info.context,
            self.view.class_unit,
            self.view,
            DomainView(view.value),
            date_,
            end_date,
        )
        return Agenda.make(found, self.scope)

    @_f(PUPIL_READ, "Your own calendar feeds of this pupil's timetable (secrets are not shown).")
    async def calendar_feeds(self, info: strawberry.Info) -> list[CalendarFeedNode]:
        rows = await info.context.loaders.school.feeds_of.load(
            (info.context.viewer.person_id, self.row.id)
        )
        return [CalendarFeedNode.from_row(r) for r in rows]


@strawberry.type(
    description="One line of a guardian's dashboard: a linked child, whether you see the "
    "child's data today, and why (answers 'I don't see my child's data')."
)
class ChildAccess:
    scope: strawberry.Private[Scope]
    first_name: str = _f(OWN_READ, "The child's first name (shown also without consent).")
    legal_representative: bool = _f(OWN_READ, "Whether you are registered as legal representative.")
    access_allowed: bool = _f(OWN_READ, "Whether you see the child's data today.")
    access_reason: GuardianAccessReason = _f(OWN_READ, "Why you do or do not.")
    message: str = _f(OWN_READ, "The reason as a sentence, with what to do about it.")
    pupil: PupilNode | None = _f(
        OWN_READ, "The child's record; null while you may not see it (see `accessReason`)."
    )


# --- enrolments and guardians -------------------------------------------------------------------------


@strawberry.type(
    name="PupilEnrolment",
    description="An enrolment ('verbintenis') of a pupil for one school year.",
)
class PupilEnrolmentNode(Node):
    row: strawberry.Private[PupilEnrolment]
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ

    @classmethod
    def make(cls, row: PupilEnrolment, view: resolve.PupilView) -> PupilEnrolmentNode:
        return cls(id=_gid("PupilEnrolment", row.id), row=row, scope=view.scope)

    @classmethod
    async def build(cls, ctx: Any, row: PupilEnrolment) -> PupilEnrolmentNode:
        pupil = await ctx.loaders.school.pupil_by_id.load(row.pupil_id)
        return cls.make(row, await resolve.pupil_view(ctx, pupil))

    @_f(PUPIL_READ, "The school year, e.g. '2025-2026'.")
    def school_year(self) -> str:
        return school_results.SchoolYear(self.row.school_year).label

    @_f(PUPIL_READ, "First calendar year of the school year (2025 for 2025-2026).")
    def school_year_start(self) -> int:
        return self.row.school_year

    @_f(PUPIL_READ, "Programme ('opleiding') of this enrolment.")
    def programme(self) -> str:
        return self.row.programme

    @_f(PUPIL_READ, "Name of the class that year.")
    async def class_name(self, info: strawberry.Info) -> str:
        unit = await info.context.loaders.unit_by_id.load(self.row.class_unit_id)
        return unit.name if unit else ""


@strawberry.type(
    name="GuardianLink",
    description="A guardian ('ouder/verzorger/wettelijk vertegenwoordiger') linked to a pupil "
    "by the school administration, with the pupil's consent for this guardian.",
)
class GuardianLinkNode(Node):
    row: strawberry.Private[GuardianLink]
    pupil: strawberry.Private[Pupil]
    scope: strawberry.Private[Scope]
    READ = GUARDIANS_READ

    @classmethod
    def make(cls, row: GuardianLink, view: resolve.PupilView) -> GuardianLinkNode:
        return cls(id=_gid("GuardianLink", row.id), row=row, pupil=view.pupil, scope=view.scope)

    @classmethod
    async def build(cls, ctx: Any, row: GuardianLink) -> GuardianLinkNode:
        pupil = await ctx.loaders.school.pupil_by_id.load(row.pupil_id)
        return cls.make(row, await resolve.pupil_view(ctx, pupil))

    async def _consent(self, info: strawberry.Info) -> Any:
        return await info.context.loaders.school.consent_by_link.load(
            (self.row.pupil_id, self.row.guardian_person_id)
        )

    @_f(GUARDIANS_READ, "The guardian's full name.")
    async def guardian_name(self, info: strawberry.Info) -> str:
        person = await info.context.loaders.person_by_id.load(self.row.guardian_person_id)
        return person.display_name

    @_f(GUARDIANS_READ, "The guardian's e-mail address (their own: no two guardians share one).")
    async def guardian_email(self, info: strawberry.Info) -> str:
        person = await info.context.loaders.person_by_id.load(self.row.guardian_person_id)
        return person.email

    @_f(GUARDIANS_READ, "Whether the guardian has activated their account.")
    async def guardian_activated(self, info: strawberry.Info) -> bool:
        person = await info.context.loaders.person_by_id.load(self.row.guardian_person_id)
        return person.password_hash is not None

    @_f(GUARDIANS_READ, "Registered as legal representative ('wettelijk vertegenwoordiger').")
    def legal_representative(self) -> bool:
        return self.row.legal_representative

    @_f(GUARDIANS_READ, "When the link was made (ISO 8601, UTC).")
    def created_at(self) -> datetime:
        return self.row.created_at

    @_f(GUARDIANS_READ, "Whether the pupil has given this guardian consent (counts from 18).")
    async def consent_given(self, info: strawberry.Info) -> bool:
        consent = await self._consent(info)
        return bool(consent and consent.given)

    @_f(GUARDIANS_READ, "When consent was last given; null if never.")
    async def consent_given_at(self, info: strawberry.Info) -> datetime | None:
        consent = await self._consent(info)
        return consent.given_at if consent else None

    @_f(GUARDIANS_READ, "When consent was last withdrawn; null if never.")
    async def consent_withdrawn_at(self, info: strawberry.Info) -> datetime | None:
        consent = await self._consent(info)
        return consent.withdrawn_at if consent else None

    @_f(GUARDIANS_READ, "Whether this guardian sees the pupil's data today.")
    async def guardian_sees_data(self, info: strawberry.Info) -> bool:
        consent = await self._consent(info)
        access = guardian_access(
            self.pupil.date_of_birth, resolve.today(), bool(consent and consent.given)
        )
        return access.allowed

    @_f(GUARDIANS_READ, "Why this guardian does or does not see the pupil's data today.")
    async def access_reason(self, info: strawberry.Info) -> GuardianAccessReason:
        consent = await self._consent(info)
        access = guardian_access(
            self.pupil.date_of_birth, resolve.today(), bool(consent and consent.given)
        )
        return GuardianAccessReason(access.reason.value)


# --- subjects, tests and results ------------------------------------------------------------------------


@strawberry.type(name="SchoolSubject", description="A subject ('vak') in one school year.")
class SchoolSubjectNode(Node):
    row: strawberry.Private[SchoolSubject]
    scope: strawberry.Private[Scope]
    READ = SUBJECT_READ

    @classmethod
    def make(cls, row: SchoolSubject, scope: Scope) -> SchoolSubjectNode:
        return cls(id=_gid("SchoolSubject", row.id), row=row, scope=scope)

    @classmethod
    async def build(cls, ctx: Any, row: SchoolSubject) -> SchoolSubjectNode:
        unit = await ctx.loaders.unit_by_id.load(row.school_unit_id)
        return cls.make(row, Scope(unit_paths=(unit.path,)))

    @_f(SUBJECT_READ, "Short code, e.g. 'NE'.")
    def code(self) -> str:
        return self.row.code

    @_f(SUBJECT_READ, "Name, e.g. 'Nederlands'.")
    def name(self) -> str:
        return self.row.name

    @_f(SUBJECT_READ, "The school year, e.g. '2025-2026'.")
    def school_year(self) -> str:
        return school_results.SchoolYear(self.row.school_year).label


@strawberry.type(
    name="SchoolAssessment",
    description="A test ('toets') of a subject for a class, or a sub-test ('deeltoets') of one. "
    "Staff only: families see grades through a pupil's results.",
)
class SchoolAssessmentNode(Node):
    row: strawberry.Private[SchoolAssessment]
    scope: strawberry.Private[Scope]
    READ = STAFF_READ

    @classmethod
    async def build(cls, ctx: Any, row: SchoolAssessment) -> SchoolAssessmentNode:
        unit = await ctx.loaders.unit_by_id.load(row.class_unit_id)
        return cls(
            id=_gid("SchoolAssessment", row.id),
            row=row,
            scope=Scope(unit_paths=(unit.path,), class_unit_id=unit.id),
        )

    @_f(STAFF_READ, "Name of the test.")
    def name(self) -> str:
        return self.row.name

    @_f(STAFF_READ, "Weight among its siblings (tests of the subject, or sub-tests of a test).")
    def weight(self) -> Decimal:
        return school_results.weight_of(self.row)

    @_f(STAFF_READ, "Regular test or exam-oriented.")
    def kind(self) -> AssessmentKind:
        return AssessmentKind(self.row.kind.value)

    @_f(STAFF_READ, "Whether the exam board has finalised the results (families see them).")
    def finalised(self) -> bool:
        return self.row.finalised

    @_f(STAFF_READ, "The test this is a sub-test of; null for a test.")
    def parent_id(self) -> strawberry.ID | None:
        return _gid("SchoolAssessment", self.row.parent_id) if self.row.parent_id else None


@strawberry.type(
    description="A grade as shown in the matrix: of a test, or of a sub-test (the seed shows "
    "sub-test grades and not the test grades computed from them)."
)
class GradeEntry:
    scope: strawberry.Private[Scope]
    name: str = _f(PUPIL_READ, "Name of the test or sub-test.")
    test_name: str = _f(PUPIL_READ, "Name of the test it counts for (itself for a test).")
    is_sub_test: bool = _f(PUPIL_READ, "Whether this is a sub-test's grade.")
    grade: Decimal = _f(PUPIL_READ, "Grade from 1.0 to 10.0, one decimal.")
    weight: Decimal = _f(PUPIL_READ, "Weight among its siblings.")
    taken_on: date = _f(PUPIL_READ, "The day the grade was obtained (entered).")
    attempt: int = _f(PUPIL_READ, "Attempt ('poging'), from 1; the latest counts.")
    kind: AssessmentKind = _f(PUPIL_READ, "Regular or exam-oriented.")
    finalised: bool = _f(PUPIL_READ, "Whether the exam board finalised it (exam-oriented).")


@strawberry.type(description="One subject in the results matrix.")
class SubjectResults:
    scope: strawberry.Private[Scope]
    subject: SchoolSubjectNode = _f(PUPIL_READ, "The subject.")
    grades: list[GradeEntry] = _f(
        PUPIL_READ, "The grades shown, oldest first (bounded by the tests of one school year)."
    )
    test_count: int = _f(PUPIL_READ, "Number of tests counting in the average.")
    average: Decimal | None = _f(
        PUPIL_READ, "Running weighted average ('voortschrijdend gemiddelde'), one decimal."
    )

    @classmethod
    def make(
        cls, subject: SchoolSubject, tests: list[school_results.TestResult], scope: Scope
    ) -> SubjectResults:
        grades = [
            GradeEntry(
                scope=scope,
                name=line.test.name,
                test_name=t.test.name,
                is_sub_test=line.test.id != t.test.id,
                grade=line.value,
                weight=line.weight,
                taken_on=line.grade.taken_on,
                attempt=line.grade.attempt,
                kind=AssessmentKind(t.test.kind.value),
                finalised=t.test.finalised,
            )
            for t in tests
            for line in t.lines
        ]
        return cls(
            scope=scope,
            subject=SchoolSubjectNode.make(subject, scope),
            grades=grades,
            test_count=len(tests),
            average=_dec(weighted_average([t.assessment for t in tests])),
        )


@strawberry.type(description="The results matrix of the current school year.")
class ResultsMatrix:
    scope: strawberry.Private[Scope]
    school_year: str = _f(PUPIL_READ, "The school year shown, e.g. '2025-2026'.")
    kind: AssessmentKind = _f(PUPIL_READ, "The kind of results shown.")
    subjects: list[SubjectResults] = _f(PUPIL_READ, "Subjects with results, by name.")


@strawberry.type(description="A subject's average in one school year.")
class YearAverage:
    scope: strawberry.Private[Scope]
    school_year: str = _f(PUPIL_READ, "The school year.")
    average: Decimal = _f(PUPIL_READ, "Weighted average of that year, one decimal.")
    test_count: int = _f(PUPIL_READ, "Number of tests counted.")


@strawberry.type(description="A subject in the overview, with its average per school year.")
class OverviewSubject:
    scope: strawberry.Private[Scope]
    code: str = _f(PUPIL_READ, "Subject code.")
    name: str = _f(PUPIL_READ, "Subject name.")
    years: list[YearAverage] = _f(
        PUPIL_READ, "Averages per school year, oldest first (a one-year subject has one)."
    )


@strawberry.type(description="The results overview of one enrolment.")
class ResultsOverview:
    scope: strawberry.Private[Scope]
    enrolment: PupilEnrolmentNode | None = _f(
        PUPIL_READ, "The enrolment shown; null when the pupil has none."
    )
    school_years: list[str] = _f(PUPIL_READ, "The school years of the enrolment, oldest first.")
    kind: AssessmentKind = _f(PUPIL_READ, "The kind of results shown.")
    subjects: list[OverviewSubject] = _f(PUPIL_READ, "Subjects with results, by name.")


@strawberry.type(description="A sub-test in an average explanation.")
class ExplainedPart:
    scope: strawberry.Private[Scope]
    name: str = _f(PUPIL_READ, "Name of the sub-test.")
    grade: Decimal = _f(PUPIL_READ, "Its grade, one decimal.")
    weight: Decimal = _f(PUPIL_READ, "Its weight among the sub-tests of its test.")
    weight_share_percent: Decimal = _f(
        PUPIL_READ, "Its share of the test's grade in percent, one decimal."
    )

    @classmethod
    def make(cls, part: ExplainedSubTest, scope: Scope) -> ExplainedPart:
        return cls(
            scope=scope,
            name=part.name,
            grade=part.shown_grade,
            weight=Decimal(part.weight),
            weight_share_percent=_percent(part.weight_share),
        )


@strawberry.type(description="A test in an average explanation.")
class ExplainedTestLine:
    scope: strawberry.Private[Scope]
    name: str = _f(PUPIL_READ, "Name of the test.")
    grade: Decimal = _f(
        PUPIL_READ, "The test's grade, one decimal (the average uses it unrounded)."
    )
    grade_exact: Decimal = _f(PUPIL_READ, "The test's grade to four decimals, as used.")
    weight: Decimal = _f(PUPIL_READ, "The test's weight.")
    weight_share_percent: Decimal = _f(PUPIL_READ, "Share of the average in percent.")
    contribution: Decimal = _f(
        PUPIL_READ, "grade · weight / total weight, four decimals: these add up to the average."
    )
    taken_on: date | None = _f(PUPIL_READ, "When the grade was obtained (latest sub-test).")
    attempt: int = _f(PUPIL_READ, "Attempt that counts.")
    parts: list[ExplainedPart] = _f(PUPIL_READ, "Sub-tests making up the grade; empty if none.")

    @classmethod
    def make(cls, test: ExplainedTest, scope: Scope) -> ExplainedTestLine:
        return cls(
            scope=scope,
            name=test.name,
            grade=test.shown_grade,
            grade_exact=school_results.fraction_to_decimal(test.grade, 4),
            weight=Decimal(test.weight),
            weight_share_percent=_percent(test.weight_share),
            contribution=school_results.fraction_to_decimal(test.contribution, 4),
            taken_on=test.taken_on,
            attempt=test.attempt,
            parts=[ExplainedPart.make(p, scope) for p in test.parts],
        )


@strawberry.type(
    description="How a subject's running average comes about, and why it differs from the "
    "plain mean of the shown grades (the seed's FAQ 9.6)."
)
class AverageExplanation:
    scope: strawberry.Private[Scope]
    subject_name: str = _f(PUPIL_READ, "The subject; empty when there are no results.")
    kind: AssessmentKind = _f(PUPIL_READ, "The kind of results explained.")
    tests: list[ExplainedTestLine] = _f(PUPIL_READ, "The tests of the average, oldest first.")
    average: Decimal | None = _f(PUPIL_READ, "The weighted average, one decimal.")
    plain_mean: Decimal | None = _f(
        PUPIL_READ, "The plain mean of the tests' shown grades, one decimal."
    )
    plain_mean_of_entered: Decimal | None = _f(
        PUPIL_READ, "The plain mean of all grades entered (sub-tests included), one decimal."
    )
    reasons: list[AverageDifferenceReason] = _f(PUPIL_READ, "Why the average differs.")
    sentence: str = _f(PUPIL_READ, "The explanation in one sentence.")


# --- attendance ----------------------------------------------------------------------------------------


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
    async def build(cls, ctx: Any, row: SchoolAbsence) -> AbsenceNode:
        lesson = await ctx.loaders.school.lesson_by_id.load(row.lesson_id)
        subject = await ctx.loaders.school.subject_by_id.load(lesson.subject_id)
        pupil = await ctx.loaders.school.pupil_by_id.load(row.pupil_id)
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

    @_f(PUPIL_READ, "The lesson missed.")
    def lesson(self) -> TimetableLessonNode:
        return TimetableLessonNode.make(self.lesson_row, self.subject_row, self.scope)


@strawberry.type(description="The absences of one ISO week.")
class AbsenceWeek:
    scope: strawberry.Private[Scope]
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
    first_day: date = _f(PUPIL_READ, "First day of the period.")
    last_day: date = _f(PUPIL_READ, "Last day of the period (included).")
    registered_lessons: int = _f(
        PUPIL_READ, "Lessons whose attendance was registered in the period."
    )
    absent_lessons: int = _f(PUPIL_READ, "Lessons the pupil was absent from.")
    absence_percent: Decimal | None = _f(
        PUPIL_READ, "Absence in percent, one decimal; null without registered lessons."
    )
    presence_percent: Decimal | None = _f(
        PUPIL_READ, "Presence in percent (100 - absence); null without registered lessons."
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


# --- agenda ----------------------------------------------------------------------------------------------


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
    async def build(cls, ctx: Any, row: SchoolLesson) -> TimetableLessonNode:
        subject = await ctx.loaders.school.subject_by_id.load(row.subject_id)
        unit = await ctx.loaders.unit_by_id.load(row.class_unit_id)
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
    async def teacher_name(self, info: strawberry.Info) -> str | None:
        if self.row.teacher_person_id is None:
            return None
        person = await info.context.loaders.person_by_id.load(self.row.teacher_person_id)
        return person.display_name if person else None

    @_f(LESSON_READ, "The class.")
    async def class_name(self, info: strawberry.Info) -> str:
        unit = await info.context.loaders.unit_by_id.load(self.row.class_unit_id)
        return unit.name

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
    date: date = _f(LESSON_READ, "The day.")
    lessons: list[TimetableLessonNode] = _f(LESSON_READ, "Lessons of the day, in time order.")


@strawberry.type(description="An agenda: the days of a view with their lessons.")
class Agenda:
    scope: strawberry.Private[Scope]
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


# --- calendar feeds ------------------------------------------------------------------------------------


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


register_node("Pupil", PupilNode.build, lambda ctx: ctx.loaders.school.pupil_by_id)
register_node(
    "PupilEnrolment", PupilEnrolmentNode.build, lambda ctx: ctx.loaders.school.enrolment_by_id
)
register_node("GuardianLink", GuardianLinkNode.build, lambda ctx: ctx.loaders.school.link_by_id)
register_node(
    "SchoolSubject", SchoolSubjectNode.build, lambda ctx: ctx.loaders.school.subject_by_id
)
register_node(
    "SchoolAssessment",
    SchoolAssessmentNode.build,
    lambda ctx: ctx.loaders.school.assessment_by_id,
)
register_node("Absence", AbsenceNode.build, lambda ctx: ctx.loaders.school.absence_by_id)
register_node(
    "TimetableLesson", TimetableLessonNode.build, lambda ctx: ctx.loaders.school.lesson_by_id
)
register_node(
    "CalendarFeed", plain(CalendarFeedNode.from_row), lambda ctx: ctx.loaders.school.feed_by_id
)

SCHOOL_TYPES: list[Any] = [
    PupilNode,
    PupilEnrolmentNode,
    GuardianLinkNode,
    SchoolSubjectNode,
    SchoolAssessmentNode,
    AbsenceNode,
    TimetableLessonNode,
    CalendarFeedNode,
]
