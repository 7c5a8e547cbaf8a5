"""Export jobs: start one, produce the file in the worker with progress, sign its download URL."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import xlsxwriter
from fpdf import FPDF

from domain.background.exports import (
    CONTENT_TYPES,
    MAX_PDF_ROWS,
    ExportFormat,
    ExportStatus,
    progress_percent,
)
from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import ADMIN_ROLES, Role
from domain.core.signing import sign
from domain.core.texts import ROLE_NAMES
from persistence.background import exports as export_q
from persistence.background import jobs as jobs_q
from persistence.background.models import ExportJob
from persistence.db import Database
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.i18n import N_, language, message_of, translate

DOWNLOAD_LIFETIME = timedelta(hours=1)
PROGRESS_EVERY = 1000
FORMULA_START = "=+-@\t\r"


# An area's own file maker: (database, job, progress for a total) -> (content, rows written).
Producer = Callable[
    [Database, ExportJob, Callable[[int], "_Progress"]], Awaitable[tuple[bytes, int]]
]


@dataclass(frozen=True)
class ExportKind:
    """What an export contains and who may ask for it."""

    title: str
    columns: list[str]
    rows: Callable[[Database, ExportJob], Awaitable[tuple[int, AsyncIterator[list[Any]]]]] | None
    roles: frozenset[Role]
    needs_unit: bool
    # Columns holding a stored value people read by name: value -> message id (a role).
    names: dict[int, dict[str, str]] = field(default_factory=dict)
    # Set when the area writes the file itself (typed cells, a chart); `rows` is then unused.
    produce: Producer | None = None
    formats: frozenset[ExportFormat] = frozenset(ExportFormat)


KINDS: dict[str, ExportKind] = {
    "ACCREDITATION": ExportKind(
        title=N_("Accreditation report"),
        columns=[
            N_("Registration number"),
            N_("Family name"),
            N_("Prefix"),
            N_("Given name"),
            N_("E-mail"),
            N_("Course"),
            N_("Points"),
            N_("Completed on"),
        ],
        rows=export_q.accreditation_rows,
        roles=frozenset({Role.PLATFORM_ADMIN}),
        needs_unit=False,
    ),
    "PEOPLE": ExportKind(
        title=N_("People and roles"),
        columns=[
            N_("Family name"),
            N_("Prefix"),
            N_("Given name"),
            N_("E-mail"),
            N_("Role"),
            N_("Unit"),
        ],
        rows=export_q.people_rows,
        roles=ADMIN_ROLES,
        needs_unit=True,
        names={4: {role.value: name for role, name in ROLE_NAMES.items()}},
    ),
    "AUDIT_LOG": ExportKind(
        title=N_("Audit log"),
        columns=[
            N_("At (UTC)"),
            N_("Event"),
            N_("Actor id"),
            N_("Subject id"),
            N_("Client address"),
            N_("Detail"),
        ],
        rows=export_q.audit_rows,
        roles=frozenset({Role.PLATFORM_ADMIN}),
        needs_unit=False,
    ),
}


async def start_export(
    ctx: Context, kind: str, fmt: ExportFormat, unit_id: int | None
) -> ExportJob:
    spec = KINDS[kind]
    if fmt not in spec.formats:
        raise DomainError(
            ErrorCode.INVALID,
            "This export is not available as {format}",
            "format",
            format=fmt.value,
        )
    if not ctx.viewer.holds_anywhere(spec.roles):
        raise DomainError(ErrorCode.FORBIDDEN, "You may not start this export.")
    if spec.needs_unit and unit_id is None:
        raise DomainError(ErrorCode.INVALID, "Choose the unit to export.", "unitId")
    # Who may export the unit was checked before the resolver ran (`@requires(on: "unitId")`).
    async with ctx.uow() as uow:
        job = uow.add(
            ExportJob(
                kind=kind,
                format=fmt,
                requested_by=ctx.viewer.person_id,  # type: ignore[arg-type]
                org_unit_id=unit_id if spec.needs_unit else None,
                # The file speaks the language of the person who asked for it.
                params=json.dumps({"language": ctx.language}),
            )
        )
        await uow.flush()
        await jobs_q.schedule(
            uow.session, "export", f"export:{job.id}", utcnow(), {"export_id": job.id}
        )
        await uow.audit("EXPORT_STARTED", unit=job.org_unit_id, detail=f"{kind} {fmt.value}")
        await uow.commit()
    return job


def download_url(ctx: Context, job: ExportJob) -> str | None:
    if job.status != ExportStatus.DONE:
        return None
    expires = int((utcnow() + DOWNLOAD_LIFETIME).timestamp())
    signature = sign(ctx.settings.secret_key, job.id, job.requested_by, expires)
    return f"{ctx.settings.public_url}/exports/{job.id}?expires={expires}&signature={signature}"


class _Progress:
    def __init__(self, db: Database, job_id: int, total: int) -> None:
        self.db, self.job_id, self.total, self.done = db, job_id, total, 0

    async def tick(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            async with self.db.transaction() as session:
                await jobs_q.set_export_progress(
                    session,
                    self.job_id,
                    min(99, progress_percent(self.done, self.total)),
                    self.done,
                    ExportStatus.RUNNING,
                )


async def _write_xlsx(
    spec: ExportKind, rows: AsyncIterator[list[Any]], progress: _Progress
) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        # constant_memory writes each row to disk as it goes: flat memory for any size.
        book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_formulas": False}
        )
        sheet = book.add_worksheet(translate(spec.title)[:31])
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, [translate(c) for c in spec.columns], bold)
        index = 0
        async for row in rows:
            index += 1
            sheet.write_row(index, 0, ["" if v is None else v for v in row])
            await progress.tick()
        book.close()
        return path.read_bytes()


async def _write_csv(
    spec: ExportKind, rows: AsyncIterator[list[Any]], progress: _Progress
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Dutch Excel expects semicolons
    writer.writerow([translate(c) for c in spec.columns])
    async for row in rows:
        # A leading = + - @ would be run as a formula by spreadsheet programs (CSV injection).
        writer.writerow(
            ["'" + v if isinstance(v, str) and v and v[0] in FORMULA_START else v for v in row]
        )
        await progress.tick()
    return ("\ufeff" + buffer.getvalue()).encode()


async def _write_pdf(
    spec: ExportKind, rows: AsyncIterator[list[Any]], progress: _Progress
) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 10, translate(spec.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=8)
    with pdf.table(first_row_as_headings=True, line_height=5) as table:
        table.row([translate(c) for c in spec.columns])
        count = 0
        async for row in rows:
            count += 1
            if count > MAX_PDF_ROWS:
                raise DomainError(
                    ErrorCode.INVALID,
                    "A PDF holds at most {max_pdf_rows} rows; choose XLSX or CSV.",
                    max_pdf_rows=MAX_PDF_ROWS,
                )
            table.row(
                [
                    "" if v is None else str(v).encode("latin-1", "replace").decode("latin-1")
                    for v in row
                ]
            )
            await progress.tick()
    return bytes(pdf.output())


async def _named(spec: ExportKind, rows: AsyncIterator[list[Any]]) -> AsyncIterator[list[Any]]:
    """Rows with stored names (CLUSTER_ADMIN) as people say them (clusterbeheerder)."""
    async for row in rows:
        for column, names in spec.names.items():
            if row[column] in names:
                row = [*row[:column], translate(names[row[column]]), *row[column + 1 :]]
        yield row


WRITERS = {
    ExportFormat.XLSX: _write_xlsx,
    ExportFormat.CSV: _write_csv,
    ExportFormat.PDF: _write_pdf,
}


async def run_export(db: Database, export_id: int) -> str:
    """The worker's handler: produce the file, report progress, store it."""
    async with db.transaction() as session:
        job = await jobs_q.export_by_id(session, export_id)
        assert job is not None
        await jobs_q.set_export_progress(session, export_id, 0, 0, ExportStatus.RUNNING)
    spec = KINDS[job.kind]
    # Headers, sheet name, title and a failure in the requester's language (nl if not kept).
    with language(json.loads(job.params or "{}").get("language")):
        try:
            if spec.produce is not None:
                content, done = await spec.produce(
                    db, job, lambda total: _Progress(db, export_id, total)
                )
            else:
                assert spec.rows is not None
                total, rows = await spec.rows(db, job)
                progress = _Progress(db, export_id, total)
                content = await WRITERS[job.format](spec, _named(spec, rows), progress)
                done = progress.done
        except DomainError as e:
            async with db.transaction() as session:
                await jobs_q.fail_export(session, export_id, message_of(e), utcnow())
            return f"failed: {e.message}"
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    filename = f"{job.kind.lower()}-{stamp}.{job.format.value.lower()}"
    async with db.transaction() as session:
        await jobs_q.finish_export(
            session,
            export_id,
            content=content,
            filename=filename,
            content_type=CONTENT_TYPES[job.format],
            rows=done,
            now=utcnow(),
        )
    return json.dumps({"rows": done, "bytes": len(content)})
