"""Institute mutation inputs."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from schema.institute.types import EnrolmentResult


@strawberry.input(description="Enrol on a course event.")
class EnrolInput:
    event_id: strawberry.ID = strawberry.field(description="The event (CourseEvent ID).")
    person_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Enrol this contact of the organisation you act for (organisation admins "
        "only); null: enrol yourself.",
    )
    join_waitlist: bool = strawberry.field(
        default=False,
        description="When the event is full, join its waiting list instead of being refused.",
    )


@strawberry.input(description="A result and attendance staff record for an enrolment.")
class CourseResultInput:
    enrolment_id: strawberry.ID = strawberry.field(description="The enrolment.")
    result: EnrolmentResult | None = strawberry.field(
        default=None, description="The result; null clears it."
    )
    attended: bool | None = strawberry.field(
        default=None, description="Whether the participant attended; null: not recorded."
    )


@strawberry.input(description="New details of a client organisation; null leaves a field as is.")
class ClientOrganisationInput:
    organisation_id: strawberry.ID = strawberry.field(description="The organisation.")
    visiting_address: str | None = strawberry.field(default=None, description="Visiting address.")
    postal_address: str | None = strawberry.field(default=None, description="Postal address.")
    invoice_address: str | None = strawberry.field(default=None, description="Invoice address.")
    invoice_email: str | None = strawberry.field(default=None, description="E-mail for invoices.")
    vat_number: str | None = strawberry.field(default=None, description="VAT number.")
    purchase_order_required: bool | None = strawberry.field(
        default=None, description="Require the purchase-order reference on invoices."
    )
    purchase_order_reference: str | None = strawberry.field(
        default=None, description="Purchase-order reference."
    )


@strawberry.input(description="Add a contact person to an organisation.")
class AddContactInput:
    organisation_id: strawberry.ID = strawberry.field(description="The organisation.")
    email: str = strawberry.field(description="E-mail address; someone unknown gets an account.")
    given_name: str = strawberry.field(default="", description="Given name (for someone new).")
    name_prefix: str = strawberry.field(default="", description="Tussenvoegsel (for someone new).")
    family_name: str = strawberry.field(default="", description="Family name (for someone new).")
    job_title: str = strawberry.field(default="", description="Job title at the organisation.")
    department: str = strawberry.field(default="", description="Department.")


@strawberry.input(description="A meeting of an event.")
class MeetingInput:
    starts_at: datetime = strawberry.field(description="Start (ISO 8601 with offset).")
    ends_at: datetime = strawberry.field(description="End (ISO 8601 with offset).")


@strawberry.input(description="A new event of a course.")
class CreateCourseEventInput:
    course_id: strawberry.ID = strawberry.field(description="The course (InstituteCourse ID).")
    starts_at: datetime = strawberry.field(description="Start (ISO 8601 with offset).")
    ends_at: datetime = strawberry.field(description="End (ISO 8601 with offset).")
    capacity: int = strawberry.field(description="Seats (1 to 1000).")
    enrolment_deadline: datetime = strawberry.field(description="Last moment to enrol.")
    cancellation_deadline: datetime = strawberry.field(
        description="Last moment participants can cancel themselves."
    )
    location_name: str = strawberry.field(default="", description="Name of the location.")
    location_address: str = strawberry.field(default="", description="Address of the location.")
    incompany: bool = strawberry.field(
        default=False, description="At the customer's premises (location shows as Incompany)."
    )
    for_organisation_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Maatwerk: only this client organisation's people see it; null: public.",
    )
    meetings: list[MeetingInput] = strawberry.field(
        default_factory=list, description="The meetings; empty: one from start to end."
    )


@strawberry.input(
    description="Change your details: acting as yourself the private ones, acting for an "
    "organisation your employee details there. Null leaves a field as it is."
)
class MyInstituteDetailsInput:
    address: str | None = strawberry.field(default=None, description="Home address (private).")
    phone: str | None = strawberry.field(default=None, description="Phone (private).")
    date_of_birth: date | None = strawberry.field(
        default=None, description="Date of birth (private)."
    )
    job_title: str | None = strawberry.field(default=None, description="Job title (employee).")
    work_email: str | None = strawberry.field(
        default=None, description="Work e-mail address (employee)."
    )
    work_phone: str | None = strawberry.field(default=None, description="Work phone (employee).")
    department: str | None = strawberry.field(default=None, description="Department (employee).")


@strawberry.input(description="A new category of the catalogue tree.")
class CreateCatalogueCategoryInput:
    institute_id: strawberry.ID = strawberry.field(description="The institute (OrgUnit ID).")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The parent category; null: at the root of the catalogue."
    )
    name: str = strawberry.field(description="Name (1 to 200 characters).")


@strawberry.input(description="A category's new name.")
class RenameCatalogueCategoryInput:
    category_id: strawberry.ID = strawberry.field(description="The category.")
    name: str = strawberry.field(description="Name (1 to 200 characters).")


@strawberry.input(description="A new course of the catalogue.")
class CreateInstituteCourseInput:
    category_id: strawberry.ID = strawberry.field(description="The category it belongs in.")
    title: str = strawberry.field(description="Title (1 to 200 characters).")
    description: str = strawberry.field(default="", description="What the course is about.")
    duration_hours: int = strawberry.field(default=8, description="Duration in hours (1-1000).")
    price_cents: int = strawberry.field(
        default=0, description="Price per participant excluding VAT, in euro cents."
    )
    vat_rate_percent: int = strawberry.field(default=21, description="VAT rate: 0, 9 or 21.")


@strawberry.input(description="Changes to a course; null leaves a field as it is.")
class UpdateInstituteCourseInput:
    course_id: strawberry.ID = strawberry.field(description="The course.")
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Move it to this category of the same institute."
    )
    title: str | None = strawberry.field(default=None, description="Title.")
    description: str | None = strawberry.field(default=None, description="Description.")
    duration_hours: int | None = strawberry.field(default=None, description="Duration in hours.")
    price_cents: int | None = strawberry.field(
        default=None, description="Price per participant excluding VAT, in euro cents."
    )
    vat_rate_percent: int | None = strawberry.field(
        default=None, description="VAT rate: 0, 9 or 21."
    )


@strawberry.input(
    description="Changes to an event; null leaves a field as it is. The capacity can never be "
    "below the seats already taken."
)
class UpdateCourseEventInput:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    starts_at: datetime | None = strawberry.field(default=None, description="Start.")
    ends_at: datetime | None = strawberry.field(default=None, description="End.")
    capacity: int | None = strawberry.field(default=None, description="Seats (1 to 1000).")
    enrolment_deadline: datetime | None = strawberry.field(
        default=None, description="Last moment to enrol."
    )
    cancellation_deadline: datetime | None = strawberry.field(
        default=None, description="Last moment participants can cancel themselves."
    )
    location_name: str | None = strawberry.field(default=None, description="Location name.")
    location_address: str | None = strawberry.field(default=None, description="Location address.")
    incompany: bool | None = strawberry.field(
        default=None, description="At the customer's premises."
    )
    meetings: list[MeetingInput] | None = strawberry.field(
        default=None,
        description="Replace the meetings; null: as they are (a single meeting spanning the "
        "event moves with its dates).",
    )
