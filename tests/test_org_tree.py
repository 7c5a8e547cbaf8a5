"""The organisation tree over GraphQL: nesting, paging, and constant statement counts."""

from __future__ import annotations

import pytest

from domain.core.orgtree import OrgUnitKind as K
from persistence.core.models import OrgUnit
from persistence.core.tree import create_unit
from persistence.db import Database
from tests.conftest import Api

TREE = """
query($id: ID!) {
  node(id: $id) {
    ... on OrgUnit {
      name
      children(first: 5) {
        totalCount
        nodes {
          name kind
          children(first: 100) {
            totalCount
            pageInfo { hasNextPage }
            nodes {
              name
              parent { name }
              children(first: 5) { totalCount nodes { name kind depth } }
            }
          }
        }
      }
    }
  }
}
"""


async def _grow(db: Database, board_name: str, schools: int, locations: int) -> None:
    async with db.transaction() as s:
        import sqlalchemy as sa

        board = (
            (await s.execute(sa.select(OrgUnit).where(OrgUnit.name == board_name))).scalars().one()
        )
        for i in range(schools):
            school = await create_unit(s, K.SCHOOL, f"School {i:03}", board)
            for j in range(locations):
                location = await create_unit(s, K.LOCATION, f"Locatie {i:03}-{j:03}", school)
                await create_unit(s, K.CLASS, f"Klas {i:03}-{j:03}", location)


async def _new_board(api: Api, name: str) -> str:
    async with api.database.transaction() as s:
        import sqlalchemy as sa

        platform = (
            (await s.execute(sa.select(OrgUnit).where(OrgUnit.kind == K.PLATFORM))).scalars().one()
        )
        await create_unit(s, K.SCHOOL_BOARD, name, platform)
    return await api.unit_id(name)


async def test_nested_tree_statements_do_not_grow_with_rows(api: Api) -> None:
    token = await api.login("beheer@portaal.example")
    small = await _new_board(api, "Klein Bestuur")
    await _grow(api.database, "Klein Bestuur", schools=5, locations=1)
    large = await _new_board(api, "Groot Bestuur")
    await _grow(api.database, "Groot Bestuur", schools=5, locations=100)

    small_data = await api.data(TREE, {"id": small}, token)
    small_statements = api.last_statements
    large_data = await api.data(TREE, {"id": large}, token)
    large_statements = api.last_statements

    small_locations = [
        loc for s in small_data["node"]["children"]["nodes"] for loc in s["children"]["nodes"]
    ]
    large_locations = [
        loc for s in large_data["node"]["children"]["nodes"] for loc in s["children"]["nodes"]
    ]
    assert len(small_locations) == 5
    assert len(large_locations) == 500
    assert all(len(loc["children"]["nodes"]) == 1 for loc in large_locations)
    assert large_locations[0]["parent"]["name"] == "School 000"
    assert large_data["node"]["children"]["nodes"][0]["children"]["totalCount"] == 100
    print(f"nested tree statements: 5 rows {small_statements}, 500 rows {large_statements}")
    assert small_statements == large_statements
    # auth (2) + root node + 3 levels x (page + count) + parents: a small constant.
    assert large_statements <= 12, large_statements


