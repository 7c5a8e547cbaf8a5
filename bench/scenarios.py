"""The read scenarios, each against its floor in the same run, over loopback HTTP.

Portaal and the floors are served by one uvicorn process (bench/server.py). Requests alternate
Portaal / floor (and swap which goes first every round), so drift on a shared machine hits
both alike. Every scenario first checks that Portaal's `data` equals the floor's.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import common, queries
from bench.engine import EngineFloor

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZES = (10, 50, 100)


class Mismatch(AssertionError):
    pass


def differences(a: Any, b: Any, path: str = "data", limit: int = 10) -> list[str]:
    """Where two JSON values differ (at most `limit` places)."""
    out: list[str] = []

    def walk(x: Any, y: Any, at: str) -> None:
        if len(out) >= limit:
            return
        if type(x) is not type(y):
            out.append(f"{at}: {x!r:.80} != {y!r:.80}")
        elif isinstance(x, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    out.append(f"{at}.{k}: only in {'Portaal' if k in x else 'floor'}")
                else:
                    walk(x[k], y[k], f"{at}.{k}")
        elif isinstance(x, list):
            if len(x) != len(y):
                out.append(f"{at}: {len(x)} items != {len(y)} items")
            for i, (p, q) in enumerate(zip(x, y, strict=False)):
                walk(p, q, f"{at}[{i}]")
        elif x != y:
            out.append(f"{at}: {x!r:.80} != {y!r:.80}")

    walk(a, b, path)
    return out


def count_scalars(value: Any) -> int:
    """Leaf values of a response (null included): what a resolver produced one by one."""
    if isinstance(value, dict):
        return sum(count_scalars(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_scalars(v) for v in value)
    return 1


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares y = a + b·x; (a, b)."""
    if len(set(xs)) < 2:
        return (statistics.mean(ys), float("nan"))
    mx, my = statistics.mean(xs), statistics.mean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return my - b * mx, b


# --- the server -----------------------------------------------------------------------------------


class Server:
    """bench/server.py under uvicorn in its own process, on a free loopback port."""

    def __init__(self, database_url: str, workers: int = 1) -> None:
        self.database_url = database_url
        self.workers = workers  # uvicorn worker processes (the mixed load runs 2)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "BENCH_DATABASE_URL": self.database_url,
            "PYTHONPATH": str(ROOT),
        }
        self.proc = subprocess.Popen(  # noqa: S603 — our own server, our own arguments
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "bench.server:build_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",
                *(["--workers", str(self.workers)] if self.workers > 1 else []),
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bench server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("bench server did not come up in 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- requests ----------------------------------------------------------------------------------------


@dataclass
class Call:
    """One read, as Portaal's GraphQL request and as the floor's."""

    name: str
    token: str
    query: str
    floor: str
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "content-type": "application/json"}

    def portaal_body(self) -> bytes:
        return orjson.dumps({"query": self.query, "variables": self.variables})

    def floor_body(self) -> bytes:
        return orjson.dumps({"variables": self.variables})


@dataclass
class Timing:
    portaal: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)


@dataclass
class CaseResult:
    name: str
    timing: Timing
    statements: int
    floor_statements: int
    scalars: int
    response_bytes: int
    data: Any = None

    @property
    def portaal_median(self) -> float:
        return statistics.median(self.timing.portaal)

    @property
    def floor_median(self) -> float:
        return statistics.median(self.timing.floor)


