"""The staff's management of the catalogue (aanbod): the category tree, courses, and planning,
changing and cancelling events of a course."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.texts import N_
from persistence.core.models import OrgUnit
from persistence.db import UnitOfWork
from persistence.institute import queries as q
from persistence.institute.models import (
    CatalogueCategory,
    CourseEvent,
    EventMeeting,
    InstituteCourse,
    pk,
)
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.tree import not_found
from resolvers.institute import enrolments

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


# --- the category tree -------------------------------------------------------------------

NAME_LENGTH = N_("Give a name of 1 to {max} characters")
SIBLING_EXISTS = N_("There is already a category {name} here")
NOT_AN_INSTITUTE = N_("This is not an institute")
NOT_IN_INSTITUTE = N_("This category is not in the institute's catalogue")


def clean_name(name: str, field: str, max_length: int = 200) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= max_length:
        raise DomainError(ErrorCode.INVALID, NAME_LENGTH, field, max=max_length)
    return cleaned


async def _check_sibling_free(
    uow: UnitOfWork, category: CatalogueCategory, exclude: int | None
) -> None:
    if await q.category_name_taken(
        uow.session, category.institute_id, category.parent_id, category.name, exclude
    ):
        raise DomainError(
            ErrorCode.ALREADY_EXISTS, SIBLING_EXISTS, "input.name", name=category.name
        )


async def create_category(
    ctx: Context, institute_id: int, parent_id: int | None, name: str
) -> CatalogueCategory:
    """A category at the root of the institute's catalogue, or under `parent_id` in it."""
    cleaned = clean_name(name, "input.name")
    async with ctx.uow() as uow:
        institute = await uow.get(OrgUnit, institute_id)
        if institute is None or institute.kind is not OrgUnitKind.INSTITUTE:
            raise DomainError(ErrorCode.NOT_FOUND, NOT_AN_INSTITUTE, "input.instituteId")
        if parent_id is not None:
            parent = await uow.get(CatalogueCategory, parent_id)
            if parent is None or parent.institute_id != institute_id:
                raise DomainError(ErrorCode.NOT_FOUND, NOT_IN_INSTITUTE, "input.parentId")
        category = CatalogueCategory(institute_id=institute_id, parent_id=parent_id, name=cleaned)
        await _check_sibling_free(uow, category, None)
        uow.add(category)
        await uow.flush()
        await uow.audit(
            "CATALOGUE_CATEGORY_CREATED",
            unit=institute_id,
            detail=f"category {category.id} under {parent_id or '-'}: {cleaned}",
        )
        await uow.commit()
    return category


async def rename_category(ctx: Context, category_id: int, name: str) -> CatalogueCategory:
    cleaned = clean_name(name, "input.name")
    async with ctx.uow() as uow:
        category = await uow.get(CatalogueCategory, category_id)
        if category is None:
            raise not_found("input.categoryId")
        old = category.name
        category.name = cleaned
        await _check_sibling_free(uow, category, category_id)
        await uow.audit(
            "CATALOGUE_CATEGORY_RENAMED",
            unit=category.institute_id,
            detail=f"category {category_id}: {old} -> {cleaned}",
        )
        await uow.commit()
    return category


# --- courses -------------------------------------------------------------------------------

VAT_RATES = (0, 9, 21)  # the Dutch rates: zero, reduced, standard
MAX_DESCRIPTION = 10_000
MAX_DURATION_HOURS = 1000
MAX_PRICE_CENTS = 10_000_000  # € 100.000 per participant: anything above is a typing error
VAT_RATE = N_("The VAT rate must be one of {rates} percent")
DURATION_RANGE = N_("The duration must be between 1 and {max} hours")
PRICE_RANGE = N_("The price must be between 0 and {max} cents")
DESCRIPTION_LENGTH = N_("The description can be at most {max} characters")


