"""The progress report (voortgangsrapportage) and the academy report as export jobs.

An admin starts one with the user list's filter; the worker writes an XLSX with real types
(dates as dates, percentages as numbers, a frozen header, an autofilter, column widths), a CSV,
or a PDF with a chart of the status distribution on its first page. The scope is the
requester's reach at the moment they asked, stored with the job: a cluster admin's report
holds their own cluster's users only.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from fpdf import FPDF
from fpdf.fonts import FontFace

from domain.academy.enrolments import CourseStatus
from domain.academy.learner_filter import LearnerFilter
from domain.background.exports import MAX_PDF_ROWS, ExportFormat
from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import Role
from persistence.academy import progress as pq
from persistence.academy import queries as aq
from persistence.academy.models import Course
from persistence.background import jobs as jobs_q
from persistence.background.models import ExportJob
from persistence.core import tree as org_q
from persistence.core.models import OrgUnit
from persistence.db import Database
from persistence.types import utcnow
from resolvers.academy.selection import ACADEMY_ADMINS, admin_paths
from resolvers.background.exports import FORMULA_START, KINDS, ExportKind
from resolvers.context import Context
from resolvers.core.i18n import N_, current_language, format_date, translate

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PROGRESS = "ACADEMY_PROGRESS"
REPORT = "ACADEMY_REPORT"

PROGRESS_TITLE = N_("Progress report")
REPORT_TITLE = N_("Academy report")
ABOUT_SHEET = N_("About this report")

# (message id, column width in characters, kind of value)
PROGRESS_COLUMNS: list[tuple[str, int, str]] = [
    (N_("Name"), 28, "text"),
    (N_("E-mail"), 34, "text"),
    (N_("Cluster"), 18, "text"),
    (N_("Labels"), 20, "text"),
    (N_("Course"), 40, "text"),
    (N_("Status"), 14, "text"),
    (N_("Progress"), 10, "percent"),
    (N_("Assigned on"), 13, "date"),
    (N_("Started on"), 13, "date"),
    (N_("Completed on"), 13, "date"),
    (N_("Best score"), 11, "percent"),
    (N_("Certificate issued on"), 13, "date"),
    (N_("Registration number"), 20, "text"),
]
REPORT_COLUMNS: list[tuple[str, int, str]] = [
    (N_("Cluster"), 24, "text"),
    (N_("Course"), 44, "text"),
    (N_("Not started"), 13, "number"),
    (N_("In progress"), 13, "number"),
    (N_("Completed"), 13, "number"),
    (N_("Average best score"), 14, "percent"),
]
STATUS_NAMES = {
    CourseStatus.NOT_STARTED: N_("Not started"),
    CourseStatus.IN_PROGRESS: N_("In progress"),
    CourseStatus.COMPLETED: N_("Completed"),
}
STATUS_COLOURS = {
    CourseStatus.NOT_STARTED: (189, 189, 189),
    CourseStatus.IN_PROGRESS: (245, 166, 35),
    CourseStatus.COMPLETED: (46, 139, 87),
}
FILTER_NAMES = {
    "organisation": N_("Organisation"),
    "clusters": N_("Clusters"),
    "courses": N_("Courses"),
    "labels": N_("Labels"),
    "course_status": N_("Course status"),
    "status": N_("Users"),
    "added_since": N_("Added since"),
    "search": N_("Search"),
    "activation": N_("Account"),
    "magazine": N_("Magazine"),
    "date": N_("Date of the report"),
}
ALL = N_("all")
HIDDEN_NAMES = {False: N_("active users"), True: N_("hidden users"), None: N_("all users")}
ACTIVATION_NAMES = {True: N_("activated"), False: N_("never activated")}
MAGAZINE_NAMES = {True: N_("subscribed"), False: N_("unsubscribed")}


# --- starting --------------------------------------------------------------------------------


async def _summary(ctx: Context, f: LearnerFilter) -> list[tuple[str, str | list[str]]]:
    """The filter as (field, value) pairs a reader recognises: names, not IDs. Values that are
    message ids are translated when the file is written, in the requester's language."""
    loaders = ctx.loaders
    units = [u for u in await loaders.unit_by_id.load_many(list(f.cluster_ids)) if u]
    courses = [c for c in await loaders.academy.course_by_id.load_many(list(f.course_ids)) if c]
    labels = [lb for lb in await loaders.academy.label_by_id.load_many(list(f.label_ids)) if lb]
    out: list[tuple[str, str | list[str]]] = [("status", HIDDEN_NAMES[f.hidden])]
    if units:
        out.append(("clusters", [u.name for u in units]))
    if courses:
        out.append(("courses", [c.title for c in courses]))
    if labels:
        out.append(("labels", [lb.name for lb in labels]))
    if f.course_status:
        out.append(("course_status", STATUS_NAMES[f.course_status]))
    if f.added_since:
        out.append(("added_since", f.added_since.astimezone(AMSTERDAM).date().isoformat()))
    if f.search:
        out.append(("search", [f.search]))
    if f.activated is not None:
        out.append(("activation", ACTIVATION_NAMES[f.activated]))
    if f.magazine is not None:
        out.append(("magazine", MAGAZINE_NAMES[f.magazine]))
    return out


