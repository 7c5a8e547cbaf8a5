"""The pupil card, a guardian's view of a child, enrolments and guardian links."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import Scope
from domain.school.consent import age_on, guardian_access
from domain.school.grades import YearResult as DomainYearResult
from domain.school.grades import (
    averages_per_year,
    explain_average,
)
from domain.school.timetable import AgendaView as DomainView
from persistence.core.models import Person
from persistence.school.models import (
    GuardianConsent,
    GuardianLink,
    Pupil,
    PupilEnrolment,
    pk,
)
from resolvers.context import Context
from resolvers.core.i18n import render
from resolvers.core.loader_group import referenced
from resolvers.core.pagination import page_of_list
from resolvers.core.prefetch import MISSING, peek
from resolvers.school import access as resolve
from resolvers.school import agenda as school_agenda
from resolvers.school import attendance as school_attendance
from resolvers.school import pupils as school_pupils
from resolvers.school import results as school_results
from schema.core.info import Info
from schema.core.pagination import AFTER, BEFORE, FIRST, LAST, page_request, to_connection
from schema.core.payloads import arg
from schema.core.relay import Connection, Node
from schema.school.agenda import Agenda, CalendarFeedNode
from schema.school.attendance import Attendance
from schema.school.enums import (
    AgendaView,
    AssessmentKind,
    AverageDifferenceReason,
    GuardianAccessReason,
)
from schema.school.fields import (
    CONSENT_HISTORY_READ,
    GUARDIANS_READ,
    OWN_READ,
    PUPIL_READ,
    _f,
    _gid,
    _kind,
    _later,
    loaded,
)
from schema.school.results import (
    AverageExplanation,
    ExplainedTestLine,
    GradeEntry,
    OverviewSubject,
    ResultsMatrix,
    ResultsOverview,
    SubjectResults,
    YearAverage,
)

MAX_MENTORS = 5


@strawberry.type(description="A postal address.")
class PostalAddress:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    street: str = _f(PUPIL_READ, "Street and house number.")
    postcode: str = _f(PUPIL_READ, "Postcode, e.g. 1234 AB.")
    city: str = _f(PUPIL_READ, "City.")


@strawberry.type(description="A location of the school ('vestiging'): name, address, phone.")
class SchoolLocation:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    name: str = _f(PUPIL_READ, "Name of the location.")
    address: PostalAddress | None = _f(PUPIL_READ, "Address; null while not registered.")
    phone: str | None = _f(
        PUPIL_READ, "General phone number ('telefoon algemeen'); null while not registered."
    )


@strawberry.type(description="A member of staff as families see them: a name.")
class StaffMember:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    display_name: str = _f(PUPIL_READ, "Full name.")


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
    def of(cls, view: resolve.PupilView) -> PupilNode:
        return cls(id=_gid("Pupil", view.pupil.id), row=view.pupil, view=view, scope=view.scope)

    @classmethod
    async def build(cls, ctx: Context, row: Pupil) -> PupilNode:
        return cls.of(await resolve.pupil_view(ctx, row))

    @classmethod
    async def visible(cls, info: Info, rows: list[Pupil]) -> list[PupilNode]:
        nodes = await asyncio.gather(*(cls.build(info.context, r) for r in rows))
        return [n for n in nodes if info.context.allows(cls.READ, n.scope)]

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
    def location(self, info: Info) -> SchoolLocation | None:
        parent = self.view.class_unit.parent_id
        if parent is None:
            return None
        loaders = info.context.loaders
        unit = peek(loaders.unit_by_id, parent)
        details = peek(loaders.school.location_details, parent)
        if unit is MISSING or details is MISSING or unit is None:
            return _later(self._load_location(info))
        return self._location(school_pupils.Location(unit, details))

    async def _load_location(self, info: Info) -> SchoolLocation | None:
        found = await school_pupils.location_of(info.context, self.view.class_unit)
        return self._location(found) if found else None

    def _location(self, found: school_pupils.Location) -> SchoolLocation:
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
    def mentors(self, info: Info) -> list[StaffMember]:
        return loaded(
            info.context.loaders.school.mentors_by_class,
            self.row.class_unit_id,
            lambda people: [
                StaffMember(scope=self.scope, display_name=p.display_name)
                for p in people[:MAX_MENTORS]
            ],
        )

    @_f(PUPIL_READ, "Enrolments ('verbintenissen') per school year, newest first.")
    async def enrolments(self, info: Info) -> list[PupilEnrolmentNode]:
        rows = await info.context.loaders.school.enrolments_by_pupil.load(pk(self.row))
        return [PupilEnrolmentNode.make(r, self.view) for r in rows]

    @_f(
        GUARDIANS_READ,
        "Guardians linked to the pupil, with their consent state (the pupil manages consent "
        "here). At most 20.",
    )
    async def guardians(self, info: Info) -> list[GuardianLinkNode] | None:
        links = await info.context.loaders.school.links_by_pupil.load(pk(self.row))
        return [GuardianLinkNode.make(link, self.view) for link in links[:20]]

    @_f(
        PUPIL_READ,
        "The results matrix ('matrix'): the subjects of the current school year with their "
        "grades and running average. Families never receive unfinalised exam results.",
    )
    def results_matrix(
        self,
        info: Info,
        kind: Annotated[
            AssessmentKind, arg("Tests (REGULAR, the default) or EXAM_ORIENTED results.")
        ] = AssessmentKind.REGULAR,
    ) -> ResultsMatrix:
        ctx = info.context
        return loaded(
            ctx.loaders.school.results_by_pupil,
            pk(self.row),
            lambda rows: self._matrix(
                school_results.tests_of(ctx, self.view, rows, _kind(kind)), kind
            ),
        )

    def _matrix(
        self, tests: list[school_results.TestResult], kind: AssessmentKind
    ) -> ResultsMatrix:
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
        info: Info,
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
        "The latest grades across all subjects and school years, newest first (by the day "
        "obtained, then the latest entered), a page at a time: `latestGrades(first: 10)` for a "
        "dashboard. The grades the matrix shows — the counting attempt of each test or "
        "sub-test; families never receive unfinalised exam results.",
    )
    async def latest_grades(
        self,
        info: Info,
        kind: Annotated[
            AssessmentKind | None, arg("Only tests (REGULAR) or EXAM_ORIENTED; null for both.")
        ] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[GradeEntry]:
        request = page_request(first, after, last, before)
        tests = await school_results.pupil_tests(info.context, self.view, _kind(kind))
        lines = school_results.latest_lines(tests)

        page = page_of_list(
            request,
            "latest-grades",
            lines,
            lambda pair: [pair[1].grade.taken_on.isoformat(), pk(pair[1].grade)],
            2,
            descending=True,
        )
        return to_connection(page, lambda pair: GradeEntry.make(pair[0], pair[1], self.scope))

    @_f(
        PUPIL_READ,
        "Why a subject's running average is what it is: each test's grade, weight, share and "
        "sub-tests, and why it differs from the plain mean of the shown grades.",
    )
    async def average_explanation(
        self,
        info: Info,
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
            sentence=render(explained.sentence),  # in the viewer's language
        )

    @_f(
        PUPIL_READ,
        "Attendance ('presentie') over a period: absence and presence percentages and the "
        "week overview of absences, latest first.",
    )
    def attendance(
        self,
        info: Info,
        first_day: Annotated[
            date | None, arg("First day; null for the start of the school year of `lastDay`.")
        ] = None,
        last_day: Annotated[date | None, arg("Last day (included); null for today.")] = None,
    ) -> Attendance:
        asked = school_attendance.attendance_key(self.row, first_day, last_day)
        return loaded(
            info.context.loaders.school.attendance_by_pupil,
            asked.key,
            lambda found: Attendance.make(
                school_attendance.attendance_of(self.view, asked.period, found), self.scope
            ),
        )

    @_f(
        PUPIL_READ,
        "The agenda of the pupil's class: lessons with details and homework, per day.",
    )
    def agenda(
        self,
        info: Info,
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
        ctx, unit, shown = info.context, self.view.class_unit, DomainView(view.value)
        period, key = school_agenda.agenda_key(unit, shown, date_, end_date)
        return loaded(
            ctx.loaders.school.lessons_by_class_range,
            key,
            lambda rows: Agenda.make(
                school_agenda.agenda_of(ctx, unit, self.view, shown, period, rows), self.scope
            ),
        )

    @_f(PUPIL_READ, "Your own calendar feeds of this pupil's timetable (secrets are not shown).")
    async def calendar_feeds(self, info: Info) -> list[CalendarFeedNode]:
        rows = await info.context.loaders.school.feeds_of.load(
            (resolve.viewer_id(info.context), pk(self.row))
        )
        return [CalendarFeedNode.from_row(r) for r in rows]


@strawberry.type(
    description="One line of a guardian's dashboard: a linked child, whether you see the "
    "child's data today, and why (answers 'I don't see my child's data')."
)
class ChildAccess:
    scope: strawberry.Private[Scope]
    READ = OWN_READ
    first_name: str = _f(OWN_READ, "The child's first name (shown also without consent).")
    legal_representative: bool = _f(OWN_READ, "Whether you are registered as legal representative.")
    access_allowed: bool = _f(OWN_READ, "Whether you see the child's data today.")
    access_reason: GuardianAccessReason = _f(OWN_READ, "Why you do or do not.")
    message: str = _f(OWN_READ, "The reason as a sentence, with what to do about it.")
    pupil: PupilNode | None = _f(
        OWN_READ, "The child's record; null while you may not see it (see `accessReason`)."
    )


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
    async def build(cls, ctx: Context, row: PupilEnrolment) -> PupilEnrolmentNode:
        pupil = await referenced(ctx.loaders.school.pupil_by_id, row.pupil_id)
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
    async def class_name(self, info: Info) -> str:
        unit = await info.context.loaders.unit_by_id.load(self.row.class_unit_id)
        return unit.name if unit else ""

    @_f(PUPIL_READ, "The day the administration ended the enrolment; null while it runs.")
    def ended_on(self) -> date | None:
        return self.row.ended_on

    @_f(PUPIL_READ, "Whether the enrolment is active: not ended ('actieve inschrijving').")
    def active(self) -> bool:
        return self.row.ended_on is None


MAX_CONSENT_CHANGES = 50


@strawberry.type(description="One change of a pupil's consent for a guardian ('toestemming').")
class ConsentChange:
    scope: strawberry.Private[Scope]
    READ = CONSENT_HISTORY_READ
    given: bool = _f(CONSENT_HISTORY_READ, "True when consent was given, false when withdrawn.")
    changed_at: datetime = _f(CONSENT_HISTORY_READ, "When (ISO 8601, UTC).")
    changed_by_name: str | None = _f(
        CONSENT_HISTORY_READ, "Who made the change; null if that account no longer exists."
    )
    changed_by_pupil: bool = _f(CONSENT_HISTORY_READ, "Whether the pupil made it themself.")


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
    async def build(cls, ctx: Context, row: GuardianLink) -> GuardianLinkNode:
        pupil = await referenced(ctx.loaders.school.pupil_by_id, row.pupil_id)
        return cls.make(row, await resolve.pupil_view(ctx, pupil))

    async def _consent(self, info: Info) -> GuardianConsent | None:
        return await info.context.loaders.school.consent_by_link.load(
            (self.row.pupil_id, self.row.guardian_person_id)
        )

    async def _guardian(self, info: Info) -> Person:
        return await referenced(info.context.loaders.person_by_id, self.row.guardian_person_id)

    @_f(GUARDIANS_READ, "The guardian's full name.")
    async def guardian_name(self, info: Info) -> str:
        return (await self._guardian(info)).display_name

    @_f(GUARDIANS_READ, "The guardian's e-mail address (their own: no two guardians share one).")
    async def guardian_email(self, info: Info) -> str:
        return (await self._guardian(info)).email

    @_f(GUARDIANS_READ, "Whether the guardian has activated their account.")
    async def guardian_activated(self, info: Info) -> bool:
        return (await self._guardian(info)).password_hash is not None

    @_f(GUARDIANS_READ, "Registered as legal representative ('wettelijk vertegenwoordiger').")
    def legal_representative(self) -> bool:
        return self.row.legal_representative

    @_f(GUARDIANS_READ, "When the link was made (ISO 8601, UTC).")
    def created_at(self) -> datetime:
        return self.row.created_at

    @_f(GUARDIANS_READ, "Whether the pupil has given this guardian consent (counts from 18).")
    async def consent_given(self, info: Info) -> bool:
        consent = await self._consent(info)
        return bool(consent and consent.given)

    @_f(
        GUARDIANS_READ,
        "When the consent in force was given; null while consent is not given (the earlier "
        "changes are in `consentHistory`).",
    )
    async def consent_given_at(self, info: Info) -> datetime | None:
        consent = await self._consent(info)
        return consent.given_at if consent else None

    @_f(
        GUARDIANS_READ,
        "When consent was withdrawn, while it stays withdrawn; null while consent is given or "
        "was never given.",
    )
    async def consent_withdrawn_at(self, info: Info) -> datetime | None:
        consent = await self._consent(info)
        return consent.withdrawn_at if consent else None

    @_f(
        CONSENT_HISTORY_READ,
        "Every change of the pupil's consent for this guardian, newest first (at most "
        f"{MAX_CONSENT_CHANGES}): who, when, given or withdrawn. For the pupil and the "
        "administration.",
    )
    async def consent_history(self, info: Info) -> list[ConsentChange]:
        rows = await info.context.loaders.school.consent_changes_by_link.load(
            (self.row.pupil_id, self.row.guardian_person_id)
        )
        return [
            ConsentChange(
                scope=self.scope,
                given=change.given,
                changed_at=change.changed_at,
                changed_by_name=person.display_name if person else None,
                changed_by_pupil=person is not None and person.id == self.pupil.person_id,
            )
            for change, person in rows[:MAX_CONSENT_CHANGES]
        ]

    @_f(GUARDIANS_READ, "Whether this guardian sees the pupil's data today.")
    async def guardian_sees_data(self, info: Info) -> bool:
        consent = await self._consent(info)
        access = guardian_access(
            self.pupil.date_of_birth,
            resolve.today(),
            bool(consent and consent.given),
            self.row.legal_representative,
        )
        return access.allowed

    @_f(GUARDIANS_READ, "Why this guardian does or does not see the pupil's data today.")
    async def access_reason(self, info: Info) -> GuardianAccessReason:
        consent = await self._consent(info)
        access = guardian_access(
            self.pupil.date_of_birth,
            resolve.today(),
            bool(consent and consent.given),
            self.row.legal_representative,
        )
        return GuardianAccessReason(access.reason.value)
