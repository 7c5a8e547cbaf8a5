"""Grades, composed tests, the weighted running average and its explanation."""

from __future__ import annotations

import math
import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.school.grades import (
    Assessment,
    AssessmentKind,
    DifferenceReason,
    SchoolYear,
    YearResult,
    averages_per_year,
    explain_average,
    parse_grade,
    parse_weight,
    round_half_up,
    school_year_of,
    visible_for_family,
    visible_to_family,
    weighted_average,
)
from resolvers.core.i18n import render

D = Decimal


def graded(name: str, grade: str, weight: int | str = 1, **kwargs: object) -> Assessment:
    return Assessment(name, D(str(weight)), grade=D(grade), **kwargs)  # type: ignore[arg-type]


# Test A (weight 2) = sub-tests 6.0 (weight 1) and 8.0 (weight 3) → (6·1 + 8·3) / 4 = 7.5
TEST_A = Assessment(
    "A", D(2), parts=(graded("A1", "6.0", 1), graded("A2", "8.0", 3)), taken_on=date(2025, 10, 3)
)
TEST_B = graded("B", "5.0", 1, taken_on=date(2025, 11, 7))


@pytest.mark.parametrize(
    ("raw", "grade"),
    [("1.0", "1.0"), ("10", "10.0"), (7.5, "7.5"), (6.7, "6.7"), ("5,5", "5.5"), (8, "8.0")],
)
def test_valid_grades(raw: str | float, grade: str) -> None:
    parsed = parse_grade(raw)
    assert parsed == D(grade)
    assert str(parsed) == grade


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("0.9", "between 1.0 and 10.0"),
        ("10.1", "between 1.0 and 10.0"),
        ("-3", "between 1.0 and 10.0"),
        ("7.25", "at most one decimal"),
        ("abc", "not a grade"),
        ("NaN", "between 1.0 and 10.0"),
        (True, "number from 1.0 to 10.0"),
    ],
)
def test_invalid_grades_are_refused_with_a_clear_message(raw: str | bool, words: str) -> None:
    with pytest.raises(DomainError) as e:
        parse_grade(raw)
    assert e.value.code is ErrorCode.INVALID
    assert e.value.field == "grade"
    assert words in e.value.message


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "Infinity"])
def test_weights_above_zero_only(raw: str) -> None:
    with pytest.raises(DomainError):
        parse_weight(raw)
    assert parse_weight("0.5") == D("0.5")


def test_composed_test_grade_is_the_weighted_mean_of_its_sub_tests() -> None:
    assert TEST_A.value == Fraction(15, 2)
    assert TEST_A.shown_grade == D("7.5")
    assert TEST_A.leaf_grades() == [D("6.0"), D("8.0")]


def test_sub_tests_nest() -> None:
    inner = Assessment("inner", 1, parts=(graded("x", "4.0"), graded("y", "6.0")))  # 5.0
    outer = Assessment("outer", 1, parts=(inner, graded("z", "8.0", 2)))  # (5·1 + 8·2) / 3 = 7
    assert outer.value == 7


def test_hand_computed_weighted_average() -> None:
    average = weighted_average([TEST_A, TEST_B])
    assert average == Fraction(20, 3)  # (7.5·2 + 5.0·1) / 3, kept exact
    assert round_half_up(average) == D("6.7")


def test_average_uses_unrounded_test_grades() -> None:
    # C = (6.0·1 + 7.0·2) / 3 = 6.666…, shown 6.7; averaging with 6.0 (same weight) must give
    # 6.333… → 6.3, not (6.7 + 6.0) / 2 = 6.35 → 6.4.
    c = Assessment("C", 1, parts=(graded("C1", "6.0", 1), graded("C2", "7.0", 2)))
    average = weighted_average([c, graded("D", "6.0")])
    assert average == Fraction(19, 3)
    assert round_half_up(average) == D("6.3")


