"""Subjects, tests and grades: the results matrix, the overview and average explanations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.core.roles import Scope
from domain.school.grades import (
    ExplainedSubTest,
    ExplainedTest,
    weighted_average,
)
from persistence.school.models import (
    SchoolAssessment,
    SchoolSubject,
)
from resolvers.context import Context
from resolvers.core.loader_group import referenced
from resolvers.school import results as school_results
from schema.core.relay import Node
from schema.school.enums import AssessmentKind, AverageDifferenceReason
from schema.school.fields import PUPIL_READ, STAFF_READ, SUBJECT_READ, _dec, _f, _gid, _percent


@strawberry.type(name="SchoolSubject", description="A subject ('vak') in one school year.")
class SchoolSubjectNode(Node):
    row: strawberry.Private[SchoolSubject]
    scope: strawberry.Private[Scope]
    READ = SUBJECT_READ

    @classmethod
    def make(cls, row: SchoolSubject, scope: Scope) -> SchoolSubjectNode:
        return cls(id=_gid("SchoolSubject", row.id), row=row, scope=scope)

    @classmethod
    async def build(cls, ctx: Context, row: SchoolSubject) -> SchoolSubjectNode:
        unit = await referenced(ctx.loaders.unit_by_id, row.school_unit_id)
        return cls.make(row, Scope(unit_paths=(unit.path,)))

    @_f(SUBJECT_READ, "Short code, e.g. 'NE'.")
    def code(self) -> str:
        return self.row.code

    @_f(SUBJECT_READ, "Name, e.g. 'Nederlands'.")
    def name(self) -> str:
        return self.row.name

    @_f(SUBJECT_READ, "The school year, e.g. '2025-2026'.")
    def school_year(self) -> str:
        return school_results.SchoolYear(self.row.school_year).label


@strawberry.type(
    name="SchoolAssessment",
    description="A test ('toets') of a subject for a class, or a sub-test ('deeltoets') of one. "
    "Staff only: families see grades through a pupil's results.",
)
class SchoolAssessmentNode(Node):
    row: strawberry.Private[SchoolAssessment]
    scope: strawberry.Private[Scope]
    READ = STAFF_READ

    @classmethod
    async def build(cls, ctx: Context, row: SchoolAssessment) -> SchoolAssessmentNode:
        unit = await referenced(ctx.loaders.unit_by_id, row.class_unit_id)
        return cls(
            id=_gid("SchoolAssessment", row.id),
            row=row,
            scope=Scope(unit_paths=(unit.path,), class_unit_id=unit.id),
        )

    @_f(STAFF_READ, "Name of the test.")
    def name(self) -> str:
        return self.row.name

    @_f(STAFF_READ, "Weight among its siblings (tests of the subject, or sub-tests of a test).")
    def weight(self) -> Decimal:
        return school_results.weight_of(self.row)

    @_f(STAFF_READ, "Regular test or exam-oriented.")
    def kind(self) -> AssessmentKind:
        return AssessmentKind(self.row.kind.value)

    @_f(STAFF_READ, "Whether the exam board has finalised the results (families see them).")
    def finalised(self) -> bool:
        return self.row.finalised

    @_f(STAFF_READ, "The test this is a sub-test of; null for a test.")
    def parent_id(self) -> strawberry.ID | None:
        return _gid("SchoolAssessment", self.row.parent_id) if self.row.parent_id else None


@strawberry.type(
    description="A grade as shown in the matrix: of a test, or of a sub-test (the seed shows "
    "sub-test grades and not the test grades computed from them)."
)
class GradeEntry:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    subject: SchoolSubjectNode = _f(PUPIL_READ, "The subject (of one school year).")
    name: str = _f(PUPIL_READ, "Name of the test or sub-test.")
    test_name: str = _f(PUPIL_READ, "Name of the test it counts for (itself for a test).")
    is_sub_test: bool = _f(PUPIL_READ, "Whether this is a sub-test's grade.")
    grade: Decimal = _f(PUPIL_READ, "Grade from 1.0 to 10.0, one decimal.")
    weight: Decimal = _f(PUPIL_READ, "Weight among its siblings.")
    taken_on: date = _f(PUPIL_READ, "The day the grade was obtained (entered).")
    attempt: int = _f(PUPIL_READ, "Attempt ('poging'), from 1; the latest counts.")
    kind: AssessmentKind = _f(PUPIL_READ, "Regular or exam-oriented.")
    finalised: bool = _f(PUPIL_READ, "Whether the exam board finalised it (exam-oriented).")

    @classmethod
    def make(
        cls,
        test: school_results.TestResult,
        line: school_results.GradeLine,
        scope: Scope,
        subject: SchoolSubjectNode | None = None,
    ) -> GradeEntry:
        """`subject`: the node of `test.subject`, when the caller shares one among its grades."""
        return cls(
            scope=scope,
            subject=SchoolSubjectNode.make(test.subject, scope) if subject is None else subject,
            name=line.test.name,
            test_name=test.test.name,
            is_sub_test=line.test.id != test.test.id,
            grade=line.value,
            weight=line.weight,
            taken_on=line.grade.taken_on,
            attempt=line.grade.attempt,
            kind=AssessmentKind(test.test.kind.value),
            finalised=test.test.finalised,
        )


@strawberry.type(description="One subject in the results matrix.")
class SubjectResults:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    subject: SchoolSubjectNode = _f(PUPIL_READ, "The subject.")
    grades: list[GradeEntry] = _f(
        PUPIL_READ, "The grades shown, oldest first (bounded by the tests of one school year)."
    )
    test_count: int = _f(PUPIL_READ, "Number of tests counting in the average.")
    average: Decimal | None = _f(
        PUPIL_READ, "Running weighted average ('voortschrijdend gemiddelde'), one decimal."
    )

    @classmethod
    def make(
        cls, subject: SchoolSubject, tests: list[school_results.TestResult], scope: Scope
    ) -> SubjectResults:
        node = SchoolSubjectNode.make(subject, scope)
        grades = [GradeEntry.make(t, line, scope, node) for t in tests for line in t.lines]
        return cls(
            scope=scope,
            subject=node,
            grades=grades,
            test_count=len(tests),
            average=_dec(weighted_average([t.assessment for t in tests])),
        )


@strawberry.type(description="The results matrix of the current school year.")
class ResultsMatrix:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    school_year: str = _f(PUPIL_READ, "The school year shown, e.g. '2025-2026'.")
    kind: AssessmentKind = _f(PUPIL_READ, "The kind of results shown.")
    subjects: list[SubjectResults] = _f(PUPIL_READ, "Subjects with results, by name.")


@strawberry.type(description="A subject's average in one school year.")
class YearAverage:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    school_year: str = _f(PUPIL_READ, "The school year.")
    average: Decimal = _f(PUPIL_READ, "Weighted average of that year, one decimal.")
    test_count: int = _f(PUPIL_READ, "Number of tests counted.")


@strawberry.type(description="A subject in the overview, with its average per school year.")
class OverviewSubject:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    code: str = _f(PUPIL_READ, "Subject code.")
    name: str = _f(PUPIL_READ, "Subject name.")
    years: list[YearAverage] = _f(
        PUPIL_READ, "Averages per school year, oldest first (a one-year subject has one)."
    )


@strawberry.type(description="The results overview of one enrolment.")
class ResultsOverview:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    enrolment: Annotated[PupilEnrolmentNode, strawberry.lazy("schema.school.pupils")] | None = _f(
        PUPIL_READ, "The enrolment shown; null when the pupil has none."
    )
    school_years: list[str] = _f(PUPIL_READ, "The school years of the enrolment, oldest first.")
    kind: AssessmentKind = _f(PUPIL_READ, "The kind of results shown.")
    subjects: list[OverviewSubject] = _f(PUPIL_READ, "Subjects with results, by name.")


@strawberry.type(description="A sub-test in an average explanation.")
class ExplainedPart:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    name: str = _f(PUPIL_READ, "Name of the sub-test.")
    grade: Decimal = _f(PUPIL_READ, "Its grade, one decimal.")
    weight: Decimal = _f(PUPIL_READ, "Its weight among the sub-tests of its test.")
    weight_share_percent: Decimal = _f(
        PUPIL_READ, "Its share of the test's grade in percent, one decimal."
    )

    @classmethod
    def make(cls, part: ExplainedSubTest, scope: Scope) -> ExplainedPart:
        return cls(
            scope=scope,
            name=part.name,
            grade=part.shown_grade,
            weight=Decimal(part.weight),
            weight_share_percent=_percent(part.weight_share),
        )


@strawberry.type(description="A test in an average explanation.")
class ExplainedTestLine:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    name: str = _f(PUPIL_READ, "Name of the test.")
    grade: Decimal = _f(
        PUPIL_READ, "The test's grade, one decimal (the average uses it unrounded)."
    )
    grade_exact: Decimal = _f(PUPIL_READ, "The test's grade to four decimals, as used.")
    weight: Decimal = _f(PUPIL_READ, "The test's weight.")
    weight_share_percent: Decimal = _f(PUPIL_READ, "Share of the average in percent.")
    contribution: Decimal = _f(
        PUPIL_READ, "grade · weight / total weight, four decimals: these add up to the average."
    )
    taken_on: date | None = _f(PUPIL_READ, "When the grade was obtained (latest sub-test).")
    attempt: int = _f(PUPIL_READ, "Attempt that counts.")
    parts: list[ExplainedPart] = _f(PUPIL_READ, "Sub-tests making up the grade; empty if none.")

    @classmethod
    def make(cls, test: ExplainedTest, scope: Scope) -> ExplainedTestLine:
        return cls(
            scope=scope,
            name=test.name,
            grade=test.shown_grade,
            grade_exact=school_results.fraction_to_decimal(test.grade, 4),
            weight=Decimal(test.weight),
            weight_share_percent=_percent(test.weight_share),
            contribution=school_results.fraction_to_decimal(test.contribution, 4),
            taken_on=test.taken_on,
            attempt=test.attempt,
            parts=[ExplainedPart.make(p, scope) for p in test.parts],
        )


@strawberry.type(
    description="How a subject's running average comes about, and why it differs from the "
    "plain mean of the shown grades (the seed's FAQ 9.6)."
)
class AverageExplanation:
    scope: strawberry.Private[Scope]
    READ = PUPIL_READ
    subject_name: str = _f(PUPIL_READ, "The subject; empty when there are no results.")
    kind: AssessmentKind = _f(PUPIL_READ, "The kind of results explained.")
    tests: list[ExplainedTestLine] = _f(PUPIL_READ, "The tests of the average, oldest first.")
    average: Decimal | None = _f(PUPIL_READ, "The weighted average, one decimal.")
    plain_mean: Decimal | None = _f(
        PUPIL_READ, "The plain mean of the tests' shown grades, one decimal."
    )
    plain_mean_of_entered: Decimal | None = _f(
        PUPIL_READ, "The plain mean of all grades entered (sub-tests included), one decimal."
    )
    reasons: list[AverageDifferenceReason] = _f(PUPIL_READ, "Why the average differs.")
    sentence: str = _f(PUPIL_READ, "The explanation in one sentence.")


if TYPE_CHECKING:
    from schema.school.pupils import PupilEnrolmentNode
