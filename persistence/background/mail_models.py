"""The transactional mail outbox: a mail is a row written with the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from persistence.types import UTCDateTime, enum_column, utcnow


class MailStatus(str, Enum):
    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    DEAD = "DEAD"  # gave up after too many failures; an admin can requeue it


class OutboxMail(SQLModel, table=True):
    __tablename__ = "outbox_mail"
    __table_args__ = (sa.Index("ix_outbox_mail_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # A retried mutation writes the same key and so cannot queue the mail twice.
    idempotency_key: str = Field(max_length=200, sa_column_kwargs={"unique": True}, nullable=False)
    template: str = Field(max_length=100)
    language: str = Field(max_length=5, default="nl")
    to_address: str = Field(max_length=254)
    person_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("person.id", ondelete="SET NULL"), index=True
        ),
    )
    sender_name: str = Field(default="Portaal", max_length=200)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    html_body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    status: MailStatus = Field(
        default=MailStatus.PENDING, sa_column=enum_column(MailStatus, nullable=False)
    )
    attempts: int = 0
    # Claimed by a worker until then; a worker that died loses its claim when it runs out.
    locked_until: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime()))
    # Extra headers such as List-Unsubscribe, as "Name: value" lines.
    headers: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime()))
