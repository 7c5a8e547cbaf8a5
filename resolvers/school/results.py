"""School resolvers for results: tests and grades as they count, per subject and school year,
and the writes for subjects, tests and grades.

Hidden exam results are dropped in `build_tests`, before anything is computed from them."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.school.grades import (
    Assessment,
    AssessmentKind,
    SchoolYear,
    parse_grade,
    parse_weight,
    school_year_of,
    visible_to_family,
)
from persistence.school import queries as q
from persistence.school.models import (
    Pupil,
    PupilEnrolment,
    SchoolAssessment,
    SchoolGrade,
    SchoolSubject,
    pk,
)
from resolvers.context import Context
from resolvers.core.tree import not_found, unit_of_kind
from resolvers.school.access import (
    PupilView,
    is_staff_for,
    path_ids_str,
    required_text,
    row_of,
    today,
)

# --- reads: results ------------------------------------------------------------------------------------


@dataclass
class GradeLine:
    """A grade as entered, for a test or one of its sub-tests."""

    grade: SchoolGrade
    test: SchoolAssessment

    @property
    def value(self) -> Decimal:
        return grade_value(self.grade.grade_tenths)

    @property
    def weight(self) -> Decimal:
        return weight_of(self.test)


@dataclass
class TestResult:
    """A test as it counts in the average: its row, its subject, grades and the domain value."""

    test: SchoolAssessment
    subject: SchoolSubject
    lines: list[GradeLine]
    assessment: Assessment

    @property
    def school_year(self) -> SchoolYear:
        return SchoolYear(self.subject.school_year)


# Stored grades and weights take few distinct values: each Decimal is made once per process
# (Decimals are immutable, so sharing them is safe).
@lru_cache(maxsize=1024)
def grade_value(tenths: int) -> Decimal:
    return Decimal(tenths).scaleb(-1)


@lru_cache(maxsize=1024)
def _weight(hundredths: int) -> Decimal:
    return (Decimal(hundredths) / 100).normalize()


def weight_of(test: SchoolAssessment) -> Decimal:
    return _weight(test.weight_hundredths)


def build_tests(rows: list[q.ResultRow], include_hidden: bool) -> list[TestResult]:
    """Tests from a pupil's grade rows; for families, unfinalised exam tests are left out here."""
    latest: dict[int | None, q.ResultRow] = {}
    for row in rows:
        # Of several attempts ("pogingen") the latest counts.
        test_id = row[1].id
        held = latest.get(test_id)
        if held is None or row[0].attempt > held[0].attempt:
            latest[test_id] = row
    tops: dict[int | None, tuple[SchoolAssessment, SchoolSubject, list[GradeLine]]] = {}
    for grade, test, parent, subject in latest.values():
        top = parent if parent is not None else test
        if not include_hidden and not visible_to_family(top.kind, top.finalised):
            continue
        entry = tops.get(top.id)
        if entry is None:
            entry = tops[top.id] = (top, subject, [])
        entry[2].append(GradeLine(grade, test))
    results = []
    for top, subject, lines in tops.values():
        lines.sort(key=lambda line: (line.grade.taken_on, line.test.id))
        own = next((line for line in lines if line.test.id == top.id), None)
        if own is not None:
            assessment = Assessment(
                name=top.name,
                weight=weight_of(top),
                grade=own.value,
                taken_on=own.grade.taken_on,
                attempt=own.grade.attempt,
                kind=top.kind,
                finalised=top.finalised,
            )
        else:
            parts = tuple(
                Assessment(
                    name=line.test.name,
                    weight=line.weight,
                    grade=line.value,
                    taken_on=line.grade.taken_on,
                    attempt=line.grade.attempt,
                    kind=top.kind,
                    finalised=top.finalised,
                )
                for line in lines
            )
            assessment = Assessment(
                name=top.name,
                weight=weight_of(top),
                parts=parts,
                taken_on=max(line.grade.taken_on for line in lines),
                kind=top.kind,
                finalised=top.finalised,
            )
        results.append(TestResult(top, subject, lines, assessment))
    results.sort(key=lambda r: (r.assessment.taken_on or date.min, r.test.id))
    return results


