"""All tables; importing this module registers them on SQLModel.metadata."""

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
    "AuditEvent",
    "ExportFile",
    "ExportJob",
    "Job",
    "OneTimeToken",
    "OrgUnit",
    "OutboxMail",
    "Person",
    "RoleAssignment",
    "ThrottleEvent",
]
