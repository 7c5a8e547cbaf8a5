"""A bounded loopback load of mixed portal traffic (issue 17): error rate and p50/p95/p99.

    python -m bench.mixed_load                    # 60 s, 16 clients, uvicorn with 2 workers
    python -m bench.mixed_load --smoke            # 5 s, 4 clients (part of `make bench-smoke`)

The frontend's own operations (tests/operations/*.graphql) in a weighted mix, each sent as the
persona of bench/common.py whose screen it is: the guardian's children, the cluster admin's
learner list, a learner's courses, the institute catalogue and a contact's enrolments, and a
mutation pair (enrol on an upcoming event, then cancel). On the generated data set
(`python -m bench.data --scale 0.1 --database-url …/bench_faults`, made when missing). An error
is a non-200 answer or a top-level GraphQL error; a payload's `errors` (full, already enrolled)
is a user error the screen shows, counted apart.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench import common, data, queries
from bench.scenarios import Server, pct

URL = "postgresql://postgres@127.0.0.1:5432/bench_faults"
SMOKE_URL = "postgresql://postgres@127.0.0.1:5432/bench_faults_smoke"
OPERATIONS = Path(__file__).resolve().parent.parent / "tests" / "operations"
# screen → (operation file, persona, weight)
MIX: dict[str, tuple[str, str, int]] = {
    "guardian: my children": ("school_children", common.GUARDIAN_3, 20),
    "guardian (1 child): my children": ("school_children", common.GUARDIAN_1, 5),
    "admin: learner list (200)": ("academy_users", common.ADMIN_S, 10),
    "admin: learner list (2,000)": ("academy_users", common.ADMIN_M, 10),
    "learner: my courses": ("academy_my_courses", "@learners", 20),
    "institute: catalogue": ("institute_catalogue", common.INST_CONTACT, 15),
    "contact: my enrolments": ("institute_my_enrolments", common.INST_CONTACT, 10),
    "contact: enrol": ("institute_enrol", "@contacts", 10),
}
# Personas drawn from the generated people (found by SQL): learners with courses, and contacts
# of the client organisation (the bench contact is on every upcoming event already).
POOLS = {
    "@learners": "p.email LIKE 'learner%%'"
    " AND EXISTS (SELECT 1 FROM enrolment e WHERE e.person_id = p.id)",
    "@contacts": "p.email LIKE 'contact%%@klant.bench.example'",
}
CANCEL = """mutation($id: ID!) { cancelEnrolment(enrolmentId: $id) {
  enrolment { id status } errors { code field message } } }"""


def operation(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text()


def pool(url: str, where: str, count: int) -> list[str]:
    """The first `count` activated people matching `where` (a condition on person `p`)."""
    with psycopg.connect(common.psycopg_url(url)) as conn:
        rows = conn.execute(
            f"SELECT p.email FROM person p WHERE p.password_hash IS NOT NULL AND {where}"  # noqa: S608 — fixed conditions
            " ORDER BY p.id LIMIT %s",
            (count,),
        ).fetchall()
    return [r[0] for r in rows]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    user_errors: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, seconds: float, response: httpx.Response | None, payload_key: str) -> Any:
        """Counts one answer; returns its payload (or None)."""
        self.latencies.append(seconds)
        if response is None or response.status_code != 200:
            self.errors += 1
            self.examples.append(f"{response.status_code if response else 'no answer'}")
            return None
        body = response.json()
        if body.get("errors"):
            self.errors += 1
            self.examples.append(str(body["errors"][0])[:200])
            return None
        payload = body["data"][payload_key] if payload_key else body["data"]
        if payload_key and payload.get("errors"):
            self.user_errors += 1
        return payload


class Load:
    def __init__(
        self,
        client: httpx.AsyncClient,
        tokens: dict[str, list[str]],
        events: list[str],
    ) -> None:
        self.client, self.tokens, self.events = client, tokens, events
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self.documents = {name: operation(file) for name, (file, _, _) in MIX.items()}

    async def send(self, token: str, query: str, variables: dict[str, Any]) -> tuple[float, Any]:
        started = time.perf_counter()
        try:
            response: httpx.Response | None = await self.client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError:
            response = None
        return time.perf_counter() - started, response

    async def one(self, screen: str, rng: random.Random) -> None:
        file, persona, _ = MIX[screen]
        token = rng.choice(self.tokens[persona])
        tally = self.tallies[screen]
        if file != "institute_enrol":
            seconds, response = await self.send(token, self.documents[screen], {})
            tally.add(seconds, response, "")
            return
        variables = {"eventId": rng.choice(self.events), "personId": None, "joinWaitlist": False}
        seconds, response = await self.send(token, self.documents[screen], variables)
        enrolled = tally.add(seconds, response, "enrol")
        if enrolled and enrolled["enrolment"]:
            seconds, response = await self.send(token, CANCEL, {"id": enrolled["enrolment"]["id"]})
            self.tallies["contact: cancel"].add(seconds, response, "cancelEnrolment")

    async def run(self, clients: int, seconds: float) -> float:
        screens = list(MIX)
        weights = [w for _, _, w in MIX.values()]
        deadline = time.perf_counter() + seconds

        async def client(n: int) -> None:
            rng = random.Random(17 + n)
            while time.perf_counter() < deadline:
                await self.one(rng.choices(screens, weights)[0], rng)

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        return time.perf_counter() - started


async def login(client: httpx.AsyncClient, email: str) -> str:
    r = await client.post(
        "/graphql",
        json={"query": queries.LOGIN, "variables": {"email": email, "password": common.PASSWORD}},
    )
    token = r.json()["data"]["login"]["token"]
    if not token:
        raise RuntimeError(f"login of {email} failed: {r.text}")
    return str(token)


async def upcoming_events(client: httpx.AsyncClient, token: str) -> list[str]:
    """Public events with seats whose enrolment deadline is still ahead."""
    r = await client.post(
        "/graphql",
        json={"query": operation("institute_catalogue"), "variables": {}},
        headers={"authorization": f"Bearer {token}"},
    )
    nodes = r.json()["data"]["courseEvents"]["nodes"]
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    return [
        n["id"]
        for n in nodes
        if not n["maatwerk"] and n["seatsAvailable"] and n["enrolmentDeadline"] > now
    ]


def table(tallies: dict[str, Tally], elapsed: float) -> str:
    ms = 1e3
    rows = [
        "| operation | requests | errors | user errors | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    everything = Tally()
    for name, t in sorted(tallies.items()):
        everything.latencies += t.latencies
        everything.errors += t.errors
        everything.user_errors += t.user_errors
        rows.append(
            f"| {name} | {len(t.latencies):,} | {t.errors} | {t.user_errors} |"
            f" {statistics.median(t.latencies) * ms:.0f} | {pct(t.latencies, 0.95) * ms:.0f} |"
            f" {pct(t.latencies, 0.99) * ms:.0f} |"
        )
    n = len(everything.latencies)
    rows.append(
        f"| **all** ({n / elapsed:.0f} requests/s) | {n:,} | {everything.errors}"
        f" ({everything.errors / n:.2%}) | {everything.user_errors} |"
        f" {statistics.median(everything.latencies) * ms:.0f} |"
        f" {pct(everything.latencies, 0.95) * ms:.0f} | {pct(everything.latencies, 0.99) * ms:.0f} |"
    )
    return "\n".join(rows)


async def measure(url: str, clients: int, seconds: float, workers: int) -> tuple[str, int]:
    """The load against `uvicorn --workers N` on `url`; (the table, the error count)."""
    with Server(url, workers=workers) as server:
        limits = httpx.Limits(max_connections=clients + 4)
        async with httpx.AsyncClient(base_url=server.base, timeout=60, limits=limits) as client:
            tokens: dict[str, list[str]] = {}
            for persona in sorted({p for _, p, _ in MIX.values()}):
                emails = pool(url, POOLS[persona], 16) if persona in POOLS else [persona]
                tokens[persona] = [await login(client, e) for e in emails]
            events = await upcoming_events(client, tokens[common.INST_CONTACT][0])
            if not events:
                raise RuntimeError("no upcoming event with seats in the data set")
            load = Load(client, tokens, events)
            elapsed = await load.run(clients, seconds)
    errors = sum(t.errors for t in load.tallies.values())
    for name, t in load.tallies.items():
        for example in t.examples[:2]:
            print(f"  error in {name}: {example}")
    return table(load.tallies, elapsed), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="5 s, 4 clients, fresh small data")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--scale", type=float, default=None, help="when the data is made")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    url = args.database_url or (SMOKE_URL if args.smoke else URL)
    common.check_bench_database(url)
    if args.smoke or not has_personas(url):
        data.generate(url, args.scale or (0.01 if args.smoke else 0.1), quiet=True)
    seconds = args.seconds or (5.0 if args.smoke else 60.0)
    clients = args.clients or (4 if args.smoke else 16)
    result, errors = asyncio.run(measure(url, clients, seconds, args.workers))
    print(
        f"mixed load: {seconds:.0f} s, {clients} clients, uvicorn --workers {args.workers},"
        f" {common.database_name(url)}\n{result}"
    )
    return 1 if errors else 0


def has_personas(url: str) -> bool:
    try:
        with psycopg.connect(common.psycopg_url(url)) as conn:
            return bool(
                conn.execute(
                    "SELECT 1 FROM person WHERE email = %s", (common.INST_CONTACT,)
                ).fetchone()
            )
    except psycopg.Error:
        return False


if __name__ == "__main__":
    raise SystemExit(main())
