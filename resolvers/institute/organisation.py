"""The organisation admin's part: the organisation's details and its contacts; and a person's
own details ("Aanpassen"), private or as an employee, per how they act."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.core import accounts
from domain.core.emails import normalize_email
from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import Role
from domain.core.texts import N_
from persistence.core import people as people_q
from persistence.core.models import Language, OrgUnit
from persistence.institute import queries as q
from persistence.institute.models import ClientOrganisation, EmployeeDetails, PrivateDetails
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.access import notify_added
from resolvers.core.accounts import new_account
from resolvers.core.tree import not_found

TOO_LONG = N_("At most {max} characters")
NOT_YOURSELF = N_("You cannot remove yourself; ask another admin of the organisation")
NOT_A_CONTACT = N_("This person is not a contact of the organisation")

# (field, max length) of the organisation's editable details.
ORGANISATION_FIELDS = {
    "visiting_address": 300,
    "postal_address": 300,
    "invoice_address": 300,
    "invoice_email": 254,
    "vat_number": 20,
    "purchase_order_reference": 60,
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def clean(value: str, field: str, max_length: int) -> str:
    text = " ".join(value.split())
    if len(text) > max_length:
        raise DomainError(ErrorCode.INVALID, TOO_LONG, field, max=max_length)
    return text


async def update_organisation(
    ctx: Context, org_id: int, changes: dict[str, str | bool | None]
) -> None:
    """Admins of the organisation (acting for it) and staff edit its details; contacts only see
    them (the permission bound to the organisation decided that before this runs)."""
    values: dict[str, str | bool] = {}
    for name, value in changes.items():
        if value is None:
            continue
        if isinstance(value, bool):
            values[name] = value
            continue
        text = clean(value, f"input.{_camel(name)}", ORGANISATION_FIELDS[name])
        if name == "invoice_email" and text:
            text = normalize_email(text, "input.invoiceEmail")
        values[name] = text
    async with ctx.uow() as uow:
        row = await uow.get(ClientOrganisation, org_id)
        if row is None:
            row = uow.add(ClientOrganisation(unit_id=org_id))
        for name, value in values.items():
            setattr(row, name, value)
        await uow.audit("CLIENT_ORGANISATION_UPDATED", unit=org_id, detail=",".join(sorted(values)))
        await uow.commit()


@dataclass
class NewContact:
    email: str
    given_name: str
    name_prefix: str
    family_name: str
    job_title: str
    department: str


async def add_contact(ctx: Context, org_id: int, new: NewContact) -> None:
    """Someone known becomes a contact (and is told); someone unknown gets an account and an
    activation mail ("nieuw contactpersoon"). The answer is the same in both cases."""
    address = normalize_email(new.email, "input.email")
    given = accounts.clean_name(new.given_name, "input.givenName")
    prefix = accounts.clean_name(new.name_prefix, "input.namePrefix")
    family = accounts.clean_name(new.family_name, "input.familyName")
    job_title = clean(new.job_title, "input.jobTitle", 100)
    department = clean(new.department, "input.department", 100)
    async with ctx.uow() as uow:
        unit = await uow.get(OrgUnit, org_id)
        if unit is None:
            raise not_found("input.organisationId")
        person = await people_q.person_by_email(uow.session, address)
        if person is None:
            person = await new_account(
                ctx,
                uow,
                address,
                mail={"organisation": unit.name},
                given_name=given,
                name_prefix=prefix,
                family_name=family,
                language=Language.NL,
            )
        else:
            await notify_added(ctx, uow.session, person, unit.name, utcnow())
        assert person.id is not None
        await people_q.assign_role(uow.session, person.id, Role.CONTACT, org_id)
        details = await q.employee_details_of(uow.session, person.id, org_id)
        if details is None:
            details = uow.add(EmployeeDetails(person_id=person.id, org_unit_id=org_id))
        details.job_title = job_title or details.job_title
        details.department = department or details.department
        details.work_email = details.work_email or address
        await uow.audit("CONTACT_ADDED", subject=person.id, unit=org_id)
        await uow.commit()


async def remove_contact(ctx: Context, org_id: int, person_id: int) -> None:
    """The person stops being a contact (and admin) of the organisation; their enrolments and
    invoices stay, as they were made."""
    if person_id == ctx.viewer.person_id:
        raise DomainError(ErrorCode.CONFLICT, NOT_YOURSELF, "personId")
    async with ctx.uow() as uow:
        removed = await q.remove_org_roles(uow.session, person_id, org_id)
        if not removed:
            raise DomainError(ErrorCode.NOT_FOUND, NOT_A_CONTACT, "personId")
        await uow.audit("CONTACT_REMOVED", subject=person_id, unit=org_id)
        await uow.commit()


async def update_my_details(
    ctx: Context,
    private: dict[str, str | date | None],
    employee: dict[str, str | None],
) -> None:
    """Acting as yourself you change your private details; acting for an organisation, your
    details as its employee. Fields of the other kind are refused, not silently ignored."""
    person_id = ctx.viewer.person_id
    assert person_id is not None
    acting = ctx.viewer.acting_for_unit_id
    given = private if acting is None else employee
    other = employee if acting is None else private
    wrong = [name for name, value in other.items() if value is not None]
    if wrong:
        raise DomainError(
            ErrorCode.INVALID,
            N_("Act as yourself for private details, for the organisation for employee details"),
            f"input.{_camel(wrong[0])}",
        )
    limits = {
        "address": 300,
        "phone": 40,
        "job_title": 100,
        "work_email": 254,
        "work_phone": 40,
        "department": 100,
    }
    values: dict[str, str | date] = {}
    for name, value in given.items():
        if value is None:
            continue
        if isinstance(value, date):
            if value > utcnow().date():
                raise DomainError(
                    ErrorCode.INVALID,
                    N_("The date of birth lies in the future"),
                    "input.dateOfBirth",
                )
            values[name] = value
            continue
        text = clean(value, f"input.{_camel(name)}", limits[name])
        if name == "work_email" and text:
            text = normalize_email(text, "input.workEmail")
        values[name] = text
    async with ctx.uow() as uow:
        row: PrivateDetails | EmployeeDetails | None
        if acting is None:
            row = await uow.get(PrivateDetails, person_id)
            if row is None:
                row = uow.add(PrivateDetails(person_id=person_id))
        else:
            row = await q.employee_details_of(uow.session, person_id, acting)
            if row is None:
                row = uow.add(EmployeeDetails(person_id=person_id, org_unit_id=acting))
        for name, value in values.items():
            setattr(row, name, value)
        await uow.audit("INSTITUTE_DETAILS_UPDATED", subject=person_id, unit=acting)
        await uow.commit()
