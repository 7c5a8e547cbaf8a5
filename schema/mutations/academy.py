"""Academy queries and mutations: user management, courses, exams, certificates, reports."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from domain import accreditation
from domain.enrolments import CourseStatus as DomainStatus
from domain.errors import DomainError, ErrorCode
from domain.exports import ExportFormat as DomainFormat
from domain.ids import decode_expected
from domain.roles import Role as R
from domain.roles import Scope
from persistence.queries.academy import LearnerFilter
from resolvers import academy_admin as admin
from resolvers import academy_learning as learning
from resolvers import academy_reads as reads
from resolvers import messages
from schema.mutations.base import arg, attempt, errors_field
from schema.permissions import public, public_fields, requires
from schema.relay import Connection, UserError
from schema.types.academy import (
    ADMINS,
    AcademyReportRow,
    CertificateVerification,
    CourseNode,
    CourseStatus,
    EnrolmentNode,
    ExamAttemptNode,
    ExamQuestion,
    LabelNode,
    LearnerNode,
    QuestionReview,
    Register,
    RegistrationNumber,
    SeatUsage,
    question_of,
)
from schema.types.background import ExportFormat, ExportJobNode
from schema.types.common import AFTER, BEFORE, FIRST, LAST, page_request, to_connection

ORG_ADMINS = (R.PLATFORM_ADMIN, R.ACADEMY_ORG_ADMIN)
LEARNERS = (R.LEARNER,)


@strawberry.enum(description="Which users a list shows by their hidden state.")
class UserStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="Users not hidden (the default).")
    HIDDEN = strawberry.enum_value("HIDDEN", description="Hidden users only.")
    ALL = strawberry.enum_value("ALL", description="Both.")


@strawberry.enum(description="Order of the user list.")
class LearnerSort(Enum):
    NAME = strawberry.enum_value("NAME", description="Family name, then given name.")
    EMAIL = strawberry.enum_value("EMAIL", description="E-mail address.")
    ADDED_AT = strawberry.enum_value("ADDED_AT", description="When added to the cluster.")


@strawberry.input(
    description="Filters of the user list; every filter is visible, with its default."
)
class LearnerFilterInput:
    cluster_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Only these clusters; empty for all you manage."
    )
    course_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Only users who have one of these courses."
    )
    status: UserStatus = strawberry.field(
        default=UserStatus.ACTIVE, description="Hidden state; default ACTIVE."
    )
    label_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Only users with one of these labels."
    )
    added_since: datetime | None = strawberry.field(
        default=None, description="Only users added since (recently uploaded)."
    )
    course_status: CourseStatus | None = strawberry.field(
        default=None,
        description="Only users with a course in this state (of `courseIds` if given).",
    )
    search: str | None = strawberry.field(
        default=None, description="Part of the name or e-mail address."
    )


@strawberry.input(
    description="Which users a bulk action applies to: exactly one of `userIds` or `filter` (the list's 'select all')."
)
class UserSelectionInput:
    user_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Learner IDs."
    )
    filter: LearnerFilterInput | None = strawberry.field(
        default=None,
        description="Everyone the filter selects, resolved on the server within your reach.",
    )


@strawberry.input(description="The invitation mail for assigned courses; you write its texts.")
class CourseMailInput:
    subject: str = strawberry.field(description="Subject line.")
    introduction: str = strawberry.field(
        description="Personal introduction, above the list of courses."
    )
    closing: str = strawberry.field(default="", description="Closing text, below the list.")
    sender_name: str = strawberry.field(description="Sender name.")


@strawberry.input(description="A lesson of a new course.")
class LessonInput:
    title: str = strawberry.field(description="Title of the lesson.")
    module_title: str = strawberry.field(default="", description="Module it belongs to.")
    duration_minutes: int = strawberry.field(default=10, description="Estimated minutes.")


@strawberry.input(description="An exam question of a new course.")
class QuestionInput:
    text: str = strawberry.field(description="The question.")
    options: list[str] = strawberry.field(description="Two or more possible answers.")
    correct_option: int = strawberry.field(description="Index of the correct answer, from 0.")


@strawberry.input(description="Accreditation points with a register.")
class AccreditationInput:
    register_code: str = strawberry.field(description="The register's code (see `registers`).")
    points: int = strawberry.field(description="Points.")


@strawberry.enum(description="When a refresher module is sent after completing the course.")
class RefresherMoment(Enum):
    THREE_MONTHS = strawberry.enum_value(
        "THREE_MONTHS", description="Three months after completion."
    )
    SIX_MONTHS = strawberry.enum_value("SIX_MONTHS", description="Six months after completion.")


@strawberry.input(description="A refresher module (at most 15 minutes).")
class RefresherInput:
    moment: RefresherMoment = strawberry.field(description="When it is sent.")
    title: str = strawberry.field(description="Title.")
    duration_minutes: int = strawberry.field(default=10, description="Minutes, 1 to 15.")


@strawberry.input(description="Your answer to one exam question.")
class ExamAnswerInput:
    question_id: strawberry.ID = strawberry.field(description="The question.")
    option_index: int = strawberry.field(description="Index of the chosen option, from 0.")


def to_filter(f: LearnerFilterInput | None) -> LearnerFilter:
    f = f or LearnerFilterInput()
    return LearnerFilter(
        scope_paths=(),
        cluster_ids=tuple(decode_expected(i, "OrgUnit", "clusterIds") for i in f.cluster_ids),
        course_ids=tuple(decode_expected(i, "Course", "courseIds") for i in f.course_ids),
        hidden={UserStatus.ACTIVE: False, UserStatus.HIDDEN: True, UserStatus.ALL: None}[f.status],
        label_ids=tuple(decode_expected(i, "Label", "labelIds") for i in f.label_ids),
        added_since=f.added_since,
        course_status=DomainStatus(f.course_status.value) if f.course_status else None,
        search=(f.search or "").strip() or None,
    )


def to_selection(s: UserSelectionInput) -> admin.Selection:
    if (s.user_ids is None) == (s.filter is None):
        raise DomainError(
            ErrorCode.INVALID,
            "Give either userIds or filter, not both and not neither",
            "selection",
        )
    if s.user_ids is not None:
        return admin.Selection(
            learner_ids=[decode_expected(i, "Learner", "userIds") for i in s.user_ids]
        )
    return admin.Selection(filter=to_filter(s.filter))


def _mail(m: CourseMailInput) -> admin.AssignmentMail:
    return admin.AssignmentMail(m.subject, m.introduction, m.closing, m.sender_name)


async def _learners(info: strawberry.Info, rows: list) -> list[LearnerNode]:
    return list(await asyncio.gather(*(LearnerNode.build(info.context, r) for r in rows)))


@strawberry.enum(description="What happened to one pasted address.")
class AddUserOutcome(Enum):
    ADDED = strawberry.enum_value(
        "ADDED",
        description="Added; a new account gets an activation mail, an existing one a notice. "
        "Which of the two is not disclosed.",
    )
    ALREADY_PRESENT = strawberry.enum_value(
        "ALREADY_PRESENT", description="Already a user of this cluster."
    )
    IN_OTHER_CLUSTER = strawberry.enum_value(
        "IN_OTHER_CLUSTER", description="User of another cluster of the organisation."
    )
    INVALID = strawberry.enum_value("INVALID", description="Not a valid e-mail address.")
    DUPLICATE = strawberry.enum_value(
        "DUPLICATE", description="Pasted more than once; counted once."
    )


@public_fields
@strawberry.type(description="What happened to one pasted address.")
class AddUserResult:
    entry: str = strawberry.field(description="The address as pasted.")
    outcome: AddUserOutcome = strawberry.field(description="What happened.")
    message: str = strawberry.field(description="Explanation.")
    learner: LearnerNode | None = strawberry.field(
        description="The user, when added or present.", default=None
    )


@public_fields
@strawberry.type(description="Result of adding users.")
class AddUsersPayload:
    results: list[AddUserResult] = strawberry.field(
        default_factory=list, description="Per pasted address, in order."
    )
    seats_left: int | None = strawberry.field(
        default=None, description="Seats still free in the cluster."
    )
    duplicates_skipped: int = strawberry.field(
        default=0, description="Addresses pasted more than once (counted once)."
    )
    errors: list[UserError] = errors_field("Why nothing was added, if so.")


@public_fields
@strawberry.type(description="How many users get a course, and how many have it already.")
class CourseAssignmentCount:
    course: CourseNode = strawberry.field(description="The course.")
    receiving: int = strawberry.field(description="Users who will get it.")
    already_has: int = strawberry.field(description="Users who have it already (not given twice).")


@public_fields
@strawberry.type(description="The preview of a course assignment: who gets what, and the mail.")
class CourseAssignmentPreview:
    user_count: int = strawberry.field(default=0, description="Users selected.")
    courses: list[CourseAssignmentCount] = strawberry.field(
        default_factory=list, description="Per course."
    )
    mail_subject: str | None = strawberry.field(default=None, description="Subject as sent.")
    mail_text: str | None = strawberry.field(
        default=None, description="Plain-text part as sent to the first user."
    )
    mail_html: str | None = strawberry.field(
        default=None, description="HTML part as sent to the first user."
    )
    errors: list[UserError] = errors_field("What is wrong with the input.")


@public_fields
@strawberry.type(description="Result of assigning courses.")
class AssignCoursesPayload:
    enrolments_created: int = strawberry.field(default=0, description="New enrolments.")
    courses: list[CourseAssignmentCount] = strawberry.field(
        default_factory=list, description="Per course."
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Result of a bulk action on users.")
class UsersPayload:
    users: list[LearnerNode] = strawberry.field(
        default_factory=list, description="The users as changed."
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Whether one user was deleted, and why not.")
class DeleteUserResult:
    user_id: strawberry.ID = strawberry.field(description="The user.")
    deleted: bool = strawberry.field(description="Whether deleted.")
    reason: str | None = strawberry.field(description="Why not.", default=None)


@public_fields
@strawberry.type(description="Result of deleting users.")
class DeleteUsersPayload:
    results: list[DeleteUserResult] = strawberry.field(
        default_factory=list, description="Per user."
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Result of a label change.")
class LabelPayload:
    label: LabelNode | None = strawberry.field(default=None, description="The label.")
    changed_users: int = strawberry.field(default=0, description="Users that got or lost it.")
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Result of a change to a cluster.")
class ClusterPayload:
    usage: SeatUsage | None = strawberry.field(default=None, description="The cluster's seats now.")
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Result of a learner action on a course.")
class EnrolmentPayload:
    enrolment: EnrolmentNode | None = strawberry.field(
        default=None, description="The course as it is now."
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="An exam attempt just started: the questions, without answers.")
class StartExamPayload:
    attempt: ExamAttemptNode | None = strawberry.field(default=None, description="The attempt.")
    questions: list[ExamQuestion] = strawberry.field(
        default_factory=list, description="The questions; answer with option indexes."
    )
    errors: list[UserError] = errors_field("Why it did not start.")


@public_fields
@strawberry.type(description="The result of an attempt, with the one-time review of the questions.")
class SubmitExamPayload:
    attempt: ExamAttemptNode | None = strawberry.field(
        default=None, description="The attempt, scored."
    )
    score_percent: int | None = strawberry.field(
        default=None, description="Score in whole percent, rounded down: 69.8% is 69, a fail."
    )
    passed: bool | None = strawberry.field(
        default=None, description="70% or more of the questions right, on the exact fraction."
    )
    attempts_left: int | None = strawberry.field(
        default=None, description="Attempts still possible."
    )
    review: list[QuestionReview] = strawberry.field(
        default_factory=list,
        description="Questions with the correct answers: shown this once only.",
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Result of entering a registration number.")
class RegistrationNumberPayload:
    registration_number: RegistrationNumber | None = strawberry.field(
        default=None, description="As stored."
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Result of starting an export.")
class AccreditationExportPayload:
    export_job: ExportJobNode | None = strawberry.field(
        default=None, description="The export; poll it."
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="One report to a professional register.")
class AccreditationReportInfo:
    id: strawberry.ID = strawberry.field(
        description="Pass it to startAccreditationExport(reportId:) for the file."
    )
    register_code: str = strawberry.field(description="The register.")
    created_at: datetime = strawberry.field(description="When it was made.")
    completions: int = strawberry.field(description="Completions it reports.")
    automatic: bool = strawberry.field(
        description="Made by the six-weekly schedule (not by a person)."
    )


@public_fields
@strawberry.type(description="Result of creating a course.")
class CoursePayload:
    course: CourseNode | None = strawberry.field(default=None, description="The new course.")
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Result of mailing users.")
class UserMailPayload:
    queued_count: int = strawberry.field(default=0, description="Mails queued.")
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="What `sendUserMail` would send.")
class UserMailPreview:
    recipient_count: int = strawberry.field(default=0, description="Users who get the mail.")
    subject: str | None = strawberry.field(default=None, description="Subject as sent.")
    text_body: str | None = strawberry.field(
        default=None, description="Plain-text part as sent to the first user."
    )
    html_body: str | None = strawberry.field(
        default=None, description="HTML part as sent to the first user."
    )
    errors: list[UserError] = errors_field("What is wrong with the input.")


@public_fields
@strawberry.type(description="Result of sending the magazine.")
class MagazinePayload:
    queued_count: int = strawberry.field(default=0, description="Mails queued.")
    errors: list[UserError] = errors_field()


async def _label_change(
    info: strawberry.Info, label_id: strawberry.ID, selection: UserSelectionInput, *, on: bool
) -> LabelPayload:
    async def work() -> LabelPayload:
        label, changed = await admin.set_label(
            info.context, decode_expected(label_id, "Label", "labelId"), to_selection(selection), on
        )
        return LabelPayload(label=await LabelNode.build(info.context, label), changed_users=changed)

    return await attempt(LabelPayload, work)


def _counts(plan: admin.AssignmentPlan) -> list[CourseAssignmentCount]:
    return [
        CourseAssignmentCount(
            course=CourseNode.from_row(c.course), receiving=c.receiving, already_has=c.already_has
        )
        for c in plan.counts
    ]


@strawberry.type
class AcademyQueries:
    @requires(
        ADMINS,
        description="The users of the clusters you manage, filtered, searched and sorted; "
        "each with courses, progress and labels. Filters have visible defaults.",
    )
    async def learners(
        self,
        info: strawberry.Info,
        filter: Annotated[
            LearnerFilterInput | None, arg("Filters; null for the defaults (active users only).")
        ] = None,
        sort: Annotated[LearnerSort, arg("Order.")] = LearnerSort.NAME,
        descending: Annotated[bool, arg("Reverse the order.")] = False,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[LearnerNode]:
        page = await reads.learners(
            info,
            to_filter(filter),
            sort.value,
            descending,
            page_request(first, after, last, before),
        )
        nodes = await _learners(info, page.items)
        page.items = nodes
        return to_connection(page, lambda n: n)

    @requires(
        (*ADMINS, R.LEARNER),
        description="Courses you can assign (admins) or follow (learners); the whole catalogue for platform admins.",
    )
    async def courses(self, info: strawberry.Info) -> list[CourseNode]:
        return [CourseNode.from_row(c) for c in await reads.catalogue(info)]

    @requires(
        ADMINS,
        description="Preview of `assignCourses`: how many users get which course, who has it already, and the mail as sent.",
    )
    async def preview_course_assignment(
        self,
        info: strawberry.Info,
        selection: Annotated[UserSelectionInput, arg("The users.")],
        course_ids: Annotated[list[strawberry.ID], arg("The courses.")],
        mail: Annotated[CourseMailInput, arg("The invitation mail.")],
    ) -> CourseAssignmentPreview:
        async def work() -> CourseAssignmentPreview:
            ids = [decode_expected(i, "Course", "courseIds") for i in course_ids]
            plan, rendered = await admin.preview_assignment(
                info.context, to_selection(selection), ids, _mail(mail)
            )
            return CourseAssignmentPreview(
                user_count=len(plan.learners),
                courses=_counts(plan),
                mail_subject=rendered.subject if rendered else None,
                mail_text=rendered.text if rendered else None,
                mail_html=rendered.html if rendered else None,
            )

        return await attempt(CourseAssignmentPreview, work)

    @requires(
        ADMINS,
        description="Preview of `sendUserMail`: how many users get it, and the mail as sent to the first.",
    )
    async def preview_user_mail(
        self,
        info: strawberry.Info,
        selection: Annotated[UserSelectionInput, arg("The users.")],
        subject: Annotated[str, arg("Subject line.")],
        body: Annotated[str, arg("The message.")],
        sender_name: Annotated[str, arg("Sender name.")],
    ) -> UserMailPreview:
        async def work() -> UserMailPreview:
            ids = await admin.selected_person_ids(info.context, to_selection(selection))
            planned = await messages.plan(info.context, ids, subject, body, sender_name)
            first = messages.first_mail(planned)
            return UserMailPreview(
                recipient_count=len(planned.recipients),
                subject=first.subject if first else None,
                text_body=first.text if first else None,
                html_body=first.html if first else None,
            )

        return await attempt(UserMailPreview, work)

    @requires(LEARNERS, description="Your courses with progress, exams and certificates.")
    async def my_enrolments(self, info: strawberry.Info) -> list[EnrolmentNode]:
        return await EnrolmentNode.many(info, await reads.my_enrolments(info))

    @requires(LEARNERS, description="Your registration numbers with professional registers.")
    async def my_registration_numbers(self, info: strawberry.Info) -> list[RegistrationNumber]:
        rows = await reads.my_registration_numbers(info)
        return [RegistrationNumber(row=r, scope=Scope(person_id=r.person_id)) for r in rows]

    @public(description="Professional registers and the format of their numbers.")
    def registers(self) -> list[Register]:
        return [
            Register(
                code=r.code,
                name=r.name,
                format_hint=r.format_hint,
                reported_by_academy=r.reported_by_academy,
            )
            for r in accreditation.REGISTERS.values()
        ]

    @public(description="Check a certificate by its verification code; anyone may ask.")
    async def verify_certificate(
        self,
        info: strawberry.Info,
        code: Annotated[str, arg("The code on the certificate, e.g. 7K3M-9QX2-D4HT.")],
    ) -> CertificateVerification:
        found = await learning.verify_certificate(info.context, code)
        if found is None:
            return CertificateVerification(valid=False)
        certificate, _enrolment, course, person = found
        return CertificateVerification(
            valid=True,
            learner_name=person.display_name,
            course_title=course.title,
            issued_on=certificate.issued_at.date(),
            highest_score_percent=certificate.highest_score_percent,
        )

    @requires(
        ADMINS,
        description="Per cluster and course you manage: learners by status and the average best score. Computed in SQL, scoped like the rows.",
    )
    async def academy_report(self, info: strawberry.Info) -> list[AcademyReportRow]:
        return [
            AcademyReportRow(
                cluster_row=cluster,
                course_row=course,
                not_started=r[2],
                in_progress=r[3],
                completed=r[4],
                average_best_score_percent=round(float(r[5]), 1) if r[5] is not None else None,
            )
            for r, cluster, course in await reads.report(info)
        ]

    @requires(
        [R.PLATFORM_ADMIN],
        description="Reports to the professional registers, newest first (at most 100). "
        "The worker makes one per register every six weeks.",
    )
    async def accreditation_reports(
        self,
        info: strawberry.Info,
        register_code: Annotated[str | None, arg("Only this register; null for all.")] = None,
    ) -> list[AccreditationReportInfo]:
        from domain.ids import encode_global_id

        return [
            AccreditationReportInfo(
                id=strawberry.ID(encode_global_id("AccreditationReport", r.id)),
                register_code=r.register_code,
                created_at=r.created_at,
                completions=r.row_count,
                automatic=r.created_by is None,
            )
            for r in await learning.reports(info, register_code)
        ]

    @requires(ADMINS, description="Seats of the clusters you manage under an academy organisation.")
    async def seat_usage(
        self,
        info: strawberry.Info,
        academy_id: Annotated[strawberry.ID, arg("The academy organisation.")],
    ) -> list[SeatUsage]:
        unit = await info.context.loaders.unit_by_id.load(
            decode_expected(academy_id, "OrgUnit", "academyId")
        )
        if unit is None:
            return []
        return [
            SeatUsage(cluster_row=c, seat_limit=limit, seats_used=used)
            for c, limit, used in await reads.seat_usage(info, unit)
        ]

    @requires(ADMINS, description="Labels of the academies and clusters you manage.")
    async def labels(self, info: strawberry.Info) -> list[LabelNode]:
        return list(
            await asyncio.gather(
                *(LabelNode.build(info.context, r) for r in await reads.labels(info))
            )
        )


@strawberry.type
class AcademyMutations:
    @requires(
        [R.PLATFORM_ADMIN],
        description="Add a course to the catalogue: lessons, an optional exam question bank, "
        "accreditation and refresher modules.",
    )
    async def create_course(
        self,
        info: strawberry.Info,
        title: Annotated[str, arg("Title.")],
        lessons: Annotated[list[LessonInput], arg("Lessons in order.")],
        description: Annotated[str, arg("What the course is about.")] = "",
        estimated_minutes: Annotated[int, arg("Estimated study time in minutes.")] = 60,
        questions: Annotated[
            list[QuestionInput] | None, arg("Exam questions; none for a course without exam.")
        ] = None,
        accreditations: Annotated[
            list[AccreditationInput] | None, arg("Accreditation with registers.")
        ] = None,
        refreshers: Annotated[
            list[RefresherInput] | None, arg("Refresher modules at +3 and +6 months.")
        ] = None,
    ) -> CoursePayload:
        async def work() -> CoursePayload:
            course = await admin.create_course(
                info.context,
                admin.NewCourse(
                    title=title,
                    description=description,
                    estimated_minutes=estimated_minutes,
                    lessons=[
                        (lesson.module_title, lesson.title, lesson.duration_minutes)
                        for lesson in lessons
                    ],
                    questions=[(q.text, q.options, q.correct_option) for q in questions or []],
                    accreditations=[(a.register_code, a.points) for a in accreditations or []],
                    refreshers=[
                        (r.moment.value, r.title, r.duration_minutes) for r in refreshers or []
                    ],
                ),
            )
            return CoursePayload(course=CourseNode.from_row(course))

        return await attempt(CoursePayload, work)

    @requires(
        ADMINS,
        description="Mail users (e.g. a reminder) chosen by IDs or by the list's filter. "
        "Preview it first with `previewUserMail`.",
    )
    async def send_user_mail(
        self,
        info: strawberry.Info,
        selection: Annotated[UserSelectionInput, arg("The users.")],
        subject: Annotated[str, arg("Subject line.")],
        body: Annotated[str, arg("The message; blank lines separate paragraphs.")],
        sender_name: Annotated[str, arg("Sender name.")],
        idempotency_key: Annotated[
            str | None, arg("Any unique string per sending, so a retry does not mail twice.")
        ] = None,
    ) -> UserMailPayload:
        async def work() -> UserMailPayload:
            ids = await admin.selected_person_ids(info.context, to_selection(selection))
            planned = await messages.plan(info.context, ids, subject, body, sender_name)
            return UserMailPayload(
                queued_count=await messages.send(info.context, planned, idempotency_key)
            )

        return await attempt(UserMailPayload, work)

    @requires(
        ADMINS,
        description="Add users by e-mail address, one per line as pasted. Trims, removes duplicates, "
        "checks each; refuses the whole list when the cluster's seat limit would be exceeded. New people get an "
        "activation mail. Atomic.",
    )
    async def add_users(
        self,
        info: strawberry.Info,
        cluster_id: Annotated[strawberry.ID, arg("The cluster.")],
        emails: Annotated[
            list[str],
            arg("Addresses; a line may also hold several, separated by commas or semicolons."),
        ],
    ) -> AddUsersPayload:
        async def work() -> AddUsersPayload:
            result = await admin.add_users(
                info.context, decode_expected(cluster_id, "OrgUnit", "clusterId"), emails
            )
            out = []
            for r in result.results:
                learner = await LearnerNode.build(info.context, r.learner) if r.learner else None
                out.append(
                    AddUserResult(
                        entry=r.entry,
                        outcome=AddUserOutcome(r.outcome.value),
                        message=r.message,
                        learner=learner,
                    )
                )
            return AddUsersPayload(
                results=out, seats_left=result.seats_left, duplicates_skipped=result.duplicates
            )

        return await attempt(AddUsersPayload, work)

    @requires(
        ORG_ADMINS,
        description="Set a cluster's seat limit; all clusters together stay within the membership's seats.",
    )
    async def set_cluster_seat_limit(
        self,
        info: strawberry.Info,
        cluster_id: Annotated[strawberry.ID, arg("The cluster.")],
        seat_limit: Annotated[int, arg("Maximum number of users.")],
    ) -> ClusterPayload:
        async def work() -> ClusterPayload:
            cluster = await admin.set_seat_limit(
                info.context, decode_expected(cluster_id, "OrgUnit", "clusterId"), seat_limit
            )
            limit, used = await info.context.loaders.academy.seats_by_cluster.load(cluster.id)
            return ClusterPayload(
                usage=SeatUsage(cluster_row=cluster, seat_limit=limit, seats_used=used)
            )

        return await attempt(ClusterPayload, work)

    @requires(
        [R.PLATFORM_ADMIN],
        description="Set an academy organisation's membership: total seats and courses.",
    )
    async def set_membership(
        self,
        info: strawberry.Info,
        academy_id: Annotated[strawberry.ID, arg("The academy organisation.")],
        total_seats: Annotated[int, arg("Seats of the membership.")],
        course_ids: Annotated[list[strawberry.ID], arg("Courses to add to the membership.")],
    ) -> ClusterPayload:
        async def work() -> ClusterPayload:
            await admin.set_membership(
                info.context,
                decode_expected(academy_id, "OrgUnit", "academyId"),
                total_seats,
                [decode_expected(c, "Course", "courseIds") for c in course_ids],
            )
            return ClusterPayload()

        return await attempt(ClusterPayload, work)

    @requires(
        ADMINS,
        description="Give courses to users and mail them your invitation. A user never gets a course twice: "
        "those who have it are counted, not duplicated. Use `previewCourseAssignment` first.",
    )
    async def assign_courses(
        self,
        info: strawberry.Info,
        selection: Annotated[UserSelectionInput, arg("The users.")],
        course_ids: Annotated[list[strawberry.ID], arg("The courses.")],
        mail: Annotated[CourseMailInput, arg("The invitation mail.")],
        idempotency_key: Annotated[
            str | None,
            arg("Any unique string per intended action, so a retry does not mail twice."),
        ] = None,
    ) -> AssignCoursesPayload:
        async def work() -> AssignCoursesPayload:
            ids = [decode_expected(i, "Course", "courseIds") for i in course_ids]
            plan = await admin.assign_courses(
                info.context, to_selection(selection), ids, _mail(mail), idempotency_key
            )
            return AssignCoursesPayload(
                enrolments_created=sum(c.receiving for c in plan.counts), courses=_counts(plan)
            )

        return await attempt(AssignCoursesPayload, work)

    @requires(ADMINS, description="Hide users from the lists (their data stays).")
    async def hide_users(
        self, info: strawberry.Info, selection: Annotated[UserSelectionInput, arg("The users.")]
    ) -> UsersPayload:
        async def work() -> UsersPayload:
            return UsersPayload(
                users=await _learners(
                    info, await admin.set_hidden(info.context, to_selection(selection), True)
                )
            )

        return await attempt(UsersPayload, work)

    @requires(ADMINS, description="Show hidden users again.")
    async def show_users(
        self, info: strawberry.Info, selection: Annotated[UserSelectionInput, arg("The users.")]
    ) -> UsersPayload:
        async def work() -> UsersPayload:
            return UsersPayload(
                users=await _learners(
                    info, await admin.set_hidden(info.context, to_selection(selection), False)
                )
            )

        return await attempt(UsersPayload, work)

    @requires(
        ADMINS,
        description="Delete users who have not started any training; the others are listed with the reason.",
    )
    async def delete_users(
        self, info: strawberry.Info, selection: Annotated[UserSelectionInput, arg("The users.")]
    ) -> DeleteUsersPayload:
        async def work() -> DeleteUsersPayload:
            from domain.ids import encode_global_id

            outcomes = await admin.delete_users(info.context, to_selection(selection))
            return DeleteUsersPayload(
                results=[
                    DeleteUserResult(
                        user_id=strawberry.ID(encode_global_id("Learner", o.learner.id)),
                        deleted=o.deleted,
                        reason=o.reason,
                    )  # type: ignore[arg-type]
                    for o in outcomes
                ]
            )

        return await attempt(DeleteUsersPayload, work)

    @requires(
        ORG_ADMINS,
        description="Move a user to another cluster of the organisation (organisation admins only).",
    )
    async def move_user_to_cluster(
        self,
        info: strawberry.Info,
        user_id: Annotated[strawberry.ID, arg("The user (Learner ID).")],
        cluster_id: Annotated[strawberry.ID, arg("The target cluster.")],
    ) -> UsersPayload:
        async def work() -> UsersPayload:
            learner = await admin.move_user(
                info.context,
                decode_expected(user_id, "Learner", "userId"),
                decode_expected(cluster_id, "OrgUnit", "clusterId"),
            )
            return UsersPayload(users=await _learners(info, [learner]))

        return await attempt(UsersPayload, work)

    @requires(
        ADMINS, description="Create a label for the users of an academy or cluster you manage."
    )
    async def create_label(
        self,
        info: strawberry.Info,
        unit_id: Annotated[strawberry.ID, arg("The academy or cluster.")],
        name: Annotated[str, arg("Name, 1 to 50 characters, unique per unit.")],
        colour: Annotated[str | None, arg("Colour name; default GREY.")] = None,
    ) -> LabelPayload:
        async def work() -> LabelPayload:
            row = await admin.create_label(
                info.context, decode_expected(unit_id, "OrgUnit", "unitId"), name, colour
            )
            return LabelPayload(label=await LabelNode.build(info.context, row))

        return await attempt(LabelPayload, work)

    @requires(ADMINS, description="Delete a label; users lose it.")
    async def delete_label(
        self, info: strawberry.Info, label_id: Annotated[strawberry.ID, arg("The label.")]
    ) -> LabelPayload:
        async def work() -> LabelPayload:
            await admin.delete_label(info.context, decode_expected(label_id, "Label", "labelId"))
            return LabelPayload()

        return await attempt(LabelPayload, work)

    @requires(ADMINS, description="Put a label on users (in bulk).")
    async def add_label(
        self,
        info: strawberry.Info,
        label_id: Annotated[strawberry.ID, arg("The label.")],
        selection: Annotated[UserSelectionInput, arg("The users.")],
    ) -> LabelPayload:
        return await _label_change(info, label_id, selection, on=True)

    @requires(ADMINS, description="Take a label off users (in bulk).")
    async def remove_label(
        self,
        info: strawberry.Info,
        label_id: Annotated[strawberry.ID, arg("The label.")],
        selection: Annotated[UserSelectionInput, arg("The users.")],
    ) -> LabelPayload:
        return await _label_change(info, label_id, selection, on=False)

    @requires(
        LEARNERS,
        description="Mark a lesson of your course completed; completing it again changes nothing.",
    )
    async def complete_lesson(
        self,
        info: strawberry.Info,
        enrolment_id: Annotated[strawberry.ID, arg("Your course (Enrolment ID).")],
        lesson_id: Annotated[strawberry.ID, arg("The lesson.")],
    ) -> EnrolmentPayload:
        async def work() -> EnrolmentPayload:
            row = await learning.complete_lesson(
                info.context,
                decode_expected(enrolment_id, "Enrolment", "enrolmentId"),
                decode_expected(lesson_id, "Lesson", "lessonId"),
            )
            return EnrolmentPayload(enrolment=await EnrolmentNode.build(info.context, row))

        return await attempt(EnrolmentPayload, work)

    @requires(
        LEARNERS,
        description="Start an exam attempt: only after the course is completed; 3 attempts at most, none after a pass.",
    )
    async def start_exam_attempt(
        self,
        info: strawberry.Info,
        enrolment_id: Annotated[strawberry.ID, arg("Your course (Enrolment ID).")],
    ) -> StartExamPayload:
        async def work() -> StartExamPayload:
            started = await learning.start_attempt(
                info.context, decode_expected(enrolment_id, "Enrolment", "enrolmentId")
            )
            enrolment = await EnrolmentNode.build(
                info.context,
                await info.context.loaders.academy.enrolment_by_id.load(
                    started.attempt.enrolment_id
                ),
            )
            return StartExamPayload(
                attempt=ExamAttemptNode(row=started.attempt, scope=enrolment.scope),
                questions=[question_of(q) for q in started.questions],
            )

        return await attempt(StartExamPayload, work)

    @requires(
        LEARNERS,
        description="Hand in your answers. Returns the score and, this once, the questions with the correct answers. Your answers are not stored.",
    )
    async def submit_exam_attempt(
        self,
        info: strawberry.Info,
        attempt_id: Annotated[strawberry.ID, arg("The attempt.")],
        answers: Annotated[
            list[ExamAnswerInput], arg("Your answers; unanswered questions count as wrong.")
        ],
    ) -> SubmitExamPayload:
        async def work() -> SubmitExamPayload:
            given = {
                decode_expected(a.question_id, "ExamQuestion", "answers"): a.option_index
                for a in answers
            }
            done = await learning.submit_attempt(
                info.context, decode_expected(attempt_id, "ExamAttempt", "attemptId"), given
            )
            questions = {q.id: q for q in done.questions}
            review = [
                QuestionReview(
                    question=question_of(questions[r.question_id]),
                    chosen_option=r.chosen_option_id,
                    correct_option=r.correct_option_id,
                    correct=r.correct,
                )
                for r in done.grading.review
            ]
            enrolment = await EnrolmentNode.build(
                info.context,
                await info.context.loaders.academy.enrolment_by_id.load(done.attempt.enrolment_id),
            )
            return SubmitExamPayload(
                attempt=ExamAttemptNode(row=done.attempt, scope=enrolment.scope),
                score_percent=done.grading.score_percent,
                passed=done.grading.passed,
                attempts_left=done.attempts_left,
                review=review,
            )

        return await attempt(SubmitExamPayload, work)

    @requires(
        LEARNERS,
        description="Enter or change your registration number with a professional register.",
    )
    async def set_registration_number(
        self,
        info: strawberry.Info,
        register_code: Annotated[str, arg("The register's code (see `registers`).")],
        number: Annotated[str, arg("Your number.")],
    ) -> RegistrationNumberPayload:
        async def work() -> RegistrationNumberPayload:
            row = await learning.set_registration_number(info.context, register_code, number)
            return RegistrationNumberPayload(
                registration_number=RegistrationNumber(
                    row=row, scope=Scope(person_id=row.person_id)
                )
            )

        return await attempt(RegistrationNumberPayload, work)

    @requires(
        [R.PLATFORM_ADMIN],
        description="Report to a register every completion not reported before (the six-weekly "
        "attendance report). Nothing is reported twice or missed. Produces an export to download.",
    )
    async def start_accreditation_export(
        self,
        info: strawberry.Info,
        register_code: Annotated[str, arg("The register.")],
        format: Annotated[ExportFormat, arg("File format.")] = ExportFormat.XLSX,
        report_id: Annotated[
            strawberry.ID | None,
            arg(
                "An earlier report (e.g. a six-weekly one) to download again; null makes a new one."
            ),
        ] = None,
    ) -> AccreditationExportPayload:
        async def work() -> AccreditationExportPayload:
            rid = (
                decode_expected(report_id, "AccreditationReport", "reportId") if report_id else None
            )
            job = await learning.start_accreditation_export(
                info.context, register_code, DomainFormat(format.value), rid
            )
            return AccreditationExportPayload(export_job=ExportJobNode.from_row(job))

        return await attempt(AccreditationExportPayload, work)

    @requires(
        ORG_ADMINS,
        description="Send the magazine to every subscribed user of an academy organisation; each mail "
        "carries a one-click unsubscribe link that works without logging in.",
    )
    async def send_magazine(
        self,
        info: strawberry.Info,
        academy_id: Annotated[strawberry.ID, arg("The academy organisation.")],
        subject: Annotated[str, arg("Subject line.")],
        body: Annotated[str, arg("The text; blank lines separate paragraphs.")],
        idempotency_key: Annotated[
            str | None, arg("Any unique string per issue, so a retry does not mail twice.")
        ] = None,
    ) -> MagazinePayload:
        async def work() -> MagazinePayload:
            count = await admin.send_magazine(
                info.context,
                decode_expected(academy_id, "OrgUnit", "academyId"),
                subject,
                body,
                idempotency_key,
            )
            return MagazinePayload(queued_count=count)

        return await attempt(MagazinePayload, work)
