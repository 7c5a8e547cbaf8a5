"""The write scenarios: (7) `addUsers` with 10 and 1,000 pasted addresses, and (8) the magazine
to every subscriber of the academy, delivered by two `portaal worker` processes to an SMTP server
on loopback, every mail exactly once.

Both write through GraphQL to the bench server and leave the data set as generated: the added
persons (all at WRITE_DOMAIN), their mails, the magazine's mails and the raised seat limits go
again afterwards (and before, should an earlier run have died halfway).
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from aiosmtpd.controller import Controller

from bench import common
from bench.scenarios import Harness

ROOT = Path(__file__).resolve().parent.parent
WRITE_DOMAIN = "bench-write.example"
ADD_SIZES = (10, 1_000)

ADD_USERS = """mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) {
  seatsLeft results { outcome } errors { code message } } }"""
SEND_MAGAZINE = """mutation($a: ID!, $k: String!, $b: String!) {
  sendMagazine(academyId: $a, subject: "Bench-magazine", body: $b, idempotencyKey: $k) {
    queuedCount alreadyQueuedCount errors { code message } } }"""
MAGAZINE_BODY = "Nieuws uit de academie.\n\nTot de volgende keer."


def cleanup(url: str) -> None:
    """What the write scenarios added goes: the persons (learners, roles and links cascade),
    every mail they or the magazine caused, their audit rows and the workers' jobs."""
    with psycopg.connect(common.psycopg_url(url)) as conn:
        conn.execute(
            "DELETE FROM outbox_mail WHERE to_address LIKE %s OR idempotency_key LIKE 'magazine:%%'",
            (f"%@{WRITE_DOMAIN}",),
        )
        conn.execute("DELETE FROM person WHERE email LIKE %s", (f"%@{WRITE_DOMAIN}",))
        conn.execute("DELETE FROM audit_event WHERE kind IN ('USERS_ADDED', 'MAGAZINE_SENT')")
        # The generator makes no jobs; these are the recurring ones a bench worker scheduled.
        conn.execute("DELETE FROM job")


# --- (7) addUsers ------------------------------------------------------------------------------


@dataclass
class AddUsersResult:
    size: int
    seconds: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


class RoomInCluster:
    """Seats for `extra` more learners in a cluster (and its academy's membership), given back
    afterwards."""

    def __init__(self, url: str, cluster_id: int, extra: int) -> None:
        self.url, self.cluster_id, self.extra = common.psycopg_url(url), cluster_id, extra

    def _shift(self, delta: int) -> None:
        with psycopg.connect(self.url) as conn:
            conn.execute(
                "UPDATE cluster_seats SET seat_limit = seat_limit + %s WHERE cluster_id = %s",
                (delta, self.cluster_id),
            )
            conn.execute(
                "UPDATE membership SET total_seats = total_seats + %s WHERE academy_id = "
                "(SELECT parent_id FROM org_unit WHERE id = %s)",
                (delta, self.cluster_id),
            )

    def __enter__(self) -> RoomInCluster:
        self._shift(self.extra)
        return self

    def __exit__(self, *exc: object) -> None:
        self._shift(-self.extra)


def unit_id(url: str, name: str) -> int:
    with psycopg.connect(common.psycopg_url(url)) as conn:
        row = conn.execute("SELECT id FROM org_unit WHERE name = %s", (name,)).fetchone()
    if row is None:
        raise RuntimeError(f"no unit {name!r} in the bench data")
    return int(row[0])


async def add_users(h: Harness, url: str, runs: int) -> list[AddUsersResult]:
    """The cluster admin of cluster S pastes 10, then 1,000 fresh addresses, `runs` times each
    (alternating sizes); seconds and statements per request."""
    cluster = unit_id(url, "Cluster S")
    token = await h.login(common.ADMIN_S)
    headers = {"Authorization": f"Bearer {token}"}
    results = {n: AddUsersResult(n) for n in ADD_SIZES}
    cleanup(url)
    try:
        with RoomInCluster(url, cluster, runs * sum(ADD_SIZES)):
            for run in range(runs):
                for n in ADD_SIZES:
                    emails = [f"add{run}.{n}.{i:04}@{WRITE_DOMAIN}" for i in range(n)]
                    body = {
                        "query": ADD_USERS,
                        "variables": {"c": common.gid("OrgUnit", cluster), "e": emails},
                    }
                    before = await h.stats()
                    start = time.perf_counter()
                    r = await h.client.post("/graphql", json=body, headers=headers)
                    elapsed = time.perf_counter() - start
                    after = await h.stats()
                    answer = r.json()
                    payload = (answer.get("data") or {}).get("addUsers")
                    if not payload or payload["errors"]:
                        raise RuntimeError(f"addUsers of {n} failed: {r.text[:500]}")
                    added = [x["outcome"] for x in payload["results"]].count("ADDED")
                    if added != n:
                        raise RuntimeError(f"addUsers of {n} added {added}")
                    results[n].seconds.append(elapsed)
                    results[n].statements.append(after["portaal"] - before["portaal"])
            queued = mails_to_domain(url)
            if queued != runs * sum(ADD_SIZES):
                raise RuntimeError(f"{queued} activation mails queued, not {runs * sum(ADD_SIZES)}")
    finally:
        cleanup(url)
    return [results[n] for n in ADD_SIZES]