async def pupil_tests(
    ctx: Context, view: PupilView, kind: AssessmentKind | None
) -> list[TestResult]:
    rows = await ctx.loaders.school.results_by_pupil.load(pk(view.pupil))
    return tests_of(ctx, view, rows, kind)


def tests_of(
    ctx: Context, view: PupilView, rows: list[q.ResultRow], kind: AssessmentKind | None
) -> list[TestResult]:
    """The pupil's tests from the grade rows `results_by_pupil` loaded, as the viewer sees them."""
    tests = build_tests(rows, include_hidden=is_staff_for(ctx.viewer, view.scope))
    return [t for t in tests if kind is None or t.test.kind is kind]


def latest_lines(tests: list[TestResult]) -> list[tuple[TestResult, GradeLine]]:
    """Every grade shown, across subjects and school years, newest first: by the day obtained,
    then the latest entered. Built from the tests as they count, so a hidden exam result is
    never among them and only the counting attempt of a test appears."""
    lines = [(t, line) for t in tests for line in t.lines]
    lines.sort(key=lambda pair: (pair[1].grade.taken_on, pk(pair[1].grade)), reverse=True)
    return lines


def by_subject(tests: list[TestResult]) -> list[tuple[SchoolSubject, list[TestResult]]]:
    grouped: dict[int, list[TestResult]] = defaultdict(list)
    subjects: dict[int, SchoolSubject] = {}
    for t in tests:
        grouped[pk(t.subject)].append(t)
        subjects[pk(t.subject)] = t.subject
    return sorted(
        ((subjects[sid], items) for sid, items in grouped.items()),
        key=lambda pair: (pair[0].name, pair[0].id),
    )


@dataclass
class OverviewScope:
    enrolment: PupilEnrolment | None
    years: list[SchoolYear]


async def overview_scope(ctx: Context, view: PupilView, enrolment_id: int | None) -> OverviewScope:
    """The school years of an enrolment ("verbintenis"): all of the pupil's enrolment years with
    the same programme, so upper years 3 and 4 show together (as in the seed)."""
    enrolments: list[PupilEnrolment] = await ctx.loaders.school.enrolments_by_pupil.load(
        pk(view.pupil)
    )
    if enrolment_id is None:
        # The seed's default: the active enrolment at the moment of asking — this school
        # year's unless it ended, else the newest one still running, else the newest.
        current = school_year_of(today()).start_year
        running = [e for e in enrolments if e.ended_on is None]
        chosen = next((e for e in running if e.school_year == current), None)
        chosen = chosen or (running[0] if running else None)
        chosen = chosen or (enrolments[0] if enrolments else None)
    else:
        chosen = next((e for e in enrolments if e.id == enrolment_id), None)
        if chosen is None:
            raise not_found("enrolmentId")
    if chosen is None:
        return OverviewScope(None, [])
    years = sorted(e.school_year for e in enrolments if e.programme == chosen.programme)
    return OverviewScope(chosen, [SchoolYear(y) for y in years])


def fraction_to_decimal(value: Fraction, places: int) -> Decimal:
    """Half-up rounding to `places` decimals, for showing exact fractions."""
    scale = 10**places
    return Decimal(math.floor(value * scale + Fraction(1, 2))).scaleb(-places)


# --- writes: subjects, tests, grades ---------------------------------------------------------------------


async def create_subject(
    ctx: Context, school_id: int, school_year: int, code: str, name: str
) -> SchoolSubject:
    code = required_text(code, "code", 20).upper()
    name = required_text(name, "name", 100)
    if not 2000 <= school_year <= 2100:
        raise DomainError(
            ErrorCode.INVALID, "A school year such as 2025 (for 2025-2026)", "schoolYear"
        )
    async with ctx.uow() as uow:
        school = await unit_of_kind(uow, school_id, OrgUnitKind.SCHOOL, "schoolId")
        if await q.subject_by_code(uow.session, school.id, school_year, code):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                "The subject {subject} exists already in {school_year}",
                "code",
                subject=code,
                school_year=SchoolYear(school_year).label,
            )
        subject = uow.add(
            SchoolSubject(school_unit_id=pk(school), school_year=school_year, code=code, name=name)
        )
        await uow.flush()
        await uow.commit()
    return subject


