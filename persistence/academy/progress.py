# mypy: disable-error-code="arg-type,call-overload,union-attr,attr-defined,operator,index,list-item"
# (sqlmodel columns look like plain values to mypy, as in the queries modules.)
"""The progress report (voortgangsrapportage): one row per user and course, selected by the
same filter as the admin's user list, and the counts its chart shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.ext.asyncio import AsyncSession

from domain.academy.enrolments import CourseStatus
from domain.academy.learner_filter import LearnerFilter
from persistence.academy.models import (
    Certificate,
    Course,
    CourseAccreditation,
    Enrolment,
    ExamAttempt,
    Label,
    LabelAssignment,
    Learner,
    RegistrationNumber,
)
from persistence.academy.queries import _learner_where
from persistence.background.exports import stream
from persistence.core.models import OrgUnit, Person
from persistence.db import Database


@dataclass(frozen=True)
class ProgressRow:
    """One user and one of their courses in that user's cluster (course fields None: no course)."""

    name: str
    email: str
    cluster: str
    labels: str
    course: str | None
    status: CourseStatus | None
    progress_percent: int | None
    assigned_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    best_score_percent: int | None
    certificate_issued_at: datetime | None
    registration_numbers: str


def _selected_people(f: LearnerFilter) -> Any:
    return (
        sa.select(Learner.person_id)
        .join(Person, Person.id == Learner.person_id)
        .join(OrgUnit, OrgUnit.id == Learner.cluster_id)
        .where(*_learner_where(f))
    )


def _enrolment_join(f: LearnerFilter) -> Any:
    # The user's courses in this cluster; the course filters narrow the rows as well as the users.
    cond = [Enrolment.person_id == Learner.person_id, Enrolment.cluster_id == Learner.cluster_id]
    if f.course_ids:
        cond.append(Enrolment.course_id.in_(f.course_ids))
    if f.course_status:
        cond.append(Enrolment.status == f.course_status)
    return sa.and_(*cond)


def _best() -> Any:
    return (
        sa.select(ExamAttempt.enrolment_id, sa.func.max(ExamAttempt.score_percent).label("best"))
        .where(ExamAttempt.score_percent.is_not(None))
        .group_by(ExamAttempt.enrolment_id)
        .subquery()
    )


async def _labels(session: AsyncSession, f: LearnerFilter) -> dict[int, list[str]]:
    """Per person, the names of their labels owned within the viewer's reach."""
    owner = sa.orm.aliased(OrgUnit)
    stmt = (
        sa.select(LabelAssignment.person_id, Label.name)
        .join(Label, Label.id == LabelAssignment.label_id)
        .join(owner, owner.id == Label.owner_unit_id)
        .where(
            sa.or_(*(owner.path.like(f"{p}%") for p in f.scope_paths))
            if f.scope_paths
            else sa.false(),
            LabelAssignment.person_id.in_(_selected_people(f)),
        )
        .order_by(Label.name)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for person_id, name in (await session.execute(stmt)).all():
        if name not in found[person_id]:
            found[person_id].append(name)
    return found


async def _registrations(session: AsyncSession, f: LearnerFilter) -> dict[int, dict[str, str]]:
    stmt = sa.select(
        RegistrationNumber.person_id, RegistrationNumber.register_code, RegistrationNumber.number
    ).where(RegistrationNumber.person_id.in_(_selected_people(f)))
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for person_id, code, number in (await session.execute(stmt)).all():
        found[person_id][code] = number
    return found


async def _accredited(session: AsyncSession) -> dict[int, list[str]]:
    stmt = sa.select(CourseAccreditation.course_id, CourseAccreditation.register_code).order_by(
        CourseAccreditation.register_code
    )
    found: dict[int, list[str]] = defaultdict(list)
    for course_id, code in (await session.execute(stmt)).all():
        found[course_id].append(code)
    return found


def _display(given: str, prefix: str, family: str, email: str) -> str:
    return " ".join(p for p in (given, prefix, family) if p) or email


async def progress_rows(db: Database, f: LearnerFilter) -> tuple[int, AsyncIterator[ProgressRow]]:
    """Every selected user with each of their courses, ordered by cluster and name; four
    statements whatever the number of rows (labels, numbers, accreditations, the rows)."""
    async with db.transaction() as session:
        labels = await _labels(session, f)
        numbers = await _registrations(session, f)
        accredited = await _accredited(session)
    best = _best()
    base = (
        sa.select(
            Person.given_name,
            Person.name_prefix,
            Person.family_name,
            Person.email,
            OrgUnit.name,
            Learner.person_id,
            Course.id,
            Course.title,
            Enrolment.status,
            Enrolment.progress_percent,
            Enrolment.assigned_at,
            Enrolment.started_at,
            Enrolment.completed_at,
            best.c.best,
            Certificate.issued_at,
        )
        .select_from(Learner)
        .join(Person, Person.id == Learner.person_id)
        .join(OrgUnit, OrgUnit.id == Learner.cluster_id)
        .outerjoin(Enrolment, _enrolment_join(f))
        .outerjoin(Course, Course.id == Enrolment.course_id)
        .outerjoin(best, best.c.enrolment_id == Enrolment.id)
        .outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
        .where(*_learner_where(f))
    )
    count = sa.select(sa.func.count()).select_from(base.subquery())
    stmt = base.order_by(
        OrgUnit.name, Person.family_name, Person.given_name, Learner.id, Course.title, Course.id
    )
    total, rows = await stream(db, count, stmt)

    async def mapped() -> AsyncIterator[ProgressRow]:
        async for row in rows:
            given, prefix, family, email, cluster, person_id, course_id, title, *rest = row
            status, progress, assigned, started, completed, best_score, issued = rest
            mine = numbers.get(person_id, {})
            registered = [
                f"{code} {mine[code]}"
                for code in accredited.get(course_id or 0, [])
                if code in mine
            ]
            yield ProgressRow(
                name=_display(given, prefix, family, email),
                email=email,
                cluster=cluster,
                labels=", ".join(labels.get(person_id, [])),
                course=title,
                status=CourseStatus(status) if status is not None else None,
                progress_percent=progress,
                assigned_at=assigned,
                started_at=started,
                completed_at=completed,
                best_score_percent=best_score,
                certificate_issued_at=issued,
                registration_numbers=", ".join(registered),
            )

    return total, mapped()


async def status_counts(
    session: AsyncSession, f: LearnerFilter
) -> list[tuple[str, str, CourseStatus, int]]:
    """(cluster, course, status, users) of the selected rows: what the report's chart shows."""
    stmt = (
        sa.select(OrgUnit.name, Course.title, Enrolment.status, sa.func.count())
        .select_from(Learner)
        .join(Person, Person.id == Learner.person_id)
        .join(OrgUnit, OrgUnit.id == Learner.cluster_id)
        .join(Enrolment, _enrolment_join(f))
        .join(Course, Course.id == Enrolment.course_id)
        .where(*_learner_where(f))
        .group_by(OrgUnit.name, Course.title, Enrolment.status)
        .order_by(OrgUnit.name, Course.title)
    )
    return [
        (cluster, course, CourseStatus(status), int(n))
        for cluster, course, status, n in (await session.execute(stmt)).all()
    ]


async def unit_names(session: AsyncSession, paths: tuple[str, ...]) -> list[str]:
    """Names of the units at these paths (the organisation the report is about)."""
    if not paths:
        return []
    stmt = sa.select(OrgUnit.name).where(OrgUnit.path.in_(paths)).order_by(OrgUnit.path)
    return list((await session.execute(stmt)).scalars())
