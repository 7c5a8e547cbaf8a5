"""Keyset cursors over HTTP: pages stay put when rows are added between requests, `last/before`
read backwards, and a deep page is the same single seek as the first (no OFFSET in the SQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tests.conftest import Api
from tests.helpers import set_seat_limit
from tests.test_academy_users import ADD

PAGE = """query($s: LearnerSort, $d: Boolean, $first: Int, $after: String, $last: Int, $before: String) {
  learners(filter: {search: "keyset", status: ALL}, sort: $s, descending: $d,
           first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { person { email } } } } }"""


@contextmanager
def statements(api: Api) -> Iterator[list[str]]:
    """The SQL run meanwhile; SQLAlchemy's SQLite dialect always writes `LIMIT ? OFFSET ?`,
    so there an OFFSET bound to 0 is left out of the text (it skips nothing)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        if statement.rstrip().endswith("OFFSET ?") and list(params)[-1] == 0:
            statement = statement.rstrip().removesuffix(" OFFSET ?")
        seen.append(statement)

    engine = api.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _setup(api: Api, emails: list[str]) -> tuple[str, str]:
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 500)
    added = await api.data(ADD, {"c": noord, "e": emails}, admin)
    assert added["addUsers"]["errors"] == []
    return admin, noord


def _emails(conn: dict[str, Any]) -> list[str]:
    return [e["node"]["person"]["email"] for e in conn["edges"]]


async def test_inserts_between_pages_give_no_duplicate_and_no_gap(api: Api) -> None:
    original = [f"keyset-m{i:02}@example.org" for i in range(10)]
    admin, noord = await _setup(api, original)

    async def page(**kw: Any) -> dict[str, Any]:
        return (await api.data(PAGE, {"s": "EMAIL", **kw}, admin))["learners"]

    seen: list[str] = []
    first = await page(first=4)
    seen += _emails(first)
    assert seen == original[:4]
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    # Two rows land before the cursor, two after it: an offset cursor would repeat one row of
    # the first page (and the row-count shift would hide nothing here, but repeat two).
    early = ["keyset-a1@example.org", "keyset-a2@example.org"]
    late = ["keyset-z1@example.org", "keyset-z2@example.org"]
    await api.data(ADD, {"c": noord, "e": early + late}, admin)
    cursor = first["pageInfo"]["endCursor"]
    while True:
        nxt = await page(first=4, after=cursor)
        assert nxt["pageInfo"]["hasPreviousPage"]
        seen += _emails(nxt)
        if not nxt["pageInfo"]["hasNextPage"]:
            break
        cursor = nxt["pageInfo"]["endCursor"]
    assert seen == original + late  # no duplicate, no gap; rows added before the cursor stay out
    assert nxt["totalCount"] == 14


async def test_name_sort_with_users_added_by_address_alone(api: Api) -> None:
    """The issue's reproduction: `learners(first:…, sort: NAME)` and `addUsers` in between.
    Users added by address have no name yet, so they sort before the named demo learners — in
    front of the cursor, where an offset cursor would shift every later page by one."""
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 500)
    q = PAGE.replace('filter: {search: "keyset", status: ALL}', "filter: {status: ALL}")

    async def page(**kw: Any) -> dict[str, Any]:
        return (await api.data(q, {"s": "NAME", **kw}, admin))["learners"]

    everyone = _emails(await page(first=100))
    assert len(everyone) >= 4
    seen = _emails(first := await page(first=2))
    await api.data(ADD, {"c": noord, "e": ["keyset-new@example.org"]}, admin)
    assert _emails(await page(first=1)) == ["keyset-new@example.org"]  # it sorts first
    cursor = first["pageInfo"]["endCursor"]
    while True:
        nxt = await page(first=2, after=cursor)
        seen += _emails(nxt)
        if not nxt["pageInfo"]["hasNextPage"]:
            break
        cursor = nxt["pageInfo"]["endCursor"]
    assert seen == everyone  # no duplicate, no gap


