"""No overselling: 200 concurrent `enrol` calls over real HTTP (uvicorn) on PostgreSQL for an
event with 20 seats. The event's row is locked for every change to its seats
(resolvers/institute/enrolments.py states the strategy)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from portaal.app import create_app
from tests.conftest import Api, make_settings
from tests.institute_setup import MARTIN, STAFF, WELZIJN, login_as
from tests.live_server import free_port

CREATE_EVENT = """mutation($i: CreateCourseEventInput!) { createCourseEvent(input: $i) {
  event { id capacity seatsAvailable } errors { code field } } }"""
INVITE = """mutation($e: String!, $u: ID!) { invitePerson(input: {email: $e, role: CONTACT,
  unitId: $u}) { person { id } errors { code } } }"""
ENROL = """mutation($e: ID!, $p: ID) { enrol(input: {eventId: $e, personId: $p, joinWaitlist: true}) {
  waitlisted enrolment { status } errors { code field } } }"""
LIST = """query($e: ID!, $after: String) { eventEnrolments(eventId: $e, first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { participantName status } } }"""


async def plan_event(api: Api, staff: str, capacity: int) -> str:
    courses = """{ courseEvents(first: 1) { nodes { course { id } } } }"""
    course = (await api.data(courses, token=staff))["courseEvents"]["nodes"][0]["course"]["id"]
    start = datetime.now(UTC) + timedelta(days=30)
    made = await api.data(
        CREATE_EVENT,
        {
            "i": {
                "courseId": course,
                "startsAt": start.isoformat(),
                "endsAt": (start + timedelta(hours=8)).isoformat(),
                "capacity": capacity,
                "enrolmentDeadline": (start - timedelta(days=7)).isoformat(),
                "cancellationDeadline": (start - timedelta(days=14)).isoformat(),
                "locationName": "De Brug, Groningen",
            }
        },
        staff,
    )
    assert made["createCourseEvent"]["errors"] == []
    assert made["createCourseEvent"]["event"]["seatsAvailable"] == capacity
    return made["createCourseEvent"]["event"]["id"]


@pytest.mark.postgres_only
async def test_200_concurrent_enrolments_over_http_never_oversell(api: Api) -> None:
    if not api.database.is_postgres:
        pytest.skip("real concurrency needs PostgreSQL")
    import uvicorn

    staff = await login_as(api, STAFF)
    event = await plan_event(api, staff, 20)
    martin = await login_as(api, MARTIN, WELZIJN)
    welzijn = await api.unit_id(WELZIJN)
    people = []
    for i in range(50):
        added = await api.data(INVITE, {"e": f"race{i:02}@welzijn.example", "u": welzijn}, martin)
        people.append(added["invitePerson"]["person"]["id"])

    # The real server on its own thread and event loop, with its own connection pool.
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(make_settings(api.database.url)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started
    try:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120
        ) as client:
            # Every person four times, interleaved: 200 calls at once.
            calls = [people[i % 50] for i in range(200)]
            responses = await asyncio.gather(
                *(
                    client.post(
                        "/graphql",
                        json={"query": ENROL, "variables": {"e": event, "p": p}},
                        headers={"authorization": f"Bearer {martin}"},
                    )
                    for p in calls
                )
            )
    finally:
        server.should_exit = True
        thread.join(timeout=30)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 200}, statuses
    outcomes: Counter[str] = Counter()
    for r in responses:
        body = r.json()
        assert "errors" not in body, body
        payload = body["data"]["enrol"]
        if payload["errors"]:
            outcomes[payload["errors"][0]["code"]] += 1
        else:
            outcomes[payload["enrolment"]["status"]] += 1
    # 50 people: 20 seated, 30 on the waiting list; every second try of a person is refused.
    assert outcomes == {"PROCESSING": 20, "WAITLISTED": 30, "ALREADY_EXISTS": 150}, outcomes

    rows: list[dict[str, str]] = []
    after = None
    while True:
        page = (await api.data(LIST, {"e": event, "after": after}, staff))["eventEnrolments"]
        rows += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    names = [r["participantName"] for r in rows]
    assert len(names) == len(set(names)) == 50  # no duplicates
    assert Counter(r["status"] for r in rows) == {"PROCESSING": 20, "WAITLISTED": 30}
    seats = """query($id: ID!) { node(id: $id) { ... on CourseEvent { seatsAvailable } } }"""
    assert (await api.data(seats, {"id": event}, staff))["node"] == {"seatsAvailable": 0}
