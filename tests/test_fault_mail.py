"""Fault test (issue 17): the SMTP server is down while a real `portaal worker` process runs,
comes back, and the worker is killed (SIGKILL, mid-batch); a second worker finishes. Every
outbox mail must reach the SMTP server afterwards: none lost, and each Message-ID (stable per
outbox row, docs/background.md) delivered once — a worker killed between the server's "250 OK"
and its own "sent" mark may send that one mail again under the same Message-ID, which the
receiving mail system recognises as a repeat; the test counts it and allows at most that one.

Short lease and backoff (PORTAAL_WORKER_LEASE_SECONDS, PORTAAL_RETRY_BASE_SECONDS) keep the test
under a minute instead of the production 5 minute lease and 30 s first retry."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from persistence.background.models import MailStatus, OutboxMail
from tests.conftest import Api
from tests.smtp import SmtpServer

MAILS = 60
LEASE_SECONDS = 3


@contextmanager
def worker_process(database_url: str, smtp_port: int, tmp: Path) -> Iterator[subprocess.Popen]:
    """`portaal worker` as a child process, the production command."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORTAAL_ENV": "test",
        "PORTAAL_SECRET_KEY": "test-secret",
        "PORTAAL_PUBLIC_URL": "http://portaal.test",
        "PORTAAL_LOG_FORMAT": "text",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "PORTAAL_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
        "PORTAAL_RETRY_BASE_SECONDS": "1",
        "PORTAAL_WORKER_HEARTBEAT": str(tmp / "heartbeat"),
    }
    portaal = Path(sys.executable).with_name("portaal")
    process = subprocess.Popen(
        [str(portaal), "worker"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def _rows(api: Api) -> list[OutboxMail]:
    async with api.database.transaction() as s:
        return list((await s.execute(sa.select(OutboxMail))).scalars())


async def _until(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.postgres_only
async def test_smtp_down_and_worker_killed_mid_batch_loses_and_repeats_nothing(
    api: Api, tmp_path: Path
) -> None:
    if not api.database.is_postgres:
        pytest.skip("a worker process beside the test: PostgreSQL")
    async with api.database.transaction() as s:
        for i in range(MAILS):
            s.add(
                OutboxMail(
                    idempotency_key=f"fault-mail-{i:03}",
                    template="message",
                    to_address=f"fault{i:03}@example.org",
                    subject=f"Storingstest {i:03}",
                    text_body=f"Bericht {i:03}",
                    html_body=f"<p>Bericht {i:03}</p>",
                )
            )
    rows = await _rows(api)
    expected = {f"<outbox-{r.id}@" for r in rows}  # Message-ID prefix per outbox row
    assert len(rows) >= MAILS

    smtp = SmtpServer()  # not started: the mail server is down
    started = time.perf_counter()
    with worker_process(api.database.url, smtp.port, tmp_path) as first:
        # Down: every mail tried and put back for a retry, none sent, none given up.
        async def all_failed_once() -> bool:
            return all(r.attempts >= 1 and r.last_error for r in await _rows(api))

        await _until(all_failed_once, 30, "every mail tried once with the server down")
        statuses = Counter(r.status for r in await _rows(api))
        assert MailStatus.SENT not in statuses and MailStatus.DEAD not in statuses, statuses
        assert smtp.inbox.messages == []

        smtp.start()  # back up; kill the worker once it is sending
        try:
            await _until(
                lambda: asyncio.sleep(0, result=len(smtp.inbox.messages) >= 5),
                30,
                "the first mails after the server came back",
            )
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            at_kill = len(smtp.inbox.messages)
            assert first.returncode == -signal.SIGKILL
            assert at_kill < len(rows), "the worker finished before it could be killed"

            with worker_process(api.database.url, smtp.port, tmp_path):
                # The killed worker's claims run out after the lease; the new one takes them.
                async def all_sent() -> bool:
                    return all(r.status == MailStatus.SENT for r in await _rows(api))

                await _until(all_sent, 40, "every mail marked sent")
        finally:
            smtp.stop()
    seconds = time.perf_counter() - started

    ids = Counter(str(m["Message-ID"]) for m in smtp.inbox.messages)
    arrived = {i for i in ids if any(i.startswith(p) for p in expected)}
    assert len(arrived) == len(expected)  # none missing
    assert set(ids) == arrived  # nothing that was not in the outbox
    repeats = sum(n - 1 for n in ids.values())
    print(
        f"\nfault: {len(rows)} mails, SMTP down then worker SIGKILLed after {at_kill} sent:"
        f" {len(arrived)} Message-IDs delivered, 0 missing, {repeats} repeated, in {seconds:.1f} s"
    )
    assert repeats <= 1  # only the one mail in flight at the kill can be sent twice
