"""institute: a course event can be cancelled

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa

import persistence.types
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("course_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancelled_at", persistence.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("course_event", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
