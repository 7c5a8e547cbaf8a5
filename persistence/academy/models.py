"""The academy: courses, memberships and seats, learners, enrolments, exams, certificates."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.academy.enrolments import CourseStatus
from domain.academy.refreshers import RefresherMoment
from persistence.types import enum_column, foreign_key, timestamp


def pk(row: SQLModel) -> int:
    """The id of a stored row; sqlmodel types it optional because it is unset before insert."""
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{type(row).__name__} is not stored yet"
    return value


class Course(SQLModel, table=True):
    """A course in the platform's catalogue."""

    __tablename__ = "course"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    estimated_minutes: int = 60
    created_at: datetime = timestamp()


class Lesson(SQLModel, table=True):
    __tablename__ = "lesson"
    __table_args__ = (sa.UniqueConstraint("course_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = foreign_key("course.id")
    position: int
    module_title: str = Field(default="", max_length=200)
    title: str = Field(max_length=200)
    duration_minutes: int = 10


class ExamQuestion(SQLModel, table=True):
    """A question of a course's exam with its options and the correct one."""

    __tablename__ = "exam_question"
    __table_args__ = (sa.UniqueConstraint("course_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = foreign_key("course.id")
    position: int
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    options_json: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # ["…", "…"]
    correct_option: int  # index into the options


class CourseAccreditation(SQLModel, table=True):
    """Points a course earns with a professional register."""

    __tablename__ = "course_accreditation"
    __table_args__ = (sa.UniqueConstraint("course_id", "register_code"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = foreign_key("course.id")
    register_code: str = Field(max_length=40)
    points: int = 1


class RefresherModule(SQLModel, table=True):
    __tablename__ = "refresher_module"
    __table_args__ = (sa.UniqueConstraint("course_id", "moment"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = foreign_key("course.id")
    moment: RefresherMoment = Field(sa_column=enum_column(RefresherMoment, nullable=False))
    title: str = Field(max_length=200)
    duration_minutes: int = 10


class Membership(SQLModel, table=True):
    """An academy organisation's membership: its total seats."""

    __tablename__ = "membership"

    academy_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True
        )
    )
    total_seats: int = 0


class MembershipCourse(SQLModel, table=True):
    """Which catalogue courses an academy organisation has."""

    __tablename__ = "membership_course"
    __table_args__ = (sa.UniqueConstraint("academy_id", "course_id"),)

    id: int | None = Field(default=None, primary_key=True)
    academy_id: int = foreign_key("org_unit.id")
    course_id: int = foreign_key("course.id")


class ClusterSeats(SQLModel, table=True):
    """A cluster's seat limit, set by the organisation admin. The row is also the lock that
    serialises concurrent additions to one cluster."""

    __tablename__ = "cluster_seats"

    cluster_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True
        )
    )
    seat_limit: int = 0


class Learner(SQLModel, table=True):
    """A person as a user of one cluster ("gebruiker"): hidden state, magazine, when added."""

    __tablename__ = "learner"
    __table_args__ = (sa.UniqueConstraint("person_id", "cluster_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = foreign_key("person.id")
    cluster_id: int = foreign_key("org_unit.id")
    added_at: datetime = timestamp()
    hidden_at: datetime | None = timestamp(nullable=True)
    magazine: bool = True


class Enrolment(SQLModel, table=True):
    """A course given to a learner; answers are never stored, only progress and scores."""

    __tablename__ = "enrolment"
    # Once per course within an organisation's clusters (a person may learn at two academies).
    __table_args__ = (sa.UniqueConstraint("person_id", "course_id", "cluster_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = foreign_key("person.id")
    course_id: int = foreign_key("course.id")
    cluster_id: int = foreign_key("org_unit.id")
    status: CourseStatus = Field(
        default=CourseStatus.NOT_STARTED, sa_column=enum_column(CourseStatus, nullable=False)
    )
    progress_percent: int = 0
    assigned_at: datetime = timestamp()
    started_at: datetime | None = timestamp(nullable=True)
    completed_at: datetime | None = timestamp(nullable=True)


class LessonCompletion(SQLModel, table=True):
    __tablename__ = "lesson_completion"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "lesson_id"),)

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = foreign_key("enrolment.id")
    lesson_id: int = foreign_key("lesson.id")
    completed_at: datetime = timestamp()


class ExamAttempt(SQLModel, table=True):
    __tablename__ = "exam_attempt"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = foreign_key("enrolment.id")
    number: int
    started_at: datetime = timestamp()
    finished_at: datetime | None = timestamp(nullable=True)
    score_percent: int | None = None
    passed: bool | None = None
    review_shown: bool = False


class Certificate(SQLModel, table=True):
    """Certificate of participation: the highest exam score, never pass/fail."""

    __tablename__ = "certificate"

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("enrolment.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    verification_code: str = Field(max_length=20, sa_column_kwargs={"unique": True}, nullable=False)
    issued_at: datetime = timestamp()
    highest_score_percent: int | None = None


class RegistrationNumber(SQLModel, table=True):
    """A learner's number with a professional register (accreditation)."""

    __tablename__ = "registration_number"
    __table_args__ = (sa.UniqueConstraint("person_id", "register_code"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = foreign_key("person.id")
    register_code: str = Field(max_length=40)
    number: str = Field(max_length=40)
    entered_at: datetime = timestamp()


class AccreditationReport(SQLModel, table=True):
    """One six-weekly report to a register; its lines make sure nothing is reported twice."""

    __tablename__ = "accreditation_report"

    id: int | None = Field(default=None, primary_key=True)
    register_code: str = Field(max_length=40, index=True)
    created_at: datetime = timestamp()
    created_by: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")
    row_count: int = 0
    export_job_id: int | None = foreign_key("export_job.id", nullable=True, ondelete="SET NULL")


class AccreditationReportLine(SQLModel, table=True):
    __tablename__ = "accreditation_report_line"
    __table_args__ = (sa.UniqueConstraint("register_code", "enrolment_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = foreign_key("accreditation_report.id")
    register_code: str = Field(max_length=40)
    enrolment_id: int = foreign_key("enrolment.id")


class Label(SQLModel, table=True):
    """A label ("kenmerk") an admin puts on users of their unit."""

    __tablename__ = "label"

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = foreign_key("org_unit.id")
    name: str = Field(max_length=50)
    colour: str = Field(default="GREY", max_length=20)
    created_at: datetime = timestamp()


class LabelAssignment(SQLModel, table=True):
    __tablename__ = "label_assignment"
    __table_args__ = (sa.UniqueConstraint("label_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    label_id: int = foreign_key("label.id")
    person_id: int = foreign_key("person.id")


class RefresherDelivery(SQLModel, table=True):
    """A refresher module sent to a learner: what their personal link opens. Admins never
    read these (academy seed: refreshers are not monitored)."""

    __tablename__ = "refresher_delivery"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "refresher_module_id"),)

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = foreign_key("enrolment.id")
    refresher_module_id: int = foreign_key("refresher_module.id")
    person_id: int = foreign_key("person.id")
    sent_at: datetime = timestamp()
