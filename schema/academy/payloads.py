"""Academy mutation payloads and the result rows they carry."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from persistence.academy.models import Learner
from resolvers.academy.assignment import AssignmentPlan, already_has_notices
from schema.academy.types import (
    CourseNode,
    EnrolmentNode,
    ExamAttemptNode,
    ExamQuestion,
    LabelNode,
    LearnerNode,
    QuestionReview,
    RegistrationNumber,
    SeatUsage,
    in_units,
)
from schema.background.types import ExportJobNode
from schema.core.info import Info
from schema.core.payloads import errors_field
from schema.core.permissions import public_fields
from schema.core.relay import UserError


async def _learners(info: Info, rows: list[Learner]) -> list[LearnerNode]:
    return await in_units(info.context, rows, lambda r: r.cluster_id, LearnerNode.in_unit)


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
    INVALID = strawberry.enum_value(
        "INVALID", description="Not a valid e-mail address; the message says why."
    )
    DUPLICATE = strawberry.enum_value(
        "DUPLICATE",
        description="The same address as an earlier entry (the message names its line); "
        "counted once.",
    )


@public_fields
@strawberry.type(description="What happened to one pasted entry.")
class AddUserResult:
    entry: str = strawberry.field(description="The entry as pasted.")
    outcome: AddUserOutcome = strawberry.field(description="What happened.")
    message: str = strawberry.field(description="Explanation.")
    learner: LearnerNode | None = strawberry.field(
        description="The user, when added or present.", default=None
    )


@public_fields
@strawberry.type(description="Result of adding users.")
class AddUsersPayload:
    results: list[AddUserResult] = strawberry.field(
        default_factory=list, description="One per pasted entry, in the order pasted."
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
@strawberry.type(description="A user who has a chosen course already: it is not given twice.")
class AlreadyHasCourse:
    user: LearnerNode = strawberry.field(description="The user.")
    course: CourseNode = strawberry.field(description="The course they have already.")
    message: str = strawberry.field(description="The notice, naming both, in your language.")


@public_fields
@strawberry.type(description="The preview of a course assignment: who gets what, and the mail.")
class CourseAssignmentPreview:
    user_count: int = strawberry.field(default=0, description="Users selected.")
    courses: list[CourseAssignmentCount] = strawberry.field(
        default_factory=list, description="Per course."
    )
    already_has: list[AlreadyHasCourse] = strawberry.field(
        default_factory=list,
        description="Each user who has a chosen course already, with the course and a notice.",
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
    already_has: list[AlreadyHasCourse] = strawberry.field(
        default_factory=list,
        description="Each user who had a chosen course already (not given twice), with a notice.",
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
    pass_mark_percent: int | None = strawberry.field(
        default=None, description="Score needed to pass, in percent (70, fixed)."
    )
    correct_answers_needed: int | None = strawberry.field(
        default=None, description="Correct answers needed to pass this exam."
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
    queued_count: int = strawberry.field(
        default=0, description="Mails queued now; 0 when this is a retry of a sending done already."
    )
    already_queued_count: int = strawberry.field(
        default=0,
        description="Recipients this idempotency key had queued a mail for before (not sent again).",
    )
    repeat: bool = strawberry.field(
        default=False,
        description="True when the idempotency key was used before and nothing new was queued.",
    )
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
    queued_count: int = strawberry.field(
        default=0, description="Mails queued now; 0 when this is a retry of an issue sent already."
    )
    already_queued_count: int = strawberry.field(
        default=0,
        description="Subscribers this idempotency key had queued the issue for before (not sent again).",
    )
    repeat: bool = strawberry.field(
        default=False,
        description="True when the idempotency key was used before and nothing new was queued.",
    )
    errors: list[UserError] = errors_field()


def _counts(plan: AssignmentPlan) -> list[CourseAssignmentCount]:
    return [
        CourseAssignmentCount(
            course=CourseNode.from_row(c.course), receiving=c.receiving, already_has=c.already_has
        )
        for c in plan.counts
    ]


@public_fields
@strawberry.type(description="Result of starting an academy export; poll the job.")
class AcademyExportPayload:
    export_job: ExportJobNode | None = strawberry.field(
        default=None, description="The export; poll `progressPercent`, then `downloadUrl`."
    )
    errors: list[UserError] = errors_field()


async def already_has(info: Info, plan: AssignmentPlan) -> list[AlreadyHasCourse]:
    """The notices of users who have a course already, their nodes built in one batch."""
    notices = already_has_notices(plan)
    users = await _learners(info, [learner for learner, _, _ in notices])
    return [
        AlreadyHasCourse(user=user, course=CourseNode.from_row(course), message=message)
        for user, (_, course, message) in zip(users, notices, strict=True)
    ]


@public_fields
@strawberry.type(description="What deleting a label would do.")
class LabelDeletionPreview:
    label: LabelNode | None = strawberry.field(default=None, description="The label.")
    users_losing_it: int = strawberry.field(
        default=0, description="Users who have the label and would lose it."
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="What `resendInvitations` would send.")
class InvitationPreview:
    recipient_count: int = strawberry.field(
        default=0, description="Selected users who never activated: they get a new link."
    )
    already_activated: list[LearnerNode] = strawberry.field(
        default_factory=list, description="Selected users who activated already: skipped."
    )
    subject: str | None = strawberry.field(default=None, description="Subject as sent.")
    text_body: str | None = strawberry.field(
        default=None,
        description="Plain-text part as sent to the first user (with a marker for their link).",
    )
    html_body: str | None = strawberry.field(
        default=None, description="HTML part as sent to the first user."
    )
    errors: list[UserError] = errors_field("What is wrong with the input.")


@public_fields
@strawberry.type(description="Result of sending the invitation (activation) mail again.")
class InvitationPayload:
    queued_count: int = strawberry.field(
        default=0, description="Mails queued now, each with a new single-use activation link."
    )
    already_activated: list[LearnerNode] = strawberry.field(
        default_factory=list, description="Selected users who activated already: not mailed."
    )
    errors: list[UserError] = errors_field()


@public_fields
@strawberry.type(description="Your magazine subscription.")
class MagazineSubscriptionPayload:
    subscribed: bool | None = strawberry.field(
        default=None, description="Whether you now receive the magazine."
    )
    errors: list[UserError] = errors_field()
