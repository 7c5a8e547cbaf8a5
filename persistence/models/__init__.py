"""All tables; importing this module registers them on SQLModel.metadata."""

from persistence.models import school as _school  # noqa: F401  (registers its tables)
from persistence.models.academy import (
    AccreditationReport,
    AccreditationReportLine,
    Certificate,
    ClusterSeats,
    Course,
    CourseAccreditation,
    Enrolment,
    ExamAttempt,
    ExamQuestion,
    Label,
    LabelAssignment,
    Learner,
    Lesson,
    LessonCompletion,
    Membership,
    MembershipCourse,
    RefresherModule,
    RegistrationNumber,
)
from persistence.models.identity import (
    AccessToken,
    AuditEvent,
    OneTimeToken,
    Person,
    RoleAssignment,
    ThrottleEvent,
)
from persistence.models.jobs import ExportFile, ExportJob, Job
from persistence.models.mail import OutboxMail
from persistence.models.org import OrgUnit

__all__ = [
    "AccessToken",
    "AccreditationReport",
    "AccreditationReportLine",
    "AuditEvent",
    "Certificate",
    "ClusterSeats",
    "Course",
    "CourseAccreditation",
    "Enrolment",
    "ExamAttempt",
    "ExamQuestion",
    "ExportFile",
    "ExportJob",
    "Job",
    "Label",
    "LabelAssignment",
    "Learner",
    "Lesson",
    "LessonCompletion",
    "Membership",
    "MembershipCourse",
    "OneTimeToken",
    "OrgUnit",
    "OutboxMail",
    "Person",
    "RefresherModule",
    "RegistrationNumber",
    "RoleAssignment",
    "ThrottleEvent",
]
