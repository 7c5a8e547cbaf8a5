"""The school parent portal's tables: pupils, guardians and consent, results, timetable, absences.

Dutch terms of the seed: leerling (pupil), ouder/verzorger/wettelijk vertegenwoordiger
(guardian), toestemming (consent), verbintenis (enrolment), vestiging (location), vak (subject),
toets/deeltoets (test/sub-test), lesuur (lesson hour), absentie (absence), huiswerk (homework).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.school.grades import AssessmentKind
from persistence.types import enum_column, foreign_key, timestamp


class HasId(Protocol):
    id: int | None


def pk(row: HasId) -> int:
    """A stored row's primary key: sqlmodel types `id` as optional until the row is flushed."""
    assert row.id is not None, "flush the row before using its id"
    return row.id


class LocationDetails(SQLModel, table=True):
    """Address and general phone number of a location ("vestiging"), shown on the pupil card."""

    __tablename__ = "location_details"

    org_unit_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True
        )
    )
    street: str = Field(default="", max_length=200)
    postcode: str = Field(default="", max_length=12)
    city: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40)


class Pupil(SQLModel, table=True):
    """A pupil ("leerling"): a person with the PUPIL role on a class, and their school record."""

    __tablename__ = "pupil"
    __table_args__ = (sa.UniqueConstraint("school_unit_id", "student_number"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    # The school numbers its pupils; the number is unique within that school only.
    school_unit_id: int = foreign_key("org_unit.id")
    # The current class; enrolments keep the history per school year.
    class_unit_id: int = foreign_key("org_unit.id")
    student_number: str = Field(max_length=32)
    date_of_birth: date
    phone: str = Field(default="", max_length=40)
    street: str = Field(default="", max_length=200)
    postcode: str = Field(default="", max_length=12)
    city: str = Field(default="", max_length=100)
    programme: str = Field(default="", max_length=200)  # "opleiding"
    created_at: datetime = timestamp()


class PupilEnrolment(SQLModel, table=True):
    """An enrolment ("verbintenis") of a pupil for one school year: class and programme."""

    __tablename__ = "pupil_enrolment"
    __table_args__ = (sa.UniqueConstraint("pupil_id", "school_year"),)

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = foreign_key("pupil.id")
    school_year: int  # start year: 2024 is the school year 2024-2025
    class_unit_id: int = foreign_key("org_unit.id")
    programme: str = Field(default="", max_length=200)
    # Set when the administration ends the enrolment (the pupil left or changed programme);
    # an ended enrolment is no longer the "active" one the results overview opens with.
    ended_on: date | None = None


class GuardianLink(SQLModel, table=True):
    """A guardian linked to a pupil by the school administration."""

    __tablename__ = "guardian_link"
    __table_args__ = (sa.UniqueConstraint("guardian_person_id", "pupil_id"),)

    id: int | None = Field(default=None, primary_key=True)
    guardian_person_id: int = foreign_key("person.id")
    pupil_id: int = foreign_key("pupil.id")
    legal_representative: bool = True  # "wettelijk vertegenwoordiger"
    created_at: datetime = timestamp()


class GuardianConsent(SQLModel, table=True):
    """An adult pupil's consent for one guardian: the current state. Every change is also a
    `GuardianConsentChange` (the history the pupil and the administration read)."""

    __tablename__ = "guardian_consent"
    __table_args__ = (sa.UniqueConstraint("pupil_id", "guardian_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = foreign_key("pupil.id")
    guardian_person_id: int = foreign_key("person.id")
    given: bool = False
    given_at: datetime | None = timestamp(nullable=True)
    withdrawn_at: datetime | None = timestamp(nullable=True)


class GuardianConsentChange(SQLModel, table=True):
    """One change of an adult pupil's consent for a guardian: who, when, given or withdrawn."""

    __tablename__ = "guardian_consent_change"

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = foreign_key("pupil.id")
    guardian_person_id: int = foreign_key("person.id")
    given: bool
    changed_at: datetime = timestamp()
    changed_by: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")


class ClassMentor(SQLModel, table=True):
    """The mentor of a class: a teacher; a class may have more than one."""

    __tablename__ = "class_mentor"
    __table_args__ = (sa.UniqueConstraint("class_unit_id", "teacher_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    class_unit_id: int = foreign_key("org_unit.id")
    teacher_person_id: int = foreign_key("person.id")


class SchoolSubject(SQLModel, table=True):
    """A subject ("vak") a school teaches in one school year."""

    __tablename__ = "school_subject"
    __table_args__ = (sa.UniqueConstraint("school_unit_id", "school_year", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    school_unit_id: int = foreign_key("org_unit.id")
    school_year: int
    code: str = Field(max_length=20)
    name: str = Field(max_length=100)


class SchoolAssessment(SQLModel, table=True):
    """A test ("toets") of a subject for a class, or a sub-test ("deeltoets") of one.

    Sub-tests nest one level deep: a test's grade is the weighted mean of its sub-tests.
    """

    __tablename__ = "school_assessment"

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = foreign_key("school_subject.id")
    class_unit_id: int = foreign_key("org_unit.id")
    parent_id: int | None = foreign_key("school_assessment.id", nullable=True)
    name: str = Field(max_length=200)
    # Hundredths, so a weight like 0.5 or 1.25 stays exact on SQLite without a Decimal type.
    weight_hundredths: int = 100
    kind: AssessmentKind = Field(sa_column=enum_column(AssessmentKind, nullable=False))
    finalised: bool = False  # "vastgesteld" by the exam board
    created_at: datetime = timestamp()


class SchoolGrade(SQLModel, table=True):
    """A pupil's grade for a test without sub-tests, per attempt ("poging")."""

    __tablename__ = "school_grade"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "pupil_id", "attempt"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = foreign_key("school_assessment.id")
    pupil_id: int = foreign_key("pupil.id")
    grade_tenths: int  # 1.0-10.0 as 10-100: exact on every database
    taken_on: date
    attempt: int = 1
    recorded_by: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")
    created_at: datetime = timestamp()


class SchoolLesson(SQLModel, table=True):
    """A lesson of a class on the timetable; times stored in UTC."""

    __tablename__ = "school_lesson"
    __table_args__ = (sa.Index("ix_school_lesson_class_starts", "class_unit_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    class_unit_id: int = foreign_key("org_unit.id")
    subject_id: int = foreign_key("school_subject.id")
    starts_at: datetime = timestamp()
    ends_at: datetime = timestamp()
    first_hour: int = 1  # "lesuur"
    last_hour: int = 1
    room: str = Field(default="", max_length=40)
    teacher_code: str = Field(default="", max_length=12)
    teacher_person_id: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")
    attendance_registered: bool = False  # the teacher has registered presence
    homework: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))


class SchoolAbsence(SQLModel, table=True):
    """A pupil missing a lesson; without a known reason unauthorised and not handled."""

    __tablename__ = "school_absence"
    __table_args__ = (sa.UniqueConstraint("pupil_id", "lesson_id"),)

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = foreign_key("pupil.id")
    lesson_id: int = foreign_key("school_lesson.id")
    reason: str | None = Field(default=None, max_length=300)
    authorised: bool = False  # "geoorloofd"
    handled: bool = False  # "afgehandeld"
    recorded_at: datetime = timestamp()
    handled_by: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")


class CalendarFeed(SQLModel, table=True):
    """A secret, revocable iCalendar feed URL of a pupil's timetable; only the hash is stored."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = foreign_key("person.id")  # the owner: a guardian or the pupil
    pupil_id: int = foreign_key("pupil.id")
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True}, nullable=False)
    created_at: datetime = timestamp()
    revoked_at: datetime | None = timestamp(nullable=True)
