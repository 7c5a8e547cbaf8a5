"""Inputs of the school mutations that take more than a few arguments."""

from __future__ import annotations

from datetime import date, time

import strawberry

from schema.core.identity import Language
from schema.school.enums import AssessmentKind


@strawberry.input(description="A location's address and general phone number.")
class LocationDetailsInput:
    location_id: strawberry.ID = strawberry.field(
        description="The location (OrgUnit of kind LOCATION)."
    )
    street: str = strawberry.field(description="Street and house number.")
    postcode: str = strawberry.field(description="Postcode.")
    city: str = strawberry.field(description="City.")
    phone: str = strawberry.field(description="General phone number.")


@strawberry.input(description="A pupil to register in a class.")
class RegisterPupilInput:
    class_id: strawberry.ID = strawberry.field(description="The class.")
    email: str = strawberry.field(description="The pupil's own e-mail address (their login).")
    given_name: str = strawberry.field(description="Given name.")
    family_name: str = strawberry.field(description="Family name.")
    student_number: str = strawberry.field(description="Student number, unique within the school.")
    date_of_birth: date = strawberry.field(description="Date of birth.")
    name_prefix: str = strawberry.field(default="", description="Name prefix, if any.")
    phone: str = strawberry.field(default="", description="Phone number.")
    street: str = strawberry.field(default="", description="Street and house number.")
    postcode: str = strawberry.field(default="", description="Postcode.")
    city: str = strawberry.field(default="", description="City.")
    programme: str = strawberry.field(default="", description="Programme ('opleiding').")
    language: Language = strawberry.field(
        default=Language.NL, description="Language of their mails."
    )


@strawberry.input(description="A guardian to link to a pupil.")
class LinkGuardianInput:
    pupil_id: strawberry.ID = strawberry.field(description="The pupil.")
    email: str = strawberry.field(description="The guardian's own e-mail address.")
    given_name: str = strawberry.field(default="", description="Given name.")
    name_prefix: str = strawberry.field(default="", description="Name prefix, if any.")
    family_name: str = strawberry.field(default="", description="Family name.")
    language: Language = strawberry.field(
        default=Language.NL, description="Language of their mails."
    )
    legal_representative: bool = strawberry.field(
        default=True,
        description="Registered as legal representative ('wettelijk vertegenwoordiger').",
    )


@strawberry.input(description="A lesson to put on a class's timetable.")
class ScheduleLessonInput:
    class_id: strawberry.ID = strawberry.field(description="The class.")
    subject_id: strawberry.ID = strawberry.field(description="The subject.")
    date_: date = strawberry.field(name="date", description="The day.")
    start_time: time = strawberry.field(description="Start, local time.")
    end_time: time = strawberry.field(description="End, local time.")
    first_lesson_hour: int = strawberry.field(description="First lesson hour ('lesuur').")
    last_lesson_hour: int | None = strawberry.field(
        default=None, description="Last lesson hour; null for a one-hour lesson."
    )
    room: str = strawberry.field(default="", description="Room.")
    teacher_code: str = strawberry.field(default="", description="Teacher code.")
    teacher_id: strawberry.ID | None = strawberry.field(
        default=None, description="The teacher (a Person), if any."
    )
    homework: str | None = strawberry.field(default=None, description="Homework, if any.")


@strawberry.input(description="A test for a class, or a sub-test of a test.")
class CreateAssessmentInput:
    class_id: strawberry.ID = strawberry.field(description="The class.")
    subject_id: strawberry.ID = strawberry.field(description="The subject.")
    name: str = strawberry.field(description="Name of the test.")
    weight: str = strawberry.field(
        default="1", description="Weight, e.g. '2' or '0.5' (at most two decimals)."
    )
    kind: AssessmentKind = strawberry.field(
        default=AssessmentKind.REGULAR, description="Regular or exam-oriented."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The test this is a sub-test of; null for a test."
    )


@strawberry.input(description="A pupil's grade for a test without sub-tests, or a sub-test.")
class RecordGradeInput:
    assessment_id: strawberry.ID = strawberry.field(description="The test or sub-test.")
    pupil_id: strawberry.ID = strawberry.field(description="The pupil (of the test's class).")
    grade: str = strawberry.field(
        description="1.0 to 10.0 with at most one decimal; '7,5' is accepted."
    )
    taken_on: date = strawberry.field(description="The day the grade was obtained.")
    attempt: int = strawberry.field(default=1, description="Attempt ('poging'), from 1.")


@strawberry.input(
    description="Corrections to a pupil's record ('gegevens wijzigen', seed 9.5). A field left "
    "null stays as it is."
)
class UpdatePupilInput:
    pupil_id: strawberry.ID = strawberry.field(description="The pupil.")
    given_name: str | None = strawberry.field(default=None, description="Given name.")
    name_prefix: str | None = strawberry.field(
        default=None, description="Name prefix; empty to remove."
    )
    family_name: str | None = strawberry.field(default=None, description="Family name.")
    student_number: str | None = strawberry.field(
        default=None, description="Student number, unique within the school."
    )
    date_of_birth: date | None = strawberry.field(default=None, description="Date of birth.")
    phone: str | None = strawberry.field(default=None, description="Phone; empty to remove.")
    street: str | None = strawberry.field(default=None, description="Street and house number.")
    postcode: str | None = strawberry.field(default=None, description="Postcode.")
    city: str | None = strawberry.field(default=None, description="City.")
    programme: str | None = strawberry.field(
        default=None,
        description="Programme ('opleiding'); also the programme of the current enrolment.",
    )


@strawberry.input(description="A pupil to move to another class of the same school.")
class MovePupilInput:
    pupil_id: strawberry.ID = strawberry.field(description="The pupil.")
    class_id: strawberry.ID = strawberry.field(
        description="The new class: a class of the pupil's school that you administer."
    )


@strawberry.input(
    description="An earlier enrolment ('verbintenis') of a pupil: a programme over one or more "
    "school years, in one class. Record each class separately."
)
class RecordEnrolmentInput:
    pupil_id: strawberry.ID = strawberry.field(description="The pupil.")
    class_id: strawberry.ID = strawberry.field(
        description="The class of those school years (of the pupil's school)."
    )
    programme: str = strawberry.field(
        description="Programme ('opleiding'); the results overview groups the school years of "
        "one programme."
    )
    school_years: list[int] = strawberry.field(
        description="First calendar years of the school years (2024 for 2024-2025): this or "
        "earlier years, at most 6, none with an enrolment already."
    )
