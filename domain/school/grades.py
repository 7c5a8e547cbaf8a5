"""Dutch grades (1.0 to 10.0), weighted tests built from sub-tests, and the running average.

Arithmetic is exact (`Fraction`): a composed test's grade and every average keep full
precision, and only what is shown is rounded, to one decimal, half up (6.25 shows as 6.3).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_, Text

MIN_GRADE = Decimal("1.0")
MAX_GRADE = Decimal("10.0")
_TENTH = Decimal("0.1")


class AssessmentKind(str, Enum):
    """The seed's "type resultaten"."""

    REGULAR = "REGULAR"  # "toetsen": the default view, the indicators of progress
    EXAM_ORIENTED = "EXAM_ORIENTED"  # "examengericht": hidden until the exam board finalises


def parse_grade(value: Decimal | str | int | float, field: str = "grade") -> Decimal:
    """A grade from 1.0 to 10.0 with at most one decimal, as a Decimal with exactly one."""
    if isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID, "A grade is a number from 1.0 to 10.0", field)
    try:
        # str() first: a float such as 6.7 is not exactly 6.7 in binary, its repr is.
        # A Dutch decimal comma ("7,5") is accepted in text.
        text = str(value).strip()
        grade = Decimal(text.replace(",", ".") if isinstance(value, str) else text)
    except InvalidOperation:
        raise DomainError(
            ErrorCode.INVALID,
            "'{value}' is not a grade; use a number from 1.0 to 10.0",
            field,
            value=value,
        ) from None
    if not grade.is_finite() or not MIN_GRADE <= grade <= MAX_GRADE:
        raise DomainError(
            ErrorCode.INVALID,
            "A grade lies between 1.0 and 10.0; {value} does not",
            field,
            value=value,
        )
    if grade != grade.quantize(_TENTH):
        raise DomainError(
            ErrorCode.INVALID,
            "A grade has at most one decimal (such as 6.5); {value} has more",
            field,
            value=value,
        )
    return grade.quantize(_TENTH)


def parse_weight(value: Decimal | str | int, field: str = "weight") -> Decimal:
    """A weight: any number above zero (a weight of 0 would make a test not count at all)."""
    if isinstance(value, bool | float):
        raise DomainError(ErrorCode.INVALID, "A weight is a whole or decimal number", field)
    try:
        weight = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError(
            ErrorCode.INVALID, "'{value}' is not a weight", field, value=value
        ) from None
    if not weight.is_finite() or weight <= 0:
        raise DomainError(
            ErrorCode.INVALID, "A weight is above zero; {value} is not", field, value=value
        )
    return weight


