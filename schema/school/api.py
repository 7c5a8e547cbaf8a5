"""School parent portal: root queries for families and staff, and the portal's mutations."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import Role as R
from domain.core.roles import Scope
from domain.school.grades import AssessmentKind as DomainKind
from domain.school.timetable import AgendaView as DomainView
from persistence.school import queries as school_q
from resolvers.core.pagination import paginate
from resolvers.school import access as resolve
from resolvers.school import agenda as school_agenda
from resolvers.school import attendance as school_attendance
from resolvers.school import pupils as school_pupils
from resolvers.school import results as school_results
from schema.core.identity import Language
from schema.core.pagination import AFTER, BEFORE, FIRST, LAST, page_request, to_connection
from schema.core.payloads import arg, attempt, errors_field
from schema.core.permissions import authenticated, public, requires
from schema.core.relay import Connection, UserError
from schema.school.types import (
    SCHOOL_TYPES,
    AbsenceNode,
    Agenda,
    AgendaView,
    AssessmentKind,
    CalendarFeedNode,
    ChildAccess,
    GuardianAccessReason,
    GuardianLinkNode,
    PupilNode,
    SchoolAssessmentNode,
    SchoolSubjectNode,
    TimetableLessonNode,
)

SCHOOL_NODE_TYPES: list[Any] = SCHOOL_TYPES

ADMIN = (R.SCHOOL_ADMIN,)
STAFF = (R.SCHOOL_ADMIN, R.TEACHER)


@strawberry.type
class SchoolQueries:
    @authenticated(
        description="Your linked children as a guardian (at most 20): for each, whether you "
        "see the child's data today and why. An 18+ child without consent shows only a first "
        "name and the reason."
    )
    async def my_children(self, info: strawberry.Info) -> list[ChildAccess]:
        children = await school_pupils.my_children(info.context)
        scope = Scope(person_id=info.context.viewer.person_id)
        pupils = [c.pupil for c in children if c.pupil is not None]
        nodes = {n.row.id: n for n in await PupilNode.visible(info, pupils)}
        return [
            ChildAccess(
                scope=scope,
                first_name=c.first_name,
                legal_representative=c.legal_representative,
                access_allowed=c.access.allowed,
                access_reason=GuardianAccessReason(c.access.reason.value),
                message=c.access.message,
                pupil=nodes.get(c.pupil.id) if c.pupil else None,
            )
            for c in children
        ]

    @authenticated(description="Your own pupil record, when you are a pupil; null otherwise.")
    async def my_pupil_record(self, info: strawberry.Info) -> PupilNode | None:
        row = await school_pupils.my_pupil_record(info.context)
        return await PupilNode.build(info.context, row) if row else None

    @requires(
        STAFF,
        description="Pupils of a class, by name: for the school administration and teachers of "
        "the class's location or school, and the class's mentor.",
    )
    async def class_pupils(
        self,
        info: strawberry.Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[PupilNode]:
        ctx = info.context
        unit = await school_pupils.class_pupils_check(
            ctx, decode_expected(class_id, "OrgUnit", "classId")
        )

        async def fetch(offset: int, limit: int | None) -> list[Any]:
            rows = await ctx.db.read(school_q.class_pupils_page, unit.id, offset, limit)
            return [pupil for pupil, _person in rows]

        async def count() -> int:
            return int(await ctx.db.read(school_q.class_pupils_count, unit.id))

        page = await paginate(page_request(first, after, last, before), fetch, count)
        nodes = {n.row.id: n for n in await PupilNode.visible(info, page.items)}
        page.items = [nodes[p.id] for p in page.items if p.id in nodes]
        return to_connection(page, lambda node: node)

    @requires(
        STAFF,
        description="The agenda of a class, for its staff and mentor (families use "
        "`Pupil.agenda`).",
    )
    async def class_agenda(
        self,
        info: strawberry.Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        view: Annotated[AgendaView, arg("WEEK (default), WORK_WEEK or LIST.")] = AgendaView.WEEK,
        date_: Annotated[
            date | None,
            strawberry.argument(
                name="date", description="A day in the week to show; null for today."
            ),
        ] = None,
        end_date: Annotated[date | None, arg("LIST only: the last day.")] = None,
    ) -> Agenda:
        ctx = info.context
        unit = await school_pupils.class_pupils_check(
            ctx, decode_expected(class_id, "OrgUnit", "classId")
        )
        found = await school_agenda.agenda(ctx, unit, None, DomainView(view.value), date_, end_date)
        return Agenda.make(found, school_agenda.lesson_scope(unit, None))


# --- payloads ------------------------------------------------------------------------------------------


# No `created` flag: whether an address already had an account is not the admin's to learn.
@strawberry.type(
    description="Result of registering a pupil. A new account gets an activation "
    "mail, an existing one a notice; the answer is the same."
)
class RegisterPupilPayload:
    pupil: PupilNode | None = public(description="The pupil as registered.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(
    description="Result of linking a guardian. A new account gets an activation "
    "mail (never a password), an existing one a notice; the answer is the same."
)
class GuardianLinkPayload:
    guardian_link: GuardianLinkNode | None = public(description="The link.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of removing something.")
class RemovedPayload:
    removed_id: strawberry.ID | None = public(description="ID of what was removed.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of a change that concerns a unit.")
class SchoolUnitPayload:
    ok: bool = public(description="True when the change was made.", default=False)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of giving or withdrawing consent.")
class ConsentPayload:
    guardian_link: GuardianLinkNode | None = public(
        description="The guardian's link with the new consent state.", default=None
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of creating a subject.")
class SubjectPayload:
    subject: SchoolSubjectNode | None = public(description="The subject.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of creating or finalising a test.")
class AssessmentPayload:
    assessment: SchoolAssessmentNode | None = public(description="The test.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of recording a grade.")
class GradePayload:
    ok: bool = public(description="True when the grade was recorded.", default=False)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of scheduling or changing a lesson.")
class LessonPayload:
    lesson: TimetableLessonNode | None = public(description="The lesson.", default=None)
    absences: list[AbsenceNode] = public(
        description="Absences recorded by this change (attendance registration only).",
        default_factory=list,
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of handling an absence.")
class AbsencePayload:
    absence: AbsenceNode | None = public(description="The absence.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of creating a calendar feed.")
class CreateCalendarFeedPayload:
    url: str | None = public(
        description="The feed URL with its secret: subscribe to it in a calendar app. Shown "
        "once only.",
        default=None,
    )
    calendar_feed: CalendarFeedNode | None = public(description="The feed.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of revoking a calendar feed.")
class CalendarFeedPayload:
    calendar_feed: CalendarFeedNode | None = public(
        description="The feed, now revoked.", default=None
    )
    errors: list[UserError] = errors_field()


async def _pupil_node(info: strawberry.Info, pupil_id: int) -> PupilNode | None:
    info.context.loaders.clear()
    row = await info.context.loaders.school.pupil_by_id.load(pupil_id)
    return await PupilNode.build(info.context, row) if row else None


async def _link_node(info: strawberry.Info, link: Any) -> GuardianLinkNode:
    pupil = await info.context.loaders.school.pupil_by_id.load(link.pupil_id)
    return GuardianLinkNode.make(link, await resolve.pupil_view(info.context, pupil))


async def _lesson_node(info: strawberry.Info, lesson: Any) -> TimetableLessonNode:
    return await TimetableLessonNode.build(info.context, lesson)


def _id(value: strawberry.ID, type_name: str, field: str) -> int:
    return decode_expected(value, type_name, field)


@strawberry.type
class SchoolMutations:
    @requires(
        ADMIN,
        description="Set a location's address and general phone number (shown on pupil cards).",
    )
    async def set_location_details(
        self,
        info: strawberry.Info,
        location_id: Annotated[strawberry.ID, arg("The location (OrgUnit of kind LOCATION).")],
        street: Annotated[str, arg("Street and house number.")],
        postcode: Annotated[str, arg("Postcode.")],
        city: Annotated[str, arg("City.")],
        phone: Annotated[str, arg("General phone number.")],
    ) -> SchoolUnitPayload:
        async def work() -> SchoolUnitPayload:
            await school_pupils.set_location_details(
                info.context,
                _id(location_id, "OrgUnit", "locationId"),
                street,
                postcode,
                city,
                phone,
            )
            return SchoolUnitPayload(ok=True)

        return await attempt(SchoolUnitPayload, work)

    @requires(
        ADMIN,
        description="Register a pupil in a class: their account (a new one gets an activation "
        "mail), the PUPIL role, the school record and the enrolment of the current school year.",
    )
    async def register_pupil(
        self,
        info: strawberry.Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        email: Annotated[str, arg("The pupil's own e-mail address (their login).")],
        given_name: Annotated[str, arg("Given name.")],
        family_name: Annotated[str, arg("Family name.")],
        student_number: Annotated[str, arg("Student number, unique within the school.")],
        date_of_birth: Annotated[date, arg("Date of birth.")],
        name_prefix: Annotated[str, arg("Name prefix, if any.")] = "",
        phone: Annotated[str, arg("Phone number.")] = "",
        street: Annotated[str, arg("Street and house number.")] = "",
        postcode: Annotated[str, arg("Postcode.")] = "",
        city: Annotated[str, arg("City.")] = "",
        programme: Annotated[str, arg("Programme ('opleiding').")] = "",
        language: Annotated[Language, arg("Language of their mails.")] = Language.NL,
    ) -> RegisterPupilPayload:
        async def work() -> RegisterPupilPayload:
            done = await school_pupils.register_pupil(
                info.context,
                _id(class_id, "OrgUnit", "classId"),
                school_pupils.PupilInput(
                    email=email,
                    given_name=given_name,
                    name_prefix=name_prefix,
                    family_name=family_name,
                    student_number=student_number,
                    date_of_birth=date_of_birth,
                    phone=phone,
                    street=street,
                    postcode=postcode,
                    city=city,
                    programme=programme,
                    language=language.value,
                ),
            )
            assert done.pupil.id is not None
            return RegisterPupilPayload(pupil=await _pupil_node(info, done.pupil.id))

        return await attempt(RegisterPupilPayload, work)

    @requires(
        ADMIN,
        description="Link a guardian to a pupil. Someone new gets a guardian account and an "
        "activation mail with a single-use link (never a password). Each guardian has their "
        "own e-mail address: an address already used by another guardian is refused.",
    )
    async def link_guardian(
        self,
        info: strawberry.Info,
        pupil_id: Annotated[strawberry.ID, arg("The pupil.")],
        email: Annotated[str, arg("The guardian's own e-mail address.")],
        given_name: Annotated[str, arg("Given name.")] = "",
        name_prefix: Annotated[str, arg("Name prefix, if any.")] = "",
        family_name: Annotated[str, arg("Family name.")] = "",
        language: Annotated[Language, arg("Language of their mails.")] = Language.NL,
        legal_representative: Annotated[
            bool, arg("Registered as legal representative ('wettelijk vertegenwoordiger').")
        ] = True,
    ) -> GuardianLinkPayload:
        async def work() -> GuardianLinkPayload:
            done = await school_pupils.link_guardian(
                info.context,
                _id(pupil_id, "Pupil", "pupilId"),
                school_pupils.GuardianInput(
                    email=email,
                    given_name=given_name,
                    name_prefix=name_prefix,
                    family_name=family_name,
                    language=language.value,
                    legal_representative=legal_representative,
                ),
            )
            return GuardianLinkPayload(guardian_link=await _link_node(info, done.link))

        return await attempt(GuardianLinkPayload, work)

    @requires(ADMIN, description="Remove a guardian's link to a pupil (and its consent).")
    async def unlink_guardian(
        self,
        info: strawberry.Info,
        guardian_link_id: Annotated[strawberry.ID, arg("The link.")],
    ) -> RemovedPayload:
        async def work() -> RemovedPayload:
            await school_pupils.unlink_guardian(
                info.context, _id(guardian_link_id, "GuardianLink", "guardianLinkId")
            )
            return RemovedPayload(removed_id=guardian_link_id)

        return await attempt(RemovedPayload, work)

    @requires(
        ADMIN,
        description="Make a teacher (TEACHER on the class's location or school) mentor of a "
        "class, or stop being one.",
    )
    async def set_class_mentor(
        self,
        info: strawberry.Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        teacher_id: Annotated[strawberry.ID, arg("The teacher (a Person).")],
        mentor: Annotated[bool, arg("True to make mentor, false to remove.")] = True,
    ) -> SchoolUnitPayload:
        async def work() -> SchoolUnitPayload:
            await school_pupils.set_class_mentor(
                info.context,
                _id(class_id, "OrgUnit", "classId"),
                _id(teacher_id, "Person", "teacherId"),
                mentor,
            )
            return SchoolUnitPayload(ok=True)

        return await attempt(SchoolUnitPayload, work)

    @requires(
        [R.PUPIL],
        description="As a pupil of 18 or over: let this guardian see your data. Audit-logged.",
    )
    async def give_guardian_consent(
        self,
        info: strawberry.Info,
        guardian_link_id: Annotated[strawberry.ID, arg("The guardian's link (Pupil.guardians).")],
    ) -> ConsentPayload:
        return await _consent(info, guardian_link_id, True)

    @requires(
        [R.PUPIL],
        description="As a pupil of 18 or over: stop this guardian seeing your data, from the "
        "next request on. Audit-logged.",
    )
    async def withdraw_guardian_consent(
        self,
        info: strawberry.Info,
        guardian_link_id: Annotated[strawberry.ID, arg("The guardian's link (Pupil.guardians).")],
    ) -> ConsentPayload:
        return await _consent(info, guardian_link_id, False)

    @requires(ADMIN, description="Add a subject for a school year.")
    async def create_subject(
        self,
        info: strawberry.Info,
        school_id: Annotated[strawberry.ID, arg("The school (OrgUnit of kind SCHOOL).")],
        school_year: Annotated[int, arg("First calendar year of the school year (2025).")],
        code: Annotated[str, arg("Short code, e.g. 'NE'.")],
        name: Annotated[str, arg("Name, e.g. 'Nederlands'.")],
    ) -> SubjectPayload:
        async def work() -> SubjectPayload:
            row = await school_results.create_subject(
                info.context, _id(school_id, "OrgUnit", "schoolId"), school_year, code, name
            )
            return SubjectPayload(subject=await SchoolSubjectNode.build(info.context, row))

        return await attempt(SubjectPayload, work)

    @requires(
        STAFF,
        description="Add a test for a class, or a sub-test of a test (one level deep); a "
        "sub-test has its test's kind.",
    )
    async def create_assessment(
        self,
        info: strawberry.Info,
        subject_id: Annotated[strawberry.ID, arg("The subject.")],
        class_id: Annotated[strawberry.ID, arg("The class.")],
        name: Annotated[str, arg("Name of the test.")],
        weight: Annotated[str, arg("Weight, e.g. '2' or '0.5' (at most two decimals).")] = "1",
        kind: Annotated[AssessmentKind, arg("Regular or exam-oriented.")] = AssessmentKind.REGULAR,
        parent_id: Annotated[
            strawberry.ID | None, arg("The test this is a sub-test of; null for a test.")
        ] = None,
    ) -> AssessmentPayload:
        async def work() -> AssessmentPayload:
            row = await school_results.create_assessment(
                info.context,
                _id(subject_id, "SchoolSubject", "subjectId"),
                _id(class_id, "OrgUnit", "classId"),
                name,
                weight,
                DomainKind(kind.value),
                _id(parent_id, "SchoolAssessment", "parentId") if parent_id else None,
            )
            return AssessmentPayload(assessment=await SchoolAssessmentNode.build(info.context, row))

        return await attempt(AssessmentPayload, work)

    @requires(
        ADMIN,
        description="Record that the exam board finalised a test's results: from now on "
        "guardians and the pupil see them.",
    )
    async def finalise_assessment(
        self,
        info: strawberry.Info,
        assessment_id: Annotated[strawberry.ID, arg("The test.")],
    ) -> AssessmentPayload:
        async def work() -> AssessmentPayload:
            row = await school_results.finalise_assessment(
                info.context, _id(assessment_id, "SchoolAssessment", "assessmentId")
            )
            return AssessmentPayload(assessment=await SchoolAssessmentNode.build(info.context, row))

        return await attempt(AssessmentPayload, work)

    @requires(
        STAFF,
        description="Record a pupil's grade for a test without sub-tests (or a sub-test); "
        "the same attempt again replaces it.",
    )
    async def record_grade(
        self,
        info: strawberry.Info,
        assessment_id: Annotated[strawberry.ID, arg("The test or sub-test.")],
        pupil_id: Annotated[strawberry.ID, arg("The pupil (of the test's class).")],
        grade: Annotated[str, arg("1.0 to 10.0 with at most one decimal; '7,5' is accepted.")],
        taken_on: Annotated[date, arg("The day the grade was obtained.")],
        attempt_number: Annotated[
            int, strawberry.argument(name="attempt", description="Attempt ('poging'), from 1.")
        ] = 1,
    ) -> GradePayload:
        async def work() -> GradePayload:
            await school_results.record_grade(
                info.context,
                _id(assessment_id, "SchoolAssessment", "assessmentId"),
                _id(pupil_id, "Pupil", "pupilId"),
                grade,
                taken_on,
                attempt_number,
            )
            return GradePayload(ok=True)

        return await attempt(GradePayload, work)

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

    @requires(
        STAFF,
        description="Register attendance for a lesson: the pupils named were absent (at most "
        "100). New absences have no reason yet: unauthorised and not handled.",
    )
    async def register_attendance(
        self,
        info: strawberry.Info,
        lesson_id: Annotated[strawberry.ID, arg("The lesson.")],
        absent_pupil_ids: Annotated[
            list[strawberry.ID], arg("Pupils of the class who were absent.")
        ],
    ) -> LessonPayload:
        async def work() -> LessonPayload:
            lesson, absences = await school_attendance.register_attendance(
                info.context,
                _id(lesson_id, "TimetableLesson", "lessonId"),
                [_id(p, "Pupil", "absentPupilIds") for p in absent_pupil_ids],
            )
            node = await _lesson_node(info, lesson)
            built = [await AbsenceNode.build(info.context, a) for a in absences]
            return LessonPayload(lesson=node, absences=built)

        return await attempt(LessonPayload, work)

    @requires(
        STAFF,
        description="As the class's mentor (or the administration): record an absence's reason, "
        "whether it is authorised and whether it is handled. Without a reason it stays "
        "unauthorised and not handled.",
    )
    async def handle_absence(
        self,
        info: strawberry.Info,
        absence_id: Annotated[strawberry.ID, arg("The absence.")],
        reason: Annotated[str | None, arg("The reason; null while not known.")],
        authorised: Annotated[bool, arg("Authorised ('geoorloofd').")],
        handled: Annotated[bool, arg("Handled ('afgehandeld').")],
    ) -> AbsencePayload:
        async def work() -> AbsencePayload:
            row = await school_attendance.handle_absence(
                info.context, _id(absence_id, "Absence", "absenceId"), reason, authorised, handled
            )
            return AbsencePayload(absence=await AbsenceNode.build(info.context, row))

        return await attempt(AbsencePayload, work)

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


async def _consent(
    info: strawberry.Info, guardian_link_id: strawberry.ID, given: bool
) -> ConsentPayload:
    async def work() -> ConsentPayload:
        link = await resolve.set_consent(
            info.context, _id(guardian_link_id, "GuardianLink", "guardianLinkId"), given
        )
        return ConsentPayload(guardian_link=await _link_node(info, link))

    return await attempt(ConsentPayload, work)
