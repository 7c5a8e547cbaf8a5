"""Institute root queries: the catalogue's events, my courses and invoices, an organisation's
enrolments, invoices and bought events, and the staff's views and dashboard."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.institute.enrolments import EnrolmentStatus as DomainStatus
from domain.institute.invoices import InvoiceStatus as DomainInvoiceStatus
from resolvers.core.pagination import Page, with_items
from resolvers.institute import reads
from resolvers.institute import scopes as s
from schema.core.info import Info
from schema.core.pagination import AFTER, BEFORE, FIRST, LAST, page_request, to_connection
from schema.core.payloads import arg
from schema.core.permissions import authenticated, public_fields, requires
from schema.core.relay import Connection
from schema.core.selection import selected_names
from schema.institute.details import ClientOrganisationDetails, MyDetails, organisation_details
from schema.institute.dossier import DossierItem, dossier_items
from schema.institute.types import (
    CourseEnrolmentNode,
    CourseEventNode,
    EnrolmentStatus,
    InvoiceNode,
    InvoiceStatus,
)


@public_fields
@strawberry.type(description="How full one event is.")
class EventFillRate:
    event: CourseEventNode = strawberry.field(description="The event.")
    capacity: int = strawberry.field(description="Seats.")
    seated: int = strawberry.field(description="Processing and confirmed enrolments.")
    fill_percent: int = strawberry.field(description="Seated as a whole percentage of capacity.")


@public_fields
@strawberry.type(description="Invoiced amounts (incl. VAT, credit notes excluded) of one month.")
class MonthRevenue:
    month: str = strawberry.field(description="Month of the invoice date, YYYY-MM.")
    open_cents: int = strawberry.field(description="Open, not yet due.")
    paid_cents: int = strawberry.field(description="Paid.")
    overdue_cents: int = strawberry.field(description="Open and past the due date.")


@public_fields
@strawberry.type(description="Enrolments (not cancelled) of one category in one month.")
class CategoryMonthCount:
    category: str = strawberry.field(description="Name of the course's category.")
    month: str = strawberry.field(description="Month the enrolments were made, YYYY-MM (UTC).")
    enrolments: int = strawberry.field(description="Number of enrolments.")


@public_fields
@strawberry.type(description="Aggregates for the institute's staff, computed in SQL.")
class InstituteDashboard:
    fill_rates: list[EventFillRate] = strawberry.field(
        description="Fill rate per event of the last year and the future."
    )
    revenue_per_month: list[MonthRevenue] = strawberry.field(
        description="Revenue open / paid / overdue per month."
    )
    enrolments_per_category_month: list[CategoryMonthCount] = strawberry.field(
        description="Enrolments per course category and month."
    )


UPCOMING = arg("True: events from now on; false: past events; null: both.")
STATUSES = arg("Only these statuses; null or empty: every status.")


def _enrolment_needs(info: Info) -> dict[str, bool]:
    """What an enrolment list reads with its page: the people only if names are selected."""
    wanted = selected_names(info)
    return {
        "with_people": bool(wanted & {"participantName", "enrolledByName", "invoicedTo"}),
        "with_total": "totalCount" in wanted,
    }


def _statuses(statuses: list[EnrolmentStatus] | None) -> list[DomainStatus] | None:
    return [DomainStatus(x.value) for x in statuses] if statuses else None


async def _enrolments(info: Info, page: Page) -> Connection[CourseEnrolmentNode]:
    nodes = await CourseEnrolmentNode.build_many(info.context, page.items)
    return to_connection(with_items(page, nodes), lambda n: n)


async def _events(info: Info, page: Page) -> Connection[CourseEventNode]:
    nodes = await CourseEventNode.build_many(info.context, page.items)
    return to_connection(with_items(page, nodes), lambda n: n)


async def _invoices(info: Info, page: Page) -> Connection[InvoiceNode]:
    nodes = await InvoiceNode.build_many(info.context, page.items)
    return to_connection(with_items(page, nodes), lambda n: n)


@strawberry.type
class InstituteQueries:
    @authenticated(
        description="Course events you may see (the catalogue, with seats available): public "
        "events, and maatwerk of the organisations you belong to; staff see their institute's."
    )
    async def course_events(
        self,
        info: Info,
        institute_id: Annotated[
            strawberry.ID | None, arg("Only this institute's events; null: every institute.")
        ] = None,
        upcoming: Annotated[bool | None, UPCOMING] = True,
        search: Annotated[str | None, arg("Part of the course title; null: no filter.")] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[CourseEventNode]:
        institute = (
            decode_expected(institute_id, "OrgUnit", "instituteId") if institute_id else None
        )
        page = await reads.events(
            info.context,
            institute,
            upcoming,
            search,
            None,
            page_request(first, after, last, before),
        )
        return await _events(info, page)

    @authenticated(
        description="Your courses (Mijn cursussen): the events you are enrolled for, newest "
        "first, with confirmation sent, invitation sent, result and attended."
    )
    async def my_course_enrolments(
        self,
        info: Info,
        upcoming: Annotated[bool | None, UPCOMING] = None,
        statuses: Annotated[list[EnrolmentStatus] | None, STATUSES] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[CourseEnrolmentNode]:
        page = await reads.enrolments(
            info.context,
            info.context.viewer.person_id,
            None,
            upcoming,
            _statuses(statuses),
            page_request(first, after, last, before),
            **_enrolment_needs(info),
        )
        return await _enrolments(info, page)

    @authenticated(
        description="Your invoices: acting as yourself the ones addressed to you; acting for "
        "an organisation, that organisation's."
    )
    async def my_invoices(
        self,
        info: Info,
        status: Annotated[
            InvoiceStatus | None, arg("Only this status; null: every status.")
        ] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[InvoiceNode]:
        ctx = info.context
        org = reads.acting_org_with_invoices(ctx)
        page = await reads.invoices(
            ctx,
            ctx.viewer.person_id,
            org,
            DomainInvoiceStatus(status.value) if status else None,
            page_request(first, after, last, before),
        )
        return await _invoices(info, page)

    @authenticated(
        description="Your digital dossier (digitaal dossier): your enrolments, the messages "
        "Portaal sent you and your invoices with their PDF, newest first."
    )
    async def my_dossier(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[DossierItem]:
        page = await reads.dossier(info.context, page_request(first, after, last, before))
        items = await dossier_items(info.context, page)
        return to_connection(with_items(page, items), lambda n: n)

    @authenticated(
        description="Your details as you act now: private (address, phone, date of birth) as "
        "yourself, employee details (job title, work e-mail, department) for an organisation."
    )
    async def my_institute_details(self, info: Info) -> MyDetails:
        return await MyDetails.load(info.context)

    @requires(
        (*s.STAFF, *s.ORG_PEOPLE),
        on="organisationId",
        description="An organisation's enrolments (invoiced to it): for its admins and contacts "
        "while acting for it, and the institute's staff.",
    )
    async def organisation_enrolments(
        self,
        info: Info,
        organisation_id: Annotated[strawberry.ID, arg("The client organisation.")],
        upcoming: Annotated[bool | None, UPCOMING] = None,
        statuses: Annotated[list[EnrolmentStatus] | None, STATUSES] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[CourseEnrolmentNode]:
        org = decode_expected(organisation_id, "OrgUnit", "organisationId")
        page = await reads.enrolments(
            info.context,
            None,
            org,
            upcoming,
            _statuses(statuses),
            page_request(first, after, last, before),
            **_enrolment_needs(info),
        )
        return await _enrolments(info, page)

    @requires(
        (*s.STAFF, *s.ORG_PEOPLE),
        on="organisationId",
        description="An organisation's invoices: for its admins and contacts while acting for "
        "it, and the institute's staff.",
    )
    async def organisation_invoices(
        self,
        info: Info,
        organisation_id: Annotated[strawberry.ID, arg("The client organisation.")],
        status: Annotated[
            InvoiceStatus | None, arg("Only this status; null: every status.")
        ] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[InvoiceNode]:
        org = decode_expected(organisation_id, "OrgUnit", "organisationId")
        page = await reads.invoices(
            info.context,
            None,
            org,
            DomainInvoiceStatus(status.value) if status else None,
            page_request(first, after, last, before),
        )
        return await _invoices(info, page)

    @requires(
        (*s.STAFF, *s.ORG_PEOPLE),
        on="organisationId",
        description="Events the organisation bought (maatwerk; Inschrijven cursussen "
        "organisatie), for its admins and contacts while acting for it, and staff.",
    )
    async def organisation_events(
        self,
        info: Info,
        organisation_id: Annotated[strawberry.ID, arg("The client organisation.")],
        upcoming: Annotated[bool | None, UPCOMING] = True,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[CourseEventNode]:
        org = decode_expected(organisation_id, "OrgUnit", "organisationId")
        page = await reads.events(
            info.context, None, upcoming, None, org, page_request(first, after, last, before)
        )
        return await _events(info, page)

    @requires(
        (*s.STAFF, *s.ORG_PEOPLE),
        on="organisationId",
        description="An organisation's addresses and billing details: its admins and contacts "
        "while acting for it (only admins may change them), and staff.",
    )
    async def client_organisation(
        self,
        info: Info,
        organisation_id: Annotated[strawberry.ID, arg("The client organisation.")],
    ) -> ClientOrganisationDetails:
        org = decode_expected(organisation_id, "OrgUnit", "organisationId")
        return await organisation_details(info.context, org)

    @requires(
        s.STAFF,
        on="eventId",
        description="Everyone enrolled on an event, for the institute's staff.",
    )
    async def event_enrolments(
        self,
        info: Info,
        event_id: Annotated[strawberry.ID, arg("The event.")],
        statuses: Annotated[list[EnrolmentStatus] | None, STATUSES] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[CourseEnrolmentNode]:
        event = decode_expected(event_id, "CourseEvent", "eventId")
        page = await reads.event_enrolments(
            info.context, event, _statuses(statuses), page_request(first, after, last, before)
        )
        return await _enrolments(info, page)

    @requires(
        s.STAFF,
        on="instituteId",
        description="Dashboard aggregates of one institute, for its staff.",
    )
    async def institute_dashboard(
        self,
        info: Info,
        institute_id: Annotated[strawberry.ID, arg("The institute.")],
    ) -> InstituteDashboard:
        ctx = info.context
        institute = decode_expected(institute_id, "OrgUnit", "instituteId")
        rates = await reads.fill_rates(ctx, institute)
        rows = await ctx.loaders.institute.event_by_id.load_many([r.event_id for r in rates])
        events = {
            n.row.id: n for n in await CourseEventNode.build_many(ctx, [r for r in rows if r])
        }
        return InstituteDashboard(
            fill_rates=[
                EventFillRate(
                    event=events[r.event_id],
                    capacity=r.capacity,
                    seated=r.seated,
                    fill_percent=(100 * r.seated // r.capacity) if r.capacity else 0,
                )
                for r in rates
            ],
            revenue_per_month=[
                MonthRevenue(
                    month=m.month,
                    open_cents=m.open_cents,
                    paid_cents=m.paid_cents,
                    overdue_cents=m.overdue_cents,
                )
                for m in await reads.revenue(ctx, institute)
            ],
            enrolments_per_category_month=[
                CategoryMonthCount(category=c, month=m, enrolments=n)
                for c, m, n in await reads.enrolments_per_category(ctx, institute)
            ],
        )
