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
from typing import Any

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import Role
from domain.school.grades import (
    Assessment,
    AssessmentKind,
    SchoolYear,
    parse_grade,
    parse_weight,
    school_year_of,
    visible_to_family,
)
from persistence.core import people as identity_q
from persistence.school import queries as q
from persistence.school.models import (
    Pupil,
    PupilEnrolment,
    SchoolAssessment,
    SchoolGrade,
    SchoolSubject,
)
from resolvers.context import Context
from resolvers.school.access import (
    STAFF,
    PupilView,
    check_on,
    is_staff_for,
    not_found,
    path_ids_str,
    required_text,
    today,
    unit_of_kind,
)

# --- reads: results ------------------------------------------------------------------------------------


@dataclass
class GradeLine:
    """A grade as entered, for a test or one of its sub-tests."""

    grade: SchoolGrade
    test: SchoolAssessment

    @property
    def value(self) -> Decimal:
        return Decimal(self.grade.grade_tenths).scaleb(-1)

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


def weight_of(test: SchoolAssessment) -> Decimal:
    return (Decimal(test.weight_hundredths) / 100).normalize()


def build_tests(rows: list[q.ResultRow], include_hidden: bool) -> list[TestResult]:
    """Tests from a pupil's grade rows; for families, unfinalised exam tests are left out here."""
    latest: dict[int, tuple[SchoolGrade, SchoolAssessment, SchoolAssessment | None, Any]] = {}
    for grade, test, parent, subject in rows:
        # Of several attempts ("pogingen") the latest counts.
        held = latest.get(test.id)
        if held is None or grade.attempt > held[0].attempt:
            latest[test.id] = (grade, test, parent, subject)
    tops: dict[int, tuple[SchoolAssessment, SchoolSubject, list[GradeLine]]] = {}
    for grade, test, parent, subject in latest.values():
        top = parent or test
        if not include_hidden and not visible_to_family(top.kind, top.finalised):
            continue
        entry = tops.setdefault(top.id, (top, subject, []))
        entry[2].append(GradeLine(grade, test))
    results = []
    for top, subject, lines in tops.values():
        lines.sort(key=lambda line: (line.grade.taken_on, line.test.id))
        own = [line for line in lines if line.test.id == top.id]
        common = {"kind": top.kind, "finalised": top.finalised}
        if own:
            line = own[0]
            assessment = Assessment(
                name=top.name,
                weight=weight_of(top),
                grade=line.value,
                taken_on=line.grade.taken_on,
                attempt=line.grade.attempt,
                **common,
            )
        else:
            parts = tuple(
                Assessment(
                    name=line.test.name,
                    weight=line.weight,
                    grade=line.value,
                    taken_on=line.grade.taken_on,
                    attempt=line.grade.attempt,
                    **common,
                )
                for line in lines
            )
            assessment = Assessment(
                name=top.name,
                weight=weight_of(top),
                parts=parts,
                taken_on=max(line.grade.taken_on for line in lines),
                **common,
            )
        results.append(TestResult(top, subject, lines, assessment))
    results.sort(key=lambda r: (r.assessment.taken_on or date.min, r.test.id))
    return results


async def pupil_tests(
    ctx: Context, view: PupilView, kind: AssessmentKind | None
) -> list[TestResult]:
    rows = await ctx.loaders.school.results_by_pupil.load(view.pupil.id)
    tests = build_tests(rows, include_hidden=is_staff_for(ctx.viewer, view.scope))
    return [t for t in tests if kind is None or t.test.kind is kind]


def by_subject(tests: list[TestResult]) -> list[tuple[SchoolSubject, list[TestResult]]]:
    grouped: dict[int, list[TestResult]] = defaultdict(list)
    subjects: dict[int, SchoolSubject] = {}
    for t in tests:
        grouped[t.subject.id].append(t)
        subjects[t.subject.id] = t.subject
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
        view.pupil.id
    )
    if enrolment_id is None:
        current = school_year_of(today()).start_year
        chosen = next((e for e in enrolments if e.school_year == current), None)
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
    async with ctx.db.write() as session:
        school = await unit_of_kind(session, school_id, OrgUnitKind.SCHOOL, "schoolId")
        check_on(ctx, (Role.SCHOOL_ADMIN,), school, "schoolId")
        if await q.subject_by_code(session, school.id, school_year, code):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                f"The subject {code} exists already in {SchoolYear(school_year).label}",
                "code",
            )
        subject = await identity_q.add(
            session,
            SchoolSubject(school_unit_id=school.id, school_year=school_year, code=code, name=name),
        )
    ctx.loaders.clear()
    return subject


