"""Enrolling, cancelling, and the staff's processing of enrolments."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import Relation
from domain.institute.enrolments import EnrolmentResult as DomainResult
from resolvers.institute import enrolments as resolve
from resolvers.institute import scopes as s
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.institute.inputs import CourseResultInput, EnrolInput
from schema.institute.payloads import CourseEnrolmentPayload, CourseEnrolmentsPayload, EnrolPayload
from schema.institute.types import CourseEnrolmentNode


@strawberry.type
class InstituteEnrolmentMutations:
    @requires(
        (),
        [Relation.SELF, Relation.MEMBER],
        on="input.eventId",
        description="Enrol on an event you can see. Acting as yourself you are invoiced; "
        "acting for an organisation, the organisation is. An organisation admin acting for it "
        "may enrol any of its contacts (`personId`). Refused when the event is full (unless "
        "`joinWaitlist`), past its deadline, or the person is enrolled already.",
    )
    async def enrol(
        self, info: Info, input: Annotated[EnrolInput, arg("The event, and whom to enrol.")]
    ) -> EnrolPayload:
        async def work() -> EnrolPayload:
            person = (
                decode_expected(input.person_id, "Person", "input.personId")
                if input.person_id
                else None
            )
            done = await resolve.enrol(
                info.context,
                decode_expected(input.event_id, "CourseEvent", "input.eventId"),
                person,
                input.join_waitlist,
            )
            node = await CourseEnrolmentNode.build(info.context, done.enrolment)
            return EnrolPayload(enrolment=node, waitlisted=done.waitlisted)

        return await attempt(EnrolPayload, work)

    @requires(
        (),
        [Relation.SELF],
        on="enrolmentId",
        description="Cancel your own enrolment, until the event's cancellation deadline (after "
        "it, ask the institute). The freed seat goes to the first person on the waiting list.",
    )
    async def cancel_enrolment(
        self, info: Info, enrolment_id: Annotated[strawberry.ID, arg("The enrolment.")]
    ) -> CourseEnrolmentPayload:
        return await _cancel(info, enrolment_id, as_staff=False)

    @requires(
        s.ORG_ADMINS,
        on="enrolmentId",
        description="As an organisation admin acting for it: cancel a colleague's enrolment "
        "that is invoiced to the organisation, until the event's cancellation deadline (after "
        "it, ask the institute). The freed seat goes to the first person on the waiting list.",
    )
    async def cancel_colleague_enrolment(
        self, info: Info, enrolment_id: Annotated[strawberry.ID, arg("The enrolment.")]
    ) -> CourseEnrolmentPayload:
        return await _cancel(info, enrolment_id, as_staff=False)

    @requires(
        s.STAFF,
        on="enrolmentId",
        description="Cancel an enrolment as the institute, also after the cancellation "
        "deadline. The freed seat goes to the first person on the waiting list.",
    )
    async def staff_cancel_enrolment(
        self, info: Info, enrolment_id: Annotated[strawberry.ID, arg("The enrolment.")]
    ) -> CourseEnrolmentPayload:
        return await _cancel(info, enrolment_id, as_staff=True)

    @requires(
        s.STAFF,
        on="enrolmentIds",
        description="Confirm processed enrolments: each participant gets the confirmation "
        "mail (and, without an activated account, an activation link); sets confirmationSentAt.",
    )
    async def confirm_enrolments(
        self,
        info: Info,
        enrolment_ids: Annotated[list[strawberry.ID], arg("The enrolments (at most 100).")],
    ) -> CourseEnrolmentsPayload:
        async def work() -> CourseEnrolmentsPayload:
            ids = _ids(enrolment_ids)
            rows = await resolve.confirm(info.context, ids)
            return CourseEnrolmentsPayload(
                enrolments=await CourseEnrolmentNode.build_many(info.context, rows)
            )

        return await attempt(CourseEnrolmentsPayload, work)

    @requires(
        s.STAFF,
        on="enrolmentIds",
        description="Send the invitation mail to confirmed participants; sets invitationSentAt.",
    )
    async def send_course_invitations(
        self,
        info: Info,
        enrolment_ids: Annotated[list[strawberry.ID], arg("The enrolments (at most 100).")],
    ) -> CourseEnrolmentsPayload:
        async def work() -> CourseEnrolmentsPayload:
            rows = await resolve.invite(info.context, _ids(enrolment_ids))
            return CourseEnrolmentsPayload(
                enrolments=await CourseEnrolmentNode.build_many(info.context, rows)
            )

        return await attempt(CourseEnrolmentsPayload, work)

    @requires(
        s.STAFF,
        on="input.enrolmentId",
        description="Record the result and attendance of a confirmed enrolment.",
    )
    async def record_course_result(
        self,
        info: Info,
        input: Annotated[CourseResultInput, arg("The enrolment and its result.")],
    ) -> CourseEnrolmentPayload:
        async def work() -> CourseEnrolmentPayload:
            row = await resolve.record_result(
                info.context,
                decode_expected(input.enrolment_id, "CourseEnrolment", "input.enrolmentId"),
                DomainResult(input.result.value) if input.result else None,
                input.attended,
            )
            return CourseEnrolmentPayload(
                enrolment=await CourseEnrolmentNode.build(info.context, row)
            )

        return await attempt(CourseEnrolmentPayload, work)


MAX_BATCH = 100


def _ids(ids: list[strawberry.ID]) -> list[int]:
    from domain.core.errors import DomainError, ErrorCode

    if not ids or len(ids) > MAX_BATCH:
        raise DomainError(
            ErrorCode.INVALID, "Give 1 to {max} enrolments", "enrolmentIds", max=MAX_BATCH
        )
    return list(dict.fromkeys(decode_expected(i, "CourseEnrolment", "enrolmentIds") for i in ids))


async def _cancel(
    info: Info, enrolment_id: strawberry.ID, *, as_staff: bool
) -> CourseEnrolmentPayload:
    async def work() -> CourseEnrolmentPayload:
        row = await resolve.cancel(
            info.context,
            decode_expected(enrolment_id, "CourseEnrolment", "enrolmentId"),
            as_staff=as_staff,
        )
        return CourseEnrolmentPayload(enrolment=await CourseEnrolmentNode.build(info.context, row))

    return await attempt(CourseEnrolmentPayload, work)
