"""Academy report exports: the progress report (per user and course) and the academy report."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.background.exports import ExportFormat as DomainFormat
from resolvers.academy.progress_export import start_progress_export, start_report_export
from schema.academy.inputs import ProgressExportInput, to_filter
from schema.academy.payloads import AcademyExportPayload
from schema.academy.types import ADMINS
from schema.background.types import ExportFormat, ExportJobNode
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademyReportMutations:
    @requires(
        ADMINS,
        description="Export the progress of your users (voortgangsrapportage): a row per user and "
        "course with status, progress, dates, best score, certificate and registration number, "
        "selected with the user list's filter within the clusters you manage. A worker writes "
        "it; poll the job for progress and its download link.",
    )
    async def start_progress_export(
        self,
        info: Info,
        input: Annotated[ProgressExportInput, arg("Which users, and the format.")],
    ) -> AcademyExportPayload:
        async def work() -> AcademyExportPayload:
            job = await start_progress_export(
                info.context, to_filter(input.filter), DomainFormat(input.format.value)
            )
            return AcademyExportPayload(export_job=ExportJobNode.from_row(job))

        return await attempt(AcademyExportPayload, work)

    @requires(
        ADMINS,
        description="Export `academyReport` (per cluster and course you manage: users by status "
        "and the average best score) as a spreadsheet.",
    )
    async def start_academy_report_export(
        self,
        info: Info,
        format: Annotated[ExportFormat, arg("XLSX (default) or CSV.")] = ExportFormat.XLSX,
    ) -> AcademyExportPayload:
        async def work() -> AcademyExportPayload:
            job = await start_report_export(info.context, DomainFormat(format.value))
            return AcademyExportPayload(export_job=ExportJobNode.from_row(job))

        return await attempt(AcademyExportPayload, work)
