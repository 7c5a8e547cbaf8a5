"""The academy's progress report and report export, read back as their readers do: the XLSX
with openpyxl (types, header, frozen row, autofilter, rows of the admin's cluster only), the
PDF's text with pypdf (title, filters, chart, page numbers, whole addresses)."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
from pypdf import PdfReader

from portaal.worker import Worker
from tests.conftest import Api, make_settings

START = """mutation($i: ProgressExportInput!) { startProgressExport(input: $i) {
  exportJob { id kind status progressPercent downloadUrl } errors { code field message } } }"""
START_REPORT = """mutation($f: ExportFormat!) { startAcademyReportExport(format: $f) {
  exportJob { id kind status downloadUrl } errors { code field message } } }"""
POLL = """query($id: ID!) { node(id: $id) { ... on ExportJob {
  status progressPercent rowCount filename downloadUrl error } } }"""

NOORD = {
    "lotte.jansen@example.org",
    "sanne.visser@example.org",
    "daan.smit@example.org",
    "eva.devries@example.org",
}


async def _download(api: Api, token: str, started: dict) -> tuple[dict, bytes]:
    assert started["errors"] == [], started
    job = started["exportJob"]
    assert job["status"] == "QUEUED" and job["downloadUrl"] is None
    await Worker(make_settings(api.database.url), api.database).drain()
    done = (await api.data(POLL, {"id": job["id"]}, token))["node"]
    assert done["status"] == "DONE" and done["progressPercent"] == 100, done
    response = await api.client.get(
        done["downloadUrl"].replace("http://portaal.test", ""),
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    return done, response.content


async def _progress(api: Api, token: str, fmt: str, f: dict | None = None) -> tuple[dict, bytes]:
    started = await api.data(START, {"i": {"format": fmt, "filter": f}}, token)
    return await _download(api, token, started["startProgressExport"])


async def test_progress_report_as_excel_has_real_types_and_only_the_admins_cluster(
    api: Api,
) -> None:
    admin = await api.login("noord@zorgacademie.example")
    done, content = await _progress(api, admin, "XLSX")
    assert done["filename"].endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(header) == 13 and header[1] in ("E-mail", "E-mailadres")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{len(rows)}"
    assert sheet.column_dimensions["B"].width >= 30  # addresses fit
    body = rows[1:]
    assert done["rowCount"] == len(body)
    # Only the cluster admin's own cluster (Ahmed and Finn are in Regio Zuid).
    assert {r[1] for r in body} == NOORD and {r[2] for r in body} == {"Regio Noord"}
    lotte = [r for r in body if r[1] == "lotte.jansen@example.org"]
    assert len(lotte) == 2  # one row per course
    meldcode = next(r for r in lotte if r[4].startswith("Meldcode"))
    # Dates are dates, percentages are numbers shown as percent.
    assert isinstance(meldcode[7], datetime) and isinstance(meldcode[9], datetime)
    assert meldcode[6] == 1 and meldcode[10] == 0.85
    cells = list(sheet.iter_rows(min_row=2))
    row_of_lotte = next(
        c
        for c in cells
        if c[1].value == "lotte.jansen@example.org" and c[4].value.startswith("Meldcode")
    )
    assert row_of_lotte[6].number_format == "0%" and row_of_lotte[7].is_date
    assert meldcode[3] == "Avonddienst"  # labels
    assert meldcode[12] == "VVN 1234567"  # registration number of the course's register
    assert isinstance(meldcode[11], datetime)  # certificate date
    eva = next(r for r in body if r[1] == "eva.devries@example.org")
    assert eva[6] == 0 and eva[8] is None and eva[10] is None
    about = book.worksheets[1]
    about_text = " ".join(str(c) for row in about.iter_rows(values_only=True) for c in row if c)
    assert "Zorgacademie Nederland" in about_text


async def test_progress_report_takes_the_user_lists_filter(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    _, content = await _progress(api, admin, "XLSX", {"courseStatus": "COMPLETED"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)
    )
    assert {r[1] for r in rows[1:]} == {
        "lotte.jansen@example.org",
        "sanne.visser@example.org",
        "daan.smit@example.org",
    }
    assert len(rows) == 4  # only the completed course rows: Lotte's course in progress is left out
    _, content = await _progress(api, admin, "XLSX", {"courseStatus": "NOT_STARTED"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)
    )
    assert [r[1] for r in rows[1:]] == ["eva.devries@example.org"]


async def test_progress_report_as_pdf_with_chart_filters_and_page_numbers(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    _, content = await _progress(api, admin, "PDF", {"search": "e"})
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "Voortgangsrapportage" in first or "Progress report" in first
    assert "Zorgacademie Nederland" in first
    # The chart: per course, the status legend and the numbers.
    assert "Meldcode huiselijk geweld en kindermishandeling" in first
    assert ("Afgerond" in first or "Completed" in first) and (
        "Niet gestart" in first or "Not started" in first
    )
    assert (
        "1 / 2" in first.replace("van", "/").replace("of", "/")
        or "1 van 2" in first
        or "1 of 2" in first
    )
    text = "\n".join(p.extract_text() for p in reader.pages[1:])
    for email in NOORD:
        assert email in text  # whole addresses, never broken
    assert "ahmed.elamrani@example.org" not in text


async def test_org_admin_pdf_chart_is_per_cluster(api: Api) -> None:
    admin = await api.login("orgbeheer@zorgacademie.example")
    _, content = await _progress(api, admin, "PDF")
    first = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Regio Noord: Meldcode" in first and "Regio Zuid: Medicatieveiligheid" in first


async def test_academy_report_as_excel(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    started = await api.data(START_REPORT, {"f": "XLSX"}, admin)
    _, content = await _download(api, admin, started["startAcademyReportExport"])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    body = rows[1:]
    assert {r[0] for r in body} == {"Regio Noord"}
    meldcode = next(r for r in body if r[1].startswith("Meldcode"))
    # 3 completed (Lotte, Sanne, Daan), 1 not started (Eva); best scores 85, 60, 75.
    assert meldcode[2:5] == (1, 0, 3)
    assert abs(meldcode[5] - 0.7333) < 0.001
    refused = await api.data(START_REPORT, {"f": "PDF"}, admin)
    assert refused["startAcademyReportExport"]["errors"][0]["field"] == "format"


async def test_learners_cannot_export_progress(api: Api) -> None:
    learner = await api.login("lotte.jansen@example.org")
    body = await api.query(START, {"i": {}}, learner)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_dates_are_amsterdam_dates() -> None:
    from resolvers.academy.progress_export import _local_date

    assert _local_date(datetime.fromisoformat("2026-03-28T23:30:00+00:00")) == date(2026, 3, 29)


LONG = "annemarie.van.der.heijden-oosterbroek@zorgorganisatie-noord-nederland.example.org"


async def _statements_of_export(api: Api, token: str, fmt: str) -> tuple[int, bytes]:
    started = await api.data(START, {"i": {"format": fmt}}, token)
    job = started["startProgressExport"]["exportJob"]
    before = api.database.statement_count
    await Worker(make_settings(api.database.url), api.database).drain()
    used = api.database.statement_count - before
    done = (await api.data(POLL, {"id": job["id"]}, token))["node"]
    response = await api.client.get(
        done["downloadUrl"].replace("http://portaal.test", ""),
        headers={"authorization": f"Bearer {token}"},
    )
    return used, response.content


async def test_export_statements_do_not_grow_with_rows_and_long_addresses_stay_whole(
    api: Api,
) -> None:
    admin = await api.login("noord@zorgacademie.example")
    few, _ = await _statements_of_export(api, admin, "XLSX")
    added = await api.data(
        "mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) { errors { code } } }",
        {
            "c": await api.unit_id("Regio Noord"),
            "e": [LONG] + [f"extra.{i}@example.org" for i in range(15)],
        },
        admin,
    )
    assert added["addUsers"]["errors"] == []
    many, content = await _statements_of_export(api, admin, "XLSX")
    assert many == few  # 4 users or 20: the same statements
    rows = list(
        openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)
    )
    assert len(rows) == 1 + 5 + 16
    _, pdf = await _statements_of_export(api, admin, "PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert LONG in text  # shrunk to fit its column, never broken mid-address
