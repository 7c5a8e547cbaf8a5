"""Permissions are decided once per object and scope, never once per field."""

from __future__ import annotations

from typing import Any

import pytest

from domain.core import roles
from tests.conftest import Api
from tests.helpers import set_seat_limit
from tests.test_academy_users import ADD, LIST, MAIL


def _count(value: Any) -> tuple[int, int]:
    """(objects, scalar fields) in a GraphQL response."""
    if isinstance(value, dict):
        pairs = [_count(v) for v in value.values()]
        return 1 + sum(o for o, _ in pairs), sum(f for _, f in pairs)
    if isinstance(value, list):
        pairs = [_count(v) for v in value]
        return sum(o for o, _ in pairs), sum(f for _, f in pairs)
    return 0, 1


async def test_a_page_of_100_learners_costs_one_decision_per_object_at_most(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await api.login("orgbeheer@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 600)
    await api.data(ADD, {"c": noord, "e": [f"perm{i:03}@example.org" for i in range(120)]}, admin)
    courses = (await api.data("{ courses { id } }", token=admin))["courses"]
    await api.data(
        """mutation($c: [ID!]!, $m: CourseMailInput!) { assignCourses(selection: {filter: {search: "perm"}}, courseIds: $c, mail: $m) { enrolmentsCreated } }""",
        {"c": [courses[0]["id"]], "m": MAIL},
        admin,
    )
    evaluations = 0
    real = roles.allows

    def counting(*args: Any) -> bool:
        nonlocal evaluations
        evaluations += 1
        return real(*args)

    monkeypatch.setattr(roles, "allows", counting)
    seen = {}
    for size in (10, 100):
        evaluations = 0
        data = await api.data(LIST, {"first": size, "f": {"search": "perm"}}, admin)
        assert len(data["learners"]["nodes"]) == size
        objects, fields = _count(data["learners"]["nodes"])
        seen[size] = (evaluations, objects, fields)
        # Each learner is one scope; its enrolments, person and labels share it or a unit's.
        assert evaluations <= objects, seen
        assert evaluations * 3 < fields, seen
    # The per-page cost is per learner: ten times the page, at most ten times the decisions.
    assert seen[100][0] <= 10 * seen[10][0] + 5, seen
    print(f"permission decisions (evaluations, objects, scalar fields): {seen}")
