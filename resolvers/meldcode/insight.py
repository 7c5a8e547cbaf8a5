"""Aggregate-only figures for directors and boards: counts in SQL, suppression in the domain.

Every count of a board belongs to one table per measure (schools × quarters with margins) and
is suppressed on that whole table, whichever part a reader sees: a director sees the own
school's row, the board contact all rows and the totals, the yearly PDF and XLSX the same
numbers — one suppression pattern, so no two views can be combined to undo it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.core.orgtree import OrgUnitKind
from domain.meldcode.periods import QUARTERS, SchoolYear
from domain.meldcode.retention import DEFAULT_THRESHOLD
from domain.meldcode.suppression import SuppressedTable, suppress
from persistence.core.models import OrgUnit
from persistence.meldcode import queries as q
from persistence.meldcode.models import MeldcodeSchoolProfile
from resolvers.context import Context
from resolvers.core.loader_group import referenced
from resolvers.meldcode.cases import today

MEASURES = (
    "opened",
    "step1",
    "step2",
    "step3",
    "step4",
    "step5",
    "advice",
    "reports",
    "overdue",
)


@dataclass(frozen=True)
class Count:
    value: int | None  # None: suppressed
    fewer_than: int | None


@dataclass(frozen=True)
class Figures:
    counts: dict[str, Count]
    quarters: dict[str, list[Count]]
    documented_share: float | None  # percent
    median_days: float | None


@dataclass(frozen=True)
class Checklist:
    care_coordinators: int
    hours_per_week: int
    plan_dated_on: date | None
    plan_evaluated_on: date | None
    plan_evaluated_this_year: bool
    on_yearly_agenda: bool
    verwijsindex_connected: bool
    teachers: int
    trained_teachers: int

    @property
    def trained_share(self) -> float | None:
        if self.teachers == 0:
            return None
        return round(100 * self.trained_teachers / self.teachers, 1)


@dataclass(frozen=True)
class SchoolFigures:
    school: OrgUnit
    figures: Figures
    checklist: Checklist


@dataclass(frozen=True)
class Overview:
    unit: OrgUnit
    board: OrgUnit
    year: SchoolYear
    threshold: int
    total: Figures  # the board's totals, or the one school's row when asked for a school
    schools: list[SchoolFigures]


def _count(table: SuppressedTable, row: int, col: int) -> Count:
    shown = table.shown(row, col)
    return Count(shown, None if shown is not None else table.threshold)


def _share(pair: tuple[int, int] | None, threshold: int) -> float | None:
    if pair is None or pair[1] < threshold:
        return None
    return round(100 * pair[0] / pair[1], 1)


def _median(found: tuple[float, int] | None, threshold: int) -> float | None:
    if found is None or found[1] < threshold:
        return None
    return round(found[0], 1)


async def board_of(ctx: Context, unit: OrgUnit) -> OrgUnit:
    if unit.kind is OrgUnitKind.SCHOOL_BOARD:
        return unit
    assert unit.parent_id is not None
    return await referenced(ctx.loaders.unit_by_id, unit.parent_id)


async def overview(ctx: Context, unit: OrgUnit, year: SchoolYear) -> Overview:
    """The figures of a board (all schools and totals) or of one school, for one school year."""
    board = await board_of(ctx, unit)
    assert board.id is not None
    schools = await ctx.db.read(q.schools_of_board, board.id)
    ids = [s.id for s in schools if s.id is not None]
    policy = await ctx.db.read(q.policy_of_board, board.id)
    threshold = policy.suppression_threshold if policy else DEFAULT_THRESHOLD
    day = today()
    rows = await ctx.db.read(q.quarter_counts, ids, year.first_day, year.end, day)
    index = {sid: i for i, sid in enumerate(ids)}
    interior = {m: [[0] * QUARTERS for _ in ids] for m in MEASURES}
    for r in rows:
        i = index[r.school_id]
        values = (r.opened, *r.reached, r.advice, r.reports, r.overdue_feedback)
        for m, v in zip(MEASURES, values, strict=True):
            interior[m][i][r.quarter] = v
    tables = {m: suppress(interior[m], threshold) for m in MEASURES}
    docs = await ctx.db.read(q.documentation_counts, ids, year.first_day, year.end)
    medians = await ctx.db.read(q.median_gaps, ids, year.first_day, year.end, True)
    board_median = await ctx.db.read(q.median_gaps, ids, year.first_day, year.end, False)
    training = await ctx.db.read(q.training_counts, ids)
    coordinators = await ctx.db.read(q.care_coordinators, ids)
    profiles = await ctx.db.read(q.profiles_by_school, ids)

    def figures(row: int, share: float | None, median: float | None) -> Figures:
        return Figures(
            counts={m: _count(tables[m], row, QUARTERS) for m in MEASURES},
            quarters={m: [_count(tables[m], row, c) for c in range(QUARTERS)] for m in MEASURES},
            documented_share=share,
            median_days=median,
        )

    per_school = []
    for i, school in enumerate(schools):
        sid = ids[i]
        profile = profiles[i] or MeldcodeSchoolProfile(school_unit_id=sid)
        teachers, trained = training.get(sid, (0, 0))
        per_school.append(
            SchoolFigures(
                school=school,
                figures=figures(
                    i, _share(docs.get(sid), threshold), _median(medians.get(sid), threshold)
                ),
                checklist=Checklist(
                    care_coordinators=coordinators.get(sid, 0),
                    hours_per_week=profile.care_coordinator_hours_per_week,
                    plan_dated_on=profile.plan_dated_on,
                    plan_evaluated_on=profile.plan_evaluated_on,
                    plan_evaluated_this_year=profile.plan_evaluated_on is not None
                    and profile.plan_evaluated_on >= year.first_day,
                    on_yearly_agenda=profile.on_yearly_agenda,
                    verwijsindex_connected=profile.verwijsindex_connected,
                    teachers=teachers,
                    trained_teachers=trained,
                ),
            )
        )
    all_docs = (sum(d for d, _ in docs.values()), sum(n for _, n in docs.values()))
    if unit.kind is OrgUnitKind.SCHOOL:
        mine = [s for s in per_school if s.school.id == unit.id]
        return Overview(unit, board, year, threshold, mine[0].figures, mine)
    total = figures(len(ids), _share(all_docs, threshold), _median(board_median.get(0), threshold))
    return Overview(unit, board, year, threshold, total, per_school)