async def _organisation(ctx: Context, paths: tuple[str, ...]) -> list[str]:
    """The academies (organisations) the viewer's reach lies in, by name."""
    ids = sorted({int(p.strip("/").split("/")[1]) for p in paths if p.count("/") >= 3})
    return [u.name for u in await ctx.loaders.unit_by_id.load_many(ids) if u is not None]


async def _start(ctx: Context, kind: str, fmt: ExportFormat, params: dict[str, Any]) -> ExportJob:
    spec = KINDS[kind]
    if fmt not in spec.formats:
        raise DomainError(
            ErrorCode.INVALID,
            "This export is not available as {format}",
            "format",
            format=fmt.value,
        )
    person_id = ctx.viewer.person_id
    assert person_id is not None
    async with ctx.uow() as uow:
        job = uow.add(
            ExportJob(kind=kind, format=fmt, requested_by=person_id, params=json.dumps(params))
        )
        await uow.flush()
        await jobs_q.schedule(
            uow.session, "export", f"export:{job.id}", utcnow(), {"export_id": job.id}
        )
        await uow.audit("EXPORT_STARTED", detail=f"{kind} {fmt.value}")
        await uow.commit()
    return job


async def start_progress_export(ctx: Context, f: LearnerFilter, fmt: ExportFormat) -> ExportJob:
    """The progress of the users the filter selects within the viewer's reach, as a file."""
    paths = admin_paths(ctx)
    scoped = f.within(paths)
    params = {
        "filter": scoped.as_params(),
        "summary": await _summary(ctx, scoped),
        "organisation": await _organisation(ctx, paths),
        "language": current_language(),
        "per_cluster": ctx.viewer.holds_anywhere(
            frozenset({Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN})
        ),
    }
    return await _start(ctx, PROGRESS, fmt, params)


async def start_report_export(ctx: Context, fmt: ExportFormat) -> ExportJob:
    """`academyReport` (per cluster and course: counts by status, average best score) as a file."""
    paths = admin_paths(ctx)
    params = {
        "scope_paths": list(paths),
        "organisation": await _organisation(ctx, paths),
        "language": current_language(),
    }
    return await _start(ctx, REPORT, fmt, params)


# --- values ----------------------------------------------------------------------------------


def _local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(AMSTERDAM).date() if moment is not None else None


def _progress_values(row: pq.ProgressRow, lang: str) -> list[Any]:
    """Typed values: dates as dates, percentages as fractions (Excel's percent), text as text."""
    return [
        row.name,
        row.email,
        row.cluster,
        row.labels,
        row.course or "",
        translate(STATUS_NAMES[row.status], lang) if row.status else "",
        row.progress_percent / 100 if row.progress_percent is not None else None,
        _local_date(row.assigned_at),
        _local_date(row.started_at),
        _local_date(row.completed_at),
        row.best_score_percent / 100 if row.best_score_percent is not None else None,
        _local_date(row.certificate_issued_at),
        row.registration_numbers,
    ]


def _job_params(job: ExportJob) -> dict[str, Any]:
    return json.loads(job.params or "{}")


async def _progress_filter(db: Database, job: ExportJob, params: dict[str, Any]) -> LearnerFilter:
    if "filter" in params:
        return LearnerFilter.from_params(params["filter"])
    # Started through startExport(kind:, unitId:): the unit bound there, the list's defaults.
    async with db.transaction() as session:
        unit = (await org_q.units_by_ids(session, [job.org_unit_id or 0]))[0]
    return LearnerFilter(scope_paths=(unit.path,) if unit else ())


