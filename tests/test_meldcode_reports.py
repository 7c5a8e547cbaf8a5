"""The yearly overview as the board and the director open it: PDF (pypdf) and XLSX (openpyxl)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from pypdf import PdfReader

from domain.meldcode.periods import school_year_of
from tests.conftest import Api
from tests.meldcode_setup import BOARD, BOARD_UNIT, DIRECTOR, ESCH, LINDENHOVE, TEACHER

YEAR = school_year_of(date.today()).start_year


async def _get(api: Api, kind: str, unit: str, token: str | None) -> tuple[int, bytes, str]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await api.client.get(
        f"/meldcode/overview.{kind}",
        params={"unitId": await api.unit_id(unit), "schoolYear": YEAR},
        headers=headers,
    )
    return response.status_code, response.content, response.headers.get("content-type", "")


async def test_the_board_pdf_has_figures_and_charts_with_suppression(api: Api) -> None:
    board = await api.login(BOARD)
    status, body, kind = await _get(api, "pdf", BOARD_UNIT, board)
    assert status == 200 and kind == "application/pdf"
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert BOARD_UNIT in text and LINDENHOVE[:18] in text and ESCH[:18] in text
    # One case per school: every count is "< 5", in the table and above every bar of the steps.
    assert text.count("< 5") >= 5 + 5 * 3
    for name in ("Tim", "Sem", "Bos", "Visser", "Mulder"):
        assert name not in text, name
    # Bars are drawn (rectangles in the page content).
    assert b" re" in reader.pages[0].get_contents().get_data()


async def test_the_school_xlsx_holds_suppressed_numbers_and_a_chart(api: Api) -> None:
    director = await api.login(DIRECTOR)
    status, body, _ = await _get(api, "xlsx", LINDENHOVE, director)
    assert status == 200
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == LINDENHOVE
    table = {row[0]: row[1] for row in values[5:16] if row[0]}
    # Tim's case: opened, steps 1–5, advice, report, overdue feedback — all "< 5".
    assert list(table.values())[:9] == ["< 5"] * 9
    assert len(sheet._charts) == 1
    # No other school, no pupil.
    flat = str(values)
    assert ESCH not in flat and "Tim" not in flat


async def test_others_get_nothing(api: Api) -> None:
    director = await api.login(DIRECTOR)
    assert (await _get(api, "pdf", ESCH, director))[0] == 404
    assert (await _get(api, "pdf", BOARD_UNIT, director))[0] == 404
    assert (await _get(api, "xlsx", LINDENHOVE, await api.login(TEACHER)))[0] == 404
    assert (await _get(api, "pdf", LINDENHOVE, None))[0] == 401
    assert (await _get(api, "exe", LINDENHOVE, director))[0] == 404