def _hundredths(weight: Decimal) -> int:
    hundredths = weight * 100
    if hundredths != hundredths.to_integral_value() or hundredths > 100_000:
        raise DomainError(
            ErrorCode.INVALID, "A weight has at most two decimals and is at most 1000", "weight"
        )
    return int(hundredths)


@dataclass
class AssessmentInput:
    subject_id: int
    name: str
    weight: str = "1"
    kind: AssessmentKind = AssessmentKind.REGULAR
    parent_id: int | None = None


async def create_assessment(ctx: Context, class_id: int, data: AssessmentInput) -> SchoolAssessment:
    name = required_text(data.name, "name", 200)
    hundredths = _hundredths(parse_weight(data.weight))
    async with ctx.uow() as uow:
        class_unit = await unit_of_kind(uow, class_id, OrgUnitKind.CLASS, "input.classId")
        # The subject must be one of the class's school: any other id answers as unknown.
        subject = await uow.get(SchoolSubject, data.subject_id)
        if subject is None or str(subject.school_unit_id) not in path_ids_str(class_unit.path):
            raise not_found("subjectId")
        if data.parent_id is not None:
            parent = await uow.get(SchoolAssessment, data.parent_id)
            if (
                parent is None
                or parent.subject_id != subject.id
                or parent.class_unit_id != class_unit.id
            ):
                raise not_found("parentId")
            if parent.parent_id is not None:
                raise DomainError(
                    ErrorCode.INVALID, "Sub-tests have no sub-tests of their own", "parentId"
                )
            if parent.kind is not data.kind:
                raise DomainError(
                    ErrorCode.INVALID,
                    "A sub-test has the kind of its test ({kind})",
                    "kind",
                    kind=parent.kind.value,
                )
            if await q.has_grades(uow.session, parent.id):  # type: ignore[arg-type]
                raise DomainError(
                    ErrorCode.CONFLICT,
                    "This test has grades of its own; a test gets either grades or sub-tests",
                    "parentId",
                )
        test = uow.add(
            SchoolAssessment(
                subject_id=pk(subject),
                class_unit_id=pk(class_unit),
                parent_id=data.parent_id,
                name=name,
                weight_hundredths=hundredths,
                kind=data.kind,
            )
        )
        await uow.flush()
        await uow.commit()
    return test


async def finalise_assessment(ctx: Context, assessment_id: int) -> SchoolAssessment:
    """The exam board has fixed the results: from now on families see them."""
    async with ctx.uow() as uow:
        test = await row_of(uow, SchoolAssessment, assessment_id, "assessmentId")
        if test.parent_id is not None:
            raise DomainError(
                ErrorCode.INVALID, "Finalise the test, not one of its sub-tests", "assessmentId"
            )
        if not test.finalised:
            test.finalised = True
            await uow.audit(
                "RESULTS_FINALISED", unit=test.class_unit_id, detail=f"assessment {test.id}"
            )
        await uow.commit()
    return test


@dataclass
class GradeInput:
    pupil_id: int
    grade: str
    taken_on: date
    attempt: int = 1


async def record_grade(ctx: Context, assessment_id: int, data: GradeInput) -> SchoolGrade:
    value = parse_grade(data.grade)
    if data.attempt < 1:
        raise DomainError(ErrorCode.INVALID, "Attempts are counted from 1", "attempt")
    async with ctx.uow() as uow:
        test = await row_of(uow, SchoolAssessment, assessment_id, "input.assessmentId")
        if await q.has_sub_tests(uow.session, test.id):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.INVALID,
                "This test is made of sub-tests: record the grades of its sub-tests",
                "assessmentId",
            )
        # Only a pupil of the test's class: any other id answers as unknown.
        pupil = await uow.get(Pupil, data.pupil_id)
        if pupil is None or pupil.class_unit_id != test.class_unit_id:
            raise not_found("pupilId")
        row = await q.grade_of(uow.session, test.id, pupil.id, data.attempt)  # type: ignore[arg-type]
        if row is None:
            row = uow.add(
                SchoolGrade(assessment_id=pk(test), pupil_id=pk(pupil), attempt=data.attempt)  # type: ignore[call-arg]
            )
        row.grade_tenths = int(value * 10)
        row.taken_on = data.taken_on
        row.recorded_by = ctx.viewer.person_id
        await uow.flush()
        await uow.commit()
    return row
