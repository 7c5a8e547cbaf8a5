"""Bodies over the configured limit are refused with 413 before they are read whole."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson

from tests.conftest import Api


async def test_a_body_over_the_limit_is_refused_before_it_runs(api: Api) -> None:
    huge = "x" * 2_000_000
    before = api.database.statement_count
    response = await api.client.post(
        "/graphql",
        content=orjson.dumps(
            {"query": "query($s: String!) { __typename }", "variables": {"s": huge}}
        ),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": 1_000_000}
    assert api.database.statement_count == before, "nothing may run for a refused body"


async def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(api: Api) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"query": "{ __typename }", "variables": {"s": "'
        for _ in range(40):
            sent += 1
            yield b"y" * 100_000
        yield b'"}}'

    response = await api.client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_a_declared_length_that_is_not_a_number_is_refused(api: Api) -> None:
    response = await api.client.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"content-type": "application/json", "content-length": "12abc"},
    )
    assert response.status_code == 413


async def test_bodies_within_the_limit_are_served(api: Api) -> None:
    # 900 kB in a comment: strings in arguments have their own, smaller caps (lengths.py)
    body = await api.query("#" + "x" * 900_000 + '\n{ __type(name: "Nope") { name } }')
    assert body["data"] == {"__type": None}