def mails_to_domain(url: str) -> int:
    with psycopg.connect(common.psycopg_url(url)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM outbox_mail WHERE to_address LIKE %s", (f"%@{WRITE_DOMAIN}",)
        ).fetchone()
    return int(row[0]) if row else 0


# --- (8) the magazine --------------------------------------------------------------------------

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Received:
    """An SMTP handler that only notes each message's Message-ID (and when the last came)."""

    def __init__(self) -> None:
        self.ids: Counter[bytes] = Counter()
        self.first: float | None = None
        self.last: float | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        now = time.perf_counter()
        with self.lock:
            self.ids[found.group(1) if found else b"?"] += 1
            self.first = self.first or now
            self.last = now
        return "250 OK"

    @property
    def distinct(self) -> int:
        return len(self.ids)


@dataclass
class MagazineResult:
    recipients: int
    queued: int
    queue_seconds: float
    statements: int
    workers: int
    deliver_seconds: float  # from starting the workers to the last mail received
    rate: float  # mails per second between the first and the last received
    received: int
    distinct: int
    repeats: int
    missing: int
    unexpected: int
    statuses: dict[str, int]


def subscribers(url: str) -> int:
    """What `magazine_subscribers` selects, restated: learners of the academy who never
    unsubscribed, once each."""
    with psycopg.connect(common.psycopg_url(url)) as conn:
        row = conn.execute(
            "SELECT count(DISTINCT l.person_id) FROM learner l WHERE l.person_id NOT IN "
            "(SELECT person_id FROM learner WHERE NOT magazine)"
        ).fetchone()
    return int(row[0]) if row else 0


def outbox_ids(url: str, prefix: str) -> tuple[set[int], dict[str, int]]:
    with psycopg.connect(common.psycopg_url(url)) as conn:
        rows = conn.execute(
            "SELECT id, status FROM outbox_mail WHERE idempotency_key LIKE %s", (prefix + "%",)
        ).fetchall()
    return {int(r[0]) for r in rows}, dict(Counter(str(r[1]) for r in rows))


def start_workers(
    url: str, smtp_port: int, count: int, logs: Path
) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": common.sqlalchemy_url(url),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "PYTHONPATH": str(ROOT),
    }
    procs = []
    for n in range(count):
        with (logs / f"worker{n}.log").open("wb") as out:  # the child keeps its own copy
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "portaal.cli", "worker"],
                    cwd=ROOT,
                    env={**env, "PORTAAL_WORKER_HEARTBEAT": str(logs / f"worker{n}.heartbeat")},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    return procs


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


