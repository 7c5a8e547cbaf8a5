"""The institute in GraphQL: course events with their course, enrolments, invoices, and the
organisation's and person's details. Who may read what: resolvers/institute/scopes.py."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar, cast

import strawberry

from domain.core.ids import encode_global_id
from domain.core.roles import Requirement, Scope
from domain.institute import enrolments as enrolment_rules
from domain.institute import invoices as invoice_rules
from persistence.core.models import OrgUnit
from persistence.institute.models import (
    CatalogueCategory,
    CourseEvent,
    EventMeeting,
    InstituteCourse,
    InstituteEnrolment,
    Invoice,
    InvoiceLine,
    pk,
)
from resolvers.context import Context
from resolvers.core.loader_group import referenced
from resolvers.core.prefetch import MISSING, peek
from resolvers.institute import scopes
from resolvers.institute.reads import invoice_pdf_url, today
from schema.core.info import Info
from schema.core.node import register_node
from schema.core.permissions import public_fields, requires
from schema.core.relay import Node

EVENT_READ = scopes.EVENT_READ
ENROLMENT_READ = scopes.ENROLMENT_READ
INVOICE_READ = scopes.INVOICE_READ
CATALOGUE_READ = scopes.CATALOGUE_READ


T = TypeVar("T")


def _later(awaitable: Awaitable[T]) -> T:
    """Not prefetched: resolve it by loading. graphql-core awaits what a sync resolver returns."""
    return cast(T, awaitable)


def _f(req: Requirement, description: str) -> Any:
    return requires(req.roles, req.relations, description=description)


@strawberry.enum(
    description="Where an enrolment is: PROCESSING → CONFIRMED, WAITLISTED, CANCELLED."
)
class EnrolmentStatus(Enum):
    PROCESSING = strawberry.enum_value(
        "PROCESSING", description="In behandeling: a seat is held; staff will confirm it."
    )
    CONFIRMED = strawberry.enum_value(
        "CONFIRMED", description="Confirmed by the institute; the confirmation mail was sent."
    )
    WAITLISTED = strawberry.enum_value(
        "WAITLISTED", description="On the waiting list; promoted when a seat frees up."
    )
    CANCELLED = strawberry.enum_value("CANCELLED", description="Cancelled.")


@strawberry.enum(description="The result staff record after an event.")
class EnrolmentResult(Enum):
    PASSED = strawberry.enum_value("PASSED", description="Geslaagd.")
    COMPLETED = strawberry.enum_value("COMPLETED", description="Afgerond (no exam).")
    NOT_PASSED = strawberry.enum_value("NOT_PASSED", description="Niet geslaagd.")


@strawberry.enum(description="Where an invoice is.")
class InvoiceStatus(Enum):
    OPEN = strawberry.enum_value("OPEN", description="Not paid yet.")
    PAID = strawberry.enum_value("PAID", description="Paid (see paidOn).")
    CREDITED = strawberry.enum_value(
        "CREDITED", description="Cancelled by a credit note (or: this is the credit note)."
    )


@strawberry.type(
    name="CatalogueCategory",
    description="A category of the institute's catalogue tree (Ons aanbod » Cursussen & "
    "Trainingen » …). Open to every logged-in person, like the courses.",
)
class CatalogueCategoryNode(Node):
    row: strawberry.Private[CatalogueCategory]
    scope: strawberry.Private[Scope]
    READ = CATALOGUE_READ

    @classmethod
    async def build(cls, ctx: Context, row: CatalogueCategory) -> CatalogueCategoryNode:
        institute = await referenced(ctx.loaders.unit_by_id, row.institute_id)
        return cls(
            id=strawberry.ID(encode_global_id("CatalogueCategory", pk(row))),
            row=row,
            scope=Scope(unit_paths=(institute.path,), person_id=ctx.viewer.person_id),
        )

    @_f(CATALOGUE_READ, "Name.")
    def name(self) -> str:
        return self.row.name

    @_f(CATALOGUE_READ, "The parent category; null at the root of the catalogue.")
    async def parent(self, info: Info) -> CatalogueCategoryNode | None:
        if self.row.parent_id is None:
            return None
        row = await referenced(info.context.loaders.institute.category_by_id, self.row.parent_id)
        return await CatalogueCategoryNode.build(info.context, row)


@strawberry.type(
    name="InstituteCourse", description="A course of the institute's catalogue (Ons aanbod)."
)
class CatalogueCourse(Node):
    row: strawberry.Private[InstituteCourse]
    scope: strawberry.Private[Scope]
    READ = CATALOGUE_READ

    @classmethod
    async def build(cls, ctx: Context, row: InstituteCourse) -> CatalogueCourse:
        institute = await referenced(ctx.loaders.unit_by_id, row.institute_id)
        return cls.in_institute(ctx, row, institute)

    @classmethod
    def in_institute(
        cls, ctx: Context, row: InstituteCourse, institute: OrgUnit
    ) -> CatalogueCourse:
        """The catalogue is open to every logged-in person, like a public event."""
        return cls(
            id=strawberry.ID(encode_global_id("InstituteCourse", pk(row))),
            row=row,
            scope=Scope(unit_paths=(institute.path,), person_id=ctx.viewer.person_id),
        )

    @_f(CATALOGUE_READ, "Title.")
    def title(self) -> str:
        return self.row.title

    @_f(CATALOGUE_READ, "What the course is about.")
    def description(self) -> str:
        return self.row.description

    @_f(CATALOGUE_READ, "Duration in hours.")
    def duration_hours(self) -> int:
        return self.row.duration_hours

    @_f(CATALOGUE_READ, "Price per participant, excluding VAT, in euro cents.")
    def price_cents(self) -> int:
        return self.row.price_cents

    @_f(CATALOGUE_READ, "VAT rate in percent (21, 9 or 0).")
    def vat_rate_percent(self) -> int:
        return self.row.vat_rate_percent

    @_f(CATALOGUE_READ, "The category the course is in.")
    async def category(self, info: Info) -> CatalogueCategoryNode:
        row = await referenced(info.context.loaders.institute.category_by_id, self.row.category_id)
        return await CatalogueCategoryNode.build(info.context, row)

    @_f(
        CATALOGUE_READ,
        'Categories from the root, e.g. ["Ons aanbod", "Cursussen & Trainingen", "Agro & Groen"].',
    )
    async def category_path(self, info: Info) -> list[str]:
        loader = info.context.loaders.institute.category_by_id
        names: list[str] = []
        category: CatalogueCategory | None = await loader.load(self.row.category_id)
        while category is not None:
            names.insert(0, category.name)
            category = await loader.load(category.parent_id) if category.parent_id else None
        return names


@public_fields
@strawberry.type(description="One meeting (bijeenkomst) of an event.")
class EventMeetingInfo:
    starts_at: datetime = strawberry.field(description="Start (ISO 8601, UTC).")
    ends_at: datetime = strawberry.field(description="End (ISO 8601, UTC).")

    @classmethod
    def of(cls, row: EventMeeting) -> EventMeetingInfo:
        return cls(starts_at=row.starts_at, ends_at=row.ends_at)


@strawberry.type(
    name="CourseEvent",
    description="A dated run of a course with seats. Public, or bought by one organisation "
    "(maatwerk) and then visible only to that organisation's people and the institute's staff.",
)
class CourseEventNode(Node):
    row: strawberry.Private[CourseEvent]
    scope: strawberry.Private[Scope]
    READ = EVENT_READ

    @classmethod
    async def build(cls, ctx: Context, row: CourseEvent) -> CourseEventNode:
        return (await cls.build_many(ctx, [row]))[0]

    @classmethod
    async def build_many(cls, ctx: Context, rows: Sequence[CourseEvent]) -> list[CourseEventNode]:
        keys = {r.institute_id for r in rows} | {
            r.for_org_unit_id for r in rows if r.for_org_unit_id
        }
        units = dict(zip(keys, await ctx.loaders.unit_by_id.load_many(list(keys)), strict=True))
        return [cls._make(ctx, r, units) for r in rows]

    @classmethod
    def _make(cls, ctx: Context, row: CourseEvent, units: dict[int, Any]) -> CourseEventNode:
        return cls(
            id=strawberry.ID(encode_global_id("CourseEvent", pk(row))),
            row=row,
            scope=scopes.event_scope(
                row,
                cast(OrgUnit, units[row.institute_id]),
                units.get(row.for_org_unit_id) if row.for_org_unit_id else None,
                ctx.viewer,
            ),
        )

    @classmethod
    def ready(cls, ctx: Context, row: CourseEvent) -> CourseEventNode | None:
        """The node without awaiting, when its units were prefetched; None otherwise."""
        keys = [row.institute_id] + ([row.for_org_unit_id] if row.for_org_unit_id else [])
        units = {k: peek(ctx.loaders.unit_by_id, k) for k in keys}
        if any(u is MISSING or u is None for u in units.values()):
            return None
        return cls._make(ctx, row, units)

    @_f(EVENT_READ, "The course.")
    def course(self, info: Info) -> CatalogueCourse:
        ctx = info.context
        row = peek(ctx.loaders.institute.course_by_id, self.row.course_id)
        institute = peek(ctx.loaders.unit_by_id, self.row.institute_id)
        if row is MISSING or institute is MISSING or row is None or institute is None:
            return _later(self._load_course(info))
        return CatalogueCourse.in_institute(ctx, row, institute)

    async def _load_course(self, info: Info) -> CatalogueCourse:
        ctx = info.context
        row = await referenced(ctx.loaders.institute.course_by_id, self.row.course_id)
        return CatalogueCourse.in_institute(
            ctx, row, await referenced(ctx.loaders.unit_by_id, self.row.institute_id)
        )

    @_f(EVENT_READ, "First day's start (ISO 8601, UTC).")
    def starts_at(self) -> datetime:
        return self.row.starts_at

    @_f(EVENT_READ, "Last day's end (ISO 8601, UTC).")
    def ends_at(self) -> datetime:
        return self.row.ends_at

    @_f(EVENT_READ, "The meetings in order.")
    async def meetings(self, info: Info) -> list[EventMeetingInfo]:
        rows = await info.context.loaders.institute.meetings_by_event.load(pk(self.row))
        return [EventMeetingInfo.of(m) for m in rows]

    @_f(EVENT_READ, 'Name of the location, or "Incompany" at the customer\'s.')
    def location_name(self) -> str:
        return self.row.location_name

    @_f(EVENT_READ, "Address of the location; empty for Incompany.")
    def location_address(self) -> str:
        return self.row.location_address

    @_f(EVENT_READ, "Held at the customer's premises.")
    def incompany(self) -> bool:
        return self.row.incompany

    @_f(EVENT_READ, "Number of seats.")
    def capacity(self) -> int:
        return self.row.capacity

    @_f(EVENT_READ, "Seats still available (capacity minus processing and confirmed enrolments).")
    async def seats_available(self, info: Info) -> int:
        seated = await info.context.loaders.institute.seated_by_event.load(pk(self.row))
        return enrolment_rules.seats_left(self.row.capacity, seated)

    @_f(EVENT_READ, "Last moment to enrol (ISO 8601, UTC).")
    def enrolment_deadline(self) -> datetime:
        return self.row.enrolment_deadline

    @_f(EVENT_READ, "Last moment participants can cancel themselves (ISO 8601, UTC).")
    def cancellation_deadline(self) -> datetime:
        return self.row.cancellation_deadline

    @_f(EVENT_READ, "When the institute cancelled the event (ISO 8601, UTC); null: it goes ahead.")
    def cancelled_at(self) -> datetime | None:
        return self.row.cancelled_at

    @_f(EVENT_READ, "Bought by one organisation only (maatwerk).")
    def maatwerk(self) -> bool:
        return self.row.for_org_unit_id is not None


@strawberry.type(
    name="CourseEnrolment",
    description="A person on a course event: who enrolled them, who is invoiced, the status, "
    "confirmation and invitation sent, result and attendance.",
)
class CourseEnrolmentNode(Node):
    row: strawberry.Private[InstituteEnrolment]
    scope: strawberry.Private[Scope]
    READ = ENROLMENT_READ

    @classmethod
    async def build(cls, ctx: Context, row: InstituteEnrolment) -> CourseEnrolmentNode:
        return (await cls.build_many(ctx, [row]))[0]

    @classmethod
    async def build_many(
        cls, ctx: Context, rows: Sequence[InstituteEnrolment]
    ) -> list[CourseEnrolmentNode]:
        units = await ctx.loaders.unit_by_id.load_many([scopes.enrolment_unit_id(r) for r in rows])
        return [
            cls(
                id=strawberry.ID(encode_global_id("CourseEnrolment", pk(r))),
                row=r,
                scope=scopes.enrolment_scope(r, cast(OrgUnit, u)),
            )
            for r, u in zip(rows, units, strict=True)
        ]

    @_f(ENROLMENT_READ, "The event.")
    def event(self, info: Info) -> CourseEventNode:
        ctx = info.context
        row = peek(ctx.loaders.institute.event_by_id, self.row.event_id)
        node = CourseEventNode.ready(ctx, row) if row is not MISSING and row else None
        return node or _later(self._load_event(info))

    async def _load_event(self, info: Info) -> CourseEventNode:
        row = await referenced(info.context.loaders.institute.event_by_id, self.row.event_id)
        return await CourseEventNode.build(info.context, row)

    @_f(ENROLMENT_READ, "The participant's name.")
    def participant_name(self, info: Info) -> str:
        person = peek(info.context.loaders.person_by_id, self.row.person_id)
        if person is MISSING or person is None:
            return _later(self._load_participant_name(info))
        return str(person.display_name)

    async def _load_participant_name(self, info: Info) -> str:
        person = await referenced(info.context.loaders.person_by_id, self.row.person_id)
        return person.display_name

    @_f(ENROLMENT_READ, "Who enrolled the participant (themself or their organisation admin).")
    def enrolled_by_name(self, info: Info) -> str | None:
        if self.row.enrolled_by_person_id is None:
            return None
        person = peek(info.context.loaders.person_by_id, self.row.enrolled_by_person_id)
        if person is MISSING:
            return _later(self._load_enrolled_by_name(info, self.row.enrolled_by_person_id))
        return person.display_name if person else None

    async def _load_enrolled_by_name(self, info: Info, person_id: int) -> str | None:
        person = await info.context.loaders.person_by_id.load(person_id)
        return person.display_name if person else None

    @_f(ENROLMENT_READ, "Name of who is invoiced: the organisation, or the participant.")
    async def invoiced_to(self, info: Info) -> str:
        if self.row.invoice_org_unit_id is not None:
            unit = await referenced(info.context.loaders.unit_by_id, self.row.invoice_org_unit_id)
            return unit.name
        return await self._load_participant_name(info)

    @_f(ENROLMENT_READ, "True when an organisation is invoiced, false when the person is.")
    def invoiced_to_organisation(self) -> bool:
        return self.row.invoice_org_unit_id is not None

    @_f(ENROLMENT_READ, "Status.")
    def status(self) -> EnrolmentStatus:
        return EnrolmentStatus(self.row.status.value)

    @_f(ENROLMENT_READ, "When the confirmation mail was sent; null if not yet.")
    def confirmation_sent_at(self) -> datetime | None:
        return self.row.confirmation_sent_at

    @_f(ENROLMENT_READ, "When the invitation was sent; null if not yet.")
    def invitation_sent_at(self) -> datetime | None:
        return self.row.invitation_sent_at

    @_f(ENROLMENT_READ, "Result, once staff recorded it.")
    def result(self) -> EnrolmentResult | None:
        return EnrolmentResult(self.row.result.value) if self.row.result else None

    @_f(ENROLMENT_READ, "Attended, once staff recorded it.")
    def attended(self) -> bool | None:
        return self.row.attended

    @_f(ENROLMENT_READ, "When the enrolment was made.")
    def created_at(self) -> datetime:
        return self.row.created_at


@public_fields
@strawberry.type(description="A line of an invoice.")
class InvoiceLineInfo:
    row: strawberry.Private[InvoiceLine]

    @strawberry.field(description="What was supplied: course, date, participant.")
    def description(self) -> str:
        return self.row.description

    @strawberry.field(description="Quantity.")
    def quantity(self) -> int:
        return self.row.quantity

    @strawberry.field(description="Unit price excluding VAT, in euro cents.")
    def unit_price_cents(self) -> int:
        return self.row.unit_price_cents

    @strawberry.field(description="VAT rate in percent.")
    def vat_rate_percent(self) -> int:
        return self.row.vat_rate_percent

    @strawberry.field(description="Quantity × unit price, excluding VAT, in euro cents.")
    def amount_cents(self) -> int:
        return self.row.quantity * self.row.unit_price_cents


@public_fields
@strawberry.type(description="VAT of one rate on an invoice.")
class VatAmount:
    rate_percent: int = strawberry.field(description="VAT rate in percent.")
    base_cents: int = strawberry.field(description="Amount excluding VAT at this rate, in cents.")
    vat_cents: int = strawberry.field(description="VAT at this rate, in cents.")


@strawberry.type(
    name="Invoice",
    description="An invoice or credit note of the institute; amounts in integer euro cents.",
)
class InvoiceNode(Node):
    row: strawberry.Private[Invoice]
    scope: strawberry.Private[Scope]
    READ = INVOICE_READ

    @classmethod
    async def build(cls, ctx: Context, row: Invoice) -> InvoiceNode:
        return (await cls.build_many(ctx, [row]))[0]

    @classmethod
    async def build_many(cls, ctx: Context, rows: Sequence[Invoice]) -> list[InvoiceNode]:
        units = await ctx.loaders.unit_by_id.load_many([scopes.invoice_unit_id(r) for r in rows])
        return [
            cls(
                id=strawberry.ID(encode_global_id("Invoice", pk(r))),
                row=r,
                scope=scopes.invoice_scope(r, cast(OrgUnit, u)),
            )
            for r, u in zip(rows, units, strict=True)
        ]

    @_f(INVOICE_READ, "Invoice number, e.g. 2026-000123 (gapless per institute and year).")
    def number(self) -> str:
        return self.row.number

    @_f(INVOICE_READ, "True for a credit note.")
    def is_credit_note(self) -> bool:
        return self.row.credits_invoice_id is not None

    @_f(INVOICE_READ, "On a credit note: the number of the invoice it credits.")
    async def credits_invoice_number(self, info: Info) -> str | None:
        if self.row.credits_invoice_id is None:
            return None
        row = await info.context.loaders.institute.invoice_by_id.load(self.row.credits_invoice_id)
        return row.number if row else None

    @_f(INVOICE_READ, "Debtor's name as it was when invoiced.")
    def debtor_name(self) -> str:
        return self.row.debtor_name

    @_f(INVOICE_READ, "Debtor's invoice address as it was when invoiced.")
    def debtor_address(self) -> str:
        return self.row.debtor_address

    @_f(INVOICE_READ, "Debtor's VAT number, if any.")
    def debtor_vat_number(self) -> str:
        return self.row.debtor_vat_number

    @_f(INVOICE_READ, "The customer's purchase-order reference, if any.")
    def purchase_order_reference(self) -> str:
        return self.row.purchase_order_reference

    @_f(INVOICE_READ, "Invoice date.")
    def issue_date(self) -> date:
        return self.row.issue_date

    @_f(INVOICE_READ, "Due date.")
    def due_date(self) -> date:
        return self.row.due_date

    @_f(INVOICE_READ, "Status.")
    def status(self) -> InvoiceStatus:
        return InvoiceStatus(self.row.status.value)

    @_f(INVOICE_READ, "When it was paid.")
    def paid_on(self) -> date | None:
        return self.row.paid_on

    @_f(INVOICE_READ, "Open and past its due date.")
    def overdue(self) -> bool:
        return invoice_rules.is_overdue(self.row.status, self.row.due_date, today())

    @_f(INVOICE_READ, "The lines.")
    async def lines(self, info: Info) -> list[InvoiceLineInfo]:
        rows = await info.context.loaders.institute.lines_by_invoice.load(pk(self.row))
        return [InvoiceLineInfo(row=x) for x in rows]

    @_f(INVOICE_READ, "VAT per rate.")
    async def vat_per_rate(self, info: Info) -> list[VatAmount]:
        rows = await info.context.loaders.institute.lines_by_invoice.load(pk(self.row))
        total = invoice_rules.totals(
            invoice_rules.Line(x.quantity, x.unit_price_cents, x.vat_rate_percent) for x in rows
        )
        bases: dict[int, int] = {}
        for x in rows:
            bases[x.vat_rate_percent] = (
                bases.get(x.vat_rate_percent, 0) + x.quantity * x.unit_price_cents
            )
        return [
            VatAmount(rate_percent=rate, base_cents=bases[rate], vat_cents=cents)
            for rate, cents in total.vat_by_rate.items()
        ]

    @_f(INVOICE_READ, "Total excluding VAT, in euro cents.")
    def total_excl_vat_cents(self) -> int:
        return self.row.total_excl_vat_cents

    @_f(INVOICE_READ, "Total VAT, in euro cents.")
    def total_vat_cents(self) -> int:
        return self.row.total_vat_cents

    @_f(INVOICE_READ, "Total including VAT, in euro cents.")
    def total_incl_vat_cents(self) -> int:
        return self.row.total_incl_vat_cents

    @_f(INVOICE_READ, "Currency of the amounts (ISO 4217).")
    def currency(self) -> str:
        return "EUR"

    @_f(INVOICE_READ, "Signed link to the PDF, valid for an hour.")
    def pdf_url(self, info: Info) -> str:
        return invoice_pdf_url(info.context, pk(self.row))


register_node("CourseEvent", CourseEventNode.build, lambda ctx: ctx.loaders.institute.event_by_id)
register_node(
    "CourseEnrolment",
    CourseEnrolmentNode.build,
    lambda ctx: ctx.loaders.institute.enrolment_by_id,
)
register_node(
    "InstituteCourse", CatalogueCourse.build, lambda ctx: ctx.loaders.institute.course_by_id
)
register_node(
    "CatalogueCategory",
    CatalogueCategoryNode.build,
    lambda ctx: ctx.loaders.institute.category_by_id,
)
register_node("Invoice", InvoiceNode.build, lambda ctx: ctx.loaders.institute.invoice_by_id)

INSTITUTE_NODE_TYPES: list[Any] = [
    CatalogueCategoryNode,
    CatalogueCourse,
    CourseEventNode,
    CourseEnrolmentNode,
    InvoiceNode,
]