def _summary_lines(params: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    lines = [
        (
            translate(FILTER_NAMES["organisation"], lang),
            ", ".join(params.get("organisation") or []) or "-",
        ),
        (translate(FILTER_NAMES["date"], lang), format_date(utcnow().astimezone(AMSTERDAM), lang)),
    ]
    for key, value in params.get("summary", []):
        text = ", ".join(value) if isinstance(value, list) else translate(value, lang)
        lines.append((translate(FILTER_NAMES[key], lang), text))
    return lines


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx(
    title: str,
    columns: list[tuple[str, int, str]],
    lang: str,
    about: list[tuple[str, str]],
) -> tuple[Any, Any, dict[str, Any], Path, tempfile.TemporaryDirectory[str]]:
    tmp = tempfile.TemporaryDirectory()
    path = Path(tmp.name) / "export.xlsx"
    # constant_memory writes each row to disk as it goes: flat memory for any size.
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(title[:31])
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1}),
        "date": book.add_format({"num_format": "dd-mm-yyyy"}),
        "percent": book.add_format({"num_format": "0%"}),
        "number": book.add_format({"num_format": "0"}),
        "text": None,
    }
    for index, (_, width, _kind) in enumerate(columns):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [translate(c, lang) for c, _, _ in columns], formats["header"])
    info = book.add_worksheet(translate(ABOUT_SHEET, lang)[:31])
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 60)
    info.write(0, 0, title, formats["header"])
    for i, (key, value) in enumerate(about, start=1):
        info.write_string(i, 0, key)
        info.write_string(i, 1, value)
    return book, sheet, formats, path, tmp


def _write_typed(sheet: Any, row: int, values: list[Any], columns: list[Any], fmts: Any) -> None:
    for col, (value, (_, _, kind)) in enumerate(zip(values, columns, strict=True)):
        if value is None or value == "":
            sheet.write_blank(row, col, None)
        elif kind == "date":
            sheet.write_datetime(row, col, datetime.combine(value, datetime.min.time()), fmts[kind])
        elif kind in ("percent", "number"):
            sheet.write_number(row, col, value, fmts[kind])
        else:
            sheet.write_string(row, col, str(value))


async def _progress_xlsx(db: Database, job: ExportJob, progress: Callable[[int], Any]) -> Any:
    params = _job_params(job)
    lang = params.get("language", "nl")
    f = await _progress_filter(db, job, params)
    total, rows = await pq.progress_rows(db, f)
    tracker = progress(total)
    title = translate(PROGRESS_TITLE, lang)
    book, sheet, fmts, path, tmp = _xlsx(
        title, PROGRESS_COLUMNS, lang, _summary_lines(params, lang)
    )
    with tmp:
        index = 0
        async for row in rows:
            index += 1
            _write_typed(sheet, index, _progress_values(row, lang), PROGRESS_COLUMNS, fmts)
            await tracker.tick()
        sheet.autofilter(0, 0, max(index, 1), len(PROGRESS_COLUMNS) - 1)
        book.close()
        return path.read_bytes(), index


# --- CSV -------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value * 100)
    # A leading = + - @ would be run as a formula by spreadsheet programs (CSV injection).
    if isinstance(value, str) and value and value[0] in FORMULA_START:
        return "'" + value
    return value


async def _progress_csv(db: Database, job: ExportJob, progress: Callable[[int], Any]) -> Any:
    params = _job_params(job)
    lang = params.get("language", "nl")
    total, rows = await pq.progress_rows(db, await _progress_filter(db, job, params))
    tracker = progress(total)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Dutch Excel expects semicolons
    writer.writerow([translate(c, lang) for c, _, _ in PROGRESS_COLUMNS])
    count = 0
    async for row in rows:
        count += 1
        writer.writerow([_csv_cell(v) for v in _progress_values(row, lang)])
        await tracker.tick()
    return ("\ufeff" + buffer.getvalue()).encode(), count


# --- PDF -------------------------------------------------------------------------------------


def _latin(text: str) -> str:
    # The core PDF fonts are Latin-1; names like "Özil" fit, anything else is replaced visibly.
    return text.encode("latin-1", "replace").decode("latin-1")


class _ReportPdf(FPDF):
    """Landscape A4 with "title - page n of m" at the foot of every page."""

    def __init__(self, title: str, lang: str) -> None:
        super().__init__(orientation="landscape", format="A4")
        self.report_title, self.lang = title, lang
        self.set_auto_page_break(auto=True, margin=14)
        self.set_margins(10, 10, 10)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("helvetica", size=8)
        label = translate(
            N_("page {page} of {pages}"), self.lang, page=self.page_no(), pages="{nb}"
        )
        self.cell(0, 5, _latin(f"{self.report_title} - {label}"), align="C")


