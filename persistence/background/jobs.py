"""Scheduled jobs and export jobs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.background.exports import ExportStatus
from persistence.background.claims import claim
from persistence.background.models import ExportFile, ExportJob, Job, JobStatus
from persistence.batching import rows_by_ids
from persistence.types import utcnow


async def schedule(
    session: AsyncSession,
    kind: str,
    key: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Insert a job unless one with this key exists; True when it was new."""
    values = {
        "kind": kind,
        "key": key,
        "due_at": due_at,
        "payload": json.dumps(payload or {}, sort_keys=True),
        "status": JobStatus.PENDING,
        "attempts": 0,
        "created_at": utcnow(),
    }
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(Job)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Job.id)
    )
    return (await session.execute(stmt)).first() is not None


async def claim_jobs(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int = 10
) -> list[Job]:
    return await claim(
        session,
        Job,
        ready=Job.status == JobStatus.PENDING,
        due_column=Job.due_at,
        running_status=JobStatus.RUNNING,
        now=now,
        lease_until=lease_until,
        limit=limit,
    )


async def finish_job(session: AsyncSession, job_id: int, now: datetime, result: str = "") -> None:
    await session.execute(
        sa.update(Job)
        .where(Job.id == job_id)
        .values(status=JobStatus.DONE, finished_at=now, locked_until=None, result=result[:1000])
    )


async def fail_job(
    session: AsyncSession, job_id: int, error: str, retry_at: datetime | None
) -> None:
    values: dict[str, object] = {"last_error": error[:1000], "locked_until": None}
    if retry_at is None:
        values["status"] = JobStatus.DEAD
    else:
        values.update(status=JobStatus.PENDING, due_at=retry_at)
    await session.execute(sa.update(Job).where(Job.id == job_id).values(**values))


async def delete_expired(session: AsyncSession, now: datetime) -> int:
    """Remove expired sessions, used or expired links and old throttle rows."""
    from persistence.core.models import AccessToken, OneTimeToken, ThrottleEvent

    removed = 0
    for stmt in (
        sa.delete(AccessToken).where(
            sa.or_(AccessToken.expires_at < now, AccessToken.revoked_at.is_not(None)),
        ),
        sa.delete(OneTimeToken).where(
            sa.or_(OneTimeToken.expires_at < now, OneTimeToken.used_at.is_not(None))
        ),
        sa.delete(ThrottleEvent).where(ThrottleEvent.at < now - timedelta(days=1)),
    ):
        removed += (await session.execute(stmt)).rowcount or 0
    return removed


async def exports_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[ExportJob | None]:
    return await rows_by_ids(session, ExportJob, ids)


async def export_by_id(session: AsyncSession, export_id: int) -> ExportJob | None:
    return await session.get(ExportJob, export_id)


async def set_export_progress(
    session: AsyncSession, export_id: int, progress: int, rows: int, status: ExportStatus
) -> None:
    await session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == export_id)
        .values(progress=progress, row_count=rows, status=status)
    )


async def finish_export(
    session: AsyncSession,
    export_id: int,
    *,
    content: bytes,
    filename: str,
    content_type: str,
    rows: int,
    now: datetime,
) -> None:
    await session.execute(sa.delete(ExportFile).where(ExportFile.export_job_id == export_id))
    session.add(ExportFile(export_job_id=export_id, content=content))
    await session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == export_id)
        .values(
            status=ExportStatus.DONE,
            progress=100,
            row_count=rows,
            filename=filename,
            content_type=content_type,
            size_bytes=len(content),
            finished_at=now,
            error=None,
        )
    )
    await session.flush()


async def fail_export(session: AsyncSession, export_id: int, error: str, now: datetime) -> None:
    await session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == export_id)
        .values(status=ExportStatus.FAILED, error=error[:1000], finished_at=now)
    )


async def export_content(session: AsyncSession, export_id: int) -> bytes | None:
    stmt = sa.select(ExportFile.content).where(ExportFile.export_job_id == export_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def exports_of(session: AsyncSession, person_id: int, limit: int = 50) -> list[ExportJob]:
    stmt = (
        sa.select(ExportJob)
        .where(ExportJob.requested_by == person_id)
        .order_by(ExportJob.id.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())
