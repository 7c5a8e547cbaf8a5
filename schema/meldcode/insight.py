"""Aggregate-only figures: what directors and board contacts reach. Counts and shares, never a
case, a pupil's name or an ID; small counts read "fewer than {threshold}"."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import Role as R
from domain.meldcode.periods import QUARTER_NAMES
from domain.meldcode.periods import school_year as make_school_year
from resolvers.core.i18n import translate
from resolvers.meldcode import insight as resolve
from schema.core.binding import NOT_FOUND_MESSAGE
from schema.core.info import Info
from schema.core.payloads import arg
from schema.core.permissions import _error, public_fields, requires
from schema.meldcode.enums import STEP_OF_NUMBER, MeldcodeStep

INSIGHT_ROLES = [R.CARE_COORDINATOR, R.DIRECTOR, R.BOARD_CONTACT]


@public_fields
@strawberry.type(description="A count, or 'fewer than N' when it is small (small-cell rule).")
class MeldcodeCount:
    value: int | None = strawberry.field(description="The count; null when suppressed.")
    fewer_than: int | None = strawberry.field(
        description="When suppressed: the count is below this threshold (and may be 0 only "
        "when shown as 0 elsewhere — zeros are shown)."
    )

    @staticmethod
    def of(count: resolve.Count) -> MeldcodeCount:
        return MeldcodeCount(value=count.value, fewer_than=count.fewer_than)


@public_fields
@strawberry.type(description="How many cases reached a step.")
class MeldcodeStepCount:
    step: MeldcodeStep = strawberry.field(description="The step.")
    cases: MeldcodeCount = strawberry.field(description="Cases that reached it.")


@public_fields
@strawberry.type(description="Counts of one quarter of the school year (by the month opened).")
class MeldcodeQuarter:
    quarter: int = strawberry.field(description="1 (Aug–Oct) … 4 (May–Jul).")
    label: str = strawberry.field(description="The months, in your language.")
    cases_opened: MeldcodeCount = strawberry.field(description="Cases opened.")
    advice_veilig_thuis: MeldcodeCount = strawberry.field(
        description="Cases in which advice was asked at Veilig Thuis."
    )
    reports_made: MeldcodeCount = strawberry.field(description="Cases reported to Veilig Thuis.")


@public_fields
@strawberry.type(description="The figures of a school or board for one school year.")
class MeldcodeFigures:
    cases_opened: MeldcodeCount = strawberry.field(description="Cases opened in the year.")
    steps_reached: list[MeldcodeStepCount] = strawberry.field(
        description="Per step, the cases (opened in the year) that reached it."
    )
    advice_veilig_thuis: MeldcodeCount = strawberry.field(
        description="Cases in which advice was asked at Veilig Thuis (step 2 or 4)."
    )
    reports_made: MeldcodeCount = strawberry.field(description="Cases reported to Veilig Thuis.")
    overdue_feedback: MeldcodeCount = strawberry.field(
        description="Cases with feedback overdue (not received by the expected day, or late)."
    )
    documented_share_percent: float | None = strawberry.field(
        description="Share of current step entries with a documented deliberation; null when "
        "fewer entries than the threshold."
    )
    median_days_between_steps: float | None = strawberry.field(
        description="Median days between consecutive steps of a case; null when fewer gaps "
        "than the threshold."
    )
    quarters: list[MeldcodeQuarter] = strawberry.field(description="The four quarters.")

    @staticmethod
    def of(f: resolve.Figures, language: object = None) -> MeldcodeFigures:
        c = f.counts
        return MeldcodeFigures(
            cases_opened=MeldcodeCount.of(c["opened"]),
            steps_reached=[
                MeldcodeStepCount(step=STEP_OF_NUMBER[k], cases=MeldcodeCount.of(c[f"step{k}"]))
                for k in range(1, 6)
            ],
            advice_veilig_thuis=MeldcodeCount.of(c["advice"]),
            reports_made=MeldcodeCount.of(c["reports"]),
            overdue_feedback=MeldcodeCount.of(c["overdue"]),
            documented_share_percent=f.documented_share,
            median_days_between_steps=f.median_days,
            quarters=[
                MeldcodeQuarter(
                    quarter=i + 1,
                    label=QUARTER_NAMES[i],
                    cases_opened=MeldcodeCount.of(f.quarters["opened"][i]),
                    advice_veilig_thuis=MeldcodeCount.of(f.quarters["advice"][i]),
                    reports_made=MeldcodeCount.of(f.quarters["reports"][i]),
                )
                for i in range(4)
            ],
        )


@public_fields
@strawberry.type(
    description="The implementation checklist of a school and its staff training (counts only)."
)
class MeldcodeChecklist:
    care_coordinators_appointed: int = strawberry.field(
        description="How many care coordinators hold the role at the school."
    )
    care_coordinator_hours_per_week: int = strawberry.field(description="Their hours per week.")
    plan_dated_on: date | None = strawberry.field(description="Date of the plan of approach.")
    plan_evaluated_on: date | None = strawberry.field(description="Its latest evaluation.")
    plan_evaluated_this_year: bool = strawberry.field(
        description="Evaluated in this school year (the guidance asks for yearly)."
    )
    on_yearly_agenda: bool = strawberry.field(description="The meldcode is on the yearly agenda.")
    verwijsindex_connected: bool = strawberry.field(description="Connected to the verwijsindex.")
    teachers: int = strawberry.field(description="Teachers of the school.")
    trained_teachers: int = strawberry.field(
        description="Of them, how many completed a reporting-code course in the academy (the "
        "same person as learner). Never who."
    )
    trained_share_percent: float | None = strawberry.field(
        description="trainedTeachers / teachers, in percent; null without teachers."
    )


@public_fields
@strawberry.type(description="One school's figures within its board.")
class MeldcodeSchoolFigures:
    school_name: str = strawberry.field(description="The school.")
    figures: MeldcodeFigures = strawberry.field(description="Its figures.")
    checklist: MeldcodeChecklist = strawberry.field(description="Its checklist and training.")


@public_fields
@strawberry.type(description="The meldcode figures of a school or board for one school year.")
class MeldcodeOverview:
    unit_name: str = strawberry.field(description="The school or board asked for.")
    school_year: str = strawberry.field(description="E.g. 2025–2026.")
    suppression_threshold: int = strawberry.field(
        description="Counts from 1 to this minus one read 'fewer than' (the board's setting)."
    )
    total: MeldcodeFigures = strawberry.field(
        description="The board's totals, or the school's figures when asked for a school."
    )
    schools: list[MeldcodeSchoolFigures] = strawberry.field(
        description="Per school (only your school when asked for a school)."
    )


def to_overview(ctx: object, found: resolve.Overview) -> MeldcodeOverview:
    def figures(f: resolve.Figures) -> MeldcodeFigures:
        made = MeldcodeFigures.of(f)
        for q in made.quarters:
            q.label = translate(q.label)
        return made

    return MeldcodeOverview(
        unit_name=found.unit.name,
        school_year=found.year.label,
        suppression_threshold=found.threshold,
        total=figures(found.total),
        schools=[
            MeldcodeSchoolFigures(
                school_name=s.school.name,
                figures=figures(s.figures),
                checklist=MeldcodeChecklist(
                    care_coordinators_appointed=s.checklist.care_coordinators,
                    care_coordinator_hours_per_week=s.checklist.hours_per_week,
                    plan_dated_on=s.checklist.plan_dated_on,
                    plan_evaluated_on=s.checklist.plan_evaluated_on,
                    plan_evaluated_this_year=s.checklist.plan_evaluated_this_year,
                    on_yearly_agenda=s.checklist.on_yearly_agenda,
                    verwijsindex_connected=s.checklist.verwijsindex_connected,
                    teachers=s.checklist.teachers,
                    trained_teachers=s.checklist.trained_teachers,
                    trained_share_percent=s.checklist.trained_share,
                ),
            )
            for s in found.schools
        ],
    )


@strawberry.type
class MeldcodeInsightQueries:
    @requires(
        INSIGHT_ROLES,
        on="unitId",
        description="Aggregate meldcode figures for a school (its director and care "
        "coordinators) or a board (its central contact) for one school year: counts with "
        "small-cell suppression, never a case or a pupil.",
    )
    async def meldcode_overview(
        self,
        info: Info,
        unit_id: Annotated[strawberry.ID, arg("A school or a school board.")],
        school_year: Annotated[int, arg("Start year of the school year: 2025 = 2025–2026.")],
    ) -> MeldcodeOverview:
        ctx = info.context
        pk = decode_expected(unit_id, "OrgUnit", "unitId")
        unit = await ctx.loaders.unit_by_id.load(pk)
        if unit is None or unit.kind not in {OrgUnitKind.SCHOOL, OrgUnitKind.SCHOOL_BOARD}:
            raise _error(NOT_FOUND_MESSAGE, "NOT_FOUND")
        found = await resolve.overview(ctx, unit, make_school_year(school_year))
        return to_overview(ctx, found)
