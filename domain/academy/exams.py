"""Exam policy of the academy: when an attempt may start, scoring, grading and the review.

Learners' answers are never stored (academy seed): `grade` returns the per-question review
for the caller to show once; only the score of an attempt persists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from domain.core.errors import DomainError, ErrorCode

# Fixed by the seed ("Het is niet mogelijk deze grenswaarde aan te passen"): deliberately a
# constant, not a setting, so no organisation or course can change it.
PASS_MARK_PERCENT = 70
# The first try plus at most two resits after a fail.
MAX_ATTEMPTS = 3
MAX_RESITS = MAX_ATTEMPTS - 1


class AttemptResult(str, Enum):
    """What a previous attempt came to."""

    OPEN = "OPEN"  # started, not yet handed in
    FAILED = "FAILED"
    PASSED = "PASSED"


def attempts_left(attempts: Sequence[AttemptResult]) -> int:
    """Attempts the learner may still start; 0 after a pass."""
    if AttemptResult.PASSED in attempts:
        return 0
    return max(0, MAX_ATTEMPTS - len(attempts))


def check_may_start(course_completed: bool, attempts: Sequence[AttemptResult]) -> None:
    """Refuse a new attempt, each reason with its own message; return when it may start."""
    if not course_completed:
        raise DomainError(
            ErrorCode.CONFLICT, "The exam opens once you have finished the course.", "examId"
        )
    if AttemptResult.OPEN in attempts:
        raise DomainError(
            ErrorCode.CONFLICT,
            "You have an attempt that is still open; finish it before starting another.",
            "examId",
        )
    if AttemptResult.PASSED in attempts:
        raise DomainError(
            ErrorCode.CONFLICT,
            "You have already passed this exam; it cannot be taken again.",
            "examId",
        )
    if len(attempts) >= MAX_ATTEMPTS:
        raise DomainError(
            ErrorCode.CONFLICT,
            "You have used all {max_attempts} attempts (the first try and {max_resits} resits); the exam cannot be taken again.",
            "examId",
            max_attempts=MAX_ATTEMPTS,
            max_resits=MAX_RESITS,
        )


def correct_answers_needed(total: int) -> int:
    """The fewest correct answers that pass an exam of `total` questions: the smallest c with
    c × 100 ≥ 70 × total (21 of 30, 31 of 43, 7 of 10), what the learner sees before starting."""
    return -(-PASS_MARK_PERCENT * total // 100) if total > 0 else 0


def score_percent(correct: int, total: int) -> int:
    """Whole percent, rounded down (30 of 43 = 69.77% → 69%).

    Down, never up, so the percentage shown never reads as a pass for a fail: rounding
    would show 70% for 69.5%. With a whole-number pass mark, floor(score) ≥ 70 exactly
    when the fraction is ≥ 70%, so the shown score and `passes` always agree.
    """
    if total <= 0:
        raise DomainError(ErrorCode.INVALID, "An exam needs at least one question", "questions")
    if not 0 <= correct <= total:
        raise DomainError(
            ErrorCode.INVALID,
            "Correct answers must be between 0 and {total}",
            "correct",
            total=total,
        )
    return (100 * correct) // total  # integer arithmetic: no float surprises


def passes(correct: int, total: int) -> bool:
    """The verdict, on the exact fraction: correct / total ≥ 70%, in integers (no float)."""
    score_percent(correct, total)  # the same checks of the counts
    return correct * 100 >= PASS_MARK_PERCENT * total


def passed(score: int) -> bool:
    """For a score from `score_percent` (rounded down); grade with `passes` on the counts."""
    return score >= PASS_MARK_PERCENT


def result_of(score: int) -> AttemptResult:
    """The result a finished attempt with this score is recorded as."""
    return AttemptResult.PASSED if passed(score) else AttemptResult.FAILED


@dataclass(frozen=True)
class QuestionReview:
    """One line of the one-time review: what was chosen and what was right."""

    question_id: int
    chosen_option_id: int | None  # None when the question was left unanswered
    correct_option_id: int
    correct: bool


@dataclass(frozen=True)
class Grading:
    """The outcome of one handed-in attempt. Only `score_percent` is meant to be stored."""

    correct_count: int
    question_count: int
    score_percent: int
    passed: bool
    review: tuple[QuestionReview, ...]


def grade(question_bank: Mapping[int, int], answers: Mapping[int, int]) -> Grading:
    """Grade answers (question id → chosen option id) against the bank (question id → correct
    option id). An unanswered question counts as wrong; an answer to a question that is not
    in the exam is refused, so a tampered submission cannot inflate the score.
    """
    unknown = sorted(set(answers) - set(question_bank))
    if unknown:
        raise DomainError(
            ErrorCode.INVALID,
            "Answers given to questions that are not in this exam: {questions}",
            "answers",
            questions=", ".join(str(q) for q in unknown),
        )
    review = tuple(
        QuestionReview(
            question_id=question_id,
            chosen_option_id=answers.get(question_id),
            correct_option_id=correct_option,
            correct=answers.get(question_id) == correct_option,
        )
        for question_id, correct_option in question_bank.items()
    )
    correct_count = sum(r.correct for r in review)
    score = score_percent(correct_count, len(question_bank))
    return Grading(
        correct_count=correct_count,
        question_count=len(question_bank),
        score_percent=score,
        passed=passes(correct_count, len(question_bank)),
        review=review,
    )


def review_available(review_shown: bool, finished: bool) -> bool:
    """The questions with the correct answers are shown once, after the attempt is finished.

    The caller sets `review_shown` in the same transaction that returns the review.
    """
    return finished and not review_shown
