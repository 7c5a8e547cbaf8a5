"""A new course is checked in the domain before anything is stored: every problem at once."""

from __future__ import annotations

import pytest

from domain.academy.courses import (
    NewAccreditation,
    NewCourse,
    NewLesson,
    NewQuestion,
    NewRefresher,
    check_new_course,
)
from domain.academy.refreshers import RefresherMoment
from domain.core.errors import DomainErrors

LESSON = NewLesson(title="Tiltechniek")


def test_a_valid_course_comes_back_cleaned() -> None:
    checked = check_new_course(
        NewCourse(
            title="  Val   preventie ",
            description=" Over vallen. ",
            lessons=(LESSON,),
            questions=(NewQuestion(" Wat helpt? ", ("Licht", "Donker"), 0),),
            accreditations=(NewAccreditation("kngf", 2),),
            refreshers=(NewRefresher(RefresherMoment.THREE_MONTHS, "Kort", 15),),
        )
    )
    assert checked.title == "Val preventie" and checked.description == "Over vallen."
    assert checked.questions[0].text == "Wat helpt?"
    assert checked.accreditations == (NewAccreditation("KNGF", 2),)


def test_every_problem_is_reported_with_its_field() -> None:
    with pytest.raises(DomainErrors) as caught:
        check_new_course(
            NewCourse(
                title=" ",
                lessons=(),
                estimated_minutes=0,
                questions=(NewQuestion("?", ("ja",), 3),),
                accreditations=(NewAccreditation("NOPE", 1), NewAccreditation("BIG", 0)),
                refreshers=(NewRefresher(RefresherMoment.SIX_MONTHS, "Lang", 16),),
            )
        )
    fields = [e.field for e in caught.value.errors]
    assert fields == [
        "title",
        "lessons",
        "questions",
        "estimatedMinutes",
        "accreditations",
        "accreditations",
        "refreshers",
    ]


def test_a_title_of_two_hundred_characters_fits_one_more_does_not() -> None:
    check_new_course(NewCourse(title="x" * 200, lessons=(LESSON,)))
    with pytest.raises(DomainErrors):
        check_new_course(NewCourse(title="x" * 201, lessons=(LESSON,)))
