"""Course enrolments of the academy: progress, status, assignment, deletion and certificates."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_

# Crockford's base32: no I, L, O or U, so a code read aloud or typed over cannot be misread.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 bits: guessing one of a million issued codes takes ~10^12 tries
CODE_GROUP = 4
MIN_RANDOM_BYTES = 8  # 64 bits in, the top 60 used
_CROCKFORD_READS = {"I": "1", "L": "1", "O": "0"}


class CourseStatus(str, Enum):
    """Where a learner is in one course."""

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


def _clamped(completed_lessons: int, total_lessons: int) -> int:
    # Counts come from the database; a lesson removed from the course must not push past 100%.
    return max(0, min(completed_lessons, total_lessons))


def course_status(completed_lessons: int, total_lessons: int) -> CourseStatus:
    """A course without lessons has not been started: there is nothing to complete."""
    done = _clamped(completed_lessons, total_lessons)
    if total_lessons <= 0 or done == 0:
        return CourseStatus.NOT_STARTED
    if done == total_lessons:
        return CourseStatus.COMPLETED
    return CourseStatus.IN_PROGRESS


def progress_percent(completed_lessons: int, total_lessons: int) -> int:
    """0 to 100, rounded down so that 100% means every lesson is done."""
    if total_lessons <= 0:
        return 0
    return _clamped(completed_lessons, total_lessons) * 100 // total_lessons


def complete_lesson(
    completed_lesson_ids: frozenset[int], lesson_id: int, course_lesson_ids: Collection[int]
) -> frozenset[int]:
    """The completed lessons after completing `lesson_id`; completing it again changes nothing."""
    if lesson_id not in course_lesson_ids:
        raise DomainError(ErrorCode.NOT_FOUND, "This lesson is not part of the course", "lessonId")
    return completed_lesson_ids | {lesson_id}


def check_not_assigned(
    existing_course_ids: Collection[int], course_id: int, field: str = "courseIds"
) -> None:
    """A user can receive each course only once (academy seed)."""
    if course_id in existing_course_ids:
        raise DomainError(
            ErrorCode.ALREADY_EXISTS,
            "This user already has this course; a user can receive each course only once.",
            field,
        )


def deletion_refusal(statuses: Iterable[CourseStatus]) -> str | None:
    """Why this user cannot be deleted (a message id), or None: only users who started no
    training may go."""
    if any(s is not CourseStatus.NOT_STARTED for s in statuses):
        return N_(
            "This user has started a course and cannot be deleted; "
            "hide the user instead to keep their progress and certificates."
        )
    return None


def highest_score(scores: Iterable[int]) -> int | None:
    """The best score of the finished attempts; None when there was no exam or no attempt."""
    return max(scores, default=None)


@dataclass(frozen=True)
class Certificate:
    """Certificate of participation ("bewijs van deelname").

    Deliberately no pass/fail: the seed gives everyone who completes a certificate,
    showing only the highest score; organisations set their own requirements.
    """

    learner_name: str
    course_title: str
    completed_on: date
    highest_score_percent: int | None


def issue_certificate(
    status: CourseStatus,
    learner_name: str,
    course_title: str,
    completed_on: date,
    exam_scores: Iterable[int],
) -> Certificate:
    """A certificate for a completed course, whatever the exam scores were."""
    if status is not CourseStatus.COMPLETED:
        raise DomainError(
            ErrorCode.CONFLICT,
            "A certificate is issued once the course is completed.",
            "courseId",
        )
    return Certificate(learner_name, course_title, completed_on, highest_score(exam_scores))


def verification_code(random_bytes: bytes) -> str:
    """A certificate's public verification code, e.g. "7K2M-QX9D-04HF", from random bytes.

    The caller supplies `secrets.token_bytes(8)`; taking them as input keeps this pure.
    """
    if len(random_bytes) < MIN_RANDOM_BYTES:
        raise ValueError(f"verification_code needs at least {MIN_RANDOM_BYTES} random bytes")
    number = int.from_bytes(random_bytes[:MIN_RANDOM_BYTES], "big") >> (
        MIN_RANDOM_BYTES * 8 - CODE_LENGTH * 5
    )
    chars = [CROCKFORD_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH))]
    return _grouped("".join(chars))


def _grouped(code: str) -> str:
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalize_verification_code(raw: str, field: str = "code") -> str:
    """The canonical XXXX-XXXX-XXXX form of a typed code: case, dashes and spaces do not
    matter, and I/L/O are read as 1/1/0 the way Crockford's base32 prescribes.
    """
    code = "".join(raw.upper().replace("-", "").split())
    code = "".join(_CROCKFORD_READS.get(c, c) for c in code)
    if len(code) != CODE_LENGTH or any(c not in CROCKFORD_ALPHABET for c in code):
        raise DomainError(
            ErrorCode.INVALID,
            "'{value}' is not a certificate code; it looks like XXXX-XXXX-XXXX",
            field,
            value=raw.strip()[:40],
        )
    return _grouped(code)
