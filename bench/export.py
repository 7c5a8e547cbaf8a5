"""The two original ratios, now through the app's public interfaces only.

1. Excel export of 50,000 audit rows: Portaal's streamed export (started with the GraphQL
   `startExport` mutation, produced by `portaal worker --once`: xlsxwriter constant_memory,
   rows streamed from the database) against building the workbook in memory with openpyxl.
   Peak RSS and wall time, each in a fresh process so the numbers do not mix.
2. Encoding a large GraphQL response: orjson (ours) against json.dumps (strawberry's default).
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import common

ROWS = 50_000
ROOT = Path(__file__).resolve().parent.parent

START_EXPORT = """
mutation { startExport(kind: AUDIT_LOG, format: XLSX) { exportJob { id } errors { message } } }
"""
JOB = """
query Job($id: ID!) { node(id: $id) { ... on ExportJob { status rowCount sizeBytes error } } }
"""


@dataclass
class Run:
    seconds: float
    peak_kib: int
    size: int


def prepare(db_path: str, rows: int, password_hash: str) -> None:
    """A migrated SQLite database with a platform admin and `rows` audit events."""
    from persistence.migrate import upgrade

    upgrade(f"sqlite:///{db_path}")
    conn = sqlite3.connect(db_path)
    at = "2026-01-01 00:00:00.000000"
    conn.execute(
        "INSERT INTO org_unit (id, kind, name, path, depth, created_at) "
        "VALUES (1, 'PLATFORM', 'Portaal', '/1/', 0, ?)",
        (at,),
    )
    conn.execute(
        "INSERT INTO person (id, email, given_name, name_prefix, family_name, language, "
        "password_hash, profile_completed, created_at) "
        "VALUES (1, ?, 'Bench', '', 'Mark', 'NL', ?, 1, ?)",
        (common.PLATFORM_ADMIN, password_hash, at),
    )
    conn.execute(
        "INSERT INTO role_assignment (person_id, role, org_unit_id, created_at) "
        "VALUES (1, 'PLATFORM_ADMIN', 1, ?)",
        (at,),
    )
    conn.executemany(
        "INSERT INTO audit_event (at, kind, actor_person_id, client_address, detail) "
        "VALUES (?, ?, 1, ?, ?)",
        [
            (
                f"2026-11-{1 + i % 28:02d} 10:{i % 60:02d}:00.000000",
                "LOGIN",
                f"192.0.2.{i % 250}",
                f"row {i} " + "x" * 40,
            )
            for i in range(rows)
        ],
    )
    conn.commit()
    conn.close()


async def _graphql(db_path: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """One logged-in request to the app in this process (no server, no worker)."""
    from portaal.app import create_app
    from portaal.settings import Settings

    settings = Settings.from_env(
        database_url=f"sqlite+aiosqlite:///{db_path}", run_worker_in_process=False
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            login = await client.post(
                "/graphql",
                json={
                    "query": "mutation($e: String!, $p: String!) "
                    "{ login(email: $e, password: $p) { token } }",
                    "variables": {"e": common.PLATFORM_ADMIN, "p": common.PASSWORD},
                },
            )
            token = login.json()["data"]["login"]["token"]
            answer = await client.post(
                "/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}"},
            )
            body = answer.json()
    if body.get("errors"):
        raise RuntimeError(f"export request failed: {body['errors']}")
    return body["data"]


def peak_kib() -> int:
    """This process's peak resident set (VmHWM). Not ru_maxrss: that also counts the memory of
    the forked parent image before exec, i.e. the bench's own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall time, peak RSS (KiB) and stdout of a fresh process that reports its own peak."""
    start = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 — our own scripts
        argv, capture_output=True, text=True, env=env, check=False, cwd=ROOT
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    peak = int(proc.stderr.strip().splitlines()[-1].removeprefix("peak_kib "))
    return seconds, peak, proc.stdout


def measured_child(script: str, args: list[str]) -> None:
    """Run a console script (the app's `portaal`) in this process, then report the peak."""
    import runpy

    sys.argv = [script, *args]
    code: object = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        code = e.code
    print(f"peak_kib {peak_kib()}", file=sys.stderr)
    sys.exit(code)


def run_ours(db_path: str) -> Run:
    data = asyncio.run(_graphql(db_path, START_EXPORT))
    job_id = data["startExport"]["exportJob"]["id"]
    worker = Path(sys.executable).parent / "portaal"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}"}
    seconds, peak, _ = _timed(
        [sys.executable, "-m", "bench.export", "--measure", str(worker), "worker", "--once"], env
    )
    job = asyncio.run(_graphql(db_path, JOB, {"id": job_id}))["node"]
    if job["status"] != "DONE":
        raise RuntimeError(f"export did not finish: {job}")
    return Run(seconds, peak, int(job["sizeBytes"]))


def run_baseline(db_path: str) -> Run:
    seconds, peak, out = _timed([sys.executable, "-m", "bench.export", "--baseline", db_path])
    return Run(seconds, peak, int(out.split()[-1]))


def baseline_child(db_path: str) -> None:
    """In a fresh process: the whole workbook in memory with openpyxl; prints the file size."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["At (UTC)", "Event", "Actor id", "Subject id", "Client address", "Detail"])
    conn = sqlite3.connect(db_path)
    for row in conn.execute(
        "SELECT at, kind, actor_person_id, subject_person_id, client_address, detail "
        "FROM audit_event ORDER BY id"
    ):
        sheet.append(list(row))
    out = Path(tempfile.mkdtemp()) / "baseline.xlsx"
    book.save(out)
    print(out.stat().st_size)
    print(f"peak_kib {peak_kib()}", file=sys.stderr)


def export_ratios(rows: int, password_hash: str, *, flat: bool = True) -> dict[str, Run]:
    """Ours and the baseline at `rows`; with `flat` also ours at a tenth of the rows."""
    with tempfile.TemporaryDirectory() as tmp:
        big = str(Path(tmp) / "big.db")
        prepare(big, rows, password_hash)
        runs = {"ours": run_ours(big), "baseline": run_baseline(big)}
        if flat:
            small = str(Path(tmp) / "small.db")
            prepare(small, rows // 10, password_hash)
            runs["ours_small"] = run_ours(small)
        return runs


def encoding(rows: int = 20_000, repeat: int = 5) -> tuple[float, float]:
    """Seconds for `repeat` encodings of a response of `rows` learners: json.dumps, orjson."""
    import orjson

    body = {
        "data": {
            "learners": {
                "nodes": [
                    {
                        "id": f"TGVhcm5lcjo{i}",
                        "person": {"email": f"user{i}@example.org", "displayName": f"User {i}"},
                        "enrolments": [{"status": "IN_PROGRESS", "progressPercent": i % 100}] * 3,
                    }
                    for i in range(rows)
                ]
            }
        }
    }
    start = time.perf_counter()
    for _ in range(repeat):
        json.dumps(body)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(repeat):
        orjson.dumps(body)
    return baseline, time.perf_counter() - start


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--baseline":
        baseline_child(sys.argv[2])
    elif len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measured_child(sys.argv[2], sys.argv[3:])
