"""Figures read at metrics scrape time: outbox depth and age, job lag, export durations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.background.exports import ExportStatus
from persistence.background.models import ExportJob, Job, JobStatus, MailStatus, OutboxMail


@dataclass(frozen=True)
class BackgroundGauges:
    outbox_depth: int
    outbox_oldest_age_seconds: float
    outbox_dead: int
    job_lag_seconds: float
    recent_export_seconds: list[float]


def _age(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then else 0.0


async def background_gauges(session: AsyncSession, now: datetime) -> BackgroundGauges:
    """How far behind the worker is; exports finished in the last hour with their durations."""
    depth, oldest = (
        await session.execute(
            select(func.count(), func.min(OutboxMail.created_at)).where(
                OutboxMail.status == MailStatus.PENDING
            )
        )
    ).one()
    dead = (
        await session.execute(
            select(func.count()).select_from(OutboxMail).where(OutboxMail.status == MailStatus.DEAD)
        )
    ).scalar_one()
    oldest_due = (
        await session.execute(
            select(func.min(Job.due_at)).where(Job.status == JobStatus.PENDING, Job.due_at <= now)
        )
    ).scalar_one()
    exports = (
        await session.execute(
            select(ExportJob.created_at, ExportJob.finished_at).where(
                ExportJob.status == ExportStatus.DONE,
                ExportJob.finished_at >= now - timedelta(hours=1),
            )
        )
    ).all()
    return BackgroundGauges(
        outbox_depth=int(depth),
        outbox_oldest_age_seconds=_age(now, oldest),
        outbox_dead=int(dead),
        job_lag_seconds=_age(now, oldest_due),
        recent_export_seconds=[_age(f, c) for c, f in exports if f],
    )
