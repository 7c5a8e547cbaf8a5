"""Accreditation mutations: registration numbers and register exports."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.background.exports import ExportFormat as DomainFormat
from domain.core.ids import decode_expected
from domain.core.roles import Role as R
from domain.core.roles import Scope
from resolvers.academy import learning
from schema.academy.inputs import LEARNERS
from schema.academy.payloads import AccreditationExportPayload, RegistrationNumberPayload
from schema.academy.types import (
    RegistrationNumber,
)
from schema.background.types import ExportFormat, ExportJobNode
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademyAccreditationMutations:
    @requires(
        LEARNERS,
        description="Enter or change your registration number with a professional register.",
    )
    async def set_registration_number(
        self,
        info: Info,
        register_code: Annotated[str, arg("The register's code (see `registers`).")],
        number: Annotated[str, arg("Your number.")],
    ) -> RegistrationNumberPayload:
        async def work() -> RegistrationNumberPayload:
            row = await learning.set_registration_number(info.context, register_code, number)
            return RegistrationNumberPayload(
                registration_number=RegistrationNumber(
                    row=row, scope=Scope(person_id=row.person_id)
                )
            )

        return await attempt(RegistrationNumberPayload, work)

    @requires(
        [R.PLATFORM_ADMIN],
        description="Report to a register every completion not reported before (the six-weekly "
        "attendance report). Nothing is reported twice or missed. Produces an export to download.",
    )
    async def start_accreditation_export(
        self,
        info: Info,
        register_code: Annotated[str, arg("The register.")],
        format: Annotated[ExportFormat, arg("File format.")] = ExportFormat.XLSX,
        report_id: Annotated[
            strawberry.ID | None,
            arg(
                "An earlier report (e.g. a six-weekly one) to download again; null makes a new one."
            ),
        ] = None,
    ) -> AccreditationExportPayload:
        async def work() -> AccreditationExportPayload:
            rid = (
                decode_expected(report_id, "AccreditationReport", "reportId") if report_id else None
            )
            job = await learning.start_accreditation_export(
                info.context, register_code, DomainFormat(format.value), rid
            )
            return AccreditationExportPayload(export_job=ExportJobNode.from_row(job))

        return await attempt(AccreditationExportPayload, work)
