"""hardening (issue 17): the mails queued to one address and by one sender lately (mail throttle)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "outbox_mail",
        sa.Column("queued_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    )
    op.create_index(
        "ix_outbox_mail_to_created", "outbox_mail", ["to_address", "created_at"], unique=False
    )
    op.create_index(
        "ix_outbox_mail_queued_by_created",
        "outbox_mail",
        ["queued_by", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_mail_queued_by_created", table_name="outbox_mail")
    op.drop_index("ix_outbox_mail_to_created", table_name="outbox_mail")
    with op.batch_alter_table("outbox_mail") as batch:
        batch.drop_column("queued_by")