def _chart(
    pdf: FPDF,
    counts: list[tuple[str, str, CourseStatus, int]],
    per_cluster: bool,
    lang: str,
) -> None:
    """Horizontal stacked bars: per course (per cluster and course for an organisation admin),
    users not started / in progress / completed, with the numbers written on the bars."""
    groups: dict[str, dict[CourseStatus, int]] = defaultdict(lambda: defaultdict(int))
    for cluster, course, status, n in counts:
        groups[f"{cluster}: {course}" if per_cluster else course][status] += n
    pdf.set_font("helvetica", "B", 11)
    heading = N_("Status per cluster and course") if per_cluster else N_("Status per course")
    pdf.cell(0, 7, _latin(translate(heading, lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=8)
    x = pdf.l_margin
    for status in CourseStatus:
        pdf.set_fill_color(*STATUS_COLOURS[status])
        pdf.rect(x, pdf.get_y() + 1, 4, 3, style="F")
        name = _latin(translate(STATUS_NAMES[status], lang))
        pdf.set_x(x + 5)
        pdf.cell(pdf.get_string_width(name) + 6, 5, name)
        x += pdf.get_string_width(name) + 12
    pdf.ln(7)
    if not groups:
        pdf.cell(0, 6, _latin(translate(N_("No courses in this selection."), lang)))
        pdf.ln(8)
        return
    label_w, bar_w = 95.0, 160.0
    largest = max(sum(g.values()) for g in groups.values()) or 1
    for name, by_status in list(groups.items())[:24]:
        y = pdf.get_y()
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, y)
        text = _latin(name)
        while pdf.get_string_width(text) > label_w - 2 and len(text) > 4:
            text = text[:-2].rstrip() + "…".encode("latin-1", "replace").decode("latin-1")
        pdf.cell(label_w, 6, text)
        x = pdf.l_margin + label_w
        for status in CourseStatus:
            n = by_status.get(status, 0)
            if not n:
                continue
            width = bar_w * n / largest
            pdf.set_fill_color(*STATUS_COLOURS[status])
            pdf.rect(x, y + 0.5, width, 5, style="F")
            if width >= pdf.get_string_width(str(n)) + 2:
                pdf.set_xy(x, y)
                pdf.set_text_color(255, 255, 255)
                pdf.cell(width, 6, str(n), align="C")
            x += width
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(x + 2, y)
        pdf.cell(20, 6, str(sum(by_status.values())))
        pdf.ln(7)
    pdf.ln(3)


PDF_WIDTHS = [30.0, 0.0, 20.0, 20.0, 34.0, 17.0, 13.0, 17.0, 17.0, 17.0, 12.0, 17.0, 21.0]


async def _progress_pdf(db: Database, job: ExportJob, progress: Callable[[int], Any]) -> Any:
    params = _job_params(job)
    lang = params.get("language", "nl")
    f = await _progress_filter(db, job, params)
    async with db.transaction() as session:
        counts = await pq.status_counts(session, f)
    total, stream = await pq.progress_rows(db, f)
    if total > MAX_PDF_ROWS:
        raise DomainError(
            ErrorCode.INVALID,
            "A PDF holds at most {count} rows; choose XLSX or CSV.",
            count=MAX_PDF_ROWS,
        )
    tracker = progress(total)
    rows = [r async for r in stream]
    title = translate(PROGRESS_TITLE, lang)
    pdf = _ReportPdf(title, lang)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 9, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    for key, value in _summary_lines(params, lang):
        pdf.cell(0, 5, _latin(f"{key}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _chart(pdf, counts, bool(params.get("per_cluster")), lang)
    pdf.add_page()
    pdf.set_font("helvetica", size=7)
    # The e-mail column is as wide as the longest address, so none is broken mid-word.
    widths = list(PDF_WIDTHS)
    others = sum(widths)
    room = pdf.epw - others
    longest = max((pdf.get_string_width(_latin(r.email)) for r in rows), default=20.0) + 3
    widths[1] = max(room, min(longest, room + 20))
    scale = pdf.epw / sum(widths)
    widths = [w * scale for w in widths]
    headings = FontFace(emphasis="BOLD", fill_color=(221, 235, 247))
    with pdf.table(
        col_widths=tuple(widths),
        first_row_as_headings=True,
        headings_style=headings,
        line_height=4,
        repeat_headings=1,
    ) as table:
        table.row([_latin(translate(c, lang)) for c, _, _ in PROGRESS_COLUMNS])
        for row in rows:
            cells = table.row()
            for value, (_, _, kind), width in zip(
                _progress_values(row, lang), PROGRESS_COLUMNS, widths, strict=True
            ):
                text = _pdf_text(value, kind, lang)
                size = 7.0
                pdf.set_font("helvetica", size=size)
                # An address too long for its column gets a smaller font, never a break.
                while kind == "text" and "@" in text and pdf.get_string_width(text) > width - 2:
                    size -= 0.5
                    pdf.set_font("helvetica", size=size)
                pdf.set_font("helvetica", size=7)
                cells.cell(text, style=FontFace(size_pt=size) if size != 7.0 else None)
            await tracker.tick()
    return bytes(pdf.output()), len(rows)


def _pdf_text(value: Any, kind: str, lang: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "date":
        return str(format_date(value, lang, "short"))
    if kind == "percent":
        return f"{round(value * 100)}%"
    return _latin(str(value))


# --- the academy report ----------------------------------------------------------------------


async def _report_rows(db: Database, job: ExportJob) -> list[list[Any]]:
    params = _job_params(job)
    async with db.transaction() as session:
        if "scope_paths" in params:
            paths = tuple(params["scope_paths"])
        else:
            # Started through startExport(kind:, unitId:): the unit bound there.
            unit = (await org_q.units_by_ids(session, [job.org_unit_id or 0]))[0]
            paths = (unit.path,) if unit else ()
        rows = await aq.report_rows(session, paths)
        units = await org_q.units_by_ids(session, sorted({r[0] for r in rows}))
        courses = await aq.courses_by_ids(session, sorted({r[1] for r in rows}))
    unit_name = {u.id: u.name for u in units if isinstance(u, OrgUnit)}
    course_title = {c.id: c.title for c in courses if isinstance(c, Course)}
    return [
        [
            unit_name.get(cluster, ""),
            course_title.get(course, ""),
            not_started,
            in_progress,
            completed,
            float(average) / 100 if average is not None else None,
        ]
        for cluster, course, not_started, in_progress, completed, average in rows
    ]


async def _report_xlsx(db: Database, job: ExportJob, progress: Callable[[int], Any]) -> Any:
    params = _job_params(job)
    lang = params.get("language", "nl")
    rows = await _report_rows(db, job)
    tracker = progress(len(rows))
    title = translate(REPORT_TITLE, lang)
    book, sheet, fmts, path, tmp = _xlsx(title, REPORT_COLUMNS, lang, _summary_lines(params, lang))
    with tmp:
        for index, values in enumerate(rows, start=1):
            _write_typed(sheet, index, values, REPORT_COLUMNS, fmts)
            await tracker.tick()
        sheet.autofilter(0, 0, max(len(rows), 1), len(REPORT_COLUMNS) - 1)
        book.close()
        return path.read_bytes(), len(rows)


async def _report_csv(db: Database, job: ExportJob, progress: Callable[[int], Any]) -> Any:
    lang = _job_params(job).get("language", "nl")
    rows = await _report_rows(db, job)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([translate(c, lang) for c, _, _ in REPORT_COLUMNS])
    for values in rows:
        writer.writerow([_csv_cell(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode(), len(rows)


def _by_format(**producers: Any) -> Any:
    async def produce(db: Database, job: ExportJob, progress: Callable[[int], Any]) -> Any:
        return await producers[job.format.value.lower()](db, job, progress)

    return produce


KINDS[PROGRESS] = ExportKind(
    title="Progress report",
    columns=[c for c, _, _ in PROGRESS_COLUMNS],
    rows=None,
    roles=ACADEMY_ADMINS,
    needs_unit=True,
    produce=_by_format(xlsx=_progress_xlsx, csv=_progress_csv, pdf=_progress_pdf),
)
KINDS[REPORT] = ExportKind(
    title="Academy report",
    columns=[c for c, _, _ in REPORT_COLUMNS],
    rows=None,
    roles=ACADEMY_ADMINS,
    needs_unit=True,
    produce=_by_format(xlsx=_report_xlsx, csv=_report_csv),
    formats=frozenset({ExportFormat.XLSX, ExportFormat.CSV}),
)
