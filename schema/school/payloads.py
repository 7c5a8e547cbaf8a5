"""School mutation payloads."""

from __future__ import annotations

from typing import Any

import strawberry

from domain.core.ids import decode_expected
from persistence.school.models import GuardianLink
from resolvers.core.loader_group import referenced
from resolvers.school import access as resolve
from schema.core.info import Info
from schema.core.payloads import errors_field
from schema.core.permissions import public
from schema.core.relay import UserError
from schema.school.agenda import CalendarFeedNode, TimetableLessonNode
from schema.school.attendance import AbsenceNode
from schema.school.pupils import GuardianLinkNode, PupilEnrolmentNode, PupilNode
from schema.school.results import SchoolAssessmentNode, SchoolSubjectNode


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


@strawberry.type(description="Result of correcting a pupil's record or moving the pupil.")
class PupilPayload:
    pupil: PupilNode | None = public(description="The pupil as it is now.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of recording or ending an enrolment.")
class PupilEnrolmentPayload:
    enrolments: list[PupilEnrolmentNode] = public(
        description="The enrolments recorded or ended.", default_factory=list
    )
    pupil: PupilNode | None = public(description="The pupil.", default=None)
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


async def _pupil_node(info: Info, pupil_id: int) -> PupilNode | None:
    row = await info.context.loaders.school.pupil_by_id.load(pupil_id)
    return await PupilNode.build(info.context, row) if row else None


async def _link_node(info: Info, link: GuardianLink) -> GuardianLinkNode:
    pupil = await referenced(info.context.loaders.school.pupil_by_id, link.pupil_id)
    return GuardianLinkNode.make(link, await resolve.pupil_view(info.context, pupil))


async def _lesson_node(info: Info, lesson: Any) -> TimetableLessonNode:
    return await TimetableLessonNode.build(info.context, lesson)


def _id(value: strawberry.ID, type_name: str, field: str) -> int:
    return decode_expected(value, type_name, field)
