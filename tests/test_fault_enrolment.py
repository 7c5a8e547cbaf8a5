"""Fault test (issue 17): 200 simultaneous `enrol` calls over real HTTP on an event with 20
seats, against `portaal serve --workers 2` on PostgreSQL — two processes, two connection
pools, so only the database's row lock on the event keeps the seats right
(resolvers/institute/enrolments.py states the strategy)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import pytest

from tests.conftest import Api
from tests.institute_setup import MARTIN, STAFF, WELZIJN, login_as
from tests.live_server import live_workers, worker_processes
from tests.test_institute_concurrency import INVITE, LIST, plan_event

ENROL = """mutation($e: ID!, $p: ID) { enrol(input: {eventId: $e, personId: $p}) {
  waitlisted enrolment { status } errors { code field } } }"""
PEOPLE = 200
SEATS = 20


@pytest.mark.postgres_only
async def test_200_simultaneous_enrolments_on_20_seats_with_2_workers(api: Api) -> None:
    if not api.database.is_postgres:
        pytest.skip("two processes on one database: PostgreSQL")
    staff = await login_as(api, STAFF)
    event = await plan_event(api, staff, SEATS)
    martin = await login_as(api, MARTIN, WELZIJN)
    welzijn = await api.unit_id(WELZIJN)
    people = []
    for i in range(PEOPLE):
        added = await api.data(INVITE, {"e": f"fault{i:03}@welzijn.example", "u": welzijn}, martin)
        people.append(added["invitePerson"]["person"]["id"])

    with live_workers(api.database.url, workers=2) as (base, pid):
        assert len(worker_processes(pid)) == 2  # really two worker processes
        limits = httpx.Limits(max_connections=PEOPLE, max_keepalive_connections=PEOPLE)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
            # 200 different people at once, none on the waiting list: 180 must be told "full".
            started = time.perf_counter()
            responses = await asyncio.gather(
                *(
                    client.post(
                        "/graphql",
                        json={"query": ENROL, "variables": {"e": event, "p": p}},
                        headers={"authorization": f"Bearer {martin}"},
                    )
                    for p in people
                ),
                return_exceptions=True,
            )
            burst = time.perf_counter() - started

    failures = [r for r in responses if isinstance(r, BaseException)]
    assert failures == []
    answered = [r for r in responses if isinstance(r, httpx.Response)]
    statuses = Counter(r.status_code for r in answered)
    assert statuses == {200: PEOPLE}, statuses  # 0 × 5xx, nothing throttled
    outcomes: Counter[str] = Counter()
    for r in answered:
        body = r.json()
        assert "errors" not in body, body
        payload = body["data"]["enrol"]
        if payload["errors"]:
            assert payload["errors"][0]["field"] == "input.eventId"
            outcomes[payload["errors"][0]["code"]] += 1
        else:
            outcomes[payload["enrolment"]["status"]] += 1
    seated = outcomes.pop("PROCESSING", 0)
    print(
        f"\nfault: {PEOPLE} simultaneous enrolments on {SEATS} seats, 2 workers: {seated} seated,"
        f" {dict(outcomes)} refused, 0 x 5xx, answered in {burst:.1f} s"
    )
    assert seated == SEATS
    assert sum(outcomes.values()) == PEOPLE - SEATS and len(outcomes) == 1, outcomes

    # What the database holds: exactly 20, no duplicates, 0 seats left (0 overbooked).
    rows: list[dict[str, str]] = []
    after = None
    while True:
        page = (await api.data(LIST, {"e": event, "after": after}, staff))["eventEnrolments"]
        rows += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    names = [r["participantName"] for r in rows]
    assert len(names) == len(set(names)) == SEATS
    assert Counter(r["status"] for r in rows) == {"PROCESSING": SEATS}
    seats = """query($id: ID!) { node(id: $id) { ... on CourseEvent { seatsAvailable } } }"""
    assert (await api.data(seats, {"id": event}, staff))["node"] == {"seatsAvailable": 0}
