"""Fault test (issue 17): 20 simultaneous `addUsers` calls over real HTTP on a cluster with
exactly 10 seats left, against `portaal serve --workers 2` on PostgreSQL — two processes, two
connection pools, so only the row lock on the cluster's seats (`lock_cluster_seats`) keeps the
limit. Each call is all or nothing (resolvers/academy/users.py): added whole or refused whole."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import pytest

from tests.conftest import Api
from tests.helpers import set_seat_limit
from tests.live_server import live_workers, worker_processes

ADD = """mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) {
  seatsLeft results { entry outcome } errors { code field } } }"""
CALLS = 20
USED = 4  # Regio Noord's users in the demo data
SEATS_LEFT = 10


@pytest.mark.postgres_only
async def test_20_simultaneous_add_users_on_10_seats_left_with_2_workers(api: Api) -> None:
    if not api.database.is_postgres:
        pytest.skip("two processes on one database: PostgreSQL")
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", USED + SEATS_LEFT)
    before = (await api.data(ADD, {"c": noord, "e": []}, admin))["addUsers"]
    assert before["seatsLeft"] == SEATS_LEFT and before["errors"] == []
    # 1, 2 or 3 new addresses per call: 39 lines asked for 10 seats.
    lists = [[f"seat{i:02}.{j}@noord.example" for j in range(1 + i % 3)] for i in range(CALLS)]

    with live_workers(api.database.url, workers=2) as (base, pid):
        assert len(worker_processes(pid)) == 2  # really two worker processes
        limits = httpx.Limits(max_connections=CALLS, max_keepalive_connections=CALLS)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
            started = time.perf_counter()
            responses = await asyncio.gather(
                *(
                    client.post(
                        "/graphql",
                        json={"query": ADD, "variables": {"c": noord, "e": emails}},
                        headers={"authorization": f"Bearer {admin}"},
                    )
                    for emails in lists
                ),
                return_exceptions=True,
            )
            burst = time.perf_counter() - started

    assert [r for r in responses if isinstance(r, BaseException)] == []
    answered = [r for r in responses if isinstance(r, httpx.Response)]
    assert Counter(r.status_code for r in answered) == {200: CALLS}  # 0 × 5xx
    added_lines = refused_lines = accepted_calls = 0
    for emails, r in zip(lists, answered, strict=True):
        body = r.json()
        assert "errors" not in body, body
        payload = body["data"]["addUsers"]
        if payload["errors"]:
            # Refused whole: the seat limit, on the list, and not one line added.
            assert payload["errors"] == [{"code": "CONFLICT", "field": "emails"}]
            assert payload["results"] == []
            refused_lines += len(emails)
        else:
            # Accepted whole: one outcome per pasted line, in order, every one added.
            assert [(x["entry"], x["outcome"]) for x in payload["results"]] == [
                (e, "ADDED") for e in emails
            ]
            assert 0 <= payload["seatsLeft"] < SEATS_LEFT
            added_lines += len(emails)
            accepted_calls += 1
    print(
        f"\nfault: {CALLS} simultaneous addUsers ({sum(map(len, lists))} lines) on"
        f" {SEATS_LEFT} seats left, 2 workers: {accepted_calls} calls / {added_lines} lines"
        f" added, {CALLS - accepted_calls} calls / {refused_lines} lines refused, 0 x 5xx,"
        f" answered in {burst:.1f} s"
    )
    assert added_lines + refused_lines == sum(map(len, lists))
    assert 0 < added_lines <= SEATS_LEFT  # never above the limit
    # What the database holds: exactly the seats the answers gave out, no more.
    after = (await api.data(ADD, {"c": noord, "e": []}, admin))["addUsers"]
    assert after["seatsLeft"] == SEATS_LEFT - added_lines >= 0
    # The lists that fit in what was left after the burst were refused for a reason:
    # none of them would still fit (a refusal that was not needed would be a lost add).
    assert all(
        len(e) > after["seatsLeft"]
        for e, r in zip(lists, answered, strict=True)
        if r.json()["data"]["addUsers"]["errors"]
    )
