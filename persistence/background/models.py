"""Background tables: scheduled jobs, export jobs and their files, and the mail outbox."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.background.exports import ExportFormat, ExportStatus
from persistence.types import UTCDateTime, enum_column, utcnow


class JobStatus(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    DONE = "DONE"
    DEAD = "DEAD"


class Job(SQLModel, table=True):
    """A unit of background work with a due time; its key makes scheduling idempotent."""

    __tablename__ = "job"
    __table_args__ = (sa.Index("ix_job_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    key: str = Field(max_length=200, sa_column_kwargs={"unique": True}, nullable=False)
    payload: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False))
    status: JobStatus = Field(
        default=JobStatus.PENDING, sa_column=enum_column(JobStatus, nullable=False)
    )
    attempts: int = 0
    due_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    locked_until: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime()))
    last_error: str | None = Field(default=None, max_length=1000)
    result: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime()))


class ExportJob(SQLModel, table=True):
    """A requested export; the file is kept in the database so every replica can serve it."""

    __tablename__ = "export_job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    format: ExportFormat = Field(sa_column=enum_column(ExportFormat, nullable=False))
    requested_by: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    org_unit_id: int | None = Field(
        default=None,
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("org_unit.id", ondelete="CASCADE")),
    )
    params: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False))
    status: ExportStatus = Field(
        default=ExportStatus.QUEUED, sa_column=enum_column(ExportStatus, nullable=False)
    )
    progress: int = 0
    row_count: int = 0
    filename: str = Field(default="", max_length=200)
    content_type: str = Field(default="", max_length=100)
    size_bytes: int = 0
    error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime()))


class ExportFile(SQLModel, table=True):
    """The produced file, apart from its job row so listing jobs never loads megabytes."""

    __tablename__ = "export_file"

    export_job_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("export_job.id", ondelete="CASCADE"), primary_key=True
        )
    )
    content: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))


class MailStatus(str, Enum):
    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    DEAD = "DEAD"  # gave up after too many failures; an admin can requeue it


class OutboxMail(SQLModel, table=True):
    __tablename__ = "outbox_mail"
    __table_args__ = (
        sa.Index("ix_outbox_mail_status_next", "status", "next_attempt_at"),
        # hardening (issue 17): the mails to one address, and by one sender, lately
        sa.Index("ix_outbox_mail_to_created", "to_address", "created_at"),
        sa.Index("ix_outbox_mail_queued_by_created", "queued_by", "created_at"),
    )

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
    # Who queued it ("person:12" or "token:34"; none for the worker's own mails), for the
    # per-sender limit (issue 17).
    queued_by: str | None = Field(default=None, max_length=100)
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
