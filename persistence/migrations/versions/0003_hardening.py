"""hardening (issue 17): find the mails queued to one address recently (mail throttle)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_outbox_mail_to_created", "outbox_mail", ["to_address", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_mail_to_created", table_name="outbox_mail")
