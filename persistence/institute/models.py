"""The institute: client organisations' details, people's details, the catalogue, events,
enrolments and invoices. Names carry `institute_` where the academy has a table of that name."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.institute.enrolments import EnrolmentResult, EnrolmentStatus
from domain.institute.invoices import InvoiceStatus
from persistence.types import enum_column, foreign_key, timestamp


def pk(row: SQLModel) -> int:
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{type(row).__name__} is not stored yet"
    return value


def _unit_pk() -> sa.Column[int]:
    return sa.Column(sa.Integer, sa.ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True)


class InstituteDetails(SQLModel, table=True):
    """The supplier on every invoice: the institute's address, KvK and VAT number."""

    __tablename__ = "institute_details"

    unit_id: int = Field(sa_column=_unit_pk())
    address: str = Field(default="", max_length=300)
    kvk_number: str = Field(default="", max_length=20)
    vat_number: str = Field(default="", max_length=20)
    iban: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)


class ClientOrganisation(SQLModel, table=True):
    """A client organisation's (klantorganisatie) addresses and billing details."""

    __tablename__ = "client_organisation"

    unit_id: int = Field(sa_column=_unit_pk())
    visiting_address: str = Field(default="", max_length=300)
    postal_address: str = Field(default="", max_length=300)
    invoice_address: str = Field(default="", max_length=300)
    invoice_email: str = Field(default="", max_length=254)
    vat_number: str = Field(default="", max_length=20)
    # Some customers require their purchase-order reference on every invoice.
    purchase_order_required: bool = False
    purchase_order_reference: str = Field(default="", max_length=60)


class PrivateDetails(SQLModel, table=True):
    """A person's private details (privégegevens), shown when acting as themself."""

    __tablename__ = "person_private_details"

    person_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
        )
    )
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)
    date_of_birth: date | None = None


class EmployeeDetails(SQLModel, table=True):
    """A person's details as an employee of one organisation, shown when acting for it."""

    __tablename__ = "employee_details"
    __table_args__ = (sa.UniqueConstraint("person_id", "org_unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = foreign_key("person.id")
    org_unit_id: int = foreign_key("org_unit.id")
    job_title: str = Field(default="", max_length=100)
    work_email: str = Field(default="", max_length=254)
    work_phone: str = Field(default="", max_length=40)
    department: str = Field(default="", max_length=100)


class CatalogueCategory(SQLModel, table=True):
    """A category of the catalogue tree ("Ons aanbod » Cursussen & Trainingen » Agro & Groen")."""

    __tablename__ = "catalogue_category"

    id: int | None = Field(default=None, primary_key=True)
    institute_id: int = foreign_key("org_unit.id")
    parent_id: int | None = foreign_key("catalogue_category.id", nullable=True)
    name: str = Field(max_length=200)
    position: int = 0


class InstituteCourse(SQLModel, table=True):
    __tablename__ = "institute_course"

    id: int | None = Field(default=None, primary_key=True)
    institute_id: int = foreign_key("org_unit.id")
    category_id: int = foreign_key("catalogue_category.id")
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    duration_hours: int = 8
    price_cents: int = 0  # per participant, excluding VAT
    vat_rate_percent: int = 21


class CourseEvent(SQLModel, table=True):
    """A dated run of a course (uitvoering). `for_org_unit_id` set: bought by that organisation
    only ("maatwerk"), invisible to everyone else. The row is also the lock that serialises
    enrolments on the event (see resolvers/institute/enrolments.py)."""

    __tablename__ = "course_event"
    __table_args__ = (sa.Index("ix_course_event_starts_at", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    institute_id: int = foreign_key("org_unit.id")
    course_id: int = foreign_key("institute_course.id")
    for_org_unit_id: int | None = foreign_key("org_unit.id", nullable=True)
    starts_at: datetime = timestamp()
    ends_at: datetime = timestamp()
    location_name: str = Field(default="", max_length=200)  # "Incompany" at the customer's
    location_address: str = Field(default="", max_length=300)
    incompany: bool = False
    capacity: int = 12
    enrolment_deadline: datetime = timestamp()
    cancellation_deadline: datetime = timestamp()
    # Set when staff cancel the event: its enrolments are cancelled and it takes no new ones.
    cancelled_at: datetime | None = timestamp(nullable=True)


class EventMeeting(SQLModel, table=True):
    """One meeting (bijeenkomst) of an event."""

    __tablename__ = "event_meeting"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = foreign_key("course_event.id")
    starts_at: datetime = timestamp()
    ends_at: datetime = timestamp()


class InstituteEnrolment(SQLModel, table=True):
    """A person on an event. Who is invoiced is fixed at enrolment from how the enroller acted:
    `invoice_org_unit_id` null means the person themself."""

    __tablename__ = "institute_enrolment"
    __table_args__ = (sa.UniqueConstraint("event_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    institute_id: int = foreign_key("org_unit.id")
    event_id: int = foreign_key("course_event.id")
    person_id: int = foreign_key("person.id")
    enrolled_by_person_id: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")
    invoice_org_unit_id: int | None = foreign_key("org_unit.id", nullable=True)
    status: EnrolmentStatus = Field(sa_column=enum_column(EnrolmentStatus, nullable=False))
    confirmation_sent_at: datetime | None = timestamp(nullable=True)
    invitation_sent_at: datetime | None = timestamp(nullable=True)
    result: EnrolmentResult | None = Field(
        default=None, sa_column=enum_column(EnrolmentResult, nullable=True)
    )
    attended: bool | None = None
    created_at: datetime = timestamp()
    cancelled_at: datetime | None = timestamp(nullable=True)


class InvoiceCounter(SQLModel, table=True):
    """The last invoice number per institute and year; locked by the transaction that takes
    the next one, so numbers are gapless and a rollback gives its number back."""

    __tablename__ = "invoice_counter"

    institute_id: int = Field(sa_column=_unit_pk())
    year: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True))
    last_number: int = 0


class Invoice(SQLModel, table=True):
    """An invoice or credit note, with the debtor as it was when invoiced."""

    __tablename__ = "invoice"
    __table_args__ = (sa.UniqueConstraint("institute_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    institute_id: int = foreign_key("org_unit.id")
    number: str = Field(max_length=20)
    debtor_person_id: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")
    debtor_org_unit_id: int | None = foreign_key("org_unit.id", nullable=True)
    debtor_name: str = Field(max_length=300)
    debtor_address: str = Field(default="", max_length=300)
    debtor_vat_number: str = Field(default="", max_length=20)
    purchase_order_reference: str = Field(default="", max_length=60)
    issue_date: date
    due_date: date
    status: InvoiceStatus = Field(sa_column=enum_column(InvoiceStatus, nullable=False))
    paid_on: date | None = None
    # On a credit note: the invoice it cancels.
    credits_invoice_id: int | None = foreign_key("invoice.id", nullable=True)
    total_excl_vat_cents: int = 0
    total_vat_cents: int = 0
    total_incl_vat_cents: int = 0
    created_at: datetime = timestamp()


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = foreign_key("invoice.id")
    enrolment_id: int | None = foreign_key(
        "institute_enrolment.id", nullable=True, ondelete="SET NULL"
    )
    description: str = Field(max_length=300)
    quantity: int = 1
    unit_price_cents: int = 0
    vat_rate_percent: int = 21