@dataclass
class CourseChanges:
    """A new course (every field given) or changes (None: as it is)."""

    category_id: int | None = None
    title: str | None = None
    description: str | None = None
    duration_hours: int | None = None
    price_cents: int | None = None
    vat_rate_percent: int | None = None


def check_course(c: CourseChanges) -> CourseChanges:
    """Validated and cleaned; raises INVALID naming the input field."""
    title = clean_name(c.title, "input.title") if c.title is not None else None
    description = c.description.strip() if c.description is not None else None
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise DomainError(
            ErrorCode.INVALID, DESCRIPTION_LENGTH, "input.description", max=MAX_DESCRIPTION
        )
    if c.duration_hours is not None and not 1 <= c.duration_hours <= MAX_DURATION_HOURS:
        raise DomainError(
            ErrorCode.INVALID, DURATION_RANGE, "input.durationHours", max=MAX_DURATION_HOURS
        )
    if c.price_cents is not None and not 0 <= c.price_cents <= MAX_PRICE_CENTS:
        raise DomainError(ErrorCode.INVALID, PRICE_RANGE, "input.priceCents", max=MAX_PRICE_CENTS)
    if c.vat_rate_percent is not None and c.vat_rate_percent not in VAT_RATES:
        raise DomainError(
            ErrorCode.INVALID,
            VAT_RATE,
            "input.vatRatePercent",
            rates=", ".join(str(r) for r in VAT_RATES),
        )
    return replace(c, title=title, description=description)


async def create_course(ctx: Context, changes: CourseChanges) -> InstituteCourse:
    c = check_course(changes)
    assert c.category_id is not None and c.title is not None
    async with ctx.uow() as uow:
        category = await uow.get(CatalogueCategory, c.category_id)
        if category is None:
            raise not_found("input.categoryId")
        course = uow.add(
            InstituteCourse(
                institute_id=category.institute_id,
                category_id=c.category_id,
                title=c.title,
                description=c.description or "",
                duration_hours=c.duration_hours or 8,
                price_cents=c.price_cents or 0,
                vat_rate_percent=21 if c.vat_rate_percent is None else c.vat_rate_percent,
            )
        )
        await uow.flush()
        await uow.audit(
            "INSTITUTE_COURSE_CREATED",
            unit=category.institute_id,
            detail=f"course {course.id}: {c.title}",
        )
        await uow.commit()
    return course


async def update_course(ctx: Context, course_id: int, changes: CourseChanges) -> InstituteCourse:
    """Changes apply to new enrolments and invoices; an invoice keeps its own lines."""
    c = check_course(changes)
    async with ctx.uow() as uow:
        course = await uow.get(InstituteCourse, course_id)
        if course is None:
            raise not_found("input.courseId")
        if c.category_id is not None and c.category_id != course.category_id:
            category = await uow.get(CatalogueCategory, c.category_id)
            if category is None or category.institute_id != course.institute_id:
                raise DomainError(ErrorCode.NOT_FOUND, NOT_IN_INSTITUTE, "input.categoryId")
        changed = []
        for name in (
            "category_id",
            "title",
            "description",
            "duration_hours",
            "price_cents",
            "vat_rate_percent",
        ):
            value = getattr(c, name)
            if value is not None and value != getattr(course, name):
                setattr(course, name, value)
                changed.append(name)
        await uow.audit(
            "INSTITUTE_COURSE_UPDATED",
            unit=course.institute_id,
            detail=f"course {course_id}: {', '.join(changed) or 'no change'}",
        )
        await uow.commit()
    return course


# --- changing an event ---------------------------------------------------------------------

BELOW_SEATED = N_("The capacity cannot be below the {seated} seats already taken")
EVENT_CANCELLED = N_("This event has been cancelled")
MEETING_OUTSIDE = N_("A meeting lies outside the event's dates; give the meetings anew")


