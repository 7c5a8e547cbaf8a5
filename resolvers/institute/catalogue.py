"""The staff's management of the catalogue: planning events of a course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.texts import N_
from persistence.core.models import OrgUnit
from persistence.institute.models import CourseEvent, EventMeeting, InstituteCourse, pk
from resolvers.context import Context
from resolvers.core.tree import not_found

ENDS_BEFORE_START = N_("An event cannot end before it starts")
DEADLINE_AFTER_START = N_("A deadline cannot be after the start of the event")
CAPACITY_RANGE = N_("Capacity must be between 1 and {max}")
NOT_A_CLIENT = N_("This is not a client organisation of the institute")
MAX_CAPACITY = 1000


@dataclass
class EventPlan:
    course_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    enrolment_deadline: datetime
    cancellation_deadline: datetime
    location_name: str
    location_address: str
    incompany: bool
    for_org_unit_id: int | None
    meetings: list[tuple[datetime, datetime]]


NAIVE_TIME = N_("Give the time with its UTC offset")


def check_plan(plan: EventPlan) -> None:
    for field, moment in (
        ("input.startsAt", plan.starts_at),
        ("input.endsAt", plan.ends_at),
        ("input.enrolmentDeadline", plan.enrolment_deadline),
        ("input.cancellationDeadline", plan.cancellation_deadline),
        *(("input.meetings", m) for pair in plan.meetings for m in pair),
    ):
        if moment.tzinfo is None:
            raise DomainError(ErrorCode.INVALID, NAIVE_TIME, field)
    if plan.ends_at < plan.starts_at:
        raise DomainError(ErrorCode.INVALID, ENDS_BEFORE_START, "input.endsAt")
    for field, deadline in (
        ("input.enrolmentDeadline", plan.enrolment_deadline),
        ("input.cancellationDeadline", plan.cancellation_deadline),
    ):
        if deadline > plan.starts_at:
            raise DomainError(ErrorCode.INVALID, DEADLINE_AFTER_START, field)
    if not 1 <= plan.capacity <= MAX_CAPACITY:
        raise DomainError(ErrorCode.INVALID, CAPACITY_RANGE, "input.capacity", max=MAX_CAPACITY)
    for start, end in plan.meetings:
        if end < start:
            raise DomainError(ErrorCode.INVALID, ENDS_BEFORE_START, "input.meetings")


async def create_event(ctx: Context, plan: EventPlan) -> CourseEvent:
    """A dated event of a course; maatwerk when it is for one client organisation."""
    check_plan(plan)
    async with ctx.uow() as uow:
        course = await uow.get(InstituteCourse, plan.course_id)
        if course is None:
            raise not_found("input.courseId")
        if plan.for_org_unit_id is not None:
            org = await uow.get(OrgUnit, plan.for_org_unit_id)
            if (
                org is None
                or org.kind is not OrgUnitKind.CLIENT_ORGANISATION
                or org.parent_id != course.institute_id
            ):
                raise DomainError(ErrorCode.NOT_FOUND, NOT_A_CLIENT, "input.forOrganisationId")
        event = uow.add(
            CourseEvent(
                institute_id=course.institute_id,
                course_id=plan.course_id,
                for_org_unit_id=plan.for_org_unit_id,
                starts_at=plan.starts_at,
                ends_at=plan.ends_at,
                location_name="Incompany" if plan.incompany else plan.location_name,
                location_address="" if plan.incompany else plan.location_address,
                incompany=plan.incompany,
                capacity=plan.capacity,
                enrolment_deadline=plan.enrolment_deadline,
                cancellation_deadline=plan.cancellation_deadline,
            )
        )
        await uow.flush()
        for start, end in plan.meetings or [(plan.starts_at, plan.ends_at)]:
            uow.add(EventMeeting(event_id=pk(event), starts_at=start, ends_at=end))
        await uow.audit(
            "COURSE_EVENT_CREATED",
            unit=plan.for_org_unit_id or course.institute_id,
            detail=f"event {event.id} of course {course.id}",
        )
        await uow.commit()
    return event
