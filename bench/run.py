"""Benchmarks as ratios in one run: ours against a baseline on the same data.

1. Excel export of 50,000 rows: our streamed export (xlsxwriter constant_memory, rows streamed
   from the database) against building the workbook in memory with openpyxl — peak RSS and time,
   each in a fresh subprocess so the numbers do not mix.
2. Encoding a large GraphQL response: orjson (ours) against json.dumps (strawberry's default).

Run with `make bench`. Prints versions with the figures.
"""

from __future__ import annotations

import asyncio
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROWS = 50_000
ROOT = Path(__file__).resolve().parent.parent


def child(mode: str, db_path: str) -> None:
    """Runs in a subprocess; prints 'seconds peak_kib bytes'."""
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    if mode == "ours":
        from persistence.background.models import ExportJob
        from persistence.db import Database
        from resolvers.background.exports import run_export

        async def go() -> int:
            db = Database(f"sqlite+aiosqlite:///{db_path}")
            async with db.transaction() as s:
                job = ExportJob(kind="AUDIT_LOG", format="XLSX", requested_by=1)
                s.add(job)
                await s.flush()
                job_id = job.id
            result = json.loads(await run_export(db, job_id))
            await db.dispose()
            return int(result["bytes"])

        size = asyncio.run(go())
    else:
        import sqlite3

        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["At (UTC)", "Event", "Actor id", "Subject id", "Client address", "Detail"])
        conn = sqlite3.connect(db_path)
        for row in conn.execute(
            "SELECT at, kind, actor_person_id, subject_person_id, client_address, detail FROM audit_event ORDER BY id"
        ):
            sheet.append(list(row))
        out = Path(tempfile.mkdtemp()) / "baseline.xlsx"
        book.save(out)
        size = out.stat().st_size
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{seconds:.3f} {peak_kib} {size}")


def prepare(db_path: str, rows: int = ROWS) -> None:
    sys.path.insert(0, str(ROOT))
    from persistence.migrate import upgrade

    upgrade(f"sqlite:///{db_path}")
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO person (id, email, given_name, name_prefix, family_name, language, profile_completed, created_at) "
        "VALUES (1, 'bench@example.org', 'Bench', '', 'Mark', 'NL', 1, '2026-01-01 00:00:00')"
    )
    conn.executemany(
        "INSERT INTO audit_event (at, kind, actor_person_id, client_address, detail) VALUES (?, ?, 1, ?, ?)",
        [
            (
                f"2026-11-{1 + i % 28:02d} 10:{i % 60:02d}:00",
                "LOGIN",
                f"192.0.2.{i % 250}",
                f"row {i} " + "x" * 40,
            )
            for i in range(rows)
        ],
    )
    conn.commit()
    conn.close()


def run_child(mode: str, db_path: str) -> tuple[float, int, int]:
    out = subprocess.run(  # noqa: S603 — our own script, our own arguments
        [sys.executable, __file__, "--child", mode, db_path],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, peak, size = out.stdout.split()
    return float(seconds), int(peak), int(size)


def encoding() -> tuple[float, float]:
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
                    for i in range(20_000)
                ]
            }
        }
    }
    start = time.perf_counter()
    for _ in range(5):
        json.dumps(body)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(5):
        orjson.dumps(body)
    ours = time.perf_counter() - start
    return baseline, ours


def main() -> None:
    print(
        f"Python {platform.python_version()}, strawberry-graphql {version('strawberry-graphql')}, "
        f"graphql-core {version('graphql-core')}, SQLAlchemy {version('SQLAlchemy')}, xlsxwriter {version('xlsxwriter')}, "
        f"openpyxl {version('openpyxl')}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "bench.db")
        prepare(db_path)
        ours = run_child("ours", db_path)
        base = run_child("baseline", db_path)
        small_path = str(Path(tmp) / "small.db")
        prepare(small_path, ROWS // 10)
        small = run_child("ours", small_path)
    print(f"\nExcel export, {ROWS:,} rows (peak RSS of the whole process, incl. interpreter)")
    print(
        f"  ours (streamed, xlsxwriter constant_memory): {ours[0]:6.2f} s  {ours[1] / 1024:7.1f} MiB  {ours[2] / 1024:7.0f} KiB file"
    )
    print(
        f"  baseline (openpyxl workbook in memory):      {base[0]:6.2f} s  {base[1] / 1024:7.1f} MiB  {base[2] / 1024:7.0f} KiB file"
    )
    print(
        f"  ratio memory ours/baseline: {ours[1] / base[1]:.2f}, time ours/baseline: {ours[0] / base[0]:.2f}"
    )
    print(
        f"  flat memory: ours at {ROWS // 10:,} rows peaks at {small[1] / 1024:.1f} MiB, at {ROWS:,} rows at "
        f"{ours[1] / 1024:.1f} MiB (growth {100 * (ours[1] - small[1]) / small[1]:.0f}% for 10x the rows)"
    )
    baseline, orjson_time = encoding()
    print("\nJSON encoding of a 20,000-row response, 5 times")
    print(
        f"  json.dumps {baseline:.2f} s, orjson {orjson_time:.2f} s, ratio {baseline / orjson_time:.1f}x faster"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