def _hundredths(weight: Decimal) -> int:
    hundredths = weight * 100
    if hundredths != hundredths.to_integral_value() or hundredths > 100_000:
        raise DomainError(
            ErrorCode.INVALID, "A weight has at most two decimals and is at most 1000", "weight"
        )
    return int(hundredths)


async def create_assessment(
    ctx: Context,
    subject_id: int,
    class_id: int,
    name: str,
    weight: str,
    kind: AssessmentKind,
    parent_id: int | None,
) -> SchoolAssessment:
    name = required_text(name, "name", 200)
    hundredths = _hundredths(parse_weight(weight))
    async with ctx.db.write() as session:
        class_unit = await unit_of_kind(session, class_id, OrgUnitKind.CLASS, "classId")
        check_on(ctx, STAFF, class_unit, "classId")
        subject = await session.get(SchoolSubject, subject_id)
        if subject is None or str(subject.school_unit_id) not in path_ids_str(class_unit.path):
            raise not_found("subjectId")
        if parent_id is not None:
            parent = await session.get(SchoolAssessment, parent_id)
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
            if parent.kind is not kind:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"A sub-test has the kind of its test ({parent.kind.value})",
                    "kind",
                )
            if await q.has_grades(session, parent.id):  # type: ignore[arg-type]
                raise DomainError(
                    ErrorCode.CONFLICT,
                    "This test has grades of its own; a test gets either grades or sub-tests",
                    "parentId",
                )
        test = await identity_q.add(
            session,
            SchoolAssessment(
                subject_id=subject.id,
                class_unit_id=class_unit.id,
                parent_id=parent_id,
                name=name,
                weight_hundredths=hundredths,
                kind=kind,
            ),
        )
    ctx.loaders.clear()
    return test


async def finalise_assessment(ctx: Context, assessment_id: int) -> SchoolAssessment:
    """The exam board has fixed the results: from now on families see them."""
    async with ctx.db.write() as session:
        test = await session.get(SchoolAssessment, assessment_id)
        if test is None:
            raise not_found("assessmentId")
        unit = await identity_q.unit_by_id(session, test.class_unit_id)
        check_on(ctx, (Role.SCHOOL_ADMIN,), unit, "assessmentId")
        if test.parent_id is not None:
            raise DomainError(
                ErrorCode.INVALID, "Finalise the test, not one of its sub-tests", "assessmentId"
            )
        if not test.finalised:
            test.finalised = True
            await identity_q.audit(
                session,
                "RESULTS_FINALISED",
                actor=ctx.viewer.person_id,
                unit=test.class_unit_id,
                address=ctx.client_address,
                detail=f"assessment {test.id}",
            )
    ctx.loaders.clear()
    return test


async def record_grade(
    ctx: Context, assessment_id: int, pupil_id: int, grade: str, taken_on: date, attempt: int
) -> SchoolGrade:
    value = parse_grade(grade)
    if attempt < 1:
        raise DomainError(ErrorCode.INVALID, "Attempts are counted from 1", "attempt")
    async with ctx.db.write() as session:
        test = await session.get(SchoolAssessment, assessment_id)
        if test is None:
            raise not_found("assessmentId")
        unit = await identity_q.unit_by_id(session, test.class_unit_id)
        check_on(ctx, STAFF, unit, "assessmentId")
        if await q.has_sub_tests(session, test.id):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.INVALID,
                "This test is made of sub-tests: record the grades of its sub-tests",
                "assessmentId",
            )
        pupil = await session.get(Pupil, pupil_id)
        if pupil is None or pupil.class_unit_id != test.class_unit_id:
            raise not_found("pupilId")
        row = await q.grade_of(session, test.id, pupil.id, attempt)  # type: ignore[arg-type]
        if row is None:
            row = SchoolGrade(assessment_id=test.id, pupil_id=pupil.id, attempt=attempt)  # type: ignore[call-arg]
            session.add(row)
        row.grade_tenths = int(value * 10)
        row.taken_on = taken_on
        row.recorded_by = ctx.viewer.person_id
        await session.flush()
    ctx.loaders.clear()
    return row