def test_no_tests_no_average() -> None:
    assert weighted_average([]) is None
    explanation = explain_average([])
    assert explanation.average is None and explanation.shown_average is None
    assert "no average" in render(explanation.sentence, "en")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(25, 4), "6.3"),  # 6.25: half up, not to even
        (Fraction(1249, 200), "6.2"),  # 6.245
        (Fraction(13, 2), "6.5"),
        (Fraction(10), "10.0"),
        (Fraction(1), "1.0"),
    ],
)
def test_rounding_is_half_up_to_one_decimal(value: Fraction, shown: str) -> None:
    assert str(round_half_up(value)) == shown


def test_explanation_lists_each_test_and_says_why_the_means_differ() -> None:
    e = explain_average([TEST_A, TEST_B])
    a, b = e.tests
    assert (a.name, a.shown_grade, a.weight, a.weight_share) == ("A", D("7.5"), 2, Fraction(2, 3))
    assert a.contribution == 5  # 7.5 · 2 / 3
    assert b.contribution == Fraction(5, 3)  # 5.0 · 1 / 3
    assert a.contribution + b.contribution == e.average
    assert a.taken_on == date(2025, 10, 3) and a.attempt == 1
    assert [(p.name, p.grade, p.weight_share) for p in a.parts] == [
        ("A1", 6, Fraction(1, 4)),
        ("A2", 8, Fraction(3, 4)),
    ]
    assert b.parts == ()

    assert (e.average, e.shown_average) == (Fraction(20, 3), D("6.7"))
    assert (e.plain_mean, e.shown_plain_mean) == (Fraction(25, 4), D("6.3"))  # (7.5 + 5.0) / 2
    # What a matrix showing only entered grades invites: (6.0 + 8.0 + 5.0) / 3.
    assert e.plain_mean_of_entered == Fraction(19, 3)
    assert e.reasons == (DifferenceReason.UNEQUAL_WEIGHTS, DifferenceReason.COMPOSED_TESTS)
    sentence = render(e.sentence, "en")
    assert sentence.startswith("The average 6.7 differs from the plain mean 6.3")
    assert "higher weight" in sentence and "sub-tests" in sentence
    # The seed's parents read it in Dutch, with a decimal comma.
    dutch = render(e.sentence, "nl")
    assert dutch.startswith("Het gemiddelde 6,7 wijkt af van het gewone gemiddelde 6,3")
    assert "hogere weging" in dutch and "deeltoetsen" in dutch


def test_equal_weights_explain_no_difference() -> None:
    e = explain_average([graded("X", "6.0"), graded("Y", "7.5")])
    assert e.reasons == ()
    assert e.shown_average == e.shown_plain_mean == D("6.8")  # 6.75 half up
    assert "equals the plain mean" in render(e.sentence, "en")


def test_rounded_test_grades_are_named_as_a_reason() -> None:
    c = Assessment("C", 1, parts=(graded("C1", "6.0", 1), graded("C2", "7.0", 2)))
    e = explain_average([c, graded("D", "6.0")])
    assert e.reasons == (DifferenceReason.COMPOSED_TESTS, DifferenceReason.ROUNDING)
    assert e.shown_average == D("6.3") and e.shown_plain_mean == D("6.4")  # (6.7 + 6.0) / 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weight": D(0), "grade": D("6.0")}, "weight"),
        ({"weight": D(-1), "grade": D("6.0")}, "weight"),
        ({"weight": D(1)}, "grade"),  # neither grade nor parts
        ({"weight": D(1), "grade": D("6.0"), "parts": (graded("p", "7.0"),)}, "grade"),
        ({"weight": D(1), "grade": D("11.0")}, "grade"),
        ({"weight": D(1), "grade": D("6.0"), "attempt": 0}, "attempt"),
    ],
)
def test_malformed_tests_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(DomainError) as e:
        Assessment("T", **kwargs)  # type: ignore[arg-type]
    assert e.value.field == field


def test_sub_test_has_the_kind_of_its_test() -> None:
    with pytest.raises(DomainError) as e:
        Assessment("E", 1, parts=(graded("p", "7.0"),), kind=AssessmentKind.EXAM_ORIENTED)
    assert e.value.field == "kind"


