"""The pass mark on the exact fraction (manual: 70 %, not adjustable), and a shown score that
never reads as a pass for a fail. Before: 30 of 43 (69.77 %) was shown as 70 % and passed,
so the real cut-off was 69.5 %."""

from __future__ import annotations

from fractions import Fraction

import pytest

from domain.academy.enrolments import highest_score
from domain.academy.exams import (
    PASS_MARK_PERCENT,
    AttemptResult,
    grade,
    passed,
    passes,
    result_of,
    score_percent,
)
from domain.core.errors import DomainError

EDGES = [
    # correct, total, shown percent, passes
    (21, 30, 70, True),  # exactly 70 %
    (20, 30, 66, False),  # 66.67 %
    (30, 43, 69, False),  # 69.77 %: was shown 70 and passed
    (7, 10, 70, True),  # exactly 70 %
    (69, 99, 69, False),  # 69.70 %: was shown 70 and passed
    (70, 100, 70, True),  # exactly 70 %
    (139, 200, 69, False),  # 69.5 %: the old, rounded cut-off
    (31, 43, 72, True),  # 72.09 %
    (43, 43, 100, True),
    (0, 43, 0, False),
]


@pytest.mark.parametrize(("correct", "total", "shown", "verdict"), EDGES)
def test_pass_on_the_exact_fraction_and_show_the_floor(
    correct: int, total: int, shown: int, verdict: bool
) -> None:
    assert passes(correct, total) is verdict
    assert score_percent(correct, total) == shown
    assert passed(shown) is verdict  # what the learner sees agrees with the verdict
    assert result_of(shown) is (AttemptResult.PASSED if verdict else AttemptResult.FAILED)


@pytest.mark.parametrize(("correct", "total", "shown", "verdict"), EDGES)
def test_grading_an_exam_of_that_size(correct: int, total: int, shown: int, verdict: bool) -> None:
    bank = {q: 1 for q in range(1, total + 1)}
    answers = {q: 1 if q <= correct else 2 for q in bank}
    result = grade(bank, answers)
    assert (result.correct_count, result.question_count) == (correct, total)
    assert (result.score_percent, result.passed) == (shown, verdict)


def test_verdict_and_shown_score_agree_with_the_exact_fraction_for_every_exam_size() -> None:
    mark = Fraction(PASS_MARK_PERCENT, 100)
    for total in range(1, 201):
        for correct in range(total + 1):
            exact = Fraction(correct, total) >= mark
            shown = score_percent(correct, total)
            assert passes(correct, total) is exact, (correct, total)
            assert passed(shown) is exact, (correct, total)
            assert shown <= Fraction(100 * correct, total) < shown + 1, (correct, total)


def test_a_fail_never_shows_seventy() -> None:
    for total in range(1, 501):
        for correct in range(total + 1):
            if not passes(correct, total):
                assert score_percent(correct, total) < PASS_MARK_PERCENT, (correct, total)


def test_the_certificate_shows_the_highest_shown_score() -> None:
    # A fail at 30/43 then a pass at 31/43: the certificate shows 72, never the old 70 of a fail.
    scores = [
        grade({q: 1 for q in range(43)}, {q: 1 for q in range(n)}).score_percent for n in (30, 31)
    ]
    assert scores == [69, 72]
    assert highest_score(scores) == 72
    # Failed every attempt just under the mark: the certificate shows 69, not a passing 70.
    assert highest_score([score_percent(30, 43), score_percent(69, 99)]) == 69


def test_passes_refuses_impossible_counts() -> None:
    for correct, total in [(0, 0), (11, 10), (-1, 10)]:
        with pytest.raises(DomainError):
            passes(correct, total)
