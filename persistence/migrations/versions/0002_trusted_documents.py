"""trusted documents (persisted GraphQL operations registered ahead)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

import persistence.types
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trusted_document",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("operation_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("client_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trusted_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_document_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trusted_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_document_sha256"))
    op.drop_table("trusted_document")