async def magazine(
    h: Harness, url: str, workers: int = 2, stall_seconds: float = 60
) -> MagazineResult:
    """The organisation admin sends the magazine; `workers` worker processes deliver it to a
    loopback SMTP server that counts Message-IDs (`<outbox-ID@…>`, one per outbox row)."""
    academy = unit_id(url, "Bench Academie")
    token = await h.login(common.ORG_ADMIN)
    key = f"bench-{int(time.time())}"
    cleanup(url)
    expected_count = subscribers(url)
    try:
        before = await h.stats()
        start = time.perf_counter()
        r = await h.client.post(
            "/graphql",
            json={
                "query": SEND_MAGAZINE,
                "variables": {"a": common.gid("OrgUnit", academy), "k": key, "b": MAGAZINE_BODY},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        queue_seconds = time.perf_counter() - start
        after = await h.stats()
        payload = (r.json().get("data") or {}).get("sendMagazine")
        if not payload or payload["errors"]:
            raise RuntimeError(f"sendMagazine failed: {r.text[:500]}")
        expected, _ = outbox_ids(url, f"magazine:{academy}:{key}:")
        received = Received()
        port = _free_port()
        controller = Controller(received, hostname="127.0.0.1", port=port)
        controller.start()
        with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
            started = time.perf_counter()
            procs = start_workers(url, port, workers, Path(tmp))
            try:
                progress, seen = time.perf_counter(), 0
                while received.distinct < len(expected):
                    await asyncio.sleep(0.2)
                    if received.distinct != seen:
                        progress, seen = time.perf_counter(), received.distinct
                    elif time.perf_counter() - progress > stall_seconds:
                        break
                    if any(p.poll() is not None for p in procs):
                        raise RuntimeError(f"a worker exited; logs in {tmp}")
                deliver_seconds = (received.last or started) - started
            finally:
                stop_workers(procs)
                controller.stop()
        _, statuses = outbox_ids(url, f"magazine:{academy}:{key}:")
    finally:
        cleanup(url)
    wanted = {f"<outbox-{i}@".encode() for i in expected}
    got = {m.split(b"@", 1)[0] + b"@" for m in received.ids}
    span = (received.last or 0) - (received.first or 0)
    total = sum(received.ids.values())
    return MagazineResult(
        recipients=expected_count,
        queued=payload["queuedCount"],
        queue_seconds=queue_seconds,
        statements=after["portaal"] - before["portaal"],
        workers=workers,
        deliver_seconds=deliver_seconds,
        rate=(total - 1) / span if span > 0 else float(total),
        received=total,
        distinct=received.distinct,
        repeats=total - received.distinct,
        missing=len(wanted - got),
        unexpected=len(got - wanted),
        statuses=statuses,
    )


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- both, and their report ---------------------------------------------------------------------


@dataclass
class Results:
    add_users: list[AddUsersResult]
    magazine: MagazineResult


async def run_all(server: Any, url: str, runs: int, log: Any = print) -> Results:
    h = Harness(server, rounds=1, warmup=0)
    try:
        added = await add_users(h, url, runs)
        for r in added:
            log(
                f"  addUsers {r.size}: {r.median:.2f} s (median of {len(r.seconds)}), "
                f"{max(r.statements)} statements"
            )
        sent = await magazine(h, url)
        log(
            f"  magazine: {sent.queued:,} queued in {sent.queue_seconds:.1f} s "
            f"({sent.statements} statements), delivered at {sent.rate:.0f}/s, "
            f"{sent.distinct:,} distinct, {sent.repeats} repeats, {sent.missing} missing"
        )
    finally:
        await h.close()
    if sent.repeats or sent.missing or sent.unexpected or sent.queued != sent.recipients:
        raise RuntimeError(f"the magazine was not delivered exactly once: {sent}")
    return Results(added, sent)


def report(results: Results) -> list[str]:
    out = ["## 7. addUsers", ""]
    w = out.append
    w(
        "The cluster admin of cluster S pastes fresh addresses into `addUsers` over GraphQL "
        "(every one a new account: person, activation link, outbox mail, learner, role), "
        f"runs per size: {len(results.add_users[0].seconds)}, sizes alternating. Statements: "
        "Portaal's `Database.statement_count` for the request (authentication included)."
    )
    w("")
    w("| addresses | median s | min s | max s | ms per address | statements |")
    w("|---:|---:|---:|---:|---:|---:|")
    for r in results.add_users:
        w(
            f"| {r.size:,} | {r.median:.2f} | {min(r.seconds):.2f} | {max(r.seconds):.2f} | "
            f"{1e3 * r.median / r.size:.2f} | {max(r.statements)} |"
        )
    w("")
    m = results.magazine
    w("## 8. Magazine")
    w("")
    w(
        f"The organisation admin's `sendMagazine` to every subscriber of the academy "
        f"({m.recipients:,}), one transaction; then {m.workers} `portaal worker` processes "
        "deliver the outbox to an aiosmtpd server on loopback that counts Message-IDs (one "
        "per outbox row)."
    )
    w("")
    w("| | |")
    w("|---|---:|")
    w(f"| recipients | {m.recipients:,} |")
    w(f"| queued | {m.queued:,} |")
    w(f"| time to queue (the mutation, over HTTP) | {m.queue_seconds:.1f} s |")
    w(f"| statements to queue | {m.statements} |")
    w(f"| delivery, workers started to last mail received | {m.deliver_seconds:.1f} s |")
    w(f"| delivery rate ({m.workers} workers, first to last mail) | {m.rate:.0f} mails/s |")
    w(f"| Message-IDs received / distinct | {m.received:,} / {m.distinct:,} |")
    w(f"| repeats / missing / not from this sending | {m.repeats} / {m.missing} / {m.unexpected} |")
    w(f"| outbox statuses after | {', '.join(f'{k} {v:,}' for k, v in m.statuses.items())} |")
    w("")
    return out
