"""An organisation's addresses and billing details with its contacts, and a person's private
or employee details ("Mijn gegevens"), per how they act."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from domain.core.ids import encode_global_id
from domain.core.roles import Scope
from resolvers.context import Context
from resolvers.core.loader_group import referenced
from resolvers.institute import reads
from resolvers.institute import scopes as s
from schema.core.permissions import public_fields, requires


def _o(description: str) -> Any:
    return requires(
        s.ORGANISATION_READ.roles, s.ORGANISATION_READ.relations, description=description
    )


@public_fields
@strawberry.type(description="A contact person of an organisation.")
class OrganisationContact:
    person_id: strawberry.ID = strawberry.field(description="The person's global ID.")
    name: str = strawberry.field(description="Name.")
    email: str = strawberry.field(description="E-mail address (the login).")
    is_admin: bool = strawberry.field(description="Admin of the organisation's customer portal.")


@strawberry.type(description="A client organisation's addresses, billing details and contacts.")
class ClientOrganisationDetails:
    scope: strawberry.Private[Scope]
    READ = s.ORGANISATION_READ
    organisation_id: strawberry.ID = _o(description="The organisation's OrgUnit ID.")
    name: str = _o(description="Name.")
    visiting_address: str = _o(description="Visiting address.")
    postal_address: str = _o(description="Postal address.")
    invoice_address: str = _o(description="Address invoices are sent to.")
    invoice_email: str = _o(description="E-mail address for invoices.")
    vat_number: str = _o(description="VAT number.")
    purchase_order_required: bool = _o(
        description="The organisation requires its purchase-order reference on invoices.",
    )
    purchase_order_reference: str = _o(description="Purchase-order reference for invoices.")
    contacts: list[OrganisationContact] = _o(
        description="Contact persons, admins among them, by name."
    )


async def organisation_details(ctx: Context, org_id: int) -> ClientOrganisationDetails:
    unit = await referenced(ctx.loaders.unit_by_id, org_id)
    row = await ctx.loaders.institute.client_org.load(org_id)
    people = await reads.contacts(ctx, org_id)
    return ClientOrganisationDetails(
        scope=Scope(unit_paths=(unit.path,)),
        organisation_id=strawberry.ID(encode_global_id("OrgUnit", org_id)),
        name=unit.name,
        visiting_address=row.visiting_address if row else "",
        postal_address=row.postal_address if row else "",
        invoice_address=row.invoice_address if row else "",
        invoice_email=row.invoice_email if row else "",
        vat_number=row.vat_number if row else "",
        purchase_order_required=row.purchase_order_required if row else False,
        purchase_order_reference=row.purchase_order_reference if row else "",
        contacts=[
            OrganisationContact(
                person_id=strawberry.ID(encode_global_id("Person", c.person_id)),
                name=c.name,
                email=c.email,
                is_admin=c.is_admin,
            )
            for c in people
        ],
    )


@public_fields
@strawberry.type(description="Private details (privégegevens), shown when acting as yourself.")
class PrivateDetailsInfo:
    address: str = strawberry.field(description="Home address.")
    phone: str = strawberry.field(description="Phone.")
    date_of_birth: date | None = strawberry.field(description="Date of birth.")


@public_fields
@strawberry.type(description="Details as an employee of the organisation you act for.")
class EmployeeDetailsInfo:
    organisation_name: str = strawberry.field(description="The organisation.")
    job_title: str = strawberry.field(description="Job title.")
    work_email: str = strawberry.field(description="Work e-mail address.")
    work_phone: str = strawberry.field(description="Work phone.")
    department: str = strawberry.field(description="Department.")


@public_fields
@strawberry.type(description="Your details as you act now (Mijn gegevens).")
class MyDetails:
    acting_as_organisation: bool = strawberry.field(
        description="True when you act for an organisation (then `employee` is filled)."
    )
    private: PrivateDetailsInfo | None = strawberry.field(
        description="Your private details, when acting as yourself."
    )
    employee: EmployeeDetailsInfo | None = strawberry.field(
        description="Your employee details, when acting for an organisation."
    )

    @classmethod
    async def load(cls, ctx: Context) -> MyDetails:
        person_id = ctx.viewer.person_id
        assert person_id is not None
        acting = ctx.viewer.acting_for_unit_id
        if acting is None:
            person = await referenced(ctx.loaders.person_by_id, person_id)
            row = await ctx.loaders.institute.private_details.load(person_id)
            return cls(
                acting_as_organisation=False,
                private=PrivateDetailsInfo(
                    address=row.address if row else "",
                    phone=(row.phone if row and row.phone else person.phone) or "",
                    date_of_birth=(row.date_of_birth if row else None) or person.date_of_birth,
                ),
                employee=None,
            )
        unit = await referenced(ctx.loaders.unit_by_id, acting)
        emp = await ctx.loaders.institute.employee_details.load((person_id, acting))
        return cls(
            acting_as_organisation=True,
            private=None,
            employee=EmployeeDetailsInfo(
                organisation_name=unit.name,
                job_title=emp.job_title if emp else "",
                work_email=emp.work_email if emp else "",
                work_phone=emp.work_phone if emp else "",
                department=emp.department if emp else "",
            ),
        )
