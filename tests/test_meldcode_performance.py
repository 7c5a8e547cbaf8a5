"""SQL statements per request do not grow with the number of cases or schools."""

from __future__ import annotations

from datetime import date

from domain.meldcode.periods import school_year_of
from tests.conftest import Api
from tests.meldcode_setup import BOARD, BOARD_UNIT, CARE, CASES, LINDENHOVE, TEACHER, ok, pupil_gid
from tests.test_meldcode_insight import OVERVIEW

SIGNAL = """mutation($p: ID!, $d: Date!, $t: String!) {
  recordMeldcodeSignal(pupilId: $p, observedOn: $d, text: $t) { signal { id } errors { code } } }"""
CLOSE = """mutation($c: ID!) { closeMeldcodeCase(caseId: $c, outcome: OTHER) {
  case { id } errors { code } } }"""


async def _statements(api: Api, query: str, variables: dict[str, object], token: str) -> int:
    await api.data(query, variables, token)
    return api.last_statements


async def test_listing_cases_costs_the_same_for_one_or_many(api: Api) -> None:
    care = await api.login(CARE)
    school = {"s": await api.unit_id(LINDENHOVE)}
    one = await _statements(api, CASES, school, care)
    teacher = await api.login(TEACHER)
    noor = await pupil_gid(api, "noor.dejong@leerling.lindenhove.example")
    for _ in range(4):
        await ok(
            api,
            SIGNAL,
            {"p": noor, "d": str(date.today()), "t": "zorg"},
            teacher,
            "recordMeldcodeSignal",
        )
        data = await api.data(CASES, school, care)
        newest = data["meldcodeCases"]["nodes"][0]
        await ok(api, CLOSE, {"c": newest["id"]}, care, "closeMeldcodeCase")
    data = await api.data(CASES, school, care)
    assert data["meldcodeCases"]["totalCount"] == 5
    many = await _statements(api, CASES, school, care)
    assert many == one, (one, many)


async def test_the_board_overview_is_a_fixed_number_of_statements(api: Api) -> None:
    board = await api.login(BOARD)
    variables = {"u": await api.unit_id(BOARD_UNIT), "y": school_year_of(date.today()).start_year}
    before = await _statements(api, OVERVIEW, variables, board)
    teacher = await api.login(TEACHER)
    noor = await pupil_gid(api, "noor.dejong@leerling.lindenhove.example")
    await ok(
        api,
        SIGNAL,
        {"p": noor, "d": str(date.today()), "t": "zorg"},
        teacher,
        "recordMeldcodeSignal",
    )
    after = await _statements(api, OVERVIEW, variables, board)
    assert after == before <= 16, (before, after)