def test_exam_results_are_hidden_from_families_until_finalised() -> None:
    assert visible_to_family(AssessmentKind.REGULAR, finalised=False)
    assert not visible_to_family(AssessmentKind.EXAM_ORIENTED, finalised=False)
    assert visible_to_family(AssessmentKind.EXAM_ORIENTED, finalised=True)

    exam = graded("SE1", "3.0", kind=AssessmentKind.EXAM_ORIENTED)
    fixed = graded("SE2", "9.0", kind=AssessmentKind.EXAM_ORIENTED, finalised=True)
    shown = visible_for_family([TEST_B, exam, fixed])
    assert [t.name for t in shown] == ["B", "SE2"]
    # The family's average must not give the hidden 3.0 away.
    assert weighted_average(shown) == 7


def test_school_year_runs_from_1_august() -> None:
    assert school_year_of(date(2025, 7, 31)).label == "2024-2025"
    assert school_year_of(date(2025, 8, 1)) == SchoolYear(2025)
    assert SchoolYear(2025).first_day == date(2025, 8, 1)
    assert SchoolYear(2025).last_day == date(2026, 7, 31)


def test_averages_per_subject_and_school_year() -> None:
    y3, y4 = SchoolYear(2024), SchoolYear(2025)
    rows = averages_per_year(
        [
            YearResult("Nederlands", y4, graded("N4", "8.0")),
            YearResult("Duits", y3, TEST_A),
            YearResult("Nederlands", y3, graded("N1", "6.0", 1)),
            YearResult("Nederlands", y3, graded("N2", "9.0", 2)),
            YearResult("Duits", y3, TEST_B),
        ]
    )
    assert [(r.subject, r.school_year.label, r.shown_average, r.test_count) for r in rows] == [
        ("Duits", "2024-2025", D("6.7"), 2),
        ("Nederlands", "2024-2025", D("8.0"), 2),  # (6·1 + 9·2) / 3
        ("Nederlands", "2025-2026", D("8.0"), 1),
    ]
    assert rows[0].average == Fraction(20, 3)


def _fraction_mean(tests: list[Assessment]) -> Fraction:
    """The definition, in Fractions: Σ(grade·weight) / Σweight, sub-tests recursively."""

    def value(t: Assessment) -> Fraction:
        return Fraction(t.grade) if t.grade is not None else _fraction_mean(list(t.parts))

    total = sum((Fraction(t.weight) for t in tests), Fraction(0))
    return sum((value(t) * Fraction(t.weight) for t in tests), Fraction(0)) / total


def test_integer_arithmetic_gives_the_exact_fraction_and_rounding() -> None:
    # The average is summed in integers for speed: it must stay the very same Fraction, and
    # half-up rounding the same as floor(10·v + 1/2), for any weights and nesting.
    rng = random.Random(10)

    def weight() -> Decimal | int:
        pick = rng.random()
        if pick < 0.3:
            return rng.randint(1, 5)
        if pick < 0.7:
            return D(rng.randint(1, 100_000)) / 100
        return D(rng.randint(1, 10**9)) / D(10 ** rng.randint(0, 9))

    def test(depth: int = 0) -> Assessment:
        if depth < 2 and rng.random() < 0.3:
            parts = tuple(test(depth + 1) for _ in range(rng.randint(1, 4)))
            return Assessment("composed", weight(), parts=parts)
        return Assessment("graded", weight(), grade=D(rng.randint(10, 100)) / 10)

    for _ in range(2_000):
        tests = [test() for _ in range(rng.randint(1, 8))]
        average = weighted_average(tests)
        expected = _fraction_mean(tests)
        assert average == expected and average.denominator == expected.denominator
        shown = D(math.floor(expected * 10 + Fraction(1, 2))).scaleb(-1)
        assert str(round_half_up(expected)) == str(shown)
    for n in range(-200, 200):
        for d in (1, 2, 3, 4, 7, 20, 40):
            assert str(round_half_up(Fraction(n, d))) == str(
                D(math.floor(Fraction(n, d) * 10 + Fraction(1, 2))).scaleb(-1)
            )