def round_half_up(value: Fraction) -> Decimal:
    """One decimal, halves rounded up (away from zero for the positive values used here)."""
    # floor(10·n/d + 1/2) in integers: the same value as with Fractions, at a fraction of
    # their cost (a dashboard rounds hundreds of averages).
    n, d = value.as_integer_ratio()
    return Decimal((20 * n + d) // (2 * d)).scaleb(-1)


@dataclass(frozen=True)
class Assessment:
    """A test ("toets"): a grade, or sub-tests ("deeltoetsen") whose weighted mean is its grade.

    Sub-tests nest to any depth; their weights count only among their siblings. `kind` and
    `finalised` are decided per test, so a sub-test must have the kind of its test.
    """

    name: str
    weight: Decimal | int
    grade: Decimal | None = None
    parts: tuple[Assessment, ...] = ()
    kind: AssessmentKind = AssessmentKind.REGULAR
    taken_on: date | None = None  # the day the grade was obtained (entered)
    attempt: int = 1  # "poging": pass the attempt that counts; schools differ (latest or best)
    finalised: bool = False  # the exam board has fixed the result ("vastgesteld")

    def __post_init__(self) -> None:
        if isinstance(self.weight, bool) or not isinstance(self.weight, Decimal | int):
            raise DomainError(
                ErrorCode.INVALID, "Weight of '{name}' is not a number", "weight", name=self.name
            )
        if not Decimal(self.weight).is_finite() or self.weight <= 0:
            raise DomainError(
                ErrorCode.INVALID,
                "The weight of '{name}' must be above zero",
                "weight",
                name=self.name,
            )
        if isinstance(self.attempt, bool) or self.attempt < 1:
            raise DomainError(
                ErrorCode.INVALID,
                "The attempt of '{name}' is counted from 1",
                "attempt",
                name=self.name,
            )
        if (self.grade is None) == (not self.parts):
            raise DomainError(
                ErrorCode.INVALID,
                "'{name}' needs either a grade or sub-tests, not both or neither",
                "grade",
                name=self.name,
            )
        if self.grade is not None and (
            not isinstance(self.grade, Decimal) or parse_grade(self.grade) != self.grade
        ):
            raise DomainError(
                ErrorCode.INVALID, "'{grade}' is not a grade", "grade", grade=self.grade
            )
        for part in self.parts:
            if part.kind is not self.kind:
                raise DomainError(
                    ErrorCode.INVALID,
                    "Sub-test '{part}' is {part_kind} but its test '{name}' is {kind}",
                    "kind",
                    part=part.name,
                    part_kind=part.kind.value,
                    name=self.name,
                    kind=self.kind.value,
                )

    @property
    def is_composed(self) -> bool:
        return bool(self.parts)

    @property
    def value(self) -> Fraction:
        """The exact grade: the given one, or the weighted mean of the sub-tests, unrounded."""
        if self.grade is not None:
            return Fraction(self.grade)
        mean = _weighted_mean(self.parts)
        assert mean is not None  # __post_init__ refuses a test with neither grade nor parts
        return mean

    def _ratio(self) -> tuple[int, int]:
        """`value` as (numerator, denominator), without building a Fraction for a grade."""
        if self.grade is not None:
            return self.grade.as_integer_ratio()
        return self.value.as_integer_ratio()

    @property
    def shown_grade(self) -> Decimal:
        return round_half_up(self.value)

    def leaf_grades(self) -> list[Decimal]:
        """The grades actually entered: this test's own, or those of its deepest sub-tests."""
        if self.grade is not None:
            return [self.grade]
        return [g for part in self.parts for g in part.leaf_grades()]


def _weighted_mean(tests: Sequence[Assessment]) -> Fraction | None:
    """Σ(grade·weight) / Σweight, exact. Summed as integer ratios over a common denominator
    and reduced once: every Fraction operation reduces by a gcd, and grades and weights
    are decimals, whose denominators stay small."""
    if not tests:
        return None
    num, den, weights, weights_den = 0, 1, 0, 1
    for t in tests:
        gn, gd = t._ratio()
        wn, wd = t.weight.as_integer_ratio()
        term_den = gd * wd
        common = math.lcm(den, term_den)
        num = num * (common // den) + gn * wn * (common // term_den)
        den = common
        common = math.lcm(weights_den, wd)
        weights = weights * (common // weights_den) + wn * (common // wd)
        weights_den = common
    return Fraction(num * weights_den, den * weights)


def weighted_average(tests: Sequence[Assessment]) -> Fraction | None:
    """Running average ("voortschrijdend gemiddelde") of one subject: Σ(grade·weight) / Σweight.

    Exact; None without tests. Pass only the tests the viewer may see (`visible_for_family`),
    or the average gives hidden exam results away.
    """
    return _weighted_mean(tests)


def plain_mean(grades: Sequence[Decimal]) -> Fraction | None:
    if not grades:
        return None
    return sum((Fraction(g) for g in grades), Fraction(0)) / len(grades)


def visible_to_family(kind: AssessmentKind, finalised: bool) -> bool:
    """Guardians and pupils see exam-oriented results only once the exam board finalised them."""
    return kind is AssessmentKind.REGULAR or finalised


def visible_for_family(tests: Iterable[Assessment]) -> list[Assessment]:
    return [t for t in tests if visible_to_family(t.kind, t.finalised)]


@dataclass(frozen=True)
class ExplainedSubTest:
    """One sub-test in an explanation, with its share among its siblings and its own parts."""

    name: str
    grade: Fraction
    shown_grade: Decimal
    weight: Decimal | int
    weight_share: Fraction  # weight / total weight of its siblings
    parts: tuple[ExplainedSubTest, ...]


@dataclass(frozen=True)
class ExplainedTest:
    """One test of the average: what it adds to it (`contribution`) and how it is built."""

    name: str
    grade: Fraction  # exact, as used in the average
    shown_grade: Decimal
    weight: Decimal | int
    weight_share: Fraction  # weight / total weight
    contribution: Fraction  # grade · weight / total weight; these add up to the average
    taken_on: date | None
    attempt: int
    parts: tuple[ExplainedSubTest, ...]


class DifferenceReason(str, Enum):
    """Why the weighted average may differ from the plain mean of the shown grades."""

    UNEQUAL_WEIGHTS = "UNEQUAL_WEIGHTS"
    COMPOSED_TESTS = "COMPOSED_TESTS"  # a test's grade is itself a weighted mean of sub-tests
    ROUNDING = "ROUNDING"  # the average uses unrounded test grades


@dataclass(frozen=True)
class AverageExplanation:
    """Answers the seed FAQ "why does the average differ from the mean of the shown grades?".

    `plain_mean` is the mean of the tests' shown (rounded) grades, as a parent would add them
    up by hand; `plain_mean_of_entered` is the mean of the grades entered at the lowest level,
    which is what a matrix showing only sub-test grades (as in the seed) invites people to add.
    """

    tests: tuple[ExplainedTest, ...]
    average: Fraction | None
    shown_average: Decimal | None
    plain_mean: Fraction | None
    shown_plain_mean: Decimal | None
    plain_mean_of_entered: Fraction | None
    shown_plain_mean_of_entered: Decimal | None
    reasons: tuple[DifferenceReason, ...]
    sentence: Text  # said in the reader's language where it is shown


def _sub_lines(parts: Sequence[Assessment]) -> tuple[ExplainedSubTest, ...]:
    total = sum((Fraction(p.weight) for p in parts), Fraction(0))
    return tuple(
        ExplainedSubTest(
            name=p.name,
            grade=p.value,
            shown_grade=p.shown_grade,
            weight=p.weight,
            weight_share=Fraction(p.weight) / total,
            parts=_sub_lines(p.parts),
        )
        for p in parts
    )


def _sentence(
    average: Decimal | None, mean: Decimal | None, reasons: Sequence[DifferenceReason]
) -> Text:
    # The seed's FAQ 9.6 answer: the running average is weighted and built from sub-tests.
    if average is None or mean is None:
        return Text(N_("There are no results yet, so there is no average."))
    if not reasons:
        return Text(
            N_("All tests weigh the same, so the average {average} equals the plain mean."),
            {"average": average},
        )
    why = {
        DifferenceReason.UNEQUAL_WEIGHTS: Text(N_("tests with a higher weight count more")),
        DifferenceReason.COMPOSED_TESTS: Text(
            N_("some tests are the weighted mean of their sub-tests")
        ),
        DifferenceReason.ROUNDING: Text(N_("the average uses unrounded test grades")),
    }
    because = tuple(why[r] for r in reasons)
    if average == mean:
        return Text(
            N_(
                "The average {average} equals the plain mean of the shown grades, although {because}."
            ),
            {"average": average, "because": because},
        )
    return Text(
        N_(
            "The average {average} differs from the plain mean {mean} of the shown grades: {because}."
        ),
        {"average": average, "mean": mean, "because": because},
    )


def explain_average(tests: Sequence[Assessment]) -> AverageExplanation:
    """Per test its grade, weight, contribution and parts; the average, plain means and why."""
    average = weighted_average(tests)
    total = sum((Fraction(t.weight) for t in tests), Fraction(0))
    lines = tuple(
        ExplainedTest(
            name=t.name,
            grade=t.value,
            shown_grade=t.shown_grade,
            weight=t.weight,
            weight_share=Fraction(t.weight) / total,
            contribution=t.value * Fraction(t.weight) / total,
            taken_on=t.taken_on,
            attempt=t.attempt,
            parts=_sub_lines(t.parts),
        )
        for t in tests
    )
    mean = plain_mean([line.shown_grade for line in lines])
    entered = plain_mean([g for t in tests for g in t.leaf_grades()])
    reasons: list[DifferenceReason] = []
    if len({Fraction(t.weight) for t in tests}) > 1:
        reasons.append(DifferenceReason.UNEQUAL_WEIGHTS)
    if any(t.is_composed for t in tests):
        reasons.append(DifferenceReason.COMPOSED_TESTS)
        if any(Fraction(line.shown_grade) != line.grade for line in lines):
            reasons.append(DifferenceReason.ROUNDING)
    shown_average = None if average is None else round_half_up(average)
    shown_mean = None if mean is None else round_half_up(mean)
    return AverageExplanation(
        tests=lines,
        average=average,
        shown_average=shown_average,
        plain_mean=mean,
        shown_plain_mean=shown_mean,
        plain_mean_of_entered=entered,
        shown_plain_mean_of_entered=None if entered is None else round_half_up(entered),
        reasons=tuple(reasons),
        sentence=_sentence(shown_average, shown_mean, reasons),
    )


@dataclass(frozen=True)
class SchoolYear:
    """A Dutch school year: 1 August to 31 July (WVO), labelled "2024-2025"."""

    start_year: int

    @property
    def first_day(self) -> date:
        return date(self.start_year, 8, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, 7, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"


def school_year_of(day: date) -> SchoolYear:
    return SchoolYear(day.year if day.month >= 8 else day.year - 1)


@dataclass(frozen=True)
class YearResult:
    """A test as it appears in the overview: its subject and the school year it counts for."""

    subject: str
    school_year: SchoolYear
    test: Assessment


@dataclass(frozen=True)
class YearAverage:
    """One cell of the overview: a subject's weighted average over one school year."""

    subject: str
    school_year: SchoolYear
    average: Fraction
    shown_average: Decimal
    test_count: int


def averages_per_year(results: Iterable[YearResult]) -> list[YearAverage]:
    """The overview's averages per subject and school year, ordered by subject, then year."""
    grouped: dict[tuple[str, SchoolYear], list[Assessment]] = defaultdict(list)
    for result in results:
        grouped[(result.subject, result.school_year)].append(result.test)
    rows: list[YearAverage] = []
    for (subject, year), tests in sorted(
        grouped.items(), key=lambda kv: (kv[0][0], kv[0][1].start_year)
    ):
        average = weighted_average(tests)
        assert average is not None  # every group holds at least one test
        rows.append(YearAverage(subject, year, average, round_half_up(average), len(tests)))
    return rows
