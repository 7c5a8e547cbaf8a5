"""institute portal: client organisations, people's details, catalogue, events, enrolments,
invoices

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 11:55:37.741775
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

import persistence.types
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["institute_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["catalogue_category.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("catalogue_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_category_institute_id"), ["institute_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_catalogue_category_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "client_organisation",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("visiting_address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("postal_address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("invoice_address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("invoice_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("vat_number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("purchase_order_required", sa.Boolean(), nullable=False),
        sa.Column(
            "purchase_order_reference", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.create_table(
        "employee_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("job_title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("work_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("work_phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("department", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "org_unit_id"),
    )
    with op.batch_alter_table("employee_details", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employee_details_org_unit_id"), ["org_unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employee_details_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "institute_details",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kvk_number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("vat_number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("iban", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("debtor_person_id", sa.Integer(), nullable=True),
        sa.Column("debtor_org_unit_id", sa.Integer(), nullable=True),
        sa.Column("debtor_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("debtor_address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("debtor_vat_number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "purchase_order_reference", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False
        ),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("OPEN", "PAID", "CREDITED", name="invoicestatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("credits_invoice_id", sa.Integer(), nullable=True),
        sa.Column("total_excl_vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_incl_vat_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["credits_invoice_id"], ["invoice.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["debtor_org_unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["debtor_person_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["institute_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("institute_id", "number"),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_credits_invoice_id"), ["credits_invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_debtor_org_unit_id"), ["debtor_org_unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_debtor_person_id"), ["debtor_person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_invoice_institute_id"), ["institute_id"], unique=False)

    op.create_table(
        "invoice_counter",
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["institute_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("institute_id", "year"),
    )
    op.create_table(
        "person_private_details",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "institute_course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("duration_hours", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("vat_rate_percent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["catalogue_category.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["institute_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("institute_course", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_institute_course_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_institute_course_institute_id"), ["institute_id"], unique=False
        )

    op.create_table(
        "course_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("for_org_unit_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("location_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("location_address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("incompany", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column(
            "enrolment_deadline", persistence.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "cancellation_deadline", persistence.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(["course_id"], ["institute_course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["for_org_unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["institute_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("course_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_event_course_id"), ["course_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_course_event_for_org_unit_id"), ["for_org_unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_event_institute_id"), ["institute_id"], unique=False
        )
        batch_op.create_index("ix_course_event_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "event_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["course_event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_meeting_event_id"), ["event_id"], unique=False)

    op.create_table(
        "institute_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_by_person_id", sa.Integer(), nullable=True),
        sa.Column("invoice_org_unit_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "PROCESSING",
                "CONFIRMED",
                "WAITLISTED",
                "CANCELLED",
                name="enrolmentstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "confirmation_sent_at", persistence.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "invitation_sent_at", persistence.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "result",
            sa.Enum(
                "PASSED",
                "COMPLETED",
                "NOT_PASSED",
                name="enrolmentresult",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("created_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["enrolled_by_person_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["course_event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["institute_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invoice_org_unit_id"], ["org_unit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "person_id"),
    )
    with op.batch_alter_table("institute_enrolment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_institute_enrolment_enrolled_by_person_id"),
            ["enrolled_by_person_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_institute_enrolment_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_institute_enrolment_institute_id"), ["institute_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_institute_enrolment_invoice_org_unit_id"),
            ["invoice_org_unit_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_institute_enrolment_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("vat_rate_percent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enrolment_id"], ["institute_enrolment.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_line_enrolment_id"), ["enrolment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_line_invoice_id"), ["invoice_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_line_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_line_enrolment_id"))

    op.drop_table("invoice_line")
    with op.batch_alter_table("institute_enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institute_enrolment_person_id"))
        batch_op.drop_index(batch_op.f("ix_institute_enrolment_invoice_org_unit_id"))
        batch_op.drop_index(batch_op.f("ix_institute_enrolment_institute_id"))
        batch_op.drop_index(batch_op.f("ix_institute_enrolment_event_id"))
        batch_op.drop_index(batch_op.f("ix_institute_enrolment_enrolled_by_person_id"))

    op.drop_table("institute_enrolment")
    with op.batch_alter_table("event_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_meeting_event_id"))

    op.drop_table("event_meeting")
    with op.batch_alter_table("course_event", schema=None) as batch_op:
        batch_op.drop_index("ix_course_event_starts_at")
        batch_op.drop_index(batch_op.f("ix_course_event_institute_id"))
        batch_op.drop_index(batch_op.f("ix_course_event_for_org_unit_id"))
        batch_op.drop_index(batch_op.f("ix_course_event_course_id"))

    op.drop_table("course_event")
    with op.batch_alter_table("institute_course", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institute_course_institute_id"))
        batch_op.drop_index(batch_op.f("ix_institute_course_category_id"))

    op.drop_table("institute_course")
    op.drop_table("person_private_details")
    op.drop_table("invoice_counter")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_institute_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_debtor_person_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_debtor_org_unit_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_credits_invoice_id"))

    op.drop_table("invoice")
    op.drop_table("institute_details")
    with op.batch_alter_table("employee_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employee_details_person_id"))
        batch_op.drop_index(batch_op.f("ix_employee_details_org_unit_id"))

    op.drop_table("employee_details")
    op.drop_table("client_organisation")
    with op.batch_alter_table("catalogue_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_category_parent_id"))
        batch_op.drop_index(batch_op.f("ix_catalogue_category_institute_id"))

    op.drop_table("catalogue_category")
