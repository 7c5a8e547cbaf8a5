"""`@requires(on: …)`: a root requirement binds to the object an argument names, before the
resolver runs; an object outside your reach answers exactly like a missing one."""

from __future__ import annotations

from tests.conftest import Api

SEATS = """mutation($c: ID!, $n: Int!) { setClusterSeatLimit(clusterId: $c, seatLimit: $n) {
  usage { seatLimit } errors { code field message } } }"""


async def test_a_unit_outside_your_reach_answers_like_a_missing_one(api: Api) -> None:
    org = await api.login("orgbeheer@zorgacademie.example")
    school_class = await api.unit_id("3A")
    outside = (await api.data(SEATS, {"c": school_class, "n": 5}, org))["setClusterSeatLimit"]
    missing = (await api.data(SEATS, {"c": "T3JnVW5pdDo5OTk5", "n": 5}, org))["setClusterSeatLimit"]
    garbage = (await api.data(SEATS, {"c": "not-an-id", "n": 5}, org))["setClusterSeatLimit"]
    assert outside == missing == garbage
    assert outside["usage"] is None
    assert outside["errors"] == [
        {
            "code": "NOT_FOUND",
            "field": "clusterId",
            "message": "Dit bestaat niet, of je mag het niet zien.",
        }
    ]


async def test_the_bound_check_runs_before_the_resolver_and_changes_nothing(api: Api) -> None:
    org = await api.login("orgbeheer@zorgacademie.example")
    zuid = await api.unit_id("Regio Zuid")
    before = api.database.statement_count
    await api.data(SEATS, {"c": await api.unit_id("3A"), "n": 5}, org)
    refused_statements = api.database.statement_count - before
    ok = (await api.data(SEATS, {"c": zuid, "n": 20}, org))["setClusterSeatLimit"]
    assert ok["errors"] == [] and ok["usage"] == {"seatLimit": 20}
    # A refusal authenticates and loads the unit, nothing else: no write, no audit row.
    assert refused_statements <= 5, refused_statements
    audit = await api.data(
        '{ auditEvents(first: 5, kind: "SEAT_LIMIT_SET") { totalCount } }',
        token=await api.login("beheer@portaal.example"),
    )
    assert audit["auditEvents"]["totalCount"] == 1
