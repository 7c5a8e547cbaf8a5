"""school corrections: an enrolment's end date and the history of consent changes

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa

import persistence.types
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pupil_enrolment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    op.create_table(
        "guardian_consent_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("guardian_person_id", sa.Integer(), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("changed_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["changed_by"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["guardian_person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guardian_consent_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guardian_consent_change_changed_by"), ["changed_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_guardian_consent_change_guardian_person_id"),
            ["guardian_person_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_guardian_consent_change_pupil_id"), ["pupil_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("guardian_consent_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardian_consent_change_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_guardian_consent_change_guardian_person_id"))
        batch_op.drop_index(batch_op.f("ix_guardian_consent_change_changed_by"))
    op.drop_table("guardian_consent_change")
    with op.batch_alter_table("pupil_enrolment", schema=None) as batch_op:
        batch_op.drop_column("ended_on")
