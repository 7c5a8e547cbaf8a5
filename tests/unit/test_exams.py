"""Exam policy: the fixed pass mark, attempts and resits, scoring, grading and the review."""

from __future__ import annotations

import pytest

from domain.academy import exams
from domain.academy.exams import AttemptResult, check_may_start, grade, passed, score_percent
from domain.core.errors import DomainError, ErrorCode

FAILED, PASSED, OPEN = AttemptResult.FAILED, AttemptResult.PASSED, AttemptResult.OPEN


def refusal(course_completed: bool, attempts: list[AttemptResult]) -> str:
    with pytest.raises(DomainError) as caught:
        check_may_start(course_completed, attempts)
    assert caught.value.code is ErrorCode.CONFLICT
    return caught.value.message


def test_pass_mark_is_a_fixed_seventy_percent_and_three_attempts() -> None:
    assert exams.PASS_MARK_PERCENT == 70
    assert exams.MAX_ATTEMPTS == 3
    assert exams.MAX_RESITS == 2


def test_exam_does_not_open_before_the_course_is_completed() -> None:
    assert "finished the course" in refusal(False, [])


def test_first_attempt_after_completing_the_course() -> None:
    check_may_start(True, [])
    assert exams.attempts_left([]) == 3


def test_fail_then_pass_on_a_resit() -> None:
    check_may_start(True, [FAILED])
    check_may_start(True, [FAILED, FAILED])
    assert "already passed" in refusal(True, [FAILED, PASSED])


def test_three_fails_leave_no_more_attempts() -> None:
    message = refusal(True, [FAILED, FAILED, FAILED])
    assert "all 3 attempts" in message
    assert "2 resits" in message
    assert exams.attempts_left([FAILED, FAILED, FAILED]) == 0


def test_no_attempt_after_a_pass() -> None:
    assert "already passed" in refusal(True, [PASSED])
    assert exams.attempts_left([PASSED]) == 0


def test_an_open_attempt_blocks_a_new_one() -> None:
    assert "still open" in refusal(True, [FAILED, OPEN])


def test_each_refusal_has_its_own_message() -> None:
    messages = {
        refusal(False, []),
        refusal(True, [OPEN]),
        refusal(True, [PASSED]),
        refusal(True, [FAILED] * 3),
    }
    assert len(messages) == 4


def test_sixty_nine_percent_fails_and_seventy_passes() -> None:
    assert not passed(69)
    assert passed(70)
    assert passed(100)
    assert exams.result_of(69) is FAILED
    assert exams.result_of(70) is PASSED


@pytest.mark.parametrize(
    ("correct", "total", "expected"),
    [
        (0, 10, 0),
        (10, 10, 100),
        (7, 10, 70),
        (2, 3, 66),  # 66.67: down
        (1, 3, 33),  # 33.33
        (139, 200, 69),  # 69.5: down, it is a fail
        (1, 8, 12),  # 12.5: down
        (69, 100, 69),
    ],
)
def test_score_percent_rounds_down(correct: int, total: int, expected: int) -> None:
    assert score_percent(correct, total) == expected


def test_score_percent_refuses_an_exam_without_questions_and_impossible_counts() -> None:
    with pytest.raises(DomainError):
        score_percent(0, 0)
    with pytest.raises(DomainError):
        score_percent(11, 10)
    with pytest.raises(DomainError):
        score_percent(-1, 10)


def test_grading_gives_score_and_per_question_review() -> None:
    bank = {1: 11, 2: 21, 3: 31, 4: 41}
    result = grade(bank, {1: 11, 2: 22, 3: 31})
    assert result.correct_count == 2
    assert result.question_count == 4
    assert result.score_percent == 50
    assert not result.passed
    by_question = {r.question_id: r for r in result.review}
    assert by_question[1].correct
    assert not by_question[2].correct
    assert by_question[2].chosen_option_id == 22
    assert by_question[2].correct_option_id == 21
    # Unanswered counts as wrong and shows no chosen option.
    assert by_question[4].chosen_option_id is None
    assert not by_question[4].correct
    assert [r.question_id for r in result.review] == [1, 2, 3, 4]


def test_grading_seven_of_ten_passes() -> None:
    bank = {q: q * 10 for q in range(1, 11)}
    answers = {q: q * 10 for q in range(1, 8)} | {8: 0, 9: 0, 10: 0}
    result = grade(bank, answers)
    assert (result.score_percent, result.passed) == (70, True)


def test_grading_refuses_answers_to_questions_not_in_the_exam() -> None:
    with pytest.raises(DomainError) as caught:
        grade({1: 11}, {1: 11, 99: 1})
    assert caught.value.field == "answers"
    assert "99" in caught.value.message


def test_review_is_available_once_after_finishing() -> None:
    assert not exams.review_available(review_shown=False, finished=False)
    assert exams.review_available(review_shown=False, finished=True)
    assert not exams.review_available(review_shown=True, finished=True)
