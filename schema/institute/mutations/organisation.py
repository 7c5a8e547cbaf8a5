"""The organisation admin's mutations (its details and contacts), and a person's own details."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from resolvers.institute import organisation as resolve
from resolvers.institute import scopes as s
from schema.core.info import Info
from schema.core.payloads import arg, attempt, errors_field
from schema.core.permissions import authenticated, public, requires
from schema.core.relay import UserError
from schema.institute.details import MyDetails, organisation_details
from schema.institute.inputs import (
    AddContactInput,
    ClientOrganisationInput,
    MyInstituteDetailsInput,
)
from schema.institute.payloads import ClientOrganisationPayload

EDITORS = (*s.STAFF, *s.ORG_ADMINS)


@strawberry.type(description="Result of changing your details.")
class MyInstituteDetailsPayload:
    details: MyDetails | None = public(description="Your details as they are now.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type
class InstituteOrganisationMutations:
    @requires(
        EDITORS,
        on="input.organisationId",
        description="Change an organisation's addresses and billing details: its admins while "
        "acting for it, and staff. Other contacts only see them.",
    )
    async def update_client_organisation(
        self,
        info: Info,
        input: Annotated[ClientOrganisationInput, arg("The organisation and its new details.")],
    ) -> ClientOrganisationPayload:
        async def work() -> ClientOrganisationPayload:
            org = decode_expected(input.organisation_id, "OrgUnit", "input.organisationId")
            await resolve.update_organisation(
                info.context,
                org,
                {
                    "visiting_address": input.visiting_address,
                    "postal_address": input.postal_address,
                    "invoice_address": input.invoice_address,
                    "invoice_email": input.invoice_email,
                    "vat_number": input.vat_number,
                    "purchase_order_required": input.purchase_order_required,
                    "purchase_order_reference": input.purchase_order_reference,
                },
            )
            return ClientOrganisationPayload(
                organisation=await organisation_details(info.context, org)
            )

        return await attempt(ClientOrganisationPayload, work)

    @requires(
        EDITORS,
        on="input.organisationId",
        description="Add a contact person (nieuw contactpersoon): someone unknown gets an "
        "account and an activation mail (a link, never a password), someone known a notice; "
        "the answer is the same.",
    )
    async def add_organisation_contact(
        self, info: Info, input: Annotated[AddContactInput, arg("The organisation and the person.")]
    ) -> ClientOrganisationPayload:
        async def work() -> ClientOrganisationPayload:
            org = decode_expected(input.organisation_id, "OrgUnit", "input.organisationId")
            await resolve.add_contact(
                info.context,
                org,
                resolve.NewContact(
                    email=input.email,
                    given_name=input.given_name,
                    name_prefix=input.name_prefix,
                    family_name=input.family_name,
                    job_title=input.job_title,
                    department=input.department,
                ),
            )
            return ClientOrganisationPayload(
                organisation=await organisation_details(info.context, org)
            )

        return await attempt(ClientOrganisationPayload, work)

    @requires(
        EDITORS,
        on="organisationId",
        description="Remove a contact person from the organisation (also as admin); their "
        "enrolments and invoices stay as they were made.",
    )
    async def remove_organisation_contact(
        self,
        info: Info,
        organisation_id: Annotated[strawberry.ID, arg("The organisation.")],
        person_id: Annotated[strawberry.ID, arg("The contact to remove.")],
    ) -> ClientOrganisationPayload:
        async def work() -> ClientOrganisationPayload:
            org = decode_expected(organisation_id, "OrgUnit", "organisationId")
            await resolve.remove_contact(
                info.context, org, decode_expected(person_id, "Person", "personId")
            )
            return ClientOrganisationPayload(
                organisation=await organisation_details(info.context, org)
            )

        return await attempt(ClientOrganisationPayload, work)

    @authenticated(
        description="Change your details (Aanpassen): private ones acting as yourself, your "
        "employee details acting for an organisation."
    )
    async def update_my_institute_details(
        self, info: Info, input: Annotated[MyInstituteDetailsInput, arg("The new details.")]
    ) -> MyInstituteDetailsPayload:
        async def work() -> MyInstituteDetailsPayload:
            await resolve.update_my_details(
                info.context,
                {
                    "address": input.address,
                    "phone": input.phone,
                    "date_of_birth": input.date_of_birth,
                },
                {
                    "job_title": input.job_title,
                    "work_email": input.work_email,
                    "work_phone": input.work_phone,
                    "department": input.department,
                },
            )
            return MyInstituteDetailsPayload(details=await MyDetails.load(info.context))

        return await attempt(MyInstituteDetailsPayload, work)
