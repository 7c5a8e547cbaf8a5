"""Export jobs and the mail outbox in GraphQL."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from domain.core.ids import encode_global_id
from domain.core.roles import Relation, Requirement, Scope
from domain.core.roles import Role as DomainRole
from persistence.background.models import ExportJob, OutboxMail
from resolvers.background.exports import download_url
from schema.core.info import Info
from schema.core.node import plain, register_node
from schema.core.permissions import requires
from schema.core.relay import Node

EXPORT_READ = Requirement.of((), [Relation.SELF])
MAIL_READ = Requirement.of([DomainRole.PLATFORM_ADMIN])


@strawberry.enum(description="File format of an export.")
class ExportFormat(Enum):
    XLSX = strawberry.enum_value("XLSX", description="Excel workbook (streamed; any size).")
    CSV = strawberry.enum_value("CSV", description="Semicolon-separated text, UTF-8 with BOM.")
    PDF = strawberry.enum_value("PDF", description="PDF table (at most 5,000 rows).")


@strawberry.enum(description="What an export contains.")
class ExportKind(Enum):
    PEOPLE = strawberry.enum_value(
        "PEOPLE", description="People and their roles on a unit you administer and below it."
    )
    AUDIT_LOG = strawberry.enum_value("AUDIT_LOG", description="The audit log (platform admins).")
    ACCREDITATION = strawberry.enum_value(
        "ACCREDITATION",
        description="A report to a professional register (start it with startAccreditationExport).",
    )
    ACADEMY_PROGRESS = strawberry.enum_value(
        "ACADEMY_PROGRESS",
        description="Academy progress report: per user and course (start it with "
        "startProgressExport to pass the user list's filter).",
    )
    ACADEMY_REPORT = strawberry.enum_value(
        "ACADEMY_REPORT",
        description="The academy report (academyReport) as a spreadsheet (XLSX or CSV).",
    )


@strawberry.enum(description="Where an export job is.")
class ExportStatus(Enum):
    QUEUED = strawberry.enum_value("QUEUED", description="Waiting for a worker.")
    RUNNING = strawberry.enum_value("RUNNING", description="Being produced; see `progress`.")
    DONE = strawberry.enum_value("DONE", description="Ready: `downloadUrl` is set.")
    FAILED = strawberry.enum_value("FAILED", description="Could not be produced; see `error`.")


@strawberry.enum(description="Delivery state of a mail in the outbox.")
class MailStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Waiting to be sent (or to be retried).")
    SENDING = strawberry.enum_value("SENDING", description="Claimed by a worker right now.")
    SENT = strawberry.enum_value("SENT", description="Accepted by the SMTP server.")
    DEAD = strawberry.enum_value(
        "DEAD", description="Given up after repeated failures; requeue it."
    )


def _e(description: str) -> Any:
    return requires(EXPORT_READ.roles, EXPORT_READ.relations, description=description)


@strawberry.type(
    name="ExportJob",
    description="An export you asked for; poll `progress` and "
    "`status`, then download from `downloadUrl`.",
)
class ExportJobNode(Node):
    row: strawberry.Private[ExportJob]
    scope: strawberry.Private[Scope]
    READ = EXPORT_READ

    @classmethod
    def from_row(cls, row: ExportJob) -> ExportJobNode:
        return cls(
            id=strawberry.ID(encode_global_id("ExportJob", row.id)),  # type: ignore[arg-type]
            row=row,
            scope=Scope(person_id=row.requested_by),
        )

    @_e("What the export contains.")
    def kind(self) -> ExportKind:
        return ExportKind(self.row.kind)

    @_e("The file format.")
    def format(self) -> ExportFormat:
        return ExportFormat(self.row.format.value)

    @_e("Where the job is.")
    def status(self) -> ExportStatus:
        return ExportStatus(self.row.status.value)

    @_e("Percentage done, 0–100.")
    def progress_percent(self) -> int:
        return self.row.progress

    @_e("Rows written so far.")
    def row_count(self) -> int:
        return self.row.row_count

    @_e("File name of the result, once done.")
    def filename(self) -> str | None:
        return self.row.filename or None

    @_e("Size of the result in bytes, once done.")
    def size_bytes(self) -> int | None:
        return self.row.size_bytes or None

    @_e("Why it failed, if it did.")
    def error(self) -> str | None:
        return self.row.error

    @_e("A signed link that works for one hour and only for you; null until done.")
    def download_url(self, info: Info) -> str | None:
        return download_url(info.context, self.row)

    @_e("When it was asked for (ISO 8601, UTC).")
    def created_at(self) -> datetime:
        return self.row.created_at

    @_e("When it finished, if it has.")
    def finished_at(self) -> datetime | None:
        return self.row.finished_at


def _m(description: str) -> Any:
    return requires(MAIL_READ.roles, description=description)


@strawberry.type(
    name="OutboxMail",
    description="A mail in the outbox, exactly as it is (or "
    "was) sent. Platform admins see delivery problems here and requeue dead mails.",
)
class OutboxMailNode(Node):
    row: strawberry.Private[OutboxMail]
    scope: strawberry.Private[Scope | None]
    READ = MAIL_READ

    @classmethod
    def from_row(cls, row: OutboxMail) -> OutboxMailNode:
        return cls(id=strawberry.ID(encode_global_id("OutboxMail", row.id)), row=row, scope=None)  # type: ignore[arg-type]

    @_m("Which template produced it (e.g. activation, password_reset).")
    def template(self) -> str:
        return self.row.template

    @_m("Recipient address.")
    def to_address(self) -> str:
        return self.row.to_address

    @_m("Language it was written in (nl or en).")
    def language(self) -> str:
        return self.row.language

    @_m("Sender name shown to the recipient.")
    def sender_name(self) -> str:
        return self.row.sender_name

    @_m("Subject line.")
    def subject(self) -> str:
        return self.row.subject

    @_m("Plain-text part.")
    def text_body(self) -> str:
        return self.row.text_body

    @_m("HTML part.")
    def html_body(self) -> str:
        return self.row.html_body

    @_m("Delivery state.")
    def status(self) -> MailStatus:
        return MailStatus(self.row.status.value)

    @_m("Delivery attempts so far.")
    def attempts(self) -> int:
        return self.row.attempts

    @_m("The last delivery error, if any.")
    def last_error(self) -> str | None:
        return self.row.last_error

    @_m("When it was queued (ISO 8601, UTC).")
    def created_at(self) -> datetime:
        return self.row.created_at

    @_m("When the next attempt is due.")
    def next_attempt_at(self) -> datetime:
        return self.row.next_attempt_at

    @_m("When it was delivered, if it was.")
    def sent_at(self) -> datetime | None:
        return self.row.sent_at


register_node("ExportJob", plain(ExportJobNode.from_row), lambda ctx: ctx.loaders.export_by_id)
register_node("OutboxMail", plain(OutboxMailNode.from_row), lambda ctx: ctx.loaders.mail_by_id)
