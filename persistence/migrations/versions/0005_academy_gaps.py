"""academy gaps: refreshers sent to a learner (what their link opens)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa

import persistence.types
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refresher_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("refresher_module_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enrolment_id"], ["enrolment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["refresher_module_id"], ["refresher_module.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enrolment_id", "refresher_module_id"),
    )
    with op.batch_alter_table("refresher_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refresher_delivery_enrolment_id"), ["enrolment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_refresher_delivery_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_refresher_delivery_refresher_module_id"),
            ["refresher_module_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("refresher_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresher_delivery_refresher_module_id"))
        batch_op.drop_index(batch_op.f("ix_refresher_delivery_person_id"))
        batch_op.drop_index(batch_op.f("ix_refresher_delivery_enrolment_id"))
    op.drop_table("refresher_delivery")
