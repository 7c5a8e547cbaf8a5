"""A new catalogue course and the rules it must meet before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from domain.academy import accreditation
from domain.academy.refreshers import RefresherMoment, check_duration
from domain.core.errors import DomainError, DomainErrors, ErrorCode

MAX_TITLE_LENGTH = 200


@dataclass(frozen=True)
class NewLesson:
    title: str
    module_title: str = ""
    duration_minutes: int = 10


@dataclass(frozen=True)
class NewQuestion:
    text: str
    options: tuple[str, ...]
    correct_option: int  # index into the options


@dataclass(frozen=True)
class NewAccreditation:
    register_code: str
    points: int


@dataclass(frozen=True)
class NewRefresher:
    moment: RefresherMoment
    title: str
    duration_minutes: int


@dataclass(frozen=True)
class NewCourse:
    """A course as an admin describes it: lessons, exam questions, accreditation, refreshers."""

    title: str
    lessons: tuple[NewLesson, ...]
    description: str = ""
    estimated_minutes: int = 60
    questions: tuple[NewQuestion, ...] = field(default=())
    accreditations: tuple[NewAccreditation, ...] = field(default=())
    refreshers: tuple[NewRefresher, ...] = field(default=())


def _invalid(message: str, field_name: str, **params: object) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field_name, **params)


def check_new_course(new: NewCourse) -> NewCourse:
    """The course cleaned (title and texts trimmed, register codes canonical), or every
    problem with it at once."""
    problems: list[DomainError] = []
    title = " ".join(new.title.split())
    if not 1 <= len(title) <= MAX_TITLE_LENGTH:
        problems.append(
            _invalid(
                "A title has 1 to {max_title_length} characters",
                "title",
                max_title_length=MAX_TITLE_LENGTH,
            )
        )
    if not new.lessons:
        problems.append(_invalid("A course needs at least one lesson", "lessons"))
    for i, q in enumerate(new.questions, start=1):
        if len(q.options) < 2 or not 0 <= q.correct_option < len(q.options) or not q.text.strip():
            problems.append(
                _invalid(
                    "Question {i} needs a text, two or more options and a correct one among them",
                    "questions",
                    i=i,
                )
            )
    if new.estimated_minutes < 1:
        problems.append(_invalid("The estimated duration is at least a minute", "estimatedMinutes"))
    accreditations = []
    for a in new.accreditations:
        try:
            code = accreditation.register_for(a.register_code, "accreditations").code
        except DomainError as error:
            problems.append(error)
            continue
        if a.points < 1:
            problems.append(_invalid("Accreditation points are at least 1", "accreditations"))
        accreditations.append(replace(a, register_code=code))
    for r in new.refreshers:
        try:
            check_duration(r.duration_minutes, "refreshers")
        except DomainError as error:
            problems.append(error)
    if problems:
        raise DomainErrors(problems)
    return replace(
        new,
        title=title,
        description=new.description.strip(),
        questions=tuple(replace(q, text=q.text.strip()) for q in new.questions),
        accreditations=tuple(accreditations),
    )
