"""Aggregate-only insight: directors and boards get counts, suppressed so that no small cell
can be recovered from anything they can query (seed 003: "inzicht voor het bestuur")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.meldcode.periods import QUARTERS, quarter_of_month, school_year_of
from domain.meldcode.suppression import SuppressedTable
from tests.conftest import Api
from tests.meldcode_setup import (
    BOARD,
    BOARD_UNIT,
    CARE,
    CASES,
    DIRECTOR,
    ESCH,
    ESCH_CARE,
    LINDENHOVE,
    TEACHER,
    ok,
    pupil_gid,
)
from tests.unit.test_meldcode_suppression import determined_cells

COUNT = "{ value fewerThan }"
FIGURES = f"""casesOpened {COUNT} adviceVeiligThuis {COUNT} reportsMade {COUNT}
  overdueFeedback {COUNT} stepsReached {{ step cases {COUNT} }} documentedSharePercent
  medianDaysBetweenSteps quarters {{ quarter label casesOpened {COUNT}
  adviceVeiligThuis {COUNT} reportsMade {COUNT} }}"""
OVERVIEW = f"""query($u: ID!, $y: Int!) {{ meldcodeOverview(unitId: $u, schoolYear: $y) {{
  unitName schoolYear suppressionThreshold total {{ {FIGURES} }}
  schools {{ schoolName figures {{ {FIGURES} }} checklist {{ careCoordinatorsAppointed
  careCoordinatorHoursPerWeek planEvaluatedThisYear onYearlyAgenda verwijsindexConnected
  teachers trainedTeachers trainedSharePercent }} }} }} }}"""
SIGNAL = """mutation($p: ID!, $d: Date!, $t: String!) {
  recordMeldcodeSignal(pupilId: $p, observedOn: $d, text: $t) { signal { id } errors { code } } }"""
CLOSE = """mutation($c: ID!) { closeMeldcodeCase(caseId: $c, outcome: OTHER) {
  case { id } errors { code } } }"""
POLICY = """mutation($b: ID!) { setMeldcodePolicy(boardId: $b, retentionMonths: 60,
  suppressionThreshold: 3) { ok errors { code field } } }"""
YEAR = school_year_of(date.today()).start_year


async def _more_cases(
    api: Api, teacher: str, pupil_email: str, care: str, school: str, n: int
) -> None:
    """n new cases about one pupil: a signal opens one, closing it lets the next signal open
    another — through the real mutations."""
    token = await api.login(teacher)
    care_token = await api.login(care)
    pupil = await pupil_gid(api, pupil_email)
    for _ in range(n):
        await ok(
            api,
            SIGNAL,
            {"p": pupil, "d": str(date.today()), "t": "zorg"},
            token,
            "recordMeldcodeSignal",
        )
        listed = await api.data(
            CASES.replace(
                "meldcodeCases(schoolId: $s)", "meldcodeCases(schoolId: $s, status: OPEN)"
            ),
            {"s": await api.unit_id(school)},
            care_token,
        )
        newest = listed["meldcodeCases"]["nodes"][0]["id"]
        await ok(api, CLOSE, {"c": newest}, care_token, "closeMeldcodeCase")


def _published(overview: dict[str, Any], measure: str) -> tuple[list[list[int | None]], bool]:
    """The table an attacker reads off the board's overview: rows schools + total, columns the
    quarters + year where quarters are published, else the year column only."""
    rows = [s["figures"] for s in overview["schools"]] + [overview["total"]]
    quarterly = measure in {"casesOpened", "adviceVeiligThuis", "reportsMade"}

    def cell(figures: dict[str, Any], q: int | None) -> int | None:
        if measure.startswith("step"):
            found = figures["stepsReached"][int(measure[4:]) - 1]["cases"]
        elif q is None:
            found = figures[measure]
        else:
            found = figures["quarters"][q][measure]
        return found["value"]  # type: ignore[no-any-return]

    if quarterly:
        return [[cell(f, q) for q in range(QUARTERS)] + [cell(f, None)] for f in rows], True
    # Only the year column is published: the quarters are unknowns the attacker never sees.
    return [[None] * QUARTERS + [cell(f, None)] for f in rows], False


def _attack(
    table: list[list[int | None]],
    truth: list[list[int]],
    targets: set[tuple[int, int]] | None = None,
) -> set[tuple[int, int]]:
    """The suppressed cells (of `targets`) that the published numbers pin down."""
    hidden = frozenset(
        (r, c) for r, row in enumerate(table) for c, v in enumerate(row) if v is None
    )
    values = tuple(tuple(row) for row in truth)
    found = determined_cells(SuppressedTable(values=values, hidden=hidden, threshold=3))
    return found if targets is None else found & targets


def _consistent_filling(table: list[list[int | None]]) -> list[list[int]]:
    """Hidden cells filled so that every line adds up (the margins are then recomputed)."""
    rows = len(table) - 1
    interior = [[1 if v is None else v for v in row[:QUARTERS]] for row in table[:rows]]
    filled = [[*row, sum(row)] for row in interior]
    filled.append([sum(r[c] for r in filled) for c in range(QUARTERS + 1)])
    return filled


async def test_director_and_board_see_counts_never_cases(api: Api) -> None:
    director = await api.login(DIRECTOR)
    mine = await api.data(OVERVIEW, {"u": await api.unit_id(LINDENHOVE), "y": YEAR}, director)
    found = mine["meldcodeOverview"]
    assert [s["schoolName"] for s in found["schools"]] == [LINDENHOVE]
    assert found["suppressionThreshold"] == 5
    # One case at Lindenhove: "fewer than 5", everywhere it shows.
    assert found["total"]["casesOpened"] == {"value": None, "fewerThan": 5}
    checklist = found["schools"][0]["checklist"]
    assert (checklist["teachers"], checklist["trainedTeachers"]) == (
        3,
        1,
    )  # three teachers at the school, one trained
    assert checklist["trainedSharePercent"] == 33.3 and checklist["careCoordinatorsAppointed"] == 1
    text = str(mine)
    for leak in ("Tim", "Bos", "TWVsZGNvZGVD", "UHVwaWw", "Mulder", "Dekker"):
        assert leak not in text, leak
    # Not another school, not the board.
    body = await api.query(OVERVIEW, {"u": await api.unit_id(ESCH), "y": YEAR}, director)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = await api.query(OVERVIEW, {"u": await api.unit_id(BOARD_UNIT), "y": YEAR}, director)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # The board sees both schools and totals; a teacher sees nothing.
    board = await api.login(BOARD)
    all_ = await api.data(OVERVIEW, {"u": await api.unit_id(BOARD_UNIT), "y": YEAR}, board)
    assert [s["schoolName"] for s in all_["meldcodeOverview"]["schools"]] == [ESCH, LINDENHOVE]
    assert "TWVsZGNvZGVD" not in str(all_) and "Sem" not in str(all_)
    teacher = await api.login(TEACHER)
    body = await api.query(OVERVIEW, {"u": await api.unit_id(LINDENHOVE), "y": YEAR}, teacher)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_subtraction_attack_recovers_no_suppressed_cell(api: Api) -> None:
    board = await api.login(BOARD)
    await ok(api, POLICY, {"b": await api.unit_id(BOARD_UNIT)}, board, "setMeldcodePolicy")
    # Lindenhove: the demo case and 5 more; De Esch: the demo case and 1 more.
    await _more_cases(api, TEACHER, "noor.dejong@leerling.lindenhove.example", CARE, LINDENHOVE, 5)
    await _more_cases(
        api, "l.bakker@deesch.example", "sem.visser@leerling.deesch.example", ESCH_CARE, ESCH, 1
    )
    overview = (await api.data(OVERVIEW, {"u": await api.unit_id(BOARD_UNIT), "y": YEAR}, board))[
        "meldcodeOverview"
    ]
    assert overview["suppressionThreshold"] == 3
    # Everything else the attacker can read: each school's own view (director, coordinators).
    director = await api.login(DIRECTOR)
    lind = await api.data(OVERVIEW, {"u": await api.unit_id(LINDENHOVE), "y": YEAR}, director)
    esch = await api.data(
        OVERVIEW, {"u": await api.unit_id(ESCH), "y": YEAR}, await api.login(ESCH_CARE)
    )
    # The same numbers in every view: one suppression pattern for the whole board.
    assert lind["meldcodeOverview"]["total"] == overview["schools"][1]["figures"]
    assert esch["meldcodeOverview"]["total"] == overview["schools"][0]["figures"]

    # The truth, which only the test knows: when each case was opened.
    today = date.today()
    truth = [[0] * (QUARTERS + 1) for _ in range(3)]  # De Esch, Lindenhove, board
    for row, opened in (
        (0, today - timedelta(days=10)),
        (1, today - timedelta(days=40)),
        *tuple((1, today) for _ in range(5)),
    ):
        if school_year_of(opened).start_year == YEAR:
            for r in (row, 2):
                truth[r][quarter_of_month(opened.month)] += 1
                truth[r][QUARTERS] += 1
    table, _ = _published(overview, "casesOpened")
    # What is shown is true, and no small count is ever shown.
    for r, row in enumerate(table):
        for c, v in enumerate(row):
            assert v is None or v == truth[r][c]
            if 0 < truth[r][c] < 3:
                assert v is None
    assert _attack(table, truth) == set()
    # The attack works: with primary suppression only, it recovers the small cells.
    primary = [[None if 0 < v < 3 else v for v in row] for row in truth]
    assert _attack(primary, truth)

    # The other measures: whatever the hidden values, the published ones pin none down.
    for measure in (
        "adviceVeiligThuis",
        "reportsMade",
        "overdueFeedback",
        "step1",
        "step2",
        "step5",
    ):
        table, quarterly = _published(overview, measure)
        assert all(v is None or v == 0 or v >= 3 for row in table for v in row)
        suppressed = {
            (r, c)
            for r, row in enumerate(table)
            for c, v in enumerate(row)
            if v is None and (quarterly or c == QUARTERS)
        }
        # Any consistent filling will do: the question is only which cells the algebra fixes.
        fake = _consistent_filling(table)
        assert _attack(table, fake, suppressed) == set(), (measure, table)