async def test_last_and_before_read_backwards_under_inserts(api: Api) -> None:
    original = [f"keyset-b{i:02}@example.org" for i in range(7)]
    admin, noord = await _setup(api, original)

    async def page(**kw: Any) -> dict[str, Any]:
        return (await api.data(PAGE, {"s": "EMAIL", **kw}, admin))["learners"]

    last = await page(last=3)
    assert _emails(last) == original[4:]
    assert last["pageInfo"]["hasPreviousPage"] and not last["pageInfo"]["hasNextPage"]
    # A row added after the page just read does not move the page before it.
    await api.data(ADD, {"c": noord, "e": ["keyset-b99@example.org"]}, admin)
    before = await page(last=3, before=last["pageInfo"]["startCursor"])
    assert _emails(before) == original[1:4]
    assert before["pageInfo"]["hasNextPage"] and before["pageInfo"]["hasPreviousPage"]
    rest = await page(last=3, before=before["pageInfo"]["startCursor"])
    assert _emails(rest) == original[:1]
    assert not rest["pageInfo"]["hasPreviousPage"]
    # Between two cursors, forwards.
    between = await page(
        first=10, after=rest["edges"][0]["cursor"], before=last["pageInfo"]["startCursor"]
    )
    assert _emails(between) == original[1:4]
    # Descending is the mirror image.
    down = await page(first=2, d=True)
    assert _emails(down) == ["keyset-b99@example.org", original[6]]
    down2 = await page(first=2, d=True, after=down["pageInfo"]["endCursor"])
    assert _emails(down2) == [original[5], original[4]]


async def test_a_cursor_from_another_sort_is_refused(api: Api) -> None:
    admin, _ = await _setup(api, [f"keyset-c{i}@example.org" for i in range(3)])
    first = (await api.data(PAGE, {"s": "EMAIL", "first": 1}, admin))["learners"]
    body = await api.query(
        PAGE, {"s": "NAME", "first": 1, "after": first["pageInfo"]["endCursor"]}, admin
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_deep_page_is_one_seek_without_offset(api: Api) -> None:
    emails = [f"keyset-d{i:03}@example.org" for i in range(60)]
    admin, _ = await _setup(api, emails)
    cursor = None
    costs: list[int] = []
    for n in range(6):
        with statements(api) as seen:
            conn = (await api.data(PAGE, {"s": "NAME", "first": 10, "after": cursor}, admin))[
                "learners"
            ]
        costs.append(len(seen))
        assert not [s for s in seen if " OFFSET " in s.upper()], n
        cursor = conn["pageInfo"]["endCursor"]
        assert len(conn["edges"]) == 10
    # The sixth page costs the statements the first one did (totalCount included).
    assert len(set(costs[1:])) == 1 and costs[-1] <= costs[0], costs


async def test_every_connection_hands_out_keyset_cursors(api: Api) -> None:
    """Children (batched), descendants, audit log, outbox: a page after the end cursor
    continues where the previous one stopped."""
    import base64
    import json

    token = await api.login("beheer@portaal.example")
    board = await api.unit_id("Stichting Lindenhove Onderwijs")
    for field in ("children", "descendants"):
        q = (
            "query($id: ID!, $a: String) { node(id: $id) { ... on OrgUnit { "
            + field
            + "(first: 2, after: $a) { pageInfo { endCursor hasNextPage } nodes { id } } } } }"
        )
        one = (await api.data(q, {"id": board}, token))["node"][field]
        two = (await api.data(q, {"id": board, "a": one["pageInfo"]["endCursor"]}, token))["node"][
            field
        ]
        assert not {n["id"] for n in one["nodes"]} & {n["id"] for n in two["nodes"]}
        raw = one["pageInfo"]["endCursor"]
        decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        assert decoded[0] == field
    for root in ("auditEvents", "outboxMails"):
        q = (
            "query($a: String) { "
            + root
            + "(first: 1, after: $a) { pageInfo { endCursor } nodes { id } } }"
        )
        one = (await api.data(q, {}, token))[root]
        if not one["nodes"]:
            continue
        two = (await api.data(q, {"a": one["pageInfo"]["endCursor"]}, token))[root]
        assert one["nodes"] != two["nodes"]
