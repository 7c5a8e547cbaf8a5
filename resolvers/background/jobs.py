"""Handlers for scheduled jobs, by kind. Each is idempotent: a retried job does no harm."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from persistence.background import jobs as jobs_q
from persistence.db import Database
from resolvers.academy import progress_export as _academy_exports  # noqa: F401  (its kinds)
from resolvers.background.exports import run_export
from resolvers.settings import ServiceSettings

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CLEANUP_AT = time(3, 0)


@dataclass(frozen=True)
class JobContext:
    database: Database
    settings: ServiceSettings
    now: datetime


Handler = Callable[[JobContext, dict[str, object]], Awaitable[str]]


def next_local(now: datetime, at: time) -> datetime:
    """The next moment it is `at` o'clock in Amsterdam, as UTC (DST-proof via zoneinfo)."""
    local = now.astimezone(AMSTERDAM)
    candidate = datetime.combine(local.date(), at, tzinfo=AMSTERDAM)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=AMSTERDAM)
    return candidate.astimezone(now.tzinfo)


async def schedule_cleanup(database: Database, now: datetime) -> None:
    due = next_local(now, CLEANUP_AT)
    async with database.transaction() as session:
        await jobs_q.schedule(session, "cleanup", f"cleanup:{due.date().isoformat()}", due)


async def cleanup(ctx: JobContext, payload: dict[str, object]) -> str:
    """Expired sessions and used links go; the next run is scheduled for tomorrow night."""
    async with ctx.database.transaction() as session:
        removed = await jobs_q.delete_expired(session, ctx.now)
    await schedule_cleanup(ctx.database, ctx.now + timedelta(hours=1))
    return json.dumps({"removed": removed})


async def schedule_meldcode_purge(database: Database, now: datetime) -> None:
    due = next_local(now, CLEANUP_AT)
    async with database.transaction() as session:
        await jobs_q.schedule(
            session, "meldcode_purge", f"meldcode_purge:{due.date().isoformat()}", due
        )


async def meldcode_purge(ctx: JobContext, payload: dict[str, object]) -> str:
    """Closed meldcode cases past their board's retention lose their content; nightly."""
    from resolvers.meldcode.maintenance import purge_expired

    purged = await purge_expired(ctx.database, ctx.now.astimezone(AMSTERDAM).date(), ctx.now)
    await schedule_meldcode_purge(ctx.database, ctx.now + timedelta(hours=1))
    return json.dumps({"purged": purged})


async def export(ctx: JobContext, payload: dict[str, object]) -> str:
    return await run_export(ctx.database, int(payload["export_id"]))  # type: ignore[call-overload]


async def refresher(ctx: JobContext, payload: dict[str, object]) -> str:
    from resolvers.academy.learning import send_refresher

    return await send_refresher(
        ctx.database, ctx.settings, int(str(payload["enrolment_id"])), str(payload["moment"])
    )


async def schedule_accreditation(database: Database, now: datetime) -> None:
    """One report per register every six weeks; the key makes each cycle run once."""
    from domain.academy.accreditation import REGISTERS, REPORT_INTERVAL

    epoch = datetime(2026, 1, 5, 6, 0, tzinfo=AMSTERDAM).astimezone(now.tzinfo)
    cycle = int((now - epoch) / REPORT_INTERVAL) + 1
    due = epoch + cycle * REPORT_INTERVAL
    async with database.transaction() as session:
        for register in REGISTERS.values():
            if register.reported_by_academy:
                await jobs_q.schedule(
                    session,
                    "accreditation",
                    f"accreditation:{register.code}:{due.date().isoformat()}",
                    due,
                    {"register": register.code},
                )


async def accreditation(ctx: JobContext, payload: dict[str, object]) -> str:
    """The six-weekly report: every completion not reported before, recorded so none is sent twice."""
    from resolvers.academy.learning import create_accreditation_report

    async with ctx.database.transaction() as session:
        report = await create_accreditation_report(session, str(payload["register"]), None)
    await schedule_accreditation(ctx.database, ctx.now + timedelta(hours=1))
    return json.dumps({"report": report.id, "rows": report.row_count})


async def password_reset(ctx: JobContext, payload: dict[str, object]) -> str:
    from resolvers.core.accounts import send_password_reset

    return await send_password_reset(
        ctx.database, ctx.settings, str(payload["email"]), str(payload["client_address"])
    )


HANDLERS: dict[str, Handler] = {
    "password_reset": password_reset,
    "cleanup": cleanup,
    "export": export,
    "refresher": refresher,
    "accreditation": accreditation,
    "meldcode_purge": meldcode_purge,
}


async def ensure_recurring(database: Database, now: datetime) -> None:
    """Recurring jobs exist from the first worker start on; a missed one runs when it returns."""
    await schedule_cleanup(database, now)
    await schedule_accreditation(database, now)
    await schedule_meldcode_purge(database, now)
