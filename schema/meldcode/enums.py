"""Enums of the meldcode, mirroring the domain's."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="The five steps of the meldcode.")
class MeldcodeStep(Enum):
    SIGNALS_MAPPED = strawberry.enum_value(
        "SIGNALS_MAPPED", description="Step 1: map the signals ('signalen in kaart brengen')."
    )
    COLLEAGUE_CONSULTED = strawberry.enum_value(
        "COLLEAGUE_CONSULTED",
        description="Step 2: consult a colleague; possibly Veilig Thuis or an injury expert.",
    )
    CONVERSATION = strawberry.enum_value(
        "CONVERSATION", description="Step 3: talk with those involved ('gesprek')."
    )
    WEIGHING = strawberry.enum_value(
        "WEIGHING", description="Step 4: weigh the violence or abuse; Veilig Thuis when in doubt."
    )
    DECISION = strawberry.enum_value(
        "DECISION", description="Step 5: decide: organise help or report to Veilig Thuis."
    )


STEP_NUMBERS = {s: i for i, s in enumerate(MeldcodeStep, start=1)}
STEP_OF_NUMBER = {i: s for s, i in STEP_NUMBERS.items()}


@strawberry.enum(description="The decision of step 5.")
class Decision(Enum):
    ORGANISE_HELP = strawberry.enum_value(
        "ORGANISE_HELP", description="Organise help ('zelf hulp organiseren')."
    )
    REPORT_TO_VEILIG_THUIS = strawberry.enum_value(
        "REPORT_TO_VEILIG_THUIS", description="Report to Veilig Thuis ('melden')."
    )


@strawberry.enum(description="How a case was closed.")
class Outcome(Enum):
    HELP_ORGANISED = strawberry.enum_value("HELP_ORGANISED", description="Help was organised.")
    REPORTED = strawberry.enum_value("REPORTED", description="Reported to Veilig Thuis.")
    CONCERN_UNFOUNDED = strawberry.enum_value(
        "CONCERN_UNFOUNDED", description="The concern turned out unfounded."
    )
    PUPIL_LEFT_SCHOOL = strawberry.enum_value(
        "PUPIL_LEFT_SCHOOL", description="The pupil left the school (the case was handed over)."
    )
    OTHER = strawberry.enum_value("OTHER", description="Another outcome, see the note.")


@strawberry.enum(description="Whether a case is open or closed.")
class CaseStatus(Enum):
    OPEN = strawberry.enum_value("OPEN", description="Being handled.")
    CLOSED = strawberry.enum_value("CLOSED", description="Closed with an outcome.")


@strawberry.enum(description="The kind of a care partner on the social map ('sociale kaart').")
class PartnerKind(Enum):
    VEILIG_THUIS = strawberry.enum_value(
        "VEILIG_THUIS", description="Veilig Thuis: may receive information without consent."
    )
    CHILD_PROTECTION_BOARD = strawberry.enum_value(
        "CHILD_PROTECTION_BOARD",
        description="Raad voor de Kinderbescherming: may receive information without consent.",
    )
    POLICE = strawberry.enum_value(
        "POLICE", description="The police: may receive information without consent."
    )
    CERTIFIED_INSTITUTION = strawberry.enum_value(
        "CERTIFIED_INSTITUTION",
        description="The certified institution carrying out a supervision order: may receive "
        "information without consent.",
    )
    NEIGHBOURHOOD_TEAM = strawberry.enum_value(
        "NEIGHBOURHOOD_TEAM", description="Neighbourhood team ('wijkteam'): needs consent."
    )
    YOUTH_CARE = strawberry.enum_value("YOUTH_CARE", description="Youth care: needs consent.")
    YOUTH_HEALTH_CARE = strawberry.enum_value(
        "YOUTH_HEALTH_CARE", description="Youth health care (GGD, jeugdarts): needs consent."
    )
    SCHOOL_SOCIAL_WORK = strawberry.enum_value(
        "SCHOOL_SOCIAL_WORK", description="School social work: needs consent."
    )
    OTHER = strawberry.enum_value("OTHER", description="Another partner: needs consent.")
