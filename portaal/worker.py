"""The background worker: delivers outbox mails and runs due jobs. Several may run at once."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from domain.background.retry import backoff, gives_up
from persistence.background import jobs as jobs_q
from persistence.background import outbox as outbox_q
from persistence.db import Database
from persistence.types import utcnow
from portaal.mailer import deliver
from portaal.settings import Settings
from resolvers.background.jobs import HANDLERS, JobContext, ensure_recurring

log = logging.getLogger("portaal.worker")
# Liveness: the worker touches this file every round; `portaal worker --check` reads its age.
HEARTBEAT = Path(
    os.environ.get("PORTAAL_WORKER_HEARTBEAT")
    or Path(tempfile.gettempdir()) / "portaal-worker.heartbeat"
)
HEARTBEAT_STALE_SECONDS = 60


def heartbeat_fresh(path: Path = HEARTBEAT) -> bool:
    try:
        return time.time() - path.stat().st_mtime < HEARTBEAT_STALE_SECONDS
    except OSError:
        return False


def _beat(path: Path = HEARTBEAT) -> None:
    try:
        path.touch()
    except OSError:
        log.warning("cannot write the worker heartbeat file %s", path)


class Worker:
    def __init__(self, settings: Settings, database: Database, name: str | None = None) -> None:
        self.settings = settings
        self.database = database
        self.name = name or f"{socket.gethostname()}-{id(self):x}"
        self.lease = timedelta(seconds=settings.worker_lease_seconds)
        self.retry_base = timedelta(seconds=settings.retry_base_seconds)

    async def deliver_mails(self, now: datetime | None = None, batch: int = 20) -> int:
        """Claim and send due mails; returns how many were sent. Without SMTP, mails wait."""
        if not self.settings.smtp_host:
            return 0
        now = now or utcnow()
        async with self.database.transaction() as session:
            mails = await outbox_q.claim_mails(session, now, now + self.lease, batch)
        sent = 0
        for mail in mails:
            try:
                await deliver(mail, self.settings)
            except Exception as e:
                error = f"{e.__class__.__name__}: {e}"
                retry_at = (
                    None
                    if gives_up(mail.attempts)
                    else utcnow() + backoff(mail.attempts, self.retry_base)
                )
                # By id only: an address in a log line is personal data that outlives the mail.
                log.warning(
                    "mail %s %s (attempt %s): %s",
                    mail.id,
                    "dead, giving up" if retry_at is None else "failed, will retry",
                    mail.attempts,
                    error,
                    extra={
                        "fields": {
                            "mail_id": mail.id,
                            "template": mail.template,
                            "outcome": "dead" if retry_at is None else "retry",
                            "attempt": mail.attempts,
                        }
                    },
                )
                async with self.database.transaction() as session:
                    await outbox_q.mark_failed(session, mail.id, error, retry_at)  # type: ignore[arg-type]
                continue
            async with self.database.transaction() as session:
                await outbox_q.mark_sent(session, mail.id, utcnow())  # type: ignore[arg-type]
            log.info(
                "mail %s sent",
                mail.id,
                extra={
                    "fields": {"mail_id": mail.id, "template": mail.template, "outcome": "sent"}
                },
            )
            sent += 1
        return sent

    async def run_jobs(self, now: datetime | None = None, batch: int = 10) -> int:
        now = now or utcnow()
        async with self.database.transaction() as session:
            jobs = await jobs_q.claim_jobs(session, now, now + self.lease, batch)
        for job in jobs:
            handler = HANDLERS.get(job.kind)
            try:
                if handler is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                result = await handler(
                    JobContext(self.database, self.settings, now), json.loads(job.payload)
                )
            except Exception as e:
                log.exception("job %s (%s) failed", job.id, job.kind)
                retry_at = (
                    None
                    if gives_up(job.attempts)
                    else utcnow() + backoff(job.attempts, self.retry_base)
                )
                async with self.database.transaction() as session:
                    await jobs_q.fail_job(session, job.id, f"{e.__class__.__name__}: {e}", retry_at)  # type: ignore[arg-type]
                continue
            async with self.database.transaction() as session:
                await jobs_q.finish_job(session, job.id, utcnow(), result)  # type: ignore[arg-type]
        return len(jobs)

    async def run_once(self, now: datetime | None = None) -> tuple[int, int]:
        jobs = await self.run_jobs(now)
        mails = await self.deliver_mails(now)
        return mails, jobs

    async def drain(self, now: datetime | None = None, rounds: int = 100) -> None:
        """Run until nothing is due (tests, CLI `worker --once`)."""
        for _ in range(rounds):
            mails, jobs = await self.run_once(now)
            if not mails and not jobs:
                return

    async def run_forever(self, stop: asyncio.Event, poll_seconds: float = 2.0) -> None:
        await ensure_recurring(self.database, utcnow())
        log.info("worker %s started", self.name)
        while not stop.is_set():
            _beat()
            try:
                mails, jobs = await self.run_once()
            except Exception:
                log.exception("worker round failed")
                mails = jobs = 0
            if not mails and not jobs:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
                except TimeoutError:
                    pass
        log.info("worker %s stopped", self.name)
