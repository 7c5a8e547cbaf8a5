"""The yearly overview for the board–director conversation ("jaarlijkse resultaatgesprekken"):
a PDF with bar charts and an XLSX with a chart, per school or for the board.

Both read the same suppressed figures as the API (`insight.overview`): a suppressed count is
printed as "< 5" and its bar is drawn as an empty outline at the threshold's height, never at
the true value; in the XLSX its cell holds the text and its chart point is left empty.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter
from fpdf import FPDF

from domain.core.ids import decode_expected
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import Requirement, Role, Scope
from domain.core.texts import N_
from domain.meldcode.periods import QUARTER_NAMES, school_year
from resolvers.context import Context
from resolvers.core.i18n import translate
from resolvers.meldcode.insight import Count, Figures, Overview, overview

READ = Requirement.of([Role.CARE_COORDINATOR, Role.DIRECTOR, Role.BOARD_CONTACT])

TITLE = N_("Meldcode yearly overview {year}")
CASES_OPENED = N_("Cases opened")
ADVICE = N_("Advice asked at Veilig Thuis")
REPORTS = N_("Reports to Veilig Thuis")
OVERDUE = N_("Cases with overdue feedback")
DOCUMENTED = N_("Steps with documented deliberation (%)")
MEDIAN = N_("Median days between steps")
STEP = N_("Step {n}")
CASES_PER_STEP = N_("Cases per step")
OVER_THE_YEAR = N_("Advice and reports over the year")
DOCUMENTATION_SHARE = N_("Documentation share per school (%)")
FEWER_THAN = N_("< {n}")
SUPPRESSION_NOTE = N_(
    "Counts from 1 to {last} are shown as '< {n}', also where they could be derived from other "
    "numbers. No case or pupil is named."
)
TOTAL = N_("Total")
SCHOOL = N_("School")
TRAINED = N_("Teachers trained in the meldcode (%)")
NOT_SHOWN = N_("not shown")


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str
    media_type: str


def _latin(text: str) -> str:
    return text.replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def shown(count: Count) -> str:
    if count.value is None:
        return translate(FEWER_THAN, n=count.fewer_than)
    return str(count.value)


def _rows(f: Figures) -> list[tuple[str, str]]:
    return [
        (translate(CASES_OPENED), shown(f.counts["opened"])),
        *((translate(STEP, n=k), shown(f.counts[f"step{k}"])) for k in range(1, 6)),
        (translate(ADVICE), shown(f.counts["advice"])),
        (translate(REPORTS), shown(f.counts["reports"])),
        (translate(OVERDUE), shown(f.counts["overdue"])),
        (
            translate(DOCUMENTED),
            translate(NOT_SHOWN) if f.documented_share is None else f"{f.documented_share:g}",
        ),
        (
            translate(MEDIAN),
            translate(NOT_SHOWN) if f.median_days is None else f"{f.median_days:g}",
        ),
    ]


async def yearly_overview(
    ctx: Context, unit_gid: str, start_year: int, kind: str
) -> Document | None:
    """The document, or None when the unit does not exist or is outside the viewer's reach."""
    try:
        unit_id = decode_expected(unit_gid, "OrgUnit", "unitId")
        year = school_year(start_year)
    except Exception:
        return None
    unit = await ctx.loaders.unit_by_id.load(unit_id)
    if unit is None or unit.kind not in {OrgUnitKind.SCHOOL, OrgUnitKind.SCHOOL_BOARD}:
        return None
    if not ctx.allows(READ, Scope(unit_paths=(unit.path,))):
        return None
    found = await overview(ctx, unit, year)
    name = f"meldcode-{year.start_year}-{unit.id}"
    if kind == "xlsx":
        return Document(
            _xlsx(found),
            f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return Document(_pdf(found), f"{name}.pdf", "application/pdf")


def _bars(
    pdf: FPDF, title: str, bars: Sequence[tuple[str, Count | float | None]], threshold: int
) -> None:
    """A bar chart; a suppressed bar is an empty outline at the threshold, labelled '< n'."""
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 8, _latin(title), new_x="LMARGIN", new_y="NEXT")
    values = [
        (b.value if b.value is not None else threshold) if isinstance(b, Count) else (b or 0)
        for _, b in bars
    ]
    top = max([*values, threshold, 1])
    x0, y0, height, width = pdf.l_margin + 5, pdf.get_y() + 40, 36.0, 22.0
    pdf.set_font("helvetica", size=8)
    for i, ((label, bar), value) in enumerate(zip(bars, values, strict=True)):
        x = x0 + i * (width + 6)
        h = height * value / top
        suppressed = (isinstance(bar, Count) and bar.value is None) or bar is None
        if suppressed:
            pdf.set_draw_color(120, 120, 120)
            pdf.rect(x, y0 - h, width, h, style="D")
        else:
            pdf.set_fill_color(40, 90, 160)
            pdf.rect(x, y0 - h, width, h, style="F")
        text = (
            shown(bar)
            if isinstance(bar, Count)
            else (translate(NOT_SHOWN) if bar is None else f"{bar:g}")
        )
        pdf.set_xy(x, y0 - h - 5)
        pdf.cell(width, 4, _latin(text), align="C")
        pdf.set_xy(x, y0 + 1)
        pdf.cell(width, 4, _latin(label), align="C")
    pdf.set_xy(pdf.l_margin, y0 + 8)


