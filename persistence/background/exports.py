"""The rows of each export kind, streamed from the database with a count for progress."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa

from persistence.background.models import ExportJob
from persistence.core.models import AuditEvent, OrgUnit, Person, RoleAssignment
from persistence.db import Database


async def stream(db: Database, count_stmt: Any, stmt: Any) -> tuple[int, AsyncIterator[list[Any]]]:
    async with db.connect() as conn:
        total = int((await conn.execute(count_stmt)).scalar_one())

    async def rows() -> AsyncIterator[list[Any]]:
        # A server-side cursor on PostgreSQL keeps memory flat for any number of rows.
        async with db.connect() as conn:
            result = await conn.stream(stmt.execution_options(yield_per=500))
            async for row in result:
                yield list(row)

    return total, rows()


async def people_rows(db: Database, job: ExportJob) -> tuple[int, AsyncIterator[list[Any]]]:
    async with db.connect() as conn:
        path = (
            await conn.execute(sa.select(OrgUnit.path).where(OrgUnit.id == job.org_unit_id))
        ).scalar_one()
    where = OrgUnit.path.like(f"{path}%")
    base = (
        sa.select(
            Person.family_name,
            Person.name_prefix,
            Person.given_name,
            Person.email,
            RoleAssignment.role,
            OrgUnit.name,
        )
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .join(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(where)
    )
    count = sa.select(sa.func.count()).select_from(base.subquery())
    stmt = base.order_by(Person.family_name, Person.given_name, Person.id, RoleAssignment.id)
    total, rows = await stream(db, count, stmt)

    async def mapped() -> AsyncIterator[list[Any]]:
        async for family, prefix, given, email, role, unit in rows:
            yield [
                family,
                prefix,
                given,
                email,
                role.value if hasattr(role, "value") else role,
                unit,
            ]

    return total, mapped()


async def audit_rows(db: Database, job: ExportJob) -> tuple[int, AsyncIterator[list[Any]]]:
    base = sa.select(
        AuditEvent.at,
        AuditEvent.kind,
        AuditEvent.actor_person_id,
        AuditEvent.subject_person_id,
        AuditEvent.client_address,
        AuditEvent.detail,
    )
    count = sa.select(sa.func.count()).select_from(AuditEvent)
    total, rows = await stream(db, count, base.order_by(AuditEvent.id))

    async def mapped() -> AsyncIterator[list[Any]]:
        async for at, *rest in rows:
            yield [at.isoformat() if hasattr(at, "isoformat") else str(at), *rest]

    return total, mapped()


async def accreditation_rows(db: Database, job: ExportJob) -> tuple[int, AsyncIterator[list[Any]]]:
    from persistence.academy.models import (
        AccreditationReportLine,
        Course,
        CourseAccreditation,
        Enrolment,
        RegistrationNumber,
    )

    report_id = json.loads(job.params)["report_id"]
    base = (
        sa.select(
            RegistrationNumber.number,
            Person.family_name,
            Person.name_prefix,
            Person.given_name,
            Person.email,
            Course.title,
            CourseAccreditation.points,
            Enrolment.completed_at,
        )
        .select_from(AccreditationReportLine)
        .join(Enrolment, Enrolment.id == AccreditationReportLine.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(
            CourseAccreditation,
            sa.and_(
                CourseAccreditation.course_id == Course.id,
                CourseAccreditation.register_code == AccreditationReportLine.register_code,
            ),
        )
        .join(
            RegistrationNumber,
            sa.and_(
                RegistrationNumber.person_id == Person.id,
                RegistrationNumber.register_code == AccreditationReportLine.register_code,
            ),
        )
        .where(AccreditationReportLine.report_id == report_id)
    )
    count = sa.select(sa.func.count()).select_from(base.subquery())
    total, rows = await stream(db, count, base.order_by(Enrolment.completed_at, Enrolment.id))

    async def mapped() -> AsyncIterator[list[Any]]:
        async for *rest, completed in rows:
            yield [
                *rest,
                completed.date().isoformat() if hasattr(completed, "date") else str(completed)[:10],
            ]

    return total, mapped()
