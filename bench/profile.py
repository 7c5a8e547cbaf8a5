"""Profile one read in process: its SQL statements and where the time goes (pyinstrument).

    python -m bench.profile learners --first 100 --admin m --database-url postgresql://…/bench
    python -m bench.profile dashboard --children 3 --sql

The app runs under httpx's ASGI transport (no uvicorn, no loopback), so the profile shows the
request path only. `--sql` prints each statement of the last request; without pyinstrument
installed (`pip install pyinstrument`) only the statements and timings are shown.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from dataclasses import replace
from typing import Any

import httpx
import orjson

from bench import common, queries
from bench.scenarios import count_scalars, dashboard_variables
from portaal.app import create_app, tune_collector
from portaal.settings import Settings

ADMINS = {"s": common.ADMIN_S, "m": common.ADMIN_M, "l": common.ADMIN_L}


async def run(args: argparse.Namespace) -> None:
    url = args.database_url
    settings = Settings.from_env(
        database_url=common.sqlalchemy_url(url), run_worker_in_process=False
    )
    settings = replace(settings, compiled_execution=not args.generic)
    app = create_app(settings)
    database = app.state.database
    statements: list[str] = []
    durations: list[float] = []

    def log(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)
        durations.append(time.perf_counter())

    def logged(*_args: Any) -> None:
        durations[-1] = (time.perf_counter() - durations[-1]) * 1000

    from sqlalchemy import event

    event.listen(database.engine.sync_engine, "before_cursor_execute", log)
    event.listen(database.engine.sync_engine, "after_cursor_execute", logged)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        if args.read == "learners":
            email = ADMINS[args.admin]
            query, variables = queries.LEARNERS, {"first": args.first}
        elif args.read == "dashboard":
            email = common.GUARDIAN_3 if args.children == 3 else common.GUARDIAN_1
            query, variables = queries.DASHBOARD, dashboard_variables()
        else:
            email, query, variables = common.ORG_ADMIN, queries.REPORT, {}
        r = await client.post(
            "/graphql",
            json={
                "query": queries.LOGIN,
                "variables": {"email": email, "password": common.PASSWORD},
            },
        )
        token = r.json()["data"]["login"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = {"query": query, "variables": variables}

        async def once() -> bytes:
            response = await client.post("/graphql", json=body, headers=headers)
            if response.status_code != 200 or b'"errors"' in response.content:
                raise RuntimeError(response.text[:2000])
            return response.content

        for _ in range(args.warmup):
            await once()
        if args.gc_freeze:
            gc.collect()
            tune_collector()  # what the server's lifespan does after start-up
        timings, cpu = [], []
        for _ in range(args.rounds):
            statements.clear()
            durations.clear()
            start, start_cpu = time.perf_counter(), time.process_time()
            content = await once()
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        scalars = count_scalars(orjson.loads(content)["data"])
        from schema.core.execution import CompiledExecutor

        print(
            f"compiled plans run {CompiledExecutor.compiled}, fell back {CompiledExecutor.fallbacks}"
        )
        print(
            f"{args.read}: median {statistics.median(timings):.1f} ms over {args.rounds} "
            f"(CPU median {statistics.median(cpu):.1f}, min {min(cpu):.1f} ms), "
            f"{len(statements)} statements, {scalars} scalar fields, "
            f"{1000 * statistics.median(cpu) / scalars:.1f} µs CPU per field"
        )
        if args.read == "learners":
            # The engine floor over this very answer: graphql-core alone, CPU per field.
            from bench.engine import EngineFloor

            engine, data = EngineFloor(), orjson.loads(content)["data"]
            engine_cpu = []
            for _ in range(args.rounds):
                start_cpu = time.process_time()
                engine.run(data, args.first)
                engine_cpu.append((time.process_time() - start_cpu) * 1000)
            print(
                f"engine floor: CPU median {statistics.median(engine_cpu):.1f} ms, "
                f"{1000 * statistics.median(engine_cpu) / scalars:.1f} µs per field"
            )
        if args.sql:
            # Wall time per statement: the round trip, the server's work and psycopg's parsing.
            for s, ms in zip(statements, durations, strict=True):
                print(f"  {ms:6.2f} ms ", " ".join(s.split())[: args.sql_width])
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="enabled")
            with profiler:
                for _ in range(args.profile):
                    await once()
            print(
                profiler.output_text(
                    unicode=True,
                    color=False,
                    show_all=False,
                    flat=args.flat,
                    time="percent_of_total",
                )
            )
    await database.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("read", choices=["learners", "dashboard", "report"])
    parser.add_argument("--database-url", default=common.DEFAULT_URL)
    parser.add_argument("--first", type=int, default=100)
    parser.add_argument("--admin", choices=sorted(ADMINS), default="m")
    parser.add_argument("--children", type=int, choices=[1, 3], default=3)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--sql-width", type=int, default=220)
    parser.add_argument("--profile", type=int, default=0, help="profile this many requests")
    parser.add_argument(
        "--generic", action="store_true", help="graphql-core's generic executor only"
    )
    parser.add_argument("--flat", action="store_true", help="profile: functions by own time")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="tune the collector after the warm-up requests, as the server does",
    )
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
