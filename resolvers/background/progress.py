"""Progress of long work, for polling and for subscriptions: an export job, a bulk mailing.

A subscription lives as long as its websocket, so it never reads through the request's session
(one long transaction would keep seeing the same snapshot): each look is a fresh, short read.
The worker may run in another process, so the database is the one place progress is known;
watching it every `POLL_SECONDS` works on SQLite and PostgreSQL alike and costs one small
indexed query per subscriber per interval.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from domain.background.exports import ExportStatus
from domain.core.errors import DomainError, ErrorCode
from persistence.background import jobs as jobs_q
from persistence.background import outbox as outbox_q
from persistence.background.models import ExportJob, MailStatus
from persistence.db import Database, RequestSession
from resolvers.context import Context

T = TypeVar("T")

POLL_SECONDS = 0.25
# A subscription ends by itself after this long without reaching the end (a stuck job).
MAX_WATCH_SECONDS = 3600.0


async def fresh_read(database: Database, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    session = RequestSession(database)
    try:
        return await session.read(fn, *args)
    finally:
        await session.close()


# --- bulk mailings -----------------------------------------------------------------------------


def mail_batch_id(sender_id: int, key: str) -> str:
    """The opaque id of one `sendMessage` sending: its sender and idempotency key."""
    return base64.urlsafe_b64encode(f"MailBatch:{sender_id}:{key}".encode()).decode().rstrip("=")


def _batch_prefix(ctx: Context, batch_id: str, field: str) -> str:
    """The outbox key prefix of a sending of the viewer's own; anyone else's is not found."""
    try:
        raw = base64.urlsafe_b64decode(batch_id + "=" * (-len(batch_id) % 4)).decode()
        kind, sender, key = raw.split(":", 2)
        sender_id = int(sender)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise DomainError(
            ErrorCode.NOT_FOUND, "No such object, or you may not see it.", field
        ) from None
    if kind != "MailBatch" or sender_id != ctx.viewer.person_id:
        # Someone else's sending is reported exactly like one that does not exist.
        raise DomainError(ErrorCode.NOT_FOUND, "No such object, or you may not see it.", field)
    return f"message:{sender_id}:{key}:"


@dataclass(frozen=True)
class MailBatchState:
    total: int
    pending: int
    sent: int
    dead: int

    @property
    def done(self) -> bool:
        """Every mail has an outcome: sent, or given up on (an admin may requeue those)."""
        return self.pending == 0


async def mail_batch(ctx: Context, batch_id: str, field: str = "batchId") -> MailBatchState:
    prefix = _batch_prefix(ctx, batch_id, field)
    counts = await fresh_read(ctx.database, outbox_q.mail_batch_counts, prefix)
    sent = counts.get(MailStatus.SENT, 0)
    dead = counts.get(MailStatus.DEAD, 0)
    pending = counts.get(MailStatus.PENDING, 0) + counts.get(MailStatus.SENDING, 0)
    return MailBatchState(total=sent + dead + pending, pending=pending, sent=sent, dead=dead)


async def watch_mail_batch(ctx: Context, batch_id: str) -> AsyncIterator[MailBatchState]:
    """The sending's counts now and at every change, until no mail is waiting any more."""
    last = None
    async for _ in _ticks():
        state = await mail_batch(ctx, batch_id)
        if state != last:
            yield state
            last = state
        if state.done:
            return


# --- exports -----------------------------------------------------------------------------------


async def export_job(ctx: Context, export_id: int) -> ExportJob | None:
    return (await fresh_read(ctx.database, jobs_q.exports_by_ids, [export_id]))[0]


async def watch_export(ctx: Context, export_id: int) -> AsyncIterator[ExportJob | None]:
    """The job now and at every change of status or progress, until done or failed (None
    when it does not exist). The caller checks who may see it, once per object."""
    last = None
    async for _ in _ticks():
        job = await export_job(ctx, export_id)
        if job is None:
            yield None
            return
        state = (job.status, job.progress, job.row_count)
        if state != last:
            yield job
            last = state
        if job.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return


async def _ticks() -> AsyncIterator[int]:
    loop = asyncio.get_running_loop()
    end = loop.time() + MAX_WATCH_SECONDS
    n = 0
    while loop.time() < end:
        yield n
        n += 1
        await asyncio.sleep(POLL_SECONDS)
