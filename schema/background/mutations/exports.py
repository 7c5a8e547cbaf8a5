"""Starting exports and requeueing mails."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.background.exports import ExportFormat as DomainFormat
from domain.core.ids import decode_expected
from domain.core.roles import ADMIN_ROLES, Role
from resolvers.background import queries as background
from schema.background.types import ExportFormat, ExportJobNode, ExportKind, OutboxMailNode
from schema.core.info import Info
from schema.core.payloads import arg, attempt, errors_field
from schema.core.permissions import public, requires
from schema.core.relay import UserError


@strawberry.type(description="Result of starting an export.")
class ExportJobPayload:
    export_job: ExportJobNode | None = public(description="The job; poll it.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of requeueing a mail.")
class OutboxMailPayload:
    mail: OutboxMailNode | None = public(description="The mail, pending again.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type
class BackgroundMutations:
    @requires(
        sorted(ADMIN_ROLES, key=lambda r: r.value),
        on="unitId",
        description="Start an export; a "
        "worker produces it. Poll the returned job for progress and its download link.",
    )
    async def start_export(
        self,
        info: Info,
        kind: Annotated[ExportKind, arg("What to export.")],
        format: Annotated[ExportFormat, arg("File format.")] = ExportFormat.XLSX,
        unit_id: Annotated[strawberry.ID | None, arg("The unit to export (for PEOPLE).")] = None,
    ) -> ExportJobPayload:
        async def work() -> ExportJobPayload:
            uid = decode_expected(unit_id, "OrgUnit", "unitId") if unit_id else None
            row = await background.start_export(
                info.context, str(kind.value), DomainFormat(format.value), uid
            )
            return ExportJobPayload(export_job=ExportJobNode.from_row(row))

        return await attempt(ExportJobPayload, work)

    @requires([Role.PLATFORM_ADMIN], description="Queue a dead (or any) mail for delivery again.")
    async def requeue_mail(
        self, info: Info, id: Annotated[strawberry.ID, arg("The mail's ID.")]
    ) -> OutboxMailPayload:
        async def work() -> OutboxMailPayload:
            row = await background.requeue_mail(info.context, decode_expected(id, "OutboxMail"))
            return OutboxMailPayload(mail=OutboxMailNode.from_row(row))

        return await attempt(OutboxMailPayload, work)