class Harness:
    def __init__(self, server: Server, rounds: int, warmup: int, tries: int = 3) -> None:
        self.server = server
        self.tries = tries
        self.rounds = rounds
        self.warmup = warmup
        self.client = httpx.AsyncClient(base_url=server.base, timeout=300)
        self.tokens: dict[str, str] = {}

    async def close(self) -> None:
        await self.client.aclose()

    async def login(self, email: str) -> str:
        if email not in self.tokens:
            r = await self.client.post(
                "/graphql",
                json={
                    "query": queries.LOGIN,
                    "variables": {"email": email, "password": common.PASSWORD},
                },
            )
            token = r.json()["data"]["login"]["token"]
            if not token:
                raise RuntimeError(f"login of {email} failed: {r.text}")
            self.tokens[email] = token
        return self.tokens[email]

    async def portaal(self, call: Call) -> tuple[float, bytes]:
        start = time.perf_counter()
        r = await self.client.post("/graphql", content=call.portaal_body(), headers=call.headers)
        elapsed = time.perf_counter() - start
        if r.status_code != 200:
            raise RuntimeError(f"{call.name}: Portaal answered {r.status_code}: {r.text[:500]}")
        return elapsed, r.content

    async def floor(self, call: Call) -> tuple[float, bytes]:
        start = time.perf_counter()
        r = await self.client.post(
            f"/floor/{call.floor}", content=call.floor_body(), headers=call.headers
        )
        elapsed = time.perf_counter() - start
        if r.status_code != 200:
            raise RuntimeError(f"{call.name}: floor answered {r.status_code}: {r.text[:500]}")
        return elapsed, r.content

    async def stats(self) -> dict[str, int]:
        return (await self.client.get("/bench/stats")).json()  # type: ignore[no-any-return]

    async def check(self, call: Call) -> Any:
        """Portaal's `data` must equal the floor's; returns it."""
        _, a = await self.portaal(call)
        _, b = await self.floor(call)
        ours, theirs = orjson.loads(a), orjson.loads(b)
        if ours.get("errors"):
            raise Mismatch(f"{call.name}: Portaal answered with errors: {ours['errors']}")
        diff = differences(ours.get("data"), theirs.get("data"))
        if diff:
            raise Mismatch(
                f"{call.name}: Portaal's data differs from the floor's:\n  " + "\n  ".join(diff)
            )
        return ours["data"]

    async def statements(self, call: Call) -> tuple[int, int]:
        """Statements per request, fewest of `tries` (a login's token is touched at most once a
        minute; that write would otherwise land in a count now and then)."""
        counts, floor_counts = [], []
        for _ in range(self.tries):
            before = await self.stats()
            await self.portaal(call)
            middle = await self.stats()
            await self.floor(call)
            after = await self.stats()
            counts.append(middle["portaal"] - before["portaal"])
            floor_counts.append(after["floor"] - middle["floor"])
        return min(counts), min(floor_counts)

    async def case(self, call: Call) -> CaseResult:
        data = await self.check(call)
        statements, floor_statements = await self.statements(call)
        timing = Timing()
        for _ in range(self.warmup):
            await self.portaal(call)
            await self.floor(call)
        size = 0
        for i in range(self.rounds):
            if i % 2 == 0:
                t, body = await self.portaal(call)
                timing.portaal.append(t)
                timing.floor.append((await self.floor(call))[0])
            else:
                timing.floor.append((await self.floor(call))[0])
                t, body = await self.portaal(call)
                timing.portaal.append(t)
            size = len(body)
        return CaseResult(
            call.name,
            timing,
            statements,
            floor_statements,
            count_scalars(data),
            size,
            data,
        )

    async def load(
        self, call: Call, target: str, clients: int, seconds: float, max_requests: int
    ) -> dict[str, Any]:
        """`clients` concurrent clients for `seconds` (at most `max_requests` in all)."""
        send: Callable[[Call], Any] = self.portaal if target == "portaal" else self.floor
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds
        issued = 0

        async def client() -> None:
            nonlocal issued
            while time.perf_counter() < deadline and issued < max_requests:
                issued += 1
                latencies.append((await send(call))[0])

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - start
        return _load_result(latencies, elapsed)

    async def load_both(
        self, call: Call, clients: int, seconds: float, max_requests: int, windows: int = 4
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Portaal's and the floor's load, `seconds` each, in `windows` alternating windows
        (Portaal first, then the floor first, ...): this VM's speed drifts by a third within
        minutes, and one window per side measured the drift as much as the code."""
        runs: dict[str, list[dict[str, Any]]] = {"portaal": [], "floor": []}
        for i in range(windows):
            order = ("portaal", "floor") if i % 2 == 0 else ("floor", "portaal")
            for target in order:
                runs[target].append(
                    await self.load(
                        call, target, clients, seconds / windows, max(1, max_requests // windows)
                    )
                )
        return _merged(runs["portaal"]), _merged(runs["floor"])


def _load_result(latencies: list[float], seconds: float) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        "median": statistics.median(latencies),
        "p95": pct(latencies, 0.95),
        "latencies": latencies,
    }


def _merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Windows of one side as one load: all requests over all their seconds."""
    merged = _load_result(
        [t for r in runs for t in r["latencies"]], sum(r["seconds"] for r in runs)
    )
    merged["window_rps"] = [r["rps"] for r in runs]
    return merged


# --- all scenarios ---------------------------------------------------------------------------------


@dataclass
class Results:
    learners: list[tuple[str, int, int, CaseResult]] = field(default_factory=list)
    dashboard: list[tuple[int, CaseResult]] = field(default_factory=list)
    report: list[tuple[str, int, CaseResult]] = field(default_factory=list)
    load: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    cluster_sizes: dict[str, int] = field(default_factory=dict)
    institute: list[tuple[str, int, int, CaseResult]] = field(default_factory=list)


def dashboard_variables() -> dict[str, str]:
    today = common.local_today()
    first = min(today, common.school_year_first_day(today))
    return {"date": today.isoformat(), "firstDay": first.isoformat(), "lastDay": today.isoformat()}


async def run_all(
    server: Server,
    *,
    rounds: int,
    warmup: int,
    load_seconds: float,
    load_requests: int,
    clients: int,
    engine_repeat: int,
    tries: int = 3,
    log: Callable[[str], None] = print,
) -> Results:
    h = Harness(server, rounds, warmup, tries)
    results = Results()
    try:
        # (1) the learner list, per cluster size and page size
        admins = [("S", common.ADMIN_S), ("M", common.ADMIN_M), ("L", common.ADMIN_L)]
        for label, email in admins:
            token = await h.login(email)
            for first in PAGE_SIZES:
                call = Call(
                    f"learners {label} first={first}",
                    token,
                    queries.LEARNERS,
                    "learners",
                    {"first": first},
                )
                result = await h.case(call)
                total = result.data["learners"]["totalCount"]
                results.cluster_sizes[label] = total
                results.learners.append((label, total, first, result))
                log(_line(result))
        # (2) the guardian dashboard for one and for three children
        variables = dashboard_variables()
        for email in (common.GUARDIAN_1, common.GUARDIAN_3):
            token = await h.login(email)
            call = Call(
                f"dashboard {email.split('@')[0]}", token, queries.DASHBOARD, "dashboard", variables
            )
            result = await h.case(call)
            results.dashboard.append((len(result.data["myChildren"]), result))
            log(_line(result))
        # (3) the academy report, for one cluster and for the whole organisation
        for label, email in (
            ("cluster admin M", common.ADMIN_M),
            ("organisation admin", common.ORG_ADMIN),
        ):
            token = await h.login(email)
            call = Call(f"report {label}", token, queries.REPORT, "report")
            result = await h.case(call)
            results.report.append((label, len(result.data["academyReport"]), result))
            log(_line(result))
        # (6) the institute: a contact's courses, an organisation admin's enrolment list
        await institute_cases(h, results, log)
        # (4) throughput under a bounded loopback load
        loads = [
            Call(
                "learners M first=50",
                await h.login(common.ADMIN_M),
                queries.LEARNERS,
                "learners",
                {"first": 50},
            ),
            Call(
                "dashboard 3 children",
                await h.login(common.GUARDIAN_3),
                queries.DASHBOARD,
                "dashboard",
                variables,
            ),
        ]
        for call in loads:
            ours, floor = await h.load_both(call, clients, load_seconds, load_requests)
            results.load.append((call.name, ours, floor))
            log(
                f"  load {call.name}: Portaal {ours['rps']:.1f} req/s, floor {floor['rps']:.1f} req/s"
            )
        # (5) per-field cost over page sizes
        results.fields = per_field(results, engine_repeat)
    finally:
        await h.close()
    return results


ACT_AS = """
mutation Act($o: ID) { actAs(organisationId: $o) { errors { code message } } }
"""
CAN_ACT_FOR = "{ viewer { canActFor { id } } }"


async def institute_cases(h: Harness, results: Results, log: Callable[[str], None]) -> None:
    contact = await h.login(common.INST_CONTACT)
    for first in PAGE_SIZES:
        call = Call(
            f"my courses first={first}", contact, queries.MY_COURSES, "my_courses", {"first": first}
        )
        result = await h.case(call)
        total = result.data["myCourseEnrolments"]["totalCount"]
        results.institute.append(("my courses (contact)", total, first, result))
        log(_line(result))
    admin = await h.login(common.INST_ORG_ADMIN)
    headers = {"Authorization": f"Bearer {admin}"}
    viewer = await h.client.post("/graphql", json={"query": CAN_ACT_FOR}, headers=headers)
    org = viewer.json()["data"]["viewer"]["canActFor"][0]["id"]
    acted = await h.client.post(
        "/graphql", json={"query": ACT_AS, "variables": {"o": org}}, headers=headers
    )
    if acted.json()["data"]["actAs"]["errors"]:
        raise RuntimeError(f"actAs failed: {acted.text}")
    for first in PAGE_SIZES:
        call = Call(
            f"organisation enrolments first={first}",
            admin,
            queries.ORG_ENROLMENTS,
            "org_enrolments",
            {"organisationId": org, "first": first},
        )
        result = await h.case(call)
        total = result.data["organisationEnrolments"]["totalCount"]
        results.institute.append(("organisation enrolments (admin)", total, first, result))
        log(_line(result))


def per_field(results: Results, repeat: int) -> dict[str, Any]:
    """µs per scalar field: the slope of median latency over the scalars of each page size,
    on the M cluster (on L when M has fewer learners than the largest page)."""
    label = "M" if results.cluster_sizes.get("M", 0) >= max(PAGE_SIZES) else "L"
    cases = [(first, r) for lab, _total, first, r in results.learners if lab == label]
    xs = [float(r.scalars) for _first, r in cases]
    engine = EngineFloor()
    engine_times = []
    for first, r in cases:
        if engine.run(r.data, first) != r.data:
            raise Mismatch("the engine floor's answer differs from the floor's data")
        engine_times.append(statistics.median(engine.time(r.data, first, repeat)))
    out: dict[str, Any] = {"cluster": label, "points": []}
    for name, ys in (
        ("portaal", [r.portaal_median for _f, r in cases]),
        ("floor", [r.floor_median for _f, r in cases]),
        ("engine", engine_times),
    ):
        a, b = fit(xs, ys)
        out[name] = {"fixed_ms": a * 1e3, "us_per_field": b * 1e6}
    out["points"] = [
        (first, r.scalars, r.portaal_median, r.floor_median, e)
        for (first, r), e in zip(cases, engine_times, strict=True)
    ]
    return out


def _line(r: CaseResult) -> str:
    return (
        f"  {r.name}: Portaal {r.portaal_median * 1e3:.1f} ms ({r.statements} statements), "
        f"floor {r.floor_median * 1e3:.1f} ms ({r.floor_statements}), "
        f"ratio {r.portaal_median / r.floor_median:.1f}x, {r.scalars} fields"
    )
