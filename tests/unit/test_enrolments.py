"""Enrolments: status and progress, assignment once, deletion, certificates and their codes."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.academy.enrolments import (
    CROCKFORD_ALPHABET,
    Certificate,
    CourseStatus,
    check_not_assigned,
    complete_lesson,
    course_status,
    deletion_refusal,
    highest_score,
    issue_certificate,
    normalize_verification_code,
    progress_percent,
    verification_code,
)
from domain.core.errors import DomainError, ErrorCode


@pytest.mark.parametrize(
    ("done", "total", "status", "percent"),
    [
        (0, 0, CourseStatus.NOT_STARTED, 0),
        (0, 5, CourseStatus.NOT_STARTED, 0),
        (1, 3, CourseStatus.IN_PROGRESS, 33),
        (2, 3, CourseStatus.IN_PROGRESS, 66),
        (3, 3, CourseStatus.COMPLETED, 100),
        (4, 3, CourseStatus.COMPLETED, 100),  # a lesson removed after completion
    ],
)
def test_status_and_progress(done: int, total: int, status: CourseStatus, percent: int) -> None:
    assert course_status(done, total) is status
    assert progress_percent(done, total) == percent


def test_progress_reaches_100_only_when_every_lesson_is_done() -> None:
    assert progress_percent(199, 200) == 99


def test_completing_a_lesson_is_idempotent() -> None:
    lessons = {1, 2, 3}
    once = complete_lesson(frozenset(), 2, lessons)
    twice = complete_lesson(once, 2, lessons)
    assert once == twice == frozenset({2})
    assert course_status(len(twice), len(lessons)) is CourseStatus.IN_PROGRESS


def test_completing_a_lesson_of_another_course_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        complete_lesson(frozenset(), 9, {1, 2})
    assert caught.value.code is ErrorCode.NOT_FOUND


def test_each_course_only_once() -> None:
    check_not_assigned([1, 2], 3)
    with pytest.raises(DomainError) as caught:
        check_not_assigned([1, 2], 2)
    assert caught.value.code is ErrorCode.ALREADY_EXISTS
    assert "only once" in caught.value.message


def test_deletion_only_without_started_training() -> None:
    assert deletion_refusal([]) is None
    assert deletion_refusal([CourseStatus.NOT_STARTED, CourseStatus.NOT_STARTED]) is None
    reason = deletion_refusal([CourseStatus.NOT_STARTED, CourseStatus.IN_PROGRESS])
    assert reason is not None
    assert "hide" in reason
    assert deletion_refusal([CourseStatus.COMPLETED]) is not None


def test_highest_score() -> None:
    assert highest_score([]) is None
    assert highest_score([40, 85, 62]) == 85
    assert highest_score([0]) == 0


def test_everyone_who_completes_gets_a_certificate_with_the_highest_score() -> None:
    low = issue_certificate(
        CourseStatus.COMPLETED, "Sanne de Vries", "Meldcode", date(2025, 3, 1), [30, 45, 52]
    )
    assert low == Certificate("Sanne de Vries", "Meldcode", date(2025, 3, 1), 52)
    no_exam = issue_certificate(CourseStatus.COMPLETED, "Sanne", "Intro", date(2025, 3, 1), [])
    assert no_exam.highest_score_percent is None


def test_certificate_never_says_pass_or_fail() -> None:
    names = {f.name for f in dataclasses.fields(Certificate)}
    assert names == {"learner_name", "course_title", "completed_on", "highest_score_percent"}


def test_no_certificate_before_completion() -> None:
    with pytest.raises(DomainError):
        issue_certificate(CourseStatus.IN_PROGRESS, "Sanne", "Meldcode", date(2025, 3, 1), [90])


def test_verification_code_shape_and_determinism() -> None:
    code = verification_code(bytes(range(8)))
    assert code == verification_code(bytes(range(8)))
    assert len(code) == 14
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert all(c in CROCKFORD_ALPHABET for c in "".join(groups))
    assert verification_code(bytes(8)) == "0000-0000-0000"
    assert verification_code(b"\xff" * 8) == "ZZZZ-ZZZZ-ZZZZ"
    assert verification_code(bytes(range(8))) != verification_code(bytes(range(1, 9)))


def test_verification_code_needs_enough_randomness() -> None:
    with pytest.raises(ValueError):
        verification_code(b"\x01\x02\x03")


def test_normaliser_accepts_lower_case_missing_dashes_and_look_alikes() -> None:
    code = verification_code(bytes([0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0]))
    plain = code.replace("-", "")
    assert normalize_verification_code(plain.lower()) == code
    assert normalize_verification_code(f"  {plain[:6]} {plain[6:]} ") == code
    assert normalize_verification_code("oooo-llll-iiii") == "0000-1111-1111"


@pytest.mark.parametrize("raw", ["", "ABCD-EFGH", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKMU"])
def test_normaliser_refuses_what_is_not_a_code(raw: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalize_verification_code(raw)
    assert caught.value.field == "code"
