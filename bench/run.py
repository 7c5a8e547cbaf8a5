"""Benchmarks as ratios in one run: Portaal against a floor on the same data.

    make bench-data            # fill the `bench` database (SCALE=1 by default)
    make bench                 # every scenario, timed; writes bench/results.md
    make bench-smoke           # fresh `bench_smoke` database at scale 0.01, every scenario once,
                               # JSON checked against the floors, no timing asserted

Read scenarios (each against its floor: one SQL statement straight on psycopg, orjson, served by
the same uvicorn process; the bench fails when Portaal's `data` differs from the floor's):
1. a cluster admin's learner list at page sizes 10/50/100 and cluster sizes 200/2,000/20,000;
2. a guardian's dashboard for one and for three children;
3. the academy report, for a cluster admin and for the organisation admin;
4. throughput under a bounded loopback load (16 clients), for (1) and (2);
5. cost per scalar field, fitted over page sizes: Portaal, the floor, and the engine floor
   (plain graphql-core over prebuilt dicts);
plus the Excel export against openpyxl and orjson against json.dumps.

Write scenarios (bench/writes.py; the data set is left as generated):
7. `addUsers` with 10 and with 1,000 fresh addresses: seconds and statements;
8. the magazine to every subscriber: time to queue, then the delivery rate of two `portaal
   worker` processes to an SMTP server on loopback, every mail exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench import common, data, export, scenarios, writes  # noqa: E402


def has_bench_data(url: str) -> bool:
    try:
        with psycopg.connect(common.psycopg_url(url)) as conn:
            row = conn.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_name = 'person'"
            ).fetchone()
            if not row:
                return False
            return (
                conn.execute("SELECT 1 FROM person WHERE email = %s", (common.ADMIN_M,)).fetchone()
                is not None
            )
    except psycopg.OperationalError:
        return False


def data_summary(url: str) -> dict[str, int]:
    tables = [
        "person",
        "learner",
        "enrolment",
        "exam_attempt",
        "certificate",
        "label_assignment",
        "pupil",
        "guardian_link",
        "school_lesson",
        "school_grade",
        "school_absence",
    ]
    with psycopg.connect(common.psycopg_url(url)) as conn:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 — fixed names
            for t in tables
        }


def facts(url: str) -> dict[str, str]:
    with psycopg.connect(common.psycopg_url(url)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "Python": platform.python_version(),
        "strawberry-graphql": version("strawberry-graphql"),
        "graphql-core": version("graphql-core"),
        "starlette": version("starlette"),
        "uvicorn": version("uvicorn"),
        "SQLAlchemy": version("SQLAlchemy"),
        "psycopg": version("psycopg"),
        "orjson": version("orjson"),
        "httpx (client)": version("httpx"),
        "PostgreSQL": pg,
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in load),
        "OS": f"{platform.system()} {platform.release()}",
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def report(
    results: scenarios.Results,
    info: dict[str, str],
    summary: dict[str, int],
    settings: dict[str, Any],
    exports: dict[str, export.Run] | None,
    encoding: tuple[float, float] | None,
    generated: dict[str, Any] | None,
    written: writes.Results | None = None,
) -> str:
    out: list[str] = []
    w = out.append
    w("# Portaal benchmarks")
    w("")
    w(
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench` (bench/run.py). Every read "
        "is timed against its **floor** in the same run: the fewest SQL statements that produce "
        "the same data (one statement, authentication included, straight on psycopg), assembled "
        "in plain Python and encoded with orjson, served by a Starlette route of the same "
        "uvicorn process. Before timing, the bench asserts that Portaal's `data` equals the "
        "floor's. Requests alternate Portaal / floor (who goes first swaps every round); "
        "latency is the client's wall time over loopback, including HTTP. Statements: "
        "Portaal's `Database.statement_count` per request (authentication included; fewest of "
        "three requests, so a once-a-minute token touch does not count), and the floor's."
    )
    w("")
    w("## Setup")
    w("")
    w("| | |")
    w("|---|---|")
    for k, v in info.items():
        w(f"| {k} | {v} |")
    for k, v in settings.items():
        if k != "data":
            w(f"| {k} | {v} |")
    w("")
    w(
        "The machine is shared (other engineers run tests on the same 2 cores), and the load "
        "client runs on it too: absolute times are noisy, ratios less so."
    )
    w("")
    noted = settings.get("data", {})
    w(
        f"Data (`python -m bench.data`): scale {noted.get('scale', '?')}, seed "
        f"{noted.get('seed', '?')}, school year around {noted.get('today', '?')}."
    )
    w("")
    w("| table | rows |")
    w("|---|---:|")
    for k, v in summary.items():
        w(f"| {k} | {v:,} |")
    if generated:
        t = generated["timings"]
        w("")
        w(
            f"Generated in this run at scale {generated['scale']}: {t['total']:.1f} s "
            f"(migrate {t['migrate']:.1f} s, build rows {t['build']:.1f} s, COPY {t['copy']:.1f} s, "
            f"VACUUM ANALYZE {t['analyze']:.1f} s)."
        )
    w("")

    def row(r: scenarios.CaseResult, *lead: Any) -> str:
        p, f = r.timing.portaal, r.timing.floor
        cells = [
            *(str(x) for x in lead),
            ms(statistics.median(p)),
            ms(scenarios.pct(p, 0.95)),
            ms(statistics.median(f)),
            ms(scenarios.pct(f, 0.95)),
            f"{statistics.median(p) / statistics.median(f):.1f}x",
            str(r.statements),
            str(r.floor_statements),
            f"{r.scalars:,}",
            f"{r.response_bytes / 1024:.1f}",
        ]
        return "| " + " | ".join(cells) + " |"

    head = (
        "Portaal median ms | Portaal p95 ms | floor median ms | floor p95 ms | ratio | "
        "statements | floor statements | scalar fields | KiB"
    )
    sep = "---:|" * 9
    w("## 1. Learner list (cluster admin)")
    w("")
    w(
        "`learners(first: N)` with person, labels and enrolments (course, progress, attempts, "
        f"certificate); {results.learners[0][3].timing.portaal.__len__()} interleaved rounds each."
    )
    w("")
    w(f"| cluster | learners | page | {head} |")
    w(f"|---|---:|---:|{sep}")
    for label, total, first, r in results.learners:
        w(row(r, label, f"{total:,}", first))
    w("")
    w("## 2. Guardian dashboard")
    w("")
    w(
        "`myChildren` with per child the pupil card, location, mentors, week agenda, results "
        "matrix and attendance over the school year so far."
    )
    w("")
    w(f"| children | {head} |")
    w(f"|---:|{sep}")
    for children, r in results.dashboard:
        w(row(r, children))
    w("")
    w("## 3. Academy report")
    w("")
    w(
        "`academyReport`: per cluster and course the learners by status and the average best "
        "score. Both sides aggregate in SQL the same way, so the ratio is mostly fixed costs."
    )
    w("")
    w(f"| viewer | rows | {head} |")
    w(f"|---|---:|{sep}")
    for label, rows, r in results.report:
        w(row(r, label, rows))
    w("")
    w("## 6. Institute: my courses and an organisation's enrolments")
    w("")
    w(
        "A contact's `myCourseEnrolments` and an organisation admin's `organisationEnrolments` "
        "(acting for the organisation), each with event and course, newest event first."
    )
    w("")
    w(f"| read | enrolments | page | {head} |")
    w(f"|---|---:|---:|{sep}")
    for label, total, first, r in results.institute:
        w(row(r, label, f"{total:,}", first))
    w("")
    w("## 4. Throughput under load")
    w("")
    w(
        f"{settings['load clients']} concurrent clients on loopback, {settings['load seconds']} s "
        f"per side (at most {settings['load max requests']:,} requests), in four alternating "
        "windows (Portaal, floor, floor, Portaal, ...); the window rates show how much the "
        "machine drifted meanwhile."
    )
    w("")
    w(
        "| read | Portaal req/s | Portaal median ms | Portaal p95 ms | floor req/s | "
        "floor median ms | floor p95 ms | Portaal ÷ floor | window rates (Portaal / floor) |"
    )
    w("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, ours, floor in results.load:
        windows = ", ".join(f"{r:.0f}" for r in ours["window_rps"])
        floor_windows = ", ".join(f"{r:.0f}" for r in floor["window_rps"])
        w(
            f"| {name} | {ours['rps']:.1f} | {ms(ours['median'])} | {ms(ours['p95'])} | "
            f"{floor['rps']:.1f} | {ms(floor['median'])} | {ms(floor['p95'])} | "
            f"{ours['rps'] / floor['rps']:.2f} | {windows} / {floor_windows} |"
        )
    w("")
    fields = results.fields
    w("## 5. Cost per scalar field")
    w("")
    w(
        f"Median latency of the learner list on cluster {fields['cluster']} at page sizes "
        f"{', '.join(str(p[0]) for p in fields['points'])}, fitted as fixed + per-field × scalar "
        "fields (least squares). The engine floor is plain graphql-core 3 executing the same "
        "document over the floor's answer as prebuilt dicts (default resolvers, in process, no "
        "HTTP, no database)."
    )
    w("")
    w("| page | scalar fields | Portaal ms | floor ms | engine floor ms |")
    w("|---:|---:|---:|---:|---:|")
    for first, scalars, p, f, e in fields["points"]:
        w(f"| {first} | {scalars:,} | {ms(p)} | {ms(f)} | {ms(e)} |")
    w("")
    w("| | fixed ms | µs per scalar field |")
    w("|---|---:|---:|")
    for name, title in (
        ("portaal", "Portaal"),
        ("floor", "floor"),
        ("engine", "engine floor (graphql-core)"),
    ):
        w(f"| {title} | {fields[name]['fixed_ms']:.1f} | {fields[name]['us_per_field']:.2f} |")
    w("")
    if written:  # (7) and (8), bench/writes.py
        out.extend(writes.report(written))
    if exports:
        ours, base = exports["ours"], exports["baseline"]
        small = exports.get("ours_small")
        rows_n = settings["export rows"]
        w("## Excel export")
        w("")
        w(
            f"{rows_n:,} audit rows on SQLite. Ours: `startExport` over GraphQL, then "
            "`portaal worker --once` in a fresh process (xlsxwriter constant_memory, rows "
            "streamed); baseline: openpyxl building the workbook in memory, in a fresh process. "
            "Peak RSS (VmHWM) of the whole process, interpreter and imports included."
        )
        w("")
        w("| | seconds | peak MiB | file KiB |")
        w("|---|---:|---:|---:|")
        w(f"| ours | {ours.seconds:.2f} | {ours.peak_kib / 1024:.1f} | {ours.size / 1024:.0f} |")
        w(
            f"| baseline (openpyxl) | {base.seconds:.2f} | {base.peak_kib / 1024:.1f} | "
            f"{base.size / 1024:.0f} |"
        )
        w("")
        flat = (
            f" Flat memory: at {rows_n // 10:,} rows ours peaks at {small.peak_kib / 1024:.1f} "
            f"MiB, at {rows_n:,} rows at {ours.peak_kib / 1024:.1f} MiB (growth "
            f"{100 * (ours.peak_kib - small.peak_kib) / small.peak_kib:.0f}% for 10x the rows)."
            if small
            else ""
        )
        w(
            f"Ratio ours/baseline: memory {ours.peak_kib / base.peak_kib:.2f}, time "
            f"{ours.seconds / base.seconds:.2f}.{flat}"
        )
        w("")
    if encoding:
        baseline, fast = encoding
        w("## JSON encoding")
        w("")
        w(
            f"A {settings['encoding rows']:,}-row response, encoded 5 times: json.dumps "
            f"{baseline:.2f} s, orjson {fast:.2f} s, orjson {baseline / fast:.1f}x faster."
        )
        w("")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Portaal benchmarks (see bench/run.py)")
    parser.add_argument("--smoke", action="store_true", help="fresh bench_smoke, scale 0.01, once")
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--scale", type=float, default=None, help="(re)generate the data at this scale first"
    )
    parser.add_argument("--rounds", type=int, default=25, help="interleaved rounds per read")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--load-requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--export-rows", type=int, default=export.ROWS)
    parser.add_argument("--write-runs", type=int, default=3, help="addUsers runs per size")
    parser.add_argument("--output", default=None, help="results file (default bench/results.md)")
    args = parser.parse_args(argv)

    if args.smoke:
        url = args.database_url or common.SMOKE_URL
        scale = args.scale if args.scale is not None else 0.01
        rounds, warmup, tries = 1, 0, 1
        load_seconds, load_requests, engine_repeat = 0.5, 16, 2
        export_rows, encoding_rows = 2_000, 2_000
        output = args.output
    else:
        url = args.database_url or os.environ.get("BENCH_DATABASE_URL") or common.DEFAULT_URL
        scale = args.scale
        rounds, warmup, tries = args.rounds, args.warmup, 3
        load_seconds, load_requests, engine_repeat = args.load_seconds, args.load_requests, 20
        export_rows, encoding_rows = args.export_rows, 20_000
        output = args.output or str(ROOT / "bench" / "results.md")
    common.check_bench_database(url)

    started = time.perf_counter()
    generated = None
    if scale is not None or not has_bench_data(url):
        scale = 1.0 if scale is None else scale
        print(f"generating bench data at scale {scale} into {common.database_name(url)} ...")
        generated = data.generate(url, scale, quiet=True)
        print(
            f"  {sum(generated['counts'].values()):,} rows in {generated['timings']['total']:.1f} s"
        )
    info = facts(url)
    summary = data_summary(url)
    print(
        f"Python {info['Python']}, strawberry {info['strawberry-graphql']}, graphql-core "
        f"{info['graphql-core']}, PostgreSQL {info['PostgreSQL']}"
    )

    with scenarios.Server(url) as server:
        results = asyncio.run(
            scenarios.run_all(
                server,
                rounds=rounds,
                warmup=warmup,
                load_seconds=load_seconds,
                load_requests=load_requests,
                clients=args.clients,
                engine_repeat=engine_repeat,
                tries=tries,
            )
        )
        print("writes: addUsers and the magazine ...")
        written = asyncio.run(
            writes.run_all(server, url, runs=1 if args.smoke else args.write_runs)
        )
    print("export and encoding ...")
    exports = export.export_ratios(
        export_rows, data.password_hash(common.PASSWORD), flat=not args.smoke
    )
    encoding = export.encoding(encoding_rows)
    settings = {
        "database": common.database_name(url),
        "interleaved rounds per read": rounds,
        "warm-up rounds": warmup,
        "load clients": args.clients,
        "load seconds": load_seconds,
        "load max requests": load_requests,
        "export rows": export_rows,
        "encoding rows": encoding_rows,
        "Portaal settings": "development defaults, worker not in process",
        "data": data.about(url),
    }
    text = report(results, info, summary, settings, exports, encoding, generated, written)
    if output:
        Path(output).write_text(text)
        print(f"wrote {output}")
    print(f"bench {'smoke ' if args.smoke else ''}done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
