"""Academy inputs and the enums they take: user filters and selections, course parts, mails."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from domain.academy import courses
from domain.academy import refreshers as refresher_rules
from domain.academy.enrolments import CourseStatus as DomainStatus
from domain.academy.learner_filter import LearnerFilter
from domain.core.errors import DomainError, ErrorCode
from domain.core.ids import decode_expected
from domain.core.roles import Role as R
from resolvers.academy.assignment import AssignmentMail
from resolvers.academy.selection import Selection
from schema.academy.types import (
    CourseStatus,
)
from schema.background.types import ExportFormat

ORG_ADMINS = (R.PLATFORM_ADMIN, R.ACADEMY_ORG_ADMIN)


LEARNERS = (R.LEARNER,)


@strawberry.enum(description="Which users a list shows by their hidden state.")
class UserStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="Users not hidden (the default).")
    HIDDEN = strawberry.enum_value("HIDDEN", description="Hidden users only.")
    ALL = strawberry.enum_value("ALL", description="Both.")


@strawberry.enum(description="Which users a list shows by whether they activated their account.")
class ActivationState(Enum):
    ALL = strawberry.enum_value("ALL", description="Both (the default).")
    ACTIVATED = strawberry.enum_value(
        "ACTIVATED", description="Users who chose a password (activated their account)."
    )
    NOT_ACTIVATED = strawberry.enum_value(
        "NOT_ACTIVATED", description="Users who never activated their account."
    )


@strawberry.enum(description="Which users a list shows by their magazine subscription.")
class MagazineState(Enum):
    ALL = strawberry.enum_value("ALL", description="Both (the default).")
    SUBSCRIBED = strawberry.enum_value("SUBSCRIBED", description="Users who get the magazine.")
    UNSUBSCRIBED = strawberry.enum_value(
        "UNSUBSCRIBED", description="Users who unsubscribed from the magazine."
    )


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
    activation: ActivationState = strawberry.field(
        default=ActivationState.ALL,
        description="Activated accounts, never activated ones, or both (default ALL).",
    )
    magazine: MagazineState = strawberry.field(
        default=MagazineState.ALL,
        description="Magazine subscribers, those who unsubscribed, or both (default ALL).",
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


@strawberry.input(description="A new course of the catalogue.")
class CreateCourseInput:
    title: str = strawberry.field(description="Title, 1 to 200 characters.")
    lessons: list[LessonInput] = strawberry.field(description="Lessons in order; at least one.")
    description: str = strawberry.field(default="", description="What the course is about.")
    estimated_minutes: int = strawberry.field(
        default=60, description="Estimated study time in minutes."
    )
    questions: list[QuestionInput] | None = strawberry.field(
        default=None, description="Exam questions; none for a course without exam."
    )
    accreditations: list[AccreditationInput] | None = strawberry.field(
        default=None, description="Accreditation with registers."
    )
    refreshers: list[RefresherInput] | None = strawberry.field(
        default=None, description="Refresher modules at +3 and +6 months."
    )


@strawberry.input(description="A mail to users chosen by IDs or by the list's filter.")
class SendUserMailInput:
    selection: UserSelectionInput = strawberry.field(description="The users.")
    subject: str = strawberry.field(description="Subject line.")
    body: str = strawberry.field(description="The message; blank lines separate paragraphs.")
    sender_name: str = strawberry.field(description="Sender name.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string per sending, so a retry does not mail twice.",
    )


@strawberry.input(description="Your answer to one exam question.")
class ExamAnswerInput:
    question_id: strawberry.ID = strawberry.field(description="The question.")
    option_index: int = strawberry.field(description="Index of the chosen option, from 0.")


def to_filter(f: LearnerFilterInput | None) -> LearnerFilter:
    f = f or LearnerFilterInput()
    return LearnerFilter(
        cluster_ids=tuple(decode_expected(i, "OrgUnit", "clusterIds") for i in f.cluster_ids),
        course_ids=tuple(decode_expected(i, "Course", "courseIds") for i in f.course_ids),
        hidden={UserStatus.ACTIVE: False, UserStatus.HIDDEN: True, UserStatus.ALL: None}[f.status],
        label_ids=tuple(decode_expected(i, "Label", "labelIds") for i in f.label_ids),
        added_since=f.added_since,
        course_status=DomainStatus(f.course_status.value) if f.course_status else None,
        search=(f.search or "").strip() or None,
        activated={
            ActivationState.ALL: None,
            ActivationState.ACTIVATED: True,
            ActivationState.NOT_ACTIVATED: False,
        }[f.activation],
        magazine={
            MagazineState.ALL: None,
            MagazineState.SUBSCRIBED: True,
            MagazineState.UNSUBSCRIBED: False,
        }[f.magazine],
    )


def to_selection(s: UserSelectionInput) -> Selection:
    if (s.user_ids is None) == (s.filter is None):
        raise DomainError(
            ErrorCode.INVALID,
            "Give either userIds or filter, not both and not neither",
            "selection",
        )
    if s.user_ids is not None:
        return Selection(learner_ids=[decode_expected(i, "Learner", "userIds") for i in s.user_ids])
    return Selection(filter=to_filter(s.filter))


def _mail(m: CourseMailInput) -> AssignmentMail:
    return AssignmentMail(m.subject, m.introduction, m.closing, m.sender_name)


def to_new_course(c: CreateCourseInput) -> courses.NewCourse:
    return courses.NewCourse(
        title=c.title,
        description=c.description,
        estimated_minutes=c.estimated_minutes,
        lessons=tuple(
            courses.NewLesson(lesson.title, lesson.module_title, lesson.duration_minutes)
            for lesson in c.lessons
        ),
        questions=tuple(
            courses.NewQuestion(q.text, tuple(q.options), q.correct_option)
            for q in c.questions or []
        ),
        accreditations=tuple(
            courses.NewAccreditation(a.register_code, a.points) for a in c.accreditations or []
        ),
        refreshers=tuple(
            courses.NewRefresher(
                refresher_rules.RefresherMoment(r.moment.value), r.title, r.duration_minutes
            )
            for r in c.refreshers or []
        ),
    )


@strawberry.input(
    description="The progress report: which users (the user list's filter) and the format."
)
class ProgressExportInput:
    filter: LearnerFilterInput | None = strawberry.field(
        default=None, description="The user list's filter; null for its defaults (active users)."
    )
    format: ExportFormat = strawberry.field(
        default=ExportFormat.XLSX, description="XLSX (default), CSV or PDF (with a chart)."
    )


@strawberry.input(description="Users to send the invitation (activation) mail again.")
class ResendInvitationsInput:
    selection: UserSelectionInput = strawberry.field(
        description="The users; those who activated already are skipped."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string per sending, so a retry does not mail twice.",
    )
