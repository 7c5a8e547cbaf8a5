"""Enums of the school portal."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="The seed's 'type resultaten'.")
class AssessmentKind(Enum):
    REGULAR = strawberry.enum_value(
        "REGULAR", description="Tests ('toetsen'): the default, the indicators of progress."
    )
    EXAM_ORIENTED = strawberry.enum_value(
        "EXAM_ORIENTED",
        description="Exam-oriented ('examengericht'): families see these only once the exam "
        "board has finalised them.",
    )


@strawberry.enum(description="Agenda views: the seed's 'Lijst / werkweek / Week'.")
class AgendaView(Enum):
    WEEK = strawberry.enum_value("WEEK", description="Monday to Sunday of the date's week.")
    WORK_WEEK = strawberry.enum_value(
        "WORK_WEEK", description="Monday to Friday of the date's week."
    )
    LIST = strawberry.enum_value(
        "LIST",
        description="Days with lessons from the date to `endDate` (default 14 days, at most 62).",
    )


@strawberry.enum(description="Why a guardian does or does not see a linked child's data.")
class GuardianAccessReason(Enum):
    PUPIL_MINOR = strawberry.enum_value(
        "PUPIL_MINOR", description="The pupil is under 18: guardians see the data."
    )
    PUPIL_ADULT_CONSENT_GIVEN = strawberry.enum_value(
        "PUPIL_ADULT_CONSENT_GIVEN",
        description="The pupil is 18 or older and consented for this guardian.",
    )
    PUPIL_ADULT_NO_CONSENT = strawberry.enum_value(
        "PUPIL_ADULT_NO_CONSENT",
        description="The pupil is 18 or older and has not consented for this guardian: "
        "nothing is shown.",
    )
    NOT_LEGAL_REPRESENTATIVE = strawberry.enum_value(
        "NOT_LEGAL_REPRESENTATIVE",
        description="The guardian is linked but not registered as legal representative "
        "('wettelijk vertegenwoordiger'): nothing is shown until the administration marks "
        "the link as such.",
    )


@strawberry.enum(description="Why a weighted average differs from the plain mean of grades.")
class AverageDifferenceReason(Enum):
    UNEQUAL_WEIGHTS = strawberry.enum_value(
        "UNEQUAL_WEIGHTS", description="Tests with a higher weight count more."
    )
    COMPOSED_TESTS = strawberry.enum_value(
        "COMPOSED_TESTS", description="Some tests are the weighted mean of their sub-tests."
    )
    ROUNDING = strawberry.enum_value(
        "ROUNDING", description="The average uses unrounded test grades."
    )
