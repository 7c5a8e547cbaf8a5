"""The staff's catalogue management: categories, courses, and planning, changing and
cancelling events."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from resolvers.institute import catalogue as resolve
from resolvers.institute import enrolments
from resolvers.institute import scopes as s
from schema.core.info import Info
from schema.core.payloads import arg, attempt, errors_field
from schema.core.permissions import public, requires
from schema.core.relay import UserError
from schema.institute.inputs import (
    CreateCatalogueCategoryInput,
    CreateCourseEventInput,
    CreateInstituteCourseInput,
    RenameCatalogueCategoryInput,
    UpdateCourseEventInput,
    UpdateInstituteCourseInput,
)
from schema.institute.types import CatalogueCategoryNode, CatalogueCourse, CourseEventNode


@strawberry.type(description="Result of planning, changing or cancelling an event.")
class CourseEventPayload:
    event: CourseEventNode | None = public(description="The event as it is now.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of creating or renaming a catalogue category.")
class CatalogueCategoryPayload:
    category: CatalogueCategoryNode | None = public(
        description="The category as it is now.", default=None
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of creating or changing a course.")
class InstituteCoursePayload:
    course: CatalogueCourse | None = public(description="The course as it is now.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type
class InstituteCatalogueMutations:
    @requires(
        s.STAFF,
        on="input.courseId",
        description="Plan an event of a course: public, or maatwerk for one client organisation.",
    )
    async def create_course_event(
        self,
        info: Info,
        input: Annotated[CreateCourseEventInput, arg("The course, dates, seats and location.")],
    ) -> CourseEventPayload:
        async def work() -> CourseEventPayload:
            org = (
                decode_expected(input.for_organisation_id, "OrgUnit", "input.forOrganisationId")
                if input.for_organisation_id
                else None
            )
            plan = resolve.EventPlan(
                course_id=decode_expected(input.course_id, "InstituteCourse", "input.courseId"),
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                capacity=input.capacity,
                enrolment_deadline=input.enrolment_deadline,
                cancellation_deadline=input.cancellation_deadline,
                location_name=input.location_name.strip()[:200],
                location_address=input.location_address.strip()[:300],
                incompany=input.incompany,
                for_org_unit_id=org,
                meetings=[(m.starts_at, m.ends_at) for m in input.meetings],
            )
            event = await resolve.create_event(info.context, plan)
            return CourseEventPayload(event=await CourseEventNode.build(info.context, event))

        return await attempt(CourseEventPayload, work)

    @requires(
        s.STAFF,
        on="input.instituteId",
        description="Add a category to the institute's catalogue tree, at the root or under "
        "another category. Sibling names are unique.",
    )
    async def create_catalogue_category(
        self,
        info: Info,
        input: Annotated[CreateCatalogueCategoryInput, arg("The institute, parent and name.")],
    ) -> CatalogueCategoryPayload:
        async def work() -> CatalogueCategoryPayload:
            parent = (
                decode_expected(input.parent_id, "CatalogueCategory", "input.parentId")
                if input.parent_id
                else None
            )
            row = await resolve.create_category(
                info.context,
                decode_expected(input.institute_id, "OrgUnit", "input.instituteId"),
                parent,
                input.name,
            )
            return CatalogueCategoryPayload(
                category=await CatalogueCategoryNode.build(info.context, row)
            )

        return await attempt(CatalogueCategoryPayload, work)

    @requires(s.STAFF, on="input.categoryId", description="Rename a catalogue category.")
    async def rename_catalogue_category(
        self,
        info: Info,
        input: Annotated[RenameCatalogueCategoryInput, arg("The category and its new name.")],
    ) -> CatalogueCategoryPayload:
        async def work() -> CatalogueCategoryPayload:
            row = await resolve.rename_category(
                info.context,
                decode_expected(input.category_id, "CatalogueCategory", "input.categoryId"),
                input.name,
            )
            return CatalogueCategoryPayload(
                category=await CatalogueCategoryNode.build(info.context, row)
            )

        return await attempt(CatalogueCategoryPayload, work)

    @requires(
        s.STAFF,
        on="input.categoryId",
        description="Add a course to a category: title, description, duration, price per "
        "participant excluding VAT (cents) and VAT rate.",
    )
    async def create_institute_course(
        self,
        info: Info,
        input: Annotated[CreateInstituteCourseInput, arg("The category and the course.")],
    ) -> InstituteCoursePayload:
        async def work() -> InstituteCoursePayload:
            row = await resolve.create_course(
                info.context,
                resolve.CourseChanges(
                    category_id=decode_expected(
                        input.category_id, "CatalogueCategory", "input.categoryId"
                    ),
                    title=input.title,
                    description=input.description,
                    duration_hours=input.duration_hours,
                    price_cents=input.price_cents,
                    vat_rate_percent=input.vat_rate_percent,
                ),
            )
            return InstituteCoursePayload(course=await CatalogueCourse.build(info.context, row))

        return await attempt(InstituteCoursePayload, work)

    @requires(
        s.STAFF,
        on="input.courseId",
        description="Change a course. New enrolments and invoices use the new price; "
        "invoices already made keep their lines.",
    )
    async def update_institute_course(
        self,
        info: Info,
        input: Annotated[UpdateInstituteCourseInput, arg("The course and what changes.")],
    ) -> InstituteCoursePayload:
        async def work() -> InstituteCoursePayload:
            row = await resolve.update_course(
                info.context,
                decode_expected(input.course_id, "InstituteCourse", "input.courseId"),
                resolve.CourseChanges(
                    category_id=decode_expected(
                        input.category_id, "CatalogueCategory", "input.categoryId"
                    )
                    if input.category_id
                    else None,
                    title=input.title,
                    description=input.description,
                    duration_hours=input.duration_hours,
                    price_cents=input.price_cents,
                    vat_rate_percent=input.vat_rate_percent,
                ),
            )
            return InstituteCoursePayload(course=await CatalogueCourse.build(info.context, row))

        return await attempt(InstituteCoursePayload, work)

    @requires(
        s.STAFF,
        on="input.eventId",
        description="Change an event's dates, location, capacity (never below the seats "
        "already taken) or deadlines.",
    )
    async def update_course_event(
        self,
        info: Info,
        input: Annotated[UpdateCourseEventInput, arg("The event and what changes.")],
    ) -> CourseEventPayload:
        async def work() -> CourseEventPayload:
            changes = resolve.EventChanges(
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                capacity=input.capacity,
                enrolment_deadline=input.enrolment_deadline,
                cancellation_deadline=input.cancellation_deadline,
                location_name=input.location_name,
                location_address=input.location_address,
                incompany=input.incompany,
                meetings=None
                if input.meetings is None
                else [(m.starts_at, m.ends_at) for m in input.meetings],
            )
            event = await resolve.update_event(
                info.context,
                decode_expected(input.event_id, "CourseEvent", "input.eventId"),
                changes,
            )
            return CourseEventPayload(event=await CourseEventNode.build(info.context, event))

        return await attempt(CourseEventPayload, work)

    @requires(
        s.STAFF,
        on="eventId",
        description="Cancel an event that has not ended: all its enrolments (seated and "
        "waitlisted) are cancelled and each participant gets a mail. Credit invoices already "
        "sent with creditInvoice.",
    )
    async def cancel_course_event(
        self, info: Info, event_id: Annotated[strawberry.ID, arg("The event.")]
    ) -> CourseEventPayload:
        async def work() -> CourseEventPayload:
            event = await enrolments.cancel_event(
                info.context, decode_expected(event_id, "CourseEvent", "eventId")
            )
            return CourseEventPayload(event=await CourseEventNode.build(info.context, event))

        return await attempt(CourseEventPayload, work)