@dataclass
class EventChanges:
    """None: as it is. `meetings` given replaces them all."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = None
    enrolment_deadline: datetime | None = None
    cancellation_deadline: datetime | None = None
    location_name: str | None = None
    location_address: str | None = None
    incompany: bool | None = None
    meetings: list[tuple[datetime, datetime]] | None = None


async def update_event(ctx: Context, event_id: int, changes: EventChanges) -> CourseEvent:
    """Change dates, location, capacity or deadlines. Runs under the event's lock, like
    enrolling, so the capacity is compared with the seats as they are (never below them)."""
    async with ctx.uow() as uow:
        event = await q.lock_event(uow.session, event_id)
        if event is None:
            raise not_found("input.eventId")
        if event.cancelled_at is not None:
            raise DomainError(ErrorCode.CONFLICT, EVENT_CANCELLED, "input.eventId")
        old_meetings = await q.meetings_by_events(uow.session, [event_id])
        current = old_meetings[0] if old_meetings else []
        incompany = event.incompany if changes.incompany is None else changes.incompany
        plan = EventPlan(
            course_id=event.course_id,
            starts_at=changes.starts_at or event.starts_at,
            ends_at=changes.ends_at or event.ends_at,
            capacity=event.capacity if changes.capacity is None else changes.capacity,
            enrolment_deadline=changes.enrolment_deadline or event.enrolment_deadline,
            cancellation_deadline=changes.cancellation_deadline or event.cancellation_deadline,
            location_name=event.location_name
            if changes.location_name is None
            else changes.location_name.strip()[:200],
            location_address=event.location_address
            if changes.location_address is None
            else changes.location_address.strip()[:300],
            incompany=incompany,
            for_org_unit_id=event.for_org_unit_id,
            meetings=changes.meetings or [],
        )
        check_plan(plan)
        seated = await q.seated_count(uow.session, event_id)
        if plan.capacity < seated:
            raise DomainError(ErrorCode.INVALID, BELOW_SEATED, "input.capacity", seated=seated)
        moved = (plan.starts_at, plan.ends_at) != (event.starts_at, event.ends_at)
        if changes.meetings is not None:
            replace_with = plan.meetings or [(plan.starts_at, plan.ends_at)]
        elif moved and [(m.starts_at, m.ends_at) for m in current] == [
            (event.starts_at, event.ends_at)
        ]:
            # The usual one-meeting event moves along with its dates.
            replace_with = [(plan.starts_at, plan.ends_at)]
        else:
            replace_with = None
            if any(m.starts_at < plan.starts_at or m.ends_at > plan.ends_at for m in current):
                raise DomainError(ErrorCode.INVALID, MEETING_OUTSIDE, "input.meetings")
        if replace_with is not None:
            if any(s < plan.starts_at or e > plan.ends_at for s, e in replace_with):
                raise DomainError(ErrorCode.INVALID, MEETING_OUTSIDE, "input.meetings")
            for m in current:
                await uow.session.delete(m)
            for start, end in replace_with:
                uow.add(EventMeeting(event_id=event_id, starts_at=start, ends_at=end))
        event.starts_at = plan.starts_at
        event.ends_at = plan.ends_at
        event.capacity = plan.capacity
        event.enrolment_deadline = plan.enrolment_deadline
        event.cancellation_deadline = plan.cancellation_deadline
        event.incompany = incompany
        event.location_name = "Incompany" if incompany else plan.location_name
        event.location_address = "" if incompany else plan.location_address
        if plan.capacity > seated and event.starts_at > utcnow():
            # More seats: the waiting list gets them first, as when someone cancels.
            await enrolments.promote_waitlisted(ctx, uow, event, plan.capacity - seated)
        await uow.audit(
            "COURSE_EVENT_UPDATED",
            unit=event.for_org_unit_id or event.institute_id,
            detail=f"event {event_id}: capacity {plan.capacity}, starts {plan.starts_at}",
        )
        await uow.commit()
    return event