def _pdf(found: Overview) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    threshold = found.threshold
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _latin(translate(TITLE, year=found.year.label)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 8, _latin(found.unit.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=8)
    pdf.multi_cell(
        0,
        4,
        _latin(translate(SUPPRESSION_NOTE, last=threshold - 1, n=threshold)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    # The figures table: the unit's totals and, for a board, one column per school.
    columns = [(translate(TOTAL), found.total)]
    if found.unit.kind is OrgUnitKind.SCHOOL_BOARD:
        columns += [(s.school.name, s.figures) for s in found.schools]
    label_w = 70.0
    col_w = min(30.0, (pdf.w - pdf.l_margin - pdf.r_margin - label_w) / len(columns))
    pdf.set_font("helvetica", "B", 8)
    pdf.cell(label_w, 6, "", border=1)
    for title, _ in columns:
        pdf.cell(col_w, 6, _latin(title[:18]), border=1, align="C")
    pdf.ln()
    pdf.set_font("helvetica", size=8)
    tables = [_rows(f) for _, f in columns]
    for i, (label, _) in enumerate(tables[0]):
        pdf.cell(label_w, 6, _latin(label), border=1)
        for t in tables:
            pdf.cell(col_w, 6, _latin(t[i][1]), border=1, align="C")
        pdf.ln()
    pdf.ln(4)
    f = found.total
    _bars(
        pdf,
        translate(CASES_PER_STEP),
        [(translate(STEP, n=k), f.counts[f"step{k}"]) for k in range(1, 6)],
        threshold,
    )
    _bars(
        pdf,
        translate(OVER_THE_YEAR),
        [(f"{translate(QUARTER_NAMES[q])} A", f.quarters["advice"][q]) for q in range(4)]
        + [(f"{translate(QUARTER_NAMES[q])} M", f.quarters["reports"][q]) for q in range(2)],
        threshold,
    )
    if found.unit.kind is OrgUnitKind.SCHOOL_BOARD:
        pdf.add_page()
    _bars(
        pdf,
        translate(DOCUMENTATION_SHARE),
        [(s.school.name[:14], s.figures.documented_share) for s in found.schools],
        100,
    )
    _bars(
        pdf,
        translate(TRAINED),
        [(s.school.name[:14], s.checklist.trained_share) for s in found.schools],
        100,
    )
    return bytes(pdf.output())


def _xlsx(found: Overview) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_latin(translate(TOTAL))[:31])
    bold = book.add_format({"bold": True})
    sheet.write(0, 0, translate(TITLE, year=found.year.label), bold)
    sheet.write(1, 0, found.unit.name)
    sheet.write(2, 0, translate(SUPPRESSION_NOTE, last=found.threshold - 1, n=found.threshold))
    columns = [(translate(TOTAL), found.total)]
    if found.unit.kind is OrgUnitKind.SCHOOL_BOARD:
        columns += [(s.school.name, s.figures) for s in found.schools]
    header = 4
    sheet.write(header, 0, "", bold)
    for c, (title, _) in enumerate(columns, start=1):
        sheet.write(header, c, title, bold)
    tables = [_rows(f) for _, f in columns]
    for r, (label, _) in enumerate(tables[0], start=header + 1):
        sheet.write(r, 0, label)
        for c, t in enumerate(tables, start=1):
            value = t[r - header - 1][1]
            sheet.write(r, c, int(value) if value.isdigit() else value)
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, len(columns), 18)
    # Chart data: the steps of the total, a suppressed step left blank (no bar).
    data_row = header + len(tables[0]) + 3
    sheet.write(data_row - 1, 0, translate(CASES_PER_STEP), bold)
    for k in range(1, 6):
        count = found.total.counts[f"step{k}"]
        sheet.write(data_row + k - 1, 0, translate(STEP, n=k))
        if count.value is None:
            sheet.write(data_row + k - 1, 1, shown(count))
        else:
            sheet.write_number(data_row + k - 1, 1, count.value)
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": translate(CASES_PER_STEP),
            "categories": [sheet.name, data_row, 0, data_row + 4, 0],
            "values": [sheet.name, data_row, 1, data_row + 4, 1],
        }
    )
    chart.set_title({"name": translate(CASES_PER_STEP)})
    chart.show_blanks_as("gap")
    sheet.insert_chart(data_row, 3, chart)
    book.close()
    return out.getvalue()