async def test_children_pages_forward_and_backward(api: Api) -> None:
    token = await api.login("beheer@portaal.example")
    board = await _new_board(api, "Paging Bestuur")
    await _grow(api.database, "Paging Bestuur", schools=7, locations=0)
    q = """query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
      node(id: $id) { ... on OrgUnit { children(first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { name } } } } }"""

    async def page(**kw: object) -> dict:
        return (await api.data(q, {"id": board, **kw}, token))["node"]["children"]

    first = await page(first=3)
    assert [n["name"] for n in first["nodes"]] == ["School 000", "School 001", "School 002"]
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    assert first["totalCount"] == 7
    second = await page(first=3, after=first["pageInfo"]["endCursor"])
    assert [n["name"] for n in second["nodes"]] == ["School 003", "School 004", "School 005"]
    assert second["pageInfo"]["hasPreviousPage"]
    third = await page(first=3, after=second["pageInfo"]["endCursor"])
    assert [n["name"] for n in third["nodes"]] == ["School 006"]
    assert not third["pageInfo"]["hasNextPage"]
    last = await page(last=2)
    assert [n["name"] for n in last["nodes"]] == ["School 005", "School 006"]
    assert last["pageInfo"]["hasPreviousPage"]
    before = await page(last=2, before=second["pageInfo"]["startCursor"])
    assert [n["name"] for n in before["nodes"]] == ["School 001", "School 002"]
    assert before["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("first", [101, -1])
async def test_page_size_is_bounded(api: Api, first: int) -> None:
    token = await api.login("beheer@portaal.example")
    board = await api.unit_id("Stichting Lindenhove Onderwijs")
    body = await api.query(
        "query($id: ID!, $f: Int) { node(id: $id) { ... on OrgUnit { children(first: $f) { totalCount } } } }",
        {"id": board, "f": first},
        token,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "tussen 0 en 100" in body["errors"][0]["message"]  # anonymous: Dutch


async def test_bad_cursor_is_bad_user_input(api: Api) -> None:
    token = await api.login("beheer@portaal.example")
    board = await api.unit_id("Stichting Lindenhove Onderwijs")
    body = await api.query(
        'query($id: ID!) { node(id: $id) { ... on OrgUnit { children(after: "bm9wZQ") { totalCount } } } }',
        {"id": board},
        token,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "cursor" in body["errors"][0]["message"]


async def test_descendants_with_kind_filter_and_search(api: Api) -> None:
    token = await api.login("administratie@lindenhove.example")
    school = await api.unit_id("Lindenhove College")
    data = await api.data(
        """query($id: ID!) { node(id: $id) { ... on OrgUnit {
            classes: descendants(kinds: [CLASS]) { totalCount nodes { name } }
            noord: descendants(search: "noord") { nodes { name kind } }
            ancestors { name kind } } } }""",
        {"id": school},
        token,
    )
    node = data["node"]
    assert node["classes"]["totalCount"] == 3
    assert sorted(n["name"] for n in node["classes"]["nodes"]) == ["3A", "3B", "4H"]
    assert node["noord"]["nodes"] == [{"name": "Locatie Noord", "kind": "LOCATION"}]
    assert [a["kind"] for a in node["ancestors"]] == ["PLATFORM", "SCHOOL_BOARD"]


async def test_nodes_returns_in_order_with_nulls(api: Api) -> None:
    token = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    zuid = await api.unit_id("Regio Zuid")
    data = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on OrgUnit { name } } }",
        {"ids": [zuid, noord, "T3JnVW5pdDo5OTk5"]},
        token,
    )
    assert data["nodes"] == [None, {"id": noord, "name": "Regio Noord"}, None]


async def test_a_read_awaited_inside_a_unit_of_work_fails_at_once(api: Api) -> None:
    """A request loader awaited inside a unit of work would wait for itself: it fails at once,
    and the unit of work's own loaders read on its session instead."""
    from persistence.core.tree import root
    from persistence.db import RequestSession

    session = RequestSession(api.database)
    try:
        async with session.unit_of_work(None, None) as uow:
            with pytest.raises(RuntimeError, match="inside a unit of work"):
                await session.read(root)
            assert (await uow.read(root)).parent_id is None
    finally:
        await session.close()


async def test_a_unit_of_work_rolls_back_unless_committed(api: Api) -> None:
    from persistence.core.models import OrgUnit
    from persistence.db import RequestSession

    session = RequestSession(api.database)
    try:
        async with session.unit_of_work(None, None) as uow:
            unit = await uow.get(OrgUnit, 1)
            assert unit is not None
            unit.name = "Renamed but never committed"
            await uow.flush()
        async with session.unit_of_work(None, None) as uow:
            again = await uow.get(OrgUnit, 1)
            assert again is not None and again.name != "Renamed but never committed"
            await uow.audit("TEST_EVENT", detail="kept")
            await uow.commit()
            assert uow.committed
    finally:
        await session.close()


def test_relation_providers_are_registered_per_area() -> None:
    """The school's relations come from its own provider, registered in the area registry."""
    from resolvers.school.relations import school_relation_facts
    from schema.areas import AREAS, RELATION_PROVIDERS

    by_area = {area.name: area.relations for area in AREAS}
    assert by_area["school"] == (school_relation_facts,)
    assert by_area["core"] == ()  # SELF and MEMBER follow from the person and the grants
    assert RELATION_PROVIDERS == (school_relation_facts,)
