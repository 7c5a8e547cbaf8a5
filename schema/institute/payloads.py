"""Institute mutation payloads."""

from __future__ import annotations

import strawberry

from schema.core.payloads import errors_field
from schema.core.permissions import public
from schema.core.relay import UserError
from schema.institute.details import ClientOrganisationDetails
from schema.institute.types import CourseEnrolmentNode, InvoiceNode


@strawberry.type(description="Result of enrolling: the enrolment, and whether it is waitlisted.")
class EnrolPayload:
    enrolment: CourseEnrolmentNode | None = public(description="The enrolment.", default=None)
    waitlisted: bool = public(
        description="True when you are on the waiting list (the event was full).", default=False
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of changing one enrolment.")
class CourseEnrolmentPayload:
    enrolment: CourseEnrolmentNode | None = public(description="The enrolment.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of processing several enrolments at once.")
class CourseEnrolmentsPayload:
    enrolments: list[CourseEnrolmentNode] = public(
        description="The enrolments as changed.", default_factory=list
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of creating invoices: one per debtor.")
class InvoicesPayload:
    invoices: list[InvoiceNode] = public(description="The new invoices.", default_factory=list)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of changing an invoice (paid) or crediting it.")
class InvoicePayload:
    invoice: InvoiceNode | None = public(
        description="The invoice (for creditInvoice: the new credit note).", default=None
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of changing an organisation or its contacts.")
class ClientOrganisationPayload:
    organisation: ClientOrganisationDetails | None = public(
        description="The organisation as it is now.", default=None
    )
    errors: list[UserError] = errors_field()
